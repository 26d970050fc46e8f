// Live checks in the warning composer. As the officer types, the form is sent (debounced) to
// /api/v1/alerts/preview, which answers with what would stop the draft, the pk profile's CAP
// findings, how many recipients are inside the area, and each language's SMS with its encoding
// (GSM-7 or UCS-2) and segment count. The server is the single authority on all of these.
(function () {
  "use strict";
  var form = document.querySelector("form.compose");
  if (!form || !window.fetch) { return; }
  var panel = document.getElementById("preview");
  var csrf = form.querySelector("input[name=csrf]").value;
  var langs = ["en", "ur", "ru", "zh"];
  function val(name) { var el = form.elements[name]; return el ? el.value.trim() : ""; }
  function lines(name) { return val(name).split("\n").map(function (s) { return s.trim(); }).filter(Boolean); }
  function utc(name) { var v = val(name); return v ? v + ":00Z" : null; }
  function body() {
    var texts = {};
    langs.forEach(function (l) {
      var t = { headline: val("headline_" + l), description: val("description_" + l), instruction: val("instruction_" + l), area_desc: val("areadesc_" + l) };
      if (t.headline || t.description || t.instruction) { texts[l] = t; }
    });
    var areas = [];
    for (var i = 0; i < 3; i++) {
      var sel = form.elements["area_regions_" + i];
      var regions = sel ? Array.prototype.filter.call(sel.options, function (o) { return o.selected; }).map(function (o) { return o.value; }) : [];
      var a = { desc: val("area_desc_" + i), polygons: lines("area_polygons_" + i), circles: lines("area_circles_" + i), regions: regions };
      if (a.desc || a.polygons.length || a.circles.length || a.regions.length) { areas.push(a); }
    }
    var responses = Array.prototype.filter.call(form.querySelectorAll("input[name=response]"), function (c) { return c.checked; })
      .map(function (c) { return c.value; });
    var content = { texts: texts, urgency: val("urgency"), severity: val("severity"), certainty: val("certainty"),
      response_types: responses, areas: areas, web: val("web"), contact: val("contact"), note: val("note") };
    var expires = utc("expires"), onset = utc("onset");
    if (expires) { content.expires = expires; }
    if (onset) { content.onset = onset; }
    return { hazard: val("hazard") || form.getAttribute("data-hazard"), cap_status: val("cap_status") || form.getAttribute("data-status"), content: content };
  }
  function li(text, cls) { var e = document.createElement("li"); e.textContent = text; if (cls) { e.className = cls; } return e; }
  function show(p) {
    panel.querySelector("[data-recipients]").textContent = p.recipients === undefined || p.recipients === null ? "—" : String(p.recipients);
    panel.setAttribute("data-recipients", p.recipients === undefined || p.recipients === null ? "" : String(p.recipients));
    var list = panel.querySelector("[data-problems]");
    list.textContent = "";
    (p.problems || []).forEach(function (x) { list.appendChild(li(x.field + ": " + x.message, "error")); });
    (p.findings || []).forEach(function (x) { list.appendChild(li(x.severity + " " + x.code + ": " + x.message, x.severity)); });
    panel.setAttribute("data-valid", p.valid ? "true" : "false");
    langs.forEach(function (l) {
      var out = form.querySelector("[data-sms-lang=" + l + "] [data-sms-count]");
      var s = p.sms && p.sms[l];
      if (!out) { return; }
      out.textContent = s ? "SMS: " + s.units + " · " + s.encoding + " · " + s.segments : "";
      out.setAttribute("data-segments", s ? String(s.segments) : "0");
      out.setAttribute("data-encoding", s ? s.encoding : "");
    });
  }
  var timer = null, seq = 0;
  function check() {
    var mine = ++seq;
    fetch("/api/v1/alerts/preview", { method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf }, body: JSON.stringify(body()) })
      .then(function (r) { return r.json(); })
      .then(function (p) { if (mine === seq) { show(p); } })
      .catch(function () { /* the form still works without the preview */ });
  }
  form.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(check, 400); });
  form.addEventListener("change", function () { clearTimeout(timer); timer = setTimeout(check, 100); });
  check();
}());
