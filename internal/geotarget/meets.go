package geotarget

import (
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

// Meets reports whether two multipolygons (lon, lat) share any point: one holds a vertex of the
// other, or two of their edges cross or touch. Planar in degrees, with the exact orientation
// test, which decides, for example, which districts a warning's area touches.
func Meets(a, b orb.MultiPolygon) bool {
	if !a.Bound().Intersects(b.Bound()) {
		return false
	}
	for _, pa := range a {
		for _, pb := range b {
			if polygonsMeet(pa, pb) {
				return true
			}
		}
	}
	return false
}

func polygonsMeet(a, b orb.Polygon) bool {
	if len(a) == 0 || len(b) == 0 || !a.Bound().Intersects(b.Bound()) {
		return false
	}
	if len(a[0]) > 0 && planar.PolygonContains(b, a[0][0]) || len(b[0]) > 0 && planar.PolygonContains(a, b[0][0]) {
		return true
	}
	bb := b.Bound()
	for _, ra := range a {
		for i := 1; i < len(ra); i++ {
			if !(orb.Bound{Min: ra[i-1], Max: ra[i-1]}).Extend(ra[i]).Intersects(bb) {
				continue
			}
			for _, rb := range b {
				for j := 1; j < len(rb); j++ {
					if segmentsMeet(ra[i-1], ra[i], rb[j-1], rb[j]) {
						return true
					}
				}
			}
		}
	}
	return false
}

// segmentsMeet reports whether segments pq and rs share a point.
func segmentsMeet(p, q, r, s orb.Point) bool {
	d1, d2 := orient(r[0], r[1], s[0], s[1], p[0], p[1]), orient(r[0], r[1], s[0], s[1], q[0], q[1])
	d3, d4 := orient(p[0], p[1], q[0], q[1], r[0], r[1]), orient(p[0], p[1], q[0], q[1], s[0], s[1])
	if d1*d2 < 0 && d3*d4 < 0 {
		return true
	}
	return d1 == 0 && inBox(r, s, p) || d2 == 0 && inBox(r, s, q) || d3 == 0 && inBox(p, q, r) || d4 == 0 && inBox(p, q, s)
}

// inBox reports whether c, collinear with ab, lies on the segment.
func inBox(a, b, c orb.Point) bool {
	return min(a[0], b[0]) <= c[0] && c[0] <= max(a[0], b[0]) && min(a[1], b[1]) <= c[1] && c[1] <= max(a[1], b[1])
}
