/*
 * compose-map.js lets the officer draw a warning's areas on the composer's map with
 * Leaflet-Geoman, and keeps the map and the area fields of the form in agreement:
 *
 *   - a polygon or circle drawn, edited, moved or removed on the map is written into the
 *     area_polygons_i / area_circles_i textarea of the area chosen in [data-draw-into], as CAP
 *     text ("lat,lon lat,lon ..." closed, 4 decimals; "lat,lon radius" in km, 2 decimals), and
 *     an "input" event is dispatched so compose.js checks the draft again;
 *   - what is typed into those textareas, and the provinces selected in area_regions_i, are
 *     drawn on the map (provinces from the map's own province layer, by property "code").
 *
 * Lines the map cannot read are left in the textarea as they are (the server reports them);
 * only lines that are shapes on the map are rewritten.
 *
 * The map is the [data-taawun-map] element inside form.compose, drawn by map.js; this script
 * starts on its "taawun:mapready" event. Toolbar texts come from the element's data-pm-*
 * attributes (the page's catalogue). After every sync the element carries
 *   data-shapes   polygons and circles on the map, all areas together
 *   data-regions  provinces highlighted
 *
 * window.taawunComposeMap.addCircle(lat, lon, km) and .addPolygon([[lat, lon], ...]) add a shape
 * to the selected area exactly as drawing it would (they fire geoman's pm:create): for tests,
 * and for the console. No inline code: works under script-src 'self'.
 */
