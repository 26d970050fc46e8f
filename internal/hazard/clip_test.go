package hazard

import (
	"math"
	"testing"

	"github.com/paulmach/orb"
	"pgregory.net/rapid"
)

// TestSimpleMatchesEveryPair: the self-intersection test (the CAP validator's sweep) agrees with
// comparing every pair of non-adjacent edges, on random rings (folded ones among them) with
// points on a coarse grid so that touching and collinear edges occur.
func TestSimpleMatchesEveryPair(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(3, 12).Draw(t, "vertices")
		ring := make(orb.Ring, 0, n+1)
		for range n {
			ring = append(ring, orb.Point{float64(rapid.IntRange(0, 6).Draw(t, "x")), float64(rapid.IntRange(0, 6).Draw(t, "y"))})
		}
		ring = append(ring, ring[0])
		want := true
		for i := 0; i < n && want; i++ {
			for j := i + 2; j < n && want; j++ {
				if i == 0 && j == n-1 {
					continue
				}
				want = !segmentsMeet(ring[i], ring[i+1], ring[j], ring[j+1])
			}
		}
		if got := simple(ring); got != want {
			t.Fatalf("simple(%v) = %v, every pair says %v", ring, got, want)
		}
	})
}

// segmentsMeet reports whether segments ab and cd share a point: the slow oracle, every pair.
func segmentsMeet(a, b, c, d orb.Point) bool {
	orient := func(p, q, r orb.Point) float64 { return (q[0]-p[0])*(r[1]-p[1]) - (q[1]-p[1])*(r[0]-p[0]) }
	on := func(p, q, r orb.Point) bool {
		return math.Min(p[0], q[0]) <= r[0] && r[0] <= math.Max(p[0], q[0]) && math.Min(p[1], q[1]) <= r[1] && r[1] <= math.Max(p[1], q[1])
	}
	d1, d2, d3, d4 := orient(c, d, a), orient(c, d, b), orient(a, b, c), orient(a, b, d)
	if ((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0)) {
		return true
	}
	return d1 == 0 && on(c, d, a) || d2 == 0 && on(c, d, b) || d3 == 0 && on(a, b, c) || d4 == 0 && on(a, b, d)
}
