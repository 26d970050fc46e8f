package capgeo

import (
	"math"

	"github.com/paulmach/orb"
)

// ringIndex answers point-in-ring queries in time proportional to the
// edges that cross one horizontal band instead of all edges: the ring's
// latitude span is cut into bands and each band lists the edges that
// overlap it.
type ringIndex struct {
	ring         orb.Ring
	minY, height float64
	bands        [][]int32 // edge i joins ring[i] and ring[i+1]
}

func newRingIndex(r orb.Ring) *ringIndex {
	b := r.Bound()
	nb := max(1, min(256, len(r)/4))
	idx := &ringIndex{ring: r, minY: b.Min[1], height: (b.Max[1] - b.Min[1]) / float64(nb), bands: make([][]int32, nb)}
	for i := 0; i+1 < len(r); i++ {
		lo, hi := idx.band(math.Min(r[i][1], r[i+1][1])), idx.band(math.Max(r[i][1], r[i+1][1]))
		for k := lo; k <= hi; k++ {
			idx.bands[k] = append(idx.bands[k], int32(i))
		}
	}
	return idx
}

func (x *ringIndex) band(y float64) int {
	if x.height <= 0 {
		return 0
	}
	k := int((y - x.minY) / x.height)
	return max(0, min(len(x.bands)-1, k))
}

// contains reports whether p is inside the ring or on its boundary
// (even-odd rule, as orb/planar.RingContains).
func (x *ringIndex) contains(p orb.Point) bool {
	in := false
	for _, i := range x.bands[x.band(p[1])] {
		a, b := x.ring[i], x.ring[i+1]
		if onSegment(p, a, b) {
			return true
		}
		if (a[1] > p[1]) != (b[1] > p[1]) {
			xCross := a[0] + (p[1]-a[1])*(b[0]-a[0])/(b[1]-a[1])
			if p[0] < xCross {
				in = !in
			}
		}
	}
	return in
}

func onSegment(p, a, b orb.Point) bool {
	cross := (b[0]-a[0])*(p[1]-a[1]) - (b[1]-a[1])*(p[0]-a[0])
	if cross != 0 {
		return false
	}
	return p[0] >= math.Min(a[0], b[0]) && p[0] <= math.Max(a[0], b[0]) &&
		p[1] >= math.Min(a[1], b[1]) && p[1] <= math.Max(a[1], b[1])
}
