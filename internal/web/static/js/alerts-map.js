// Draws the current warnings' areas on the public map, coloured by severity, each linking to
// its page. map.js fires taawun:mapready with the Leaflet map once the base geography is drawn.
(function () {
  "use strict";
  var colours = { Extreme: "#7f0000", Severe: "#c62828", Moderate: "#ef6c00", Minor: "#f9a825", Unknown: "#6d4c41" };
  document.querySelectorAll("[data-alerts-url]").forEach(function (el) {
    el.addEventListener("taawun:mapready", function (ev) {
      var map = ev.detail.map;
      fetch(el.getAttribute("data-alerts-url"), { credentials: "same-origin" })
        .then(function (r) { if (!r.ok) { throw new Error("HTTP " + r.status); } return r.json(); })
        .then(function (fc) {
          var layer = L.geoJSON(fc, {
            style: function (f) {
              var c = colours[f.properties.severity] || colours.Unknown;
              return { color: c, weight: 2, fillColor: c, fillOpacity: 0.35 };
            },
            onEachFeature: function (f, l) {
              var a = document.createElement("a");
              a.href = f.properties.url;
              a.textContent = f.properties.headline + " — " + f.properties.area;
              a.setAttribute("dir", "auto");
              l.bindPopup(a);
            }
          }).addTo(map);
          if (fc.features.length > 0) { map.fitBounds(layer.getBounds(), { maxZoom: 9, padding: [20, 20] }); }
          el.setAttribute("data-alerts-drawn", String(fc.features.length));
        })
        .catch(function (err) { el.setAttribute("data-alerts-error", String(err)); });
    });
  });
}());
