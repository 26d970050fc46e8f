// Lets a subscriber pick their place on the map: a click moves the marker and fills the
// latitude and longitude fields named by data-pick-lat and data-pick-lon.
(function () {
  "use strict";
  document.querySelectorAll("[data-pick-lat]").forEach(function (el) {
    var lat = document.getElementById(el.getAttribute("data-pick-lat"));
    var lon = document.getElementById(el.getAttribute("data-pick-lon"));
    el.addEventListener("taawun:mapready", function (ev) {
      var map = ev.detail.map, marker = null;
      function place(ll) {
        if (marker) { marker.setLatLng(ll); } else { marker = L.circleMarker(ll, { radius: 8, color: "#b3261e" }).addTo(map); }
      }
      if (lat.value && lon.value) { place([parseFloat(lat.value), parseFloat(lon.value)]); }
      map.on("click", function (e) {
        lat.value = e.latlng.lat.toFixed(5);
        lon.value = e.latlng.lng.toFixed(5);
        place(e.latlng);
      });
    });
  });
}());
