/*
 * cop-charts.js draws the operating picture's charts from /api/v1/ops/charts: open incidents by
 * hazard and status, shelter occupancy against capacity, requests by urgency and status, and the
 * casualty totals of the situation reports. The bars are plain elements laid out by CSS flexbox
 * (static/css/ops.css), so they run from the inline start: right to left in Urdu, with no
 * mirroring code. Numbers are formatted for the page's language.
 *
 * It draws on load and again on each "taawun:opschanged" event, which cop.js sends whenever the
 * key figures are refreshed (an operational change announced by the event stream, or the
 * minute's refresh).
 *
 * Attributes read: #cop-charts data-charts-url; #cop-map data-labels and data-own-labels (the
 * names of statuses, hazards, urgencies and figures in the page's language).
 * Attributes written: #cop-charts data-refreshed (count); each figure data-rows (bars drawn).
 * No inline handlers or eval: works under script-src 'self'.
 */
(function () {
  "use strict";
  var root = document.getElementById("cop-charts");
  var mapEl = document.getElementById("cop-map");
  if (!root || !mapEl) { return; }
  function parse(attr) {
    try { return JSON.parse(mapEl.getAttribute(attr) || "{}"); } catch (e) { return {}; }
  }
  var labels = parse("data-labels");
  var own = parse("data-own-labels");
  var text = own.text || {};
  var lang = document.documentElement.lang || "en";
  var fmt = new Intl.NumberFormat(lang);
  var INCIDENT_STATUSES = ["active", "contained"];
  var REQUEST_STATUSES = ["open", "dispatched", "delivered"];
  // The casualty chart's groups, each on its own scale: deaths are not lost beside thousands
  // displaced.
  var FIGURE_GROUPS = [["dead", "injured", "missing"], ["affected", "displaced", "evacuated"]];
  var refreshed = 0;
  var seq = 0;

  function el(tag, cls, content) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (content !== undefined) { e.textContent = content; }
    return e;
  }

  function name(set, key) { return ((labels[set] || {})[key]) || key || "—"; }

  // row appends one bar: a label, a track with one segment per part, and the value text.
  // parts are {value, cls, title}; scale is the value of a full track.
  function row(box, key, label, parts, scale, value, ltr) {
    var r = el("div", "bar-row");
    r.setAttribute("data-key", key);
    var l = el("span", "bar-label", label);
    l.setAttribute("dir", "auto");
    r.appendChild(l);
    var track = el("span", "bar-track");
    parts.forEach(function (p) {
      if (!p.value || !scale) { return; }
      var seg = el("span", "seg " + p.cls);
      seg.style.width = Math.max(0.5, 100 * p.value / scale) + "%";
      seg.title = p.title + ": " + fmt.format(p.value);
      track.appendChild(seg);
    });
    r.appendChild(track);
    var v = el("span", "bar-value", value);
    if (ltr) { v.setAttribute("dir", "ltr"); }
    r.appendChild(v);
    box.appendChild(r);
  }

  function legend(box, statuses) {
    var ul = el("ul", "chart-legend");
    statuses.forEach(function (st) {
      var li = el("li");
      li.appendChild(el("span", "swatch seg-" + st));
      li.appendChild(document.createTextNode(name("status", st)));
      ul.appendChild(li);
    });
    box.appendChild(ul);
  }

  function sum(counts) { return Object.keys(counts).reduce(function (n, k) { return n + counts[k]; }, 0); }

  // stacked draws rows of counts by status, all on one scale.
  function stacked(box, rows, set, statuses) {
    var scale = rows.reduce(function (m, r) { return Math.max(m, sum(r.counts)); }, 0);
    rows.forEach(function (r) {
      var parts = statuses.map(function (st) { return { value: r.counts[st] || 0, cls: "seg-" + st, title: name("status", st) }; });
      row(box, r.key, name(set, r.key), parts, scale, fmt.format(sum(r.counts)));
    });
    if (rows.length) { legend(box, statuses); }
    return rows.length;
  }

  function shelters(box, s) {
    var scale = s.top.reduce(function (m, b) { return Math.max(m, b.capacity, b.occupants); }, 0);
    s.top.forEach(function (b) {
      row(box, b.id, b.title, [{ value: b.occupants, cls: b.occupants > b.capacity ? "seg-over" : "seg-occupied", title: name("prop", "occupants") },
        { value: Math.max(0, b.capacity - b.occupants), cls: "seg-free", title: name("prop", "capacity") }], scale,
        fmt.format(b.occupants) + " / " + fmt.format(b.capacity), true);
    });
    if (s.count > 0) {
      var all = Math.max(s.capacity, s.occupants);
      row(box, "total", text.total, [{ value: s.occupants, cls: "seg-occupied", title: name("prop", "occupants") },
        { value: Math.max(0, s.capacity - s.occupants), cls: "seg-free", title: name("prop", "capacity") }], all,
        fmt.format(s.occupants) + " / " + fmt.format(s.capacity), true);
      box.lastChild.classList.add("bar-total");
    }
    return s.top.length;
  }

  function casualties(box, c) {
    if (!c.incidents) { return 0; }
    var n = 0;
    FIGURE_GROUPS.forEach(function (group, i) {
      var names = group.filter(function (f) { return f in c.figures; });
      var scale = names.reduce(function (m, f) { return Math.max(m, c.figures[f]); }, 0);
      names.forEach(function (f, j) {
        var label = (own.figure || {})[f] || f;
        row(box, f, label, [{ value: c.figures[f], cls: "seg-" + f, title: label }], scale, fmt.format(c.figures[f]));
        if (i > 0 && j === 0) { box.lastChild.classList.add("bar-group"); }
      });
      n += names.length;
    });
    box.appendChild(el("p", "hint", (text.reporting || "%d").replace("%d", fmt.format(c.incidents))));
    return n;
  }

  function draw(d) {
    var drawers = {
      incidents: function (box) { return stacked(box, d.incidents, "hazard", INCIDENT_STATUSES); },
      shelters: function (box) { return shelters(box, d.shelters); },
      requests: function (box) { return stacked(box, d.requests, "urgency", REQUEST_STATUSES); },
      casualties: function (box) { return casualties(box, d.casualties); }
    };
    Object.keys(drawers).forEach(function (k) {
      var fig = root.querySelector('[data-chart="' + k + '"]');
      var box = fig.querySelector(".bars");
      box.textContent = "";
      var n = drawers[k](box);
      if (!n) { box.appendChild(el("p", "hint", text.empty)); }
      fig.setAttribute("data-rows", String(n));
    });
    root.querySelector("[data-chart-note]").hidden = !d.truncated;
  }

  function refresh() {
    var mine = ++seq;
    fetch(root.getAttribute("data-charts-url"), { credentials: "same-origin" }).then(function (res) {
      if (!res.ok) { throw new Error("HTTP " + res.status); }
      return res.json();
    }).then(function (d) {
      if (mine !== seq) { return; }
      draw(d);
      refreshed++;
      root.setAttribute("data-refreshed", String(refreshed));
    }).catch(function () { /* the next change or the minute's refresh tries again */ });
  }

  document.addEventListener("taawun:opschanged", refresh);
  refresh();
}());
