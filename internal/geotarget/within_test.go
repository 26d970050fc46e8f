package geotarget

import (
	"slices"
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

// oracleTerritories are the territories the dense grid is checked on against the map-based
// oracle: a province, a country, a country of many polygons across the antimeridian whose
// bounding box needs the coarser grid, and two provinces as one multipolygon.
func oracleTerritories(t *testing.T) map[string]orb.MultiPolygon {
	t.Helper()
	out := map[string]orb.MultiPolygon{}
	for _, code := range []string{"PK-PB", "PK", "RU", "PK-KP"} {
		r, ok, err := geodata.RegionByCode(code)
		if err != nil || !ok {
			t.Fatalf("%s: %v %v", code, ok, err)
		}
		out[code] = r.Geometry
	}
	out["PK-PB+PK-KP"] = append(slices.Clone(out["PK-PB"]), out["PK-KP"]...)
	delete(out, "PK-KP")
	return out
}

// nearBorder draws a point anywhere in mp's bounding box (padded) or, more often, close to one
// of its vertices, and now and then exactly on a vertex or an edge.
func nearBorder(t *rapid.T, mp orb.MultiPolygon) orb.Point {
	poly := mp[rapid.IntRange(0, len(mp)-1).Draw(t, "polygon")]
	ring := poly[0]
	i := rapid.IntRange(0, len(ring)-2).Draw(t, "vertex")
	a, b := ring[i], ring[i+1]
	switch rapid.IntRange(0, 5).Draw(t, "where") {
	case 0:
		bb := poly.Bound().Pad(0.5)
		return orb.Point{rapid.Float64Range(bb.Min[0], bb.Max[0]).Draw(t, "lon"), rapid.Float64Range(bb.Min[1], bb.Max[1]).Draw(t, "lat")}
	case 1:
		return a
	case 2:
		f := rapid.Float64Range(0, 1).Draw(t, "along")
		return orb.Point{a[0] + f*(b[0]-a[0]), a[1] + f*(b[1]-a[1])}
	default:
		d := rapid.Float64Range(0.001, 0.3).Draw(t, "spread")
		return orb.Point{a[0] + rapid.Float64Range(-d, d).Draw(t, "dlon"), a[1] + rapid.Float64Range(-d, d).Draw(t, "dlat")}
	}
}

// TestTerritoryMatchesMapOracle: the dense grid gives the map-based Territory's answers, for
// Covers at any tolerance and for FirstOutside (the same first sample outside, or none) on rings
// that follow stretches of the border, cut across it and wander near it.
func TestTerritoryMatchesMapOracle(t *testing.T) {
	for name, mp := range oracleTerritories(t) {
		t.Run(name, func(t *testing.T) {
			ter, err := NewTerritory(mp)
			if err != nil {
				t.Fatal(err)
			}
			old, err := newMapTerritory(mp)
			if err != nil {
				t.Fatal(err)
			}
			if name == "RU" && ter.grid.size <= edgeCell {
				t.Fatalf("RU's grid has %g° cells, want the coarser grid", ter.grid.size)
			}
			rapid.Check(t, func(t *rapid.T) {
				p := nearBorder(t, mp)
				km := rapid.SampledFrom([]float64{0, 0.5, 4, 5, 20}).Draw(t, "km")
				if got, want := ter.Covers(p, km), old.Covers(p, km); got != want {
					t.Fatalf("Covers(%v, %g km) = %v, the oracle says %v", p, km, got, want)
				}
				var ring orb.Ring
				for range rapid.IntRange(1, 6).Draw(t, "stretches") {
					if rapid.Bool().Draw(t, "border stretch") {
						poly := mp[rapid.IntRange(0, len(mp)-1).Draw(t, "stretch polygon")]
						r := poly[0]
						from := rapid.IntRange(0, len(r)-2).Draw(t, "from")
						to := min(len(r)-1, from+rapid.IntRange(1, 30).Draw(t, "length"))
						stretch := slices.Clone(r[from : to+1])
						if rapid.Bool().Draw(t, "backwards") {
							slices.Reverse(stretch)
						}
						ring = append(ring, stretch...)
					} else {
						ring = append(ring, nearBorder(t, mp))
					}
				}
				ring = append(ring, ring[0])
				step := rapid.SampledFrom([]float64{0.02, 0.1}).Draw(t, "step")
				gp, gout := ter.FirstOutside(ring, step, km)
				wp, wout := old.FirstOutside(ring, step, km)
				if gp != wp || gout != wout {
					t.Fatalf("FirstOutside = %v %v, the oracle %v %v", gp, gout, wp, wout)
				}
			})
		})
	}
}

// TestEmptyTerritoryCoversNothing: a territory of no polygons (a jurisdiction not drawn yet)
// covers no point and leaves its grid empty.
func TestEmptyTerritoryCoversNothing(t *testing.T) {
	ter, err := NewTerritory(orb.MultiPolygon{})
	if err != nil {
		t.Fatal(err)
	}
	if ter.Covers(orb.Point{73, 33}, 5) {
		t.Fatal("an empty territory covers a point")
	}
	if _, out := ter.FirstOutside(orb.Ring{{73, 33}, {74, 33}, {74, 34}, {73, 33}}, 0.02, 5); !out {
		t.Fatal("a ring lies inside an empty territory")
	}
}
