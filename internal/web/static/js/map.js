/*
 * map.js draws the offline base map on every element with the
 * data-taawun-map attribute. It needs leaflet.js loaded first and no tile
 * server: the sea is the container background, land is drawn from GeoJSON.
 *
 * Attributes read from the element:
 *   data-countries-url   GeoJSON of the member states (required)
 *   data-provinces-url   GeoJSON of their provinces (optional)
 *   data-neighbours-url  GeoJSON of other countries, drawn as plain land (optional)
 *   data-fit             "sco" for all member states, or an ISO 3166-1
 *                        alpha-2 code; default "PK"
 *   data-attribution     attribution text; default "Natural Earth"
 * Attributes written:
 *   data-countries-drawn, data-provinces-drawn  feature counts, once drawn
 *   data-map-error       message, if loading failed
 * Event dispatched on the element when drawing is done:
 *   "taawun:mapready" with detail.map (the L.Map).
 *
 * Labels follow document.documentElement.lang (en, ur, ru, zh).
 * No inline handlers or eval: works under script-src 'self'.
 */
(function () {
  "use strict";

  var LANGS = ["en", "ur", "ru", "zh"];
  var COLORS = {
    sea: "#a8cfe0",
    land: "#f3efe6",
    otherLand: "#e3ded3",
    otherBorder: "#c4bcae",
    border: "#6f6250",
    province: "#9c907e",
    highlight: "#c0392b"
  };
  var LABEL_MIN_WIDTH = 70; // pixels
  var FONT = {
    ur: '"Noto Nastaliq Urdu", "Noto Naskh Arabic", serif',
    zh: '"Noto Sans SC", "Noto Sans CJK SC", sans-serif'
  };

  function pageLang() {
    var lang = (document.documentElement.lang || "en").toLowerCase().split("-")[0];
    return LANGS.indexOf(lang) >= 0 ? lang : "en";
  }

  function isRTL(lang) {
    var dir = (document.documentElement.dir || "").toLowerCase();
    return dir ? dir === "rtl" : lang === "ur";
  }

  function escapeHTML(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  // The Russian Far East crosses the antimeridian: draw longitudes west of
  // -150 one turn further east so Chukotka joins the rest of Russia.
  function coordsToLatLng(c) {
    return L.latLng(c[1], c[0] < -150 ? c[0] + 360 : c[0]);
  }

  function label(props, lang) {
    var text = props["name_" + lang] || props.name_en || "";
    var span = document.createElement("span");
    span.className = "taawun-map-label";
    span.textContent = text;
    if (props["name_" + lang]) {
      span.lang = lang;
      span.dir = lang === "ur" ? "rtl" : "ltr";
      if (FONT[lang]) span.style.fontFamily = FONT[lang];
    }
    return span;
  }

  function getJSON(url) {
    return fetch(url, { credentials: "same-origin" }).then(function (res) {
      if (!res.ok) throw new Error(url + ": HTTP " + res.status);
      return res.json();
    });
  }

  // Bounds of the largest polygon part, so a country's label sits on its
  // main land mass rather than on an island.
  function mainBounds(layer) {
    var best = null;
    var bestSize = -1;
    var latlngs = layer.getLatLngs();
    var parts = L.LineUtil.isFlat(latlngs[0]) ? [latlngs] : latlngs;
    parts.forEach(function (part) {
      var b = L.latLngBounds(part[0]);
      var size = (b.getNorth() - b.getSouth()) * (b.getEast() - b.getWest());
      if (size > bestSize) {
        best = b;
        bestSize = size;
      }
    });
    return best;
  }

  function drawNeighbours(map, data) {
    L.geoJSON(data, {
      coordsToLatLng: coordsToLatLng,
      interactive: false,
      style: function () {
        return { color: COLORS.otherBorder, weight: 0.8, fillColor: COLORS.otherLand, fillOpacity: 1 };
      }
    }).addTo(map);
  }

  // Country names are permanent labels, shown only where the country's
  // main land mass is wide enough on screen to hold one.
  function drawCountries(map, data, lang) {
    var labels = [];
    var layer = L.geoJSON(data, {
      coordsToLatLng: coordsToLatLng,
      style: function () {
        return { color: COLORS.border, weight: 1.4, fillColor: COLORS.land, fillOpacity: 1 };
      },
      onEachFeature: function (feature, l) {
        var b = mainBounds(l);
        var tip = L.tooltip({ permanent: true, direction: "center", className: "taawun-map-country", interactive: false })
          .setLatLng(b.getCenter())
          .setContent(label(feature.properties, lang));
        labels.push({ tooltip: tip, bounds: b });
      }
    }).addTo(map);
    function placeLabels() {
      labels.forEach(function (x) {
        var width = map.latLngToLayerPoint(x.bounds.getNorthEast()).x - map.latLngToLayerPoint(x.bounds.getSouthWest()).x;
        if (width >= LABEL_MIN_WIDTH && !map.hasLayer(x.tooltip)) x.tooltip.addTo(map);
        if (width < LABEL_MIN_WIDTH && map.hasLayer(x.tooltip)) map.removeLayer(x.tooltip);
      });
    }
    map.on("zoomend", placeLabels);
    return { layer: layer, placeLabels: placeLabels };
  }

  function drawProvinces(map, data, lang) {
    var style = { color: COLORS.province, weight: 0.6, dashArray: "3 3", fillColor: COLORS.land, fillOpacity: 0 };
    var layer = L.geoJSON(data, {
      coordsToLatLng: coordsToLatLng,
      style: function () {
        return style;
      },
      onEachFeature: function (feature, l) {
        l.bindTooltip(label(feature.properties, lang), { sticky: true, direction: "top", className: "taawun-map-province" });
        l.on("mouseover", function () {
          l.setStyle({ color: COLORS.highlight, weight: 1.5, dashArray: null });
          l.bringToFront();
        });
        l.on("mouseout", function () {
          l.setStyle(style);
        });
      }
    }).addTo(map);
    return layer;
  }

  function fitTarget(el, countries) {
    var fit = (el.getAttribute("data-fit") || "PK").toUpperCase();
    if (fit === "SCO") return countries.getBounds();
    var bounds = null;
    countries.eachLayer(function (l) {
      if (l.feature.properties.iso_a2 === fit) bounds = l.getBounds();
    });
    return bounds || countries.getBounds();
  }

  function init(el) {
    if (el.getAttribute("data-map-initialised")) return;
    el.setAttribute("data-map-initialised", "true");
    var lang = pageLang();
    var rtl = isRTL(lang);
    el.style.background = COLORS.sea;

    var map = L.map(el, {
      preferCanvas: true,
      zoomSnap: 0.25,
      zoomControl: false,
      attributionControl: false,
      worldCopyJump: false,
      minZoom: 2,
      maxZoom: 12
    });
    L.control.zoom({ position: rtl ? "topright" : "topleft" }).addTo(map);
    L.control
      .attribution({ position: rtl ? "bottomleft" : "bottomright", prefix: "Leaflet" })
      .addAttribution(escapeHTML(el.getAttribute("data-attribution") || "Natural Earth"))
      .addTo(map);
    map.setView([30, 70], 4);

    var neighboursURL = el.getAttribute("data-neighbours-url");
    var provincesURL = el.getAttribute("data-provinces-url");
    Promise.all([
      neighboursURL ? getJSON(neighboursURL) : null,
      getJSON(el.getAttribute("data-countries-url")),
      provincesURL ? getJSON(provincesURL) : null
    ])
      .then(function (data) {
        if (data[0]) drawNeighbours(map, data[0]);
        var drawn = drawCountries(map, data[1], lang);
        var countries = drawn.layer;
        map.fitBounds(fitTarget(el, countries), { padding: [8, 8], animate: false });
        drawn.placeLabels();
        el.setAttribute("data-countries-drawn", String(countries.getLayers().length));
        var provinces = data[2] ? drawProvinces(map, data[2], lang) : null;
        el.setAttribute("data-provinces-drawn", String(provinces ? provinces.getLayers().length : 0));
        el.dispatchEvent(new CustomEvent("taawun:mapready", { detail: { map: map } }));
      })
      .catch(function (err) {
        el.setAttribute("data-map-error", String(err && err.message ? err.message : err));
        if (window.console) console.error("taawun map:", err);
      });
  }

  function initAll() {
    var els = document.querySelectorAll("[data-taawun-map]");
    for (var i = 0; i < els.length; i++) init(els[i]);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", initAll);
  } else {
    initAll();
  }
})();
