package cap

import (
	"cmp"
	"math"
	"slices"
)

// SelfIntersection reports whether two non-adjacent edges of the closed
// ring pts cross or touch, and which (edge i joins pts[i] and pts[i+1]).
// It sweeps edges sorted by their lowest latitude, so typical polygons
// take O(n log n) time.
func SelfIntersection(pts []Point) (i, k int, crossed bool) {
	if len(pts)-1 < 3 {
		return 0, 0, false
	}
	if meet, known := anyEdgesMeet(pts); known && !meet {
		return 0, 0, false
	}
	return sweepIntersection(pts)
}

// sweepIntersection is SelfIntersection's sweep: which pair of edges it
// reports, when several meet, depends on the order it meets them in.
func sweepIntersection(pts []Point) (i, k int, crossed bool) {
	n := len(pts) - 1 // number of edges; pts[n] == pts[0]
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

// sweepIndexBits is how many low bits of anyEdgesMeet's sort keys hold
// the edge's index: enough for MaxPolygonPoints.
const sweepIndexBits = 17

// anyEdgesMeet tells, quickly, whether any two non-adjacent edges of the
// ring meet, so that the common valid polygon is passed without
// sweepIntersection's sort of edge structures. It tests every pair of
// edges whose latitude ranges overlap, the pairs the sweep tests (and a
// few more, which can only make it say yes where the sweep then says
// which): it sorts plain integers, each an edge's lowest latitude rounded
// down to 35 bits of mantissa with the edge's index in the low bits.
// known is false for rings it does not handle: too many edges, or a
// latitude that is not a finite number.
func anyEdgesMeet(pts []Point) (meet, known bool) {
	n := len(pts) - 1
	const mask = 1<<sweepIndexBits - 1
	if n > mask {
		return false, false
	}
	keys := make([]uint64, n)
	for e := range n {
		lo, hi := min(pts[e].Lat, pts[e+1].Lat), max(pts[e].Lat, pts[e+1].Lat)
		if math.IsNaN(lo) || math.IsInf(lo, 0) || math.IsInf(hi, 0) {
			return false, false
		}
		keys[e] = orderedBits(lo)&^mask | uint64(e)
	}
	slices.Sort(keys)
	active := make([]int, 0, 16)
	for _, key := range keys {
		e := int(key & mask)
		// floor is at most the lowest latitude of e and of every edge after it.
		floor := fromOrderedBits(key &^ mask)
		kept := active[:0]
		for _, o := range active {
			if max(pts[o].Lat, pts[o+1].Lat) >= floor {
				kept = append(kept, o)
			}
		}
		active = kept
		for _, o := range active {
			if !adjacent(e, o, n) && segmentsIntersect(pts[e], pts[e+1], pts[o], pts[o+1]) {
				return true, true
			}
		}
		active = append(active, e)
	}
	return false, true
}

// orderedBits maps finite numbers to integers in the same order.
func orderedBits(f float64) uint64 {
	b := math.Float64bits(f)
	if b>>63 == 1 {
		return ^b
	}
	return b | 1<<63
}

// fromOrderedBits undoes orderedBits; with low bits cleared it gives a
// number at most the one they were cleared from.
func fromOrderedBits(k uint64) float64 {
	if k>>63 == 1 {
		return math.Float64frombits(k &^ (1 << 63))
	}
	return math.Float64frombits(^k)
}
