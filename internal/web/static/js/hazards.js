// Hazard events: the list page's map of events (updated live from the node's event stream)
// and the event page's map of the impact footprint (intensity discs or warning areas).
// map.js fires taawun:mapready with the Leaflet map once the base geography is drawn.
(function () {
  "use strict";
  var levelColours = { green: "#2e7d32", yellow: "#f9a825", orange: "#ef6c00", red: "#c62828" };
  var mmiColours = { 5: "#fff176", 6: "#ffb74d", 7: "#ff8a65", 8: "#e53935", 9: "#b71c1c", 10: "#6a1b1b" };

  function td(text, dir) {
    var c = document.createElement("td");
    c.textContent = text;
    if (dir) { c.setAttribute("dir", dir); }
    return c;
  }

  // The list page.
  var list = document.getElementById("hazard-list");
  var listMap = document.getElementById("hazard-map");
  if (list && listMap) {
    var labels = JSON.parse(list.getAttribute("data-labels") || "{}");
    var markers = null;
    var draw = function (map) {
      if (markers) { markers.remove(); }
      markers = L.layerGroup().addTo(map);
      var n = 0;
      list.querySelectorAll("tbody tr[data-id]").forEach(function (tr) {
        var lat = parseFloat(tr.getAttribute("data-lat")), lon = parseFloat(tr.getAttribute("data-lon"));
        if (isNaN(lat) || isNaN(lon)) { return; }
        var c = levelColours[tr.getAttribute("data-level")] || "#37474f";
        var m = L.circleMarker([lat, lon], { radius: 6, color: c, fillColor: c, fillOpacity: 0.7, weight: 1 });
        var a = document.createElement("a");
        a.href = "/hazards/" + tr.getAttribute("data-id");
        a.textContent = tr.querySelector("a").textContent;
        a.setAttribute("dir", "auto");
        m.bindPopup(a);
        m.addTo(markers);
        n++;
      });
      listMap.setAttribute("data-events-drawn", String(n));
    };
    var rebuild = function (events) {
      var body = list.querySelector("tbody");
      while (body.firstChild) { body.removeChild(body.firstChild); }
      events.forEach(function (e) {
        var tr = document.createElement("tr");
        tr.setAttribute("data-id", e.id);
        tr.setAttribute("data-lat", e.lat);
        tr.setAttribute("data-lon", e.lon);
        tr.setAttribute("data-level", e.alert_level || "");
        tr.appendChild(td(e.time.replace("T", " ").slice(0, 16) + " UTC", "ltr"));
        tr.appendChild(td(labels[e.type] || e.type));
        var cell = document.createElement("td");
        var a = document.createElement("a");
        a.href = "/hazards/" + e.id;
        a.textContent = e.title || e.id;
        a.setAttribute("dir", "auto");
        cell.appendChild(a);
        tr.appendChild(cell);
        tr.appendChild(td(e.magnitude !== undefined ? e.magnitude.toFixed(1) : "", "ltr"));
        tr.appendChild(td(e.alert_level ? (labels["level." + e.alert_level] || e.alert_level) : ""));
        tr.appendChild(td(String(e.revision), "ltr"));
        body.appendChild(tr);
      });
    };
    listMap.addEventListener("taawun:mapready", function (ev) {
      var map = ev.detail.map;
      draw(map);
      if (!window.EventSource) { return; }
      var pending = null;
      var source = new EventSource(list.getAttribute("data-events-url"));
      source.onmessage = function (msg) {
        var data;
        try { data = JSON.parse(msg.data); } catch (err) { return; }
        if (!data.kind || data.kind.indexOf("hazard.event.") !== 0 || pending) { return; }
        // Events come in bursts when a feed is read: refresh once per burst.
        pending = setTimeout(function () {
          pending = null;
          fetch(list.getAttribute("data-list-url"), { credentials: "same-origin" })
            .then(function (r) { if (!r.ok) { throw new Error("HTTP " + r.status); } return r.json(); })
            .then(function (body) { rebuild(body.events); draw(map); })
            .catch(function (err) { list.setAttribute("data-refresh-error", String(err)); });
        }, 500);
      };
    });
  }

  // The event page.
  var impactMap = document.getElementById("impact-map");
  if (impactMap) {
    impactMap.addEventListener("taawun:mapready", function (ev) {
      var map = ev.detail.map;
      var lat = parseFloat(impactMap.getAttribute("data-lat")), lon = parseFloat(impactMap.getAttribute("data-lon"));
      var epicentre = L.circleMarker([lat, lon], { radius: 7, color: "#000", weight: 2, fillColor: "#fff", fillOpacity: 1 });
      fetch(impactMap.getAttribute("data-impact-url"), { credentials: "same-origin" })
        .then(function (r) { if (!r.ok) { throw new Error("HTTP " + r.status); } return r.json(); })
        .then(function (imp) {
          var fc = imp.footprint || { type: "FeatureCollection", features: [] };
          // Draw the weakest band first so stronger discs lie on top.
          fc.features.sort(function (a, b) { return (a.properties.mmi || 0) - (b.properties.mmi || 0); });
          var layer = L.geoJSON(fc, {
            style: function (f) {
              var c = mmiColours[Math.min(f.properties.mmi || 0, 10)] || "#1565c0";
              return { color: c, weight: 1, fillColor: c, fillOpacity: 0.35 };
            },
            onEachFeature: function (f, l) {
              if (f.properties.mmi) { l.bindTooltip("MMI " + f.properties.mmi + " · " + (f.properties.population || 0)); }
            }
          }).addTo(map);
          epicentre.addTo(map);
          if (fc.features.length > 0) {
            map.fitBounds(layer.getBounds(), { maxZoom: 9, padding: [20, 20] });
          } else {
            map.setView([lat, lon], 7);
          }
          impactMap.setAttribute("data-impact-drawn", String(fc.features.length));
        })
        .catch(function (err) { impactMap.setAttribute("data-impact-error", String(err)); });
    });
  }
}());