(function () {
  "use strict";

  var form = document.querySelector("form.compose");
  var el = form && form.querySelector("[data-taawun-map]");
  if (!el || !window.L || !L.PM) return;

  var COLORS = ["#c0392b", "#d35400", "#7d3c98"];
  var POLY_DECIMALS = 4;
  var RADIUS_DECIMALS = 2;
  var lang = (document.documentElement.lang || "en").toLowerCase().split("-")[0];
  var rtl = (document.documentElement.dir || "").toLowerCase() === "rtl";
  var select = form.querySelector("[data-draw-into]");

  var map = null;
  var shapes = []; // { layer, area, kind: "polygon"|"circle" }
  var regions = []; // { layer, area }
  var invalid = {}; // area -> lines the map could not read, kept in the textarea
  var provinceIndex = null; // code -> [L.Polygon] from map.js's province layer
  var writing = false;

  function areaCount() {
    var n = 0;
    while (form.elements["area_polygons_" + n]) n++;
    return n;
  }

  function currentArea() {
    var v = select ? parseInt(select.value, 10) : 0;
    return isNaN(v) ? 0 : v;
  }

  function style(area, kind) {
    var c = COLORS[area % COLORS.length];
    if (kind === "region") return { color: c, weight: 1.5, fillColor: c, fillOpacity: 0.12, dashArray: "4 3", interactive: false, pmIgnore: true };
    return { color: c, weight: 2, fillColor: c, fillOpacity: 0.2, pmIgnore: false };
  }

  // ---- CAP text <-> shapes ----------------------------------------------------

  function fix(x, d) {
    return Number(x.toFixed(d)).toString();
  }

  function pointText(ll) {
    ll = ll.wrap();
    return fix(ll.lat, POLY_DECIMALS) + "," + fix(ll.lng, POLY_DECIMALS);
  }

  function polygonText(layer) {
    var ring = layer.getLatLngs();
    while (ring.length && Array.isArray(ring[0])) ring = ring[0]; // outer ring of the first part
    var pts = ring.map(pointText);
    if (pts.length && pts[0] !== pts[pts.length - 1]) pts.push(pts[0]);
    return pts.join(" ");
  }

  function circleText(layer) {
    return pointText(layer.getLatLng()) + " " + fix(layer.getRadius() / 1000, RADIUS_DECIMALS);
  }

  function num(s) {
    return /^[-+]?\d+(\.\d+)?$/.test(s) ? parseFloat(s) : NaN;
  }

  function latLng(pair) {
    var p = pair.split(",");
    if (p.length !== 2) return null;
    var lat = num(p[0]);
    var lon = num(p[1]);
    if (isNaN(lat) || isNaN(lon) || Math.abs(lat) > 90 || Math.abs(lon) > 180) return null;
    return L.latLng(lat, lon);
  }

  function parsePolygon(line) {
    var pts = line.split(/\s+/).map(latLng);
    if (pts.length < 4 || pts.some(function (p) { return !p; })) return null;
    if (pts[0].equals(pts[pts.length - 1])) pts.pop();
    return pts.length >= 3 ? pts : null;
  }

  function parseCircle(line) {
    var p = line.split(/\s+/);
    if (p.length !== 2) return null;
    var c = latLng(p[0]);
    var km = num(p[1]);
    if (!c || isNaN(km) || km <= 0) return null;
    return { center: c, km: km };
  }

  function textLines(name) {
    var t = form.elements[name];
    return t ? t.value.split("\n").map(function (s) { return s.trim(); }).filter(Boolean) : [];
  }

  // ---- map -> text -------------------------------------------------------------

  function setText(name, lines) {
    var t = form.elements[name];
    var v = lines.join("\n");
    if (!t || t.value === v) return false;
    t.value = v;
    return true;
  }

  // writeArea rewrites the area's two textareas from its shapes on the map, and tells
  // compose.js (and anyone else listening) with an input event from the changed field.
  function writeArea(area) {
    var polys = [];
    var circles = [];
    shapes.forEach(function (s) {
      if (s.area !== area) return;
      if (s.kind === "circle") circles.push(circleText(s.layer));
      else polys.push(polygonText(s.layer));
    });
    var bad = invalid[area] || { polygons: [], circles: [] };
    var changed = [];
    if (setText("area_polygons_" + area, polys.concat(bad.polygons))) changed.push("area_polygons_" + area);
    if (setText("area_circles_" + area, circles.concat(bad.circles))) changed.push("area_circles_" + area);
    writing = true;
    try {
      changed.forEach(function (name) {
        form.elements[name].dispatchEvent(new Event("input", { bubbles: true }));
      });
    } finally {
      writing = false;
    }
    mark();
  }

  function findShape(layer) {
    for (var i = 0; i < shapes.length; i++) if (shapes[i].layer === layer) return shapes[i];
    return null;
  }

  function watch(s) {
    var again = function () { writeArea(s.area); };
    s.layer.on("pm:edit", again);
    s.layer.on("pm:dragend", again);
  }

  function onCreate(e) {
    var layer = e.layer;
    var kind = e.shape === "Circle" ? "circle" : e.shape === "Polygon" ? "polygon" : null;
    if (!kind) {
      map.removeLayer(layer);
      return;
    }
    var area = currentArea();
    layer.setStyle(style(area, kind));
    var s = { layer: layer, area: area, kind: kind };
    shapes.push(s);
    watch(s);
    writeArea(area);
  }

  function onRemove(e) {
    var s = findShape(e.layer);
    if (!s) return;
    shapes.splice(shapes.indexOf(s), 1);
    writeArea(s.area);
  }

  // ---- text -> map -------------------------------------------------------------

  function readArea(area) {
    shapes = shapes.filter(function (s) {
      if (s.area !== area) return true;
      map.removeLayer(s.layer);
      return false;
    });
    var bad = { polygons: [], circles: [] };
    textLines("area_polygons_" + area).forEach(function (line) {
      var pts = parsePolygon(line);
      if (!pts) {
        bad.polygons.push(line);
        return;
      }
      var s = { layer: L.polygon(pts, style(area, "polygon")).addTo(map), area: area, kind: "polygon" };
      shapes.push(s);
      watch(s);
    });
    textLines("area_circles_" + area).forEach(function (line) {
      var c = parseCircle(line);
      if (!c) {
        bad.circles.push(line);
        return;
      }
      var s = { layer: L.circle(c.center, L.extend({ radius: c.km * 1000 }, style(area, "circle"))).addTo(map), area: area, kind: "circle" };
      shapes.push(s);
      watch(s);
    });
    invalid[area] = bad;
    readRegions(area);
  }

  function indexProvinces() {
    provinceIndex = {};
    map.eachLayer(function (l) {
      var p = l.feature && l.feature.properties;
      if (p && p.code && l.getLatLngs) (provinceIndex[p.code] = provinceIndex[p.code] || []).push(l);
    });
  }

  function readRegions(area) {
    regions = regions.filter(function (r) {
      if (r.area !== area) return true;
      map.removeLayer(r.layer);
      return false;
    });
    var sel = form.elements["area_regions_" + area];
    if (!sel) return;
    Array.prototype.forEach.call(sel.options, function (o) {
      if (!o.selected) return;
      (provinceIndex[o.value] || []).forEach(function (p) {
        regions.push({ layer: L.polygon(p.getLatLngs(), style(area, "region")).addTo(map), area: area });
      });
    });
    shapes.forEach(function (s) { s.layer.bringToFront(); });
  }

  function mark() {
    el.setAttribute("data-shapes", String(shapes.length));
    el.setAttribute("data-regions", String(regions.length));
  }

  function onFormEdit(e) {
    if (writing || !e.target || !e.target.name) return;
    var m = /^area_(polygons|circles|regions)_(\d+)$/.exec(e.target.name);
    if (!m) return;
    var area = parseInt(m[2], 10);
    if (m[1] === "regions") readRegions(area);
    else readArea(area);
    mark();
  }

  // ---- set-up ------------------------------------------------------------------

  function text(name, fallback) {
    return el.getAttribute("data-pm-" + name) || fallback;
  }

  function translations() {
    return {
      tooltips: {
        firstVertex: text("first-vertex", "Click to place the first point"),
        continueLine: text("continue", "Click to continue drawing"),
        finishPoly: text("finish-poly", "Click the first point to close the polygon"),
        startCircle: text("start-circle", "Click to place the circle's centre"),
        finishCircle: text("finish-circle", "Click to set the radius")
      },
      actions: {
        finish: text("finish", "Finish"),
        cancel: text("cancel", "Cancel"),
        removeLastVertex: text("remove-last", "Remove last point")
      },
      buttonTitles: {
        drawPolyButton: text("polygon", "Draw a polygon"),
        drawCircleButton: text("circle", "Draw a circle"),
        editButton: text("edit", "Edit shapes"),
        dragButton: text("drag", "Move shapes"),
        deleteButton: text("remove", "Remove shapes")
      }
    };
  }

  function pathOptions() {
    map.pm.setPathOptions(style(currentArea(), "polygon"));
  }

  function start(e) {
    map = e.detail.map;
    // Only layers created with pmIgnore: false are geoman's: the base map (countries,
    // provinces) stays out of edit, drag, removal and snapping. Set now, after map.js made the
    // map, because with opt-in geoman only equips maps created with pmIgnore: false.
    L.PM.setOptIn(true);
    map.pm.setLang("taawun-" + lang, translations(), "en");
    map.pm.addControls({
      position: rtl ? "topright" : "topleft",
      drawMarker: false,
      drawCircleMarker: false,
      drawPolyline: false,
      drawRectangle: false,
      drawText: false,
      cutPolygon: false,
      rotateMode: false,
      drawPolygon: true,
      drawCircle: true,
      editMode: true,
      dragMode: true,
      removalMode: true
    });
    pathOptions();
    if (select) select.addEventListener("change", pathOptions);
    map.on("pm:create", onCreate);
    map.on("pm:remove", onRemove);
    form.addEventListener("input", onFormEdit);
    form.addEventListener("change", onFormEdit);
    indexProvinces();
    for (var i = 0; i < areaCount(); i++) readArea(i);
    mark();

    window.taawunComposeMap = {
      map: map,
      // addCircle adds a circle of km kilometres to the selected area, as drawing one would.
      addCircle: function (lat, lon, km) {
        var layer = L.circle([lat, lon], L.extend({ radius: km * 1000 }, style(currentArea(), "circle"))).addTo(map);
        map.fire("pm:create", { shape: "Circle", layer: layer });
        return circleText(layer);
      },
      // addPolygon adds a polygon of [lat, lon] points to the selected area, as drawing one would.
      addPolygon: function (points) {
        var layer = L.polygon(points, style(currentArea(), "polygon")).addTo(map);
        map.fire("pm:create", { shape: "Polygon", layer: layer });
        return polygonText(layer);
      }
    };
  }

  el.addEventListener("taawun:mapready", start);
})();
