package cap

import (
	"cmp"
	"slices"
)

// SelfIntersection reports whether two non-adjacent edges of the closed
// ring pts cross or touch, and which (edge i joins pts[i] and pts[i+1]).
// It sweeps edges sorted by their lowest latitude, so typical polygons
// take O(n log n) time.
func SelfIntersection(pts []Point) (i, k int, crossed bool) {
	n := len(pts) - 1 // number of edges; pts[n] == pts[0]
	if n < 3 {
		return 0, 0, false
	}
	type edge struct {
		lo, hi float64
		idx    int
	}
	edges := make([]edge, n)
	for e := range n {
		a, b := pts[e], pts[e+1]
		edges[e] = edge{min(a.Lat, b.Lat), max(a.Lat, b.Lat), e}
	}
	slices.SortFunc(edges, func(x, y edge) int { return cmp.Compare(x.lo, y.lo) })
	var active []edge
	for _, e := range edges {
		kept := active[:0]
		for _, o := range active {
			if o.hi >= e.lo {
				kept = append(kept, o)
			}
		}
		active = kept
		for _, o := range active {
			if adjacent(e.idx, o.idx, n) {
				continue
			}
			if segmentsIntersect(pts[e.idx], pts[e.idx+1], pts[o.idx], pts[o.idx+1]) {
				return min(e.idx, o.idx), max(e.idx, o.idx), true
			}
		}
		active = append(active, e)
	}
	return 0, 0, false
}

func adjacent(a, b, n int) bool {
	d := a - b
	return d == 1 || d == -1 || d == n-1 || d == 1-n
}

func orient(a, b, c Point) float64 {
	return (b.Lon-a.Lon)*(c.Lat-a.Lat) - (b.Lat-a.Lat)*(c.Lon-a.Lon)
}

func onSeg(a, b, p Point) bool {
	return min(a.Lon, b.Lon) <= p.Lon && p.Lon <= max(a.Lon, b.Lon) &&
		min(a.Lat, b.Lat) <= p.Lat && p.Lat <= max(a.Lat, b.Lat)
}

// segmentsIntersect reports whether segments ab and cd share a point.
func segmentsIntersect(a, b, c, d Point) bool {
	o1, o2, o3, o4 := orient(a, b, c), orient(a, b, d), orient(c, d, a), orient(c, d, b)
	if ((o1 > 0 && o2 < 0) || (o1 < 0 && o2 > 0)) && ((o3 > 0 && o4 < 0) || (o3 < 0 && o4 > 0)) {
		return true
	}
	return (o1 == 0 && onSeg(a, b, c)) || (o2 == 0 && onSeg(a, b, d)) ||
		(o3 == 0 && onSeg(c, d, a)) || (o4 == 0 && onSeg(c, d, b))
}
