package geotarget

import (
	"testing"

	"github.com/paulmach/orb"
	"pgregory.net/rapid"

	"github.com/taawun/taawun/internal/geodata"
)

// TestEdgeGridMatchesEveryEdge: the grid's "within km of the border" agrees with measuring the
// point against every edge of the province, for points anywhere around it.
func TestEdgeGridMatchesEveryEdge(t *testing.T) {
	punjab, ok, err := geodata.RegionByCode("PK-PB")
	if err != nil || !ok {
		t.Fatalf("PK-PB: %v %v", ok, err)
	}
	grid := newEdgeGrid(punjab.Geometry)
	b := punjab.Geometry.Bound().Pad(0.5)
	rapid.Check(t, func(t *rapid.T) {
		p := orb.Point{rapid.Float64Range(b.Min[0], b.Max[0]).Draw(t, "lon"), rapid.Float64Range(b.Min[1], b.Max[1]).Draw(t, "lat")}
		if rapid.Bool().Draw(t, "near a vertex") {
			// Most of the box is far from the border; half the points are drawn close to it.
			ring := punjab.Geometry[0][0]
			v := ring[rapid.IntRange(0, len(ring)-1).Draw(t, "vertex")]
			p = orb.Point{v[0] + rapid.Float64Range(-0.2, 0.2).Draw(t, "dlon"), v[1] + rapid.Float64Range(-0.2, 0.2).Draw(t, "dlat")}
		}
		km := rapid.Float64Range(0.1, 20).Draw(t, "km")
		want := nearAnyEdge(punjab.Geometry, p, km)
		if got := grid.near(p, km); got != want {
			t.Fatalf("near(%v, %.2f km) = %v, every edge says %v", p, km, got, want)
		}
	})
}

// TestTerritoryCoversLikeTheExactTests: Covers (cells remembered, border first) agrees with
// the exact containment test and the distance to every edge, anywhere around a province.
func TestTerritoryCoversLikeTheExactTests(t *testing.T) {
	punjab, ter := punjabTerritory(t)
	area, err := NewArea(MultiPolygon(punjab.Geometry))
	if err != nil {
		t.Fatal(err)
	}
	b := punjab.Geometry.Bound().Pad(0.5)
	rapid.Check(t, func(t *rapid.T) {
		p := orb.Point{rapid.Float64Range(b.Min[0], b.Max[0]).Draw(t, "lon"), rapid.Float64Range(b.Min[1], b.Max[1]).Draw(t, "lat")}
		km := rapid.Float64Range(0.1, 20).Draw(t, "km")
		want := area.Contains(Point{Lat: p[1], Lon: p[0]}) || nearAnyEdge(punjab.Geometry, p, km)
		if got := ter.Covers(p, km); got != want {
			t.Fatalf("Covers(%v, %.2f km) = %v, the exact tests say %v", p, km, got, want)
		}
	})
}

// nearAnyEdge measures p against every edge of mp: the slow answer the grid must give.
func nearAnyEdge(mp orb.MultiPolygon, p orb.Point, km float64) bool {
	for _, poly := range mp {
		for _, ring := range poly {
			for i := 0; i+1 < len(ring); i++ {
				if segmentDistance(p, ring[i], ring[i+1], cosLat(p))*KmPerDegree <= km {
					return true
				}
			}
		}
	}
	return false
}

// TestFirstOutsideSkipsOnlyBorderEdges: a ring made of the territory's own edges is inside
// however far its samples would fall from a coarse grid, and a ring that leaves along a
// border vertex is still caught.
func TestFirstOutsideSkipsOnlyBorderEdges(t *testing.T) {
	punjab, ter := punjabTerritory(t)
	ring := punjab.Geometry[0][0]
	if p, out := ter.FirstOutside(ring, 0.02, 0); out {
		t.Fatalf("the territory's own outline leaves it at %v", p)
	}
	// A spike from a border vertex to a point 1° outside the bounding box and back.
	b := punjab.Geometry.Bound()
	spike := orb.Ring{ring[0], {b.Max[0] + 1, b.Max[1] + 1}, ring[1], ring[0]}
	if _, out := ter.FirstOutside(spike, 0.02, 5); !out {
		t.Fatal("a ring reaching far outside passes")
	}
}

// punjabTerritory is Punjab's outline and the territory prepared from it.
func punjabTerritory(t *testing.T) (geodata.Region, *Territory) {
	t.Helper()
	punjab, ok, err := geodata.RegionByCode("PK-PB")
	if err != nil || !ok {
		t.Fatalf("PK-PB: %v %v", ok, err)
	}
	ter, err := NewTerritory(punjab.Geometry)
	if err != nil {
		t.Fatal(err)
	}
	return punjab, ter
}
