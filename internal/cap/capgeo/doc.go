// Package capgeo turns the areas of CAP messages into geometry: orb
// polygons (longitude first, as GeoJSON), a Region answering "is this
// point inside the alert area?" quickly, and RFC 7946 GeoJSON feature
// collections.
//
// Circles are kept exact for Contains (great-circle distance) and drawn as
// polygons of CirclePoints vertices for GeoJSON, which has no circles.
// Geocode-only areas have no geometry here; resolving geocodes to shapes
// is the gazetteer's job (internal/geo).
package capgeo
