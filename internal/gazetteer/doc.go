// Package gazetteer finds places and areas by name and names the areas
// around a point.
//
// It holds the countries and provinces of internal/geodata (names in
// English, Urdu, Russian and Chinese), the GeoNames places (each with its
// Latin-script GeoNames name; the cities and district seats of Pakistan and
// the large cities of the other member states also in Urdu, Russian and
// Chinese, see geodata.Place) and the districts an operator imported (names
// in whatever languages the import gave). A Gazetteer is immutable once
// built and safe for concurrent use; when districts change, build a new one.
//
// # Search
//
// Names are compared folded (see Fold): Unicode canonical decomposition,
// combining marks removed (so "Muzaffarabad" finds "Muzaffarābād" and "ё"
// matches "е"), case folded, Arabic-script letter variants unified as Urdu
// writes them (Arabic ي ى → ی, ك → ک, ه → ہ, ة → ہ; tatweel dropped), and
// punctuation turned into spaces. Arabic-script names and queries are also
// compared with their spaces removed, as Urdu writes compounds both joined
// and apart ("مظفرآباد", "مظفر آباد"). A query matches a name that starts with
// it, or a later word of a name that starts with it, in any language. Each
// result is named in the reader's language when it has a name in it, else
// by its English (for places, GeoNames) name. Results are ranked:
// exact name first, then whole-name prefix, then word prefix; within each,
// larger population first (countries and provinces count the GeoNames
// places inside them), then the name.
//
// # Reverse geocoding
//
// Reverse returns the country, province and (when imported) district
// containing a point, and the nearest GeoNames place with its great-circle
// distance; Entry.Name gives each in the reader's language. Containment is
// planar in degrees with boundary points inside, as in internal/geotarget.
package gazetteer
