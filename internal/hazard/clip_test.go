package hazard

import (
	"testing"

	"github.com/paulmach/orb"
	"pgregory.net/rapid"
)

// TestSimpleMatchesEveryPair: the swept self-intersection test agrees with comparing every pair
// of non-adjacent edges, on random rings (folded ones among them) with points on a coarse grid
// so that touching and collinear edges occur.
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
