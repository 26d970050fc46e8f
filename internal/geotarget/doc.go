// Package geotarget answers "which recipients are inside this alert area",
// exactly, for millions of recipient locations held in memory.
//
// # Model
//
// An [Index] maps a [RecipientID] to one or more locations. [Index.Query]
// returns every recipient with at least one location inside an [Area], once;
// [Index.CountInside] counts them without building the list. An Area is the
// union of shapes:
//
//   - [Polygon]: an outer ring and optional holes in latitude/longitude, as
//     in CAP <polygon> (lat,lon pairs, first == last). Containment is planar
//     in (longitude, latitude) with the even-odd rule, which is what CAP and
//     GeoJSON (RFC 7946 §3.1.6) mean by a polygon drawn in degrees. Rings
//     crossing the antimeridian are not unwrapped: split them, as RFC 7946
//     asks.
//   - [MultiPolygon]: a GeoJSON admin area as an orb.MultiPolygon; each member
//     polygon is one Polygon of the union.
//   - [Circle]: a centre and a radius in kilometres. Distance is the
//     great-circle (haversine) distance on a sphere of radius [EarthRadiusKM]
//     (6371.0088 km, the IUGG mean radius), so circles are correct near the
//     poles and across the antimeridian.
//
// A point exactly on an edge or vertex (of an outer ring or of a hole), or
// exactly at the radius of a circle, counts as inside: CAP gives no rule, and
// for a warning it is better to reach one recipient too many than one too few.
// In PostGIS terms this is ST_Covers, not ST_Contains.
//
// # Exactness
//
// Locations are stored as fixed-point integers of 1e-7 degree (about 1.1 cm),
// the precision OpenStreetMap uses; the answer is exact for those stored
// coordinates (converted back to float64 as n/1e7, which is correctly rounded
// and so equals the parsed decimal "dd.ddddddd"). The planar orientation test
// is Shewchuk's error-bounded filter with an exact big.Rat fallback, so a
// point near an edge is never misclassified by rounding.
//
// # Layout
//
// Locations are kept in one array sorted by a Morton (Z-order) key that
// interleaves the two 32-bit fixed-point coordinates, so every node of the
// implicit quadtree over the key space is a contiguous run of the array,
// found by binary search. A query walks that quadtree: a node that is
// provably inside a shape (no edge of the shape touches the closed cell and
// one corner is inside; for circles, a triangle-inequality bound with a
// margin) is accepted wholesale, a node provably outside is skipped, and the
// points of small boundary nodes are tested one by one. Per location the
// array holds 12 bytes (8 key + 4 recipient slot) plus a tombstone bit; per
// recipient the index holds its id (8), its first location key (8, to find
// it again on removal) and 8–16 bytes of an open-addressing id → slot table:
// about 37 bytes per single-location recipient, measured 36–39 bytes of Go
// heap at one and ten million. A Builder numbers recipients in key order, so
// a query reads the id array almost sequentially too.
//
// Updates go to a small unsorted delta and to a tombstone bitmap over the
// sorted array; when either grows past a threshold the two are merged into a
// new sorted array (a linear pass).
//
// # Concurrency
//
// An Index is guarded by a sync.RWMutex: any number of queries run at once,
// and an update waits for them. Copy-on-write was rejected because each bus
// event would copy or version a tombstone bitmap and a delta of millions of
// entries; with the delta design an update is microseconds, and the
// occasional merge (tens of milliseconds per million locations) is the only
// long write hold.
package geotarget
