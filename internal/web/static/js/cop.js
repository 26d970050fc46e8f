/*
 * cop.js draws the common operating picture on the map map.js makes: one layer per kind of
 * record from /api/v1/cop for the visible box, with the layer toggles and filters of the page,
 * refreshed when the map moves and, live, when the event stream announces an operational change.
 * The stream carries the events of the viewer's own organisations; records other organisations
 * share with the viewer are picked up by a refresh every minute. The key figures above the map
 * are refreshed with it.
 *
 * Beside the records it draws the warnings in effect (areas coloured by CAP severity) and the
 * hazard events (coloured by alert level), each with a popup linking to its page. Whenever it
 * refreshes the figures it tells the charts (cop-charts.js) with a "taawun:opschanged" event.
 *
 * Attributes read from #cop-map: data-cop-url, data-events-url, data-labels (JSON of layer,
 * status and property names in the page's language), data-own-labels (JSON of the warnings and
 * hazard layers' names and vocabularies).
 * Attributes written on #cop-map: data-features-<layer> (features drawn), data-refreshed (count).
 * No inline handlers or eval: works under script-src 'self'.
 */
(function () {
  "use strict";
  var el = document.getElementById("cop-map");
  if (!el) { return; }
  var labels = {};
  try { labels = JSON.parse(el.getAttribute("data-labels") || "{}"); } catch (e) { labels = {}; }
  var own = {};
  try { own = JSON.parse(el.getAttribute("data-own-labels") || "{}"); } catch (e) { own = {}; }
  labels.layer = labels.layer || {};
  Object.keys(own.layer || {}).forEach(function (k) { labels.layer[k] = own.layer[k]; });
  var COLORS = { alert: "#e67e22", hazard: "#6c3483", incident: "#c0392b", shelter: "#2471a3", warehouse: "#7d6608", team: "#1e8449", request: "#d35400", offer: "#8e44ad", distribution: "#117a65" };
  var SEVERITY_COLORS = { Extreme: "#7b241c", Severe: "#e74c3c", Moderate: "#f39c12", Minor: "#f4d03f" };
  var LEVEL_COLORS = { red: "#c0392b", orange: "#e67e22", yellow: "#f1c40f", green: "#27ae60" };
  var OPEN = "active,contained,open,full,standby,deployed,dispatched";
  var LIVE_KINDS = /^(incident|task|shelter|team|warehouse|request|offer|distribution|stock|log|sitrep|checklist|alert|hazard)\./;
  var lang = document.documentElement.lang || "en";
  var filters = document.getElementById("cop-filters");
  var statusEl = document.getElementById("cop-status");
  var figures = document.getElementById("cop-figures");
  var drawn = {};
  var map = null;
  var seq = 0;
  var refreshed = 0;
  var timer = null;

  function clamp(v, lo, hi) { return Math.max(lo, Math.min(hi, v)); }

  function query() {
    var b = map.getBounds();
    var box = [clamp(b.getWest(), -180, 180), clamp(b.getSouth(), -90, 90), clamp(b.getEast(), -180, 180), clamp(b.getNorth(), -90, 90)];
    var layers = [];
    Array.prototype.forEach.call(filters.querySelectorAll('input[name="layer"]'), function (c) { if (c.checked) { layers.push(c.value); } });
    var q = "bbox=" + box.map(function (n) { return n.toFixed(4); }).join(",") + "&layers=" + layers.join(",");
    var incident = filters.elements.incident.value;
    if (incident) { q += "&incident=" + encodeURIComponent(incident); }
    if (filters.elements.open_only.checked) { q += "&status=" + OPEN; }
    return { q: q, layers: layers };
  }

  function line(parent, text) {
    var div = document.createElement("div");
    div.setAttribute("dir", "auto");
    div.textContent = text;
    parent.appendChild(div);
  }

  function when(iso) {
    var d = new Date(iso);
    if (isNaN(d.getTime())) { return iso || ""; }
    try { return d.toLocaleString(lang, { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" }) + " UTC"; } catch (e) { return iso; }
  }

  function vocab(set, v) { return ((own[set] || {})[v]) || v; }

  // popupOwn is the popup of a warning or a hazard event: its title linked to its page.
  function popupOwn(kind, f) {
    var p = f.properties || {};
    var t = own.text || {};
    var box = document.createElement("div");
    var title = document.createElement("a");
    title.href = p.link;
    title.setAttribute("dir", "auto");
    title.textContent = kind === "alert" ? p.headline : (p.title || vocab("hazard_type", p.type));
    box.appendChild(title);
    if (kind === "alert") {
      line(box, labels.layer.alert + " · " + vocab("status", p.status));
      if (p.event) { line(box, t.event + ": " + p.event); }
      line(box, t.severity + ": " + vocab("severity", p.severity) + " · " + t.urgency + ": " + vocab("urgency", p.urgency));
      if (p.areas) { line(box, t.areas + ": " + p.areas); }
      line(box, t.expires + ": " + when(p.expires));
    } else {
      line(box, labels.layer.hazard + " · " + vocab("hazard_type", p.type));
      if (p.magnitude !== undefined) { line(box, t.magnitude + ": " + new Intl.NumberFormat(lang, { maximumFractionDigits: 1, minimumFractionDigits: 1 }).format(p.magnitude)); }
      if (p.alert_level) { line(box, t.level + ": " + vocab("level", p.alert_level)); } else if (p.severity) { line(box, t.severity + ": " + vocab("severity", p.severity)); }
      line(box, t.time + ": " + when(p.time));
    }
    return box;
  }

  function popup(kind, f) {
    if (kind === "alert" || kind === "hazard") { return popupOwn(kind, f); }
    var p = f.properties || {};
    var box = document.createElement("div");
    var title = document.createElement(kind === "incident" ? "a" : "strong");
    title.textContent = p.title || "";
    title.setAttribute("dir", "auto");
    if (kind === "incident") { title.href = "/ops/incidents/" + encodeURIComponent(f.id); }
    box.appendChild(title);
    line(box, ((labels.layer || {})[kind] || kind) + " · " + ((labels.status || {})[p.status] || p.status));
    Object.keys(labels.prop || {}).forEach(function (k) {
      if (p[k] === undefined || p[k] === "") { return; }
      var v = (labels[k] && labels[k][p[k]]) || p[k];
      line(box, labels.prop[k] + ": " + v);
    });
    return box;
  }

  function draw(kind, fc) {
    if (drawn[kind]) { map.removeLayer(drawn[kind]); delete drawn[kind]; }
    if (!fc) { el.removeAttribute("data-features-" + kind); return; }
    var colorOf = function (f) {
      var p = (f && f.properties) || {};
      if (kind === "alert") { return SEVERITY_COLORS[p.severity] || COLORS.alert; }
      if (kind === "hazard") { return LEVEL_COLORS[p.alert_level] || SEVERITY_COLORS[p.severity] || COLORS.hazard; }
      return COLORS[kind] || "#333";
    };
    drawn[kind] = L.geoJSON(fc, {
      style: function (f) {
        if (kind === "alert") { return { color: colorOf(f), weight: 2, dashArray: "6 4", fillOpacity: 0.12 }; }
        return { color: colorOf(f), weight: 2, fillOpacity: 0.15 };
      },
      pointToLayer: function (f, latlng) {
        if (kind === "hazard") {
          return L.circleMarker(latlng, { radius: 10, color: COLORS.hazard, weight: 3, fillColor: colorOf(f), fillOpacity: 0.6 });
        }
        return L.circleMarker(latlng, { radius: kind === "incident" ? 9 : 6, color: "#fff", weight: 1, fillColor: colorOf(f), fillOpacity: 0.9 });
      },
      onEachFeature: function (f, layer) { layer.bindPopup(function () { return popup(kind, f); }); }
    }).addTo(map);
    el.setAttribute("data-features-" + kind, String(fc.features.length));
  }

  function refresh() {
    if (!map) { return; }
    var mine = ++seq;
    var q = query();
    fetch(el.getAttribute("data-cop-url") + "?" + q.q, { credentials: "same-origin" }).then(function (res) {
      if (!res.ok) { throw new Error("HTTP " + res.status); }
      return res.json();
    }).then(function (json) {
      if (mine !== seq) { return; }
      Object.keys(COLORS).forEach(function (kind) { draw(kind, json[kind]); });
      var truncated = Object.keys(json).filter(function (k) { return json[k].truncated; });
      statusEl.textContent = truncated.length ? "… " + truncated.map(function (k) { return (labels.layer || {})[k] || k; }).join(", ") : "";
      refreshed++;
      el.setAttribute("data-refreshed", String(refreshed));
    }).catch(function (err) { statusEl.textContent = err.message; });
  }

  function refreshFigures() {
    fetch(figures.getAttribute("data-dashboard-url"), { credentials: "same-origin" }).then(function (res) { return res.json(); }).then(function (d) {
      var c = d.counts || {};
      function n(kind, st) { return (c[kind] && c[kind][st]) || 0; }
      var set = function (name, v) { var e = figures.querySelector('[data-figure="' + name + '"]'); if (e) { e.textContent = String(v); } };
      set("incidents", n("incident", "active") + n("incident", "contained"));
      set("sheltered", (d.sheltered || 0) + " / " + (d.shelter_capacity || 0));
      set("teams", n("team", "deployed"));
      set("requests", n("request", "open") + n("request", "dispatched"));
      set("overdue", d.overdue_tasks || 0);
    });
    document.dispatchEvent(new Event("taawun:opschanged"));
  }

  function schedule() {
    if (timer) { clearTimeout(timer); }
    timer = setTimeout(function () { timer = null; refresh(); refreshFigures(); }, 400);
  }

  el.addEventListener("taawun:mapready", function (ev) {
    map = ev.detail.map;
    map.on("moveend", function () { refresh(); });
    refresh();
  });
  filters.addEventListener("change", refresh);
  setInterval(schedule, 60000);
  if (window.EventSource) {
    var source = new EventSource(el.getAttribute("data-events-url"));
    source.onmessage = function (e) {
      var data;
      try { data = JSON.parse(e.data); } catch (err) { return; }
      if (LIVE_KINDS.test(data.kind || "")) { schedule(); }
    };
  }
}());
