package population

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/taawun/taawun/internal/gazetteer"
	"github.com/taawun/taawun/internal/geotarget"
	"pgregory.net/rapid"
)

// TestNearMatchesAreaWalk: EachPlaceNear and EachCountedNear give exactly the points that the
// general index gives for a circle a kilometre wider, less those beyond the radius by chord,
// in the same order (so sums over them agree to the last bit), with their squared chords.
// Centres lie in and around the SCO countries, across the antimeridian (Chukotka) and near the
// pole; the grid has fractional populations.
func TestNearMatchesAreaWalk(t *testing.T) {
	gaz, err := gazetteer.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	places, err := NewModel(gaz, nil)
	if err != nil {
		t.Fatal(err)
	}
	var cells []Cell
	for lat := 30.0; lat <= 38; lat += 0.1 {
		for lon := 68.0; lon <= 78; lon += 0.1 {
			cells = append(cells, Cell{Lat: lat, Lon: lon, Population: 10.3 + math.Mod(lat*lon, 7)})
		}
	}
	grid, err := NewModel(gaz, cells)
	if err != nil {
		t.Fatal(err)
	}
	type walk struct {
		name string
		area func(*Model, *geotarget.Area, func(*Point))
		near func(*Model, float64, float64, float64, func(*Point, float64)) error
	}
	walks := []walk{
		{"places", (*Model).EachPlace, (*Model).EachPlaceNear},
		{"counted", (*Model).EachCounted, (*Model).EachCountedNear},
	}
	rapid.Check(t, func(t *rapid.T) {
		// rapid's numbers favour small magnitudes and first choices; these are drawn evenly.
		r := rand.New(rand.NewPCG(rapid.Uint64().Draw(t, "seed"), 0))
		m := []*Model{places, grid}[r.IntN(2)]
		uniform := func(lo, hi float64) float64 { return lo + (hi-lo)*r.Float64() }
		// Near a place (so that discs hold points), or anywhere in the north-east quarter of
		// the world, or in the awkward corners.
		var lat, lon float64
		switch r.IntN(4) {
		case 0, 1:
			e := gaz.Places()[r.IntN(len(gaz.Places()))]
			lat, lon = max(-90, min(90, e.Lat+uniform(-2, 2))), max(-180, min(180, e.Lon+uniform(-2, 2)))
		case 2:
			lat, lon = uniform(-10, 80), uniform(20, 180)
		default:
			lat = []float64{66, 89.9, 90}[r.IntN(3)]
			lon = []float64{-180, -179.9, 179.9, 180, 0}[r.IntN(5)]
		}
		km := uniform(0, []float64{1, 20, 100, 500, 3000}[r.IntN(5)])
		w := walks[r.IntN(len(walks))]
		centre, max2 := UnitVector(lat, lon), ChordSquaredOf(km)
		area, err := geotarget.NewArea(geotarget.Circle{Center: geotarget.Point{Lat: lat, Lon: lon}, RadiusKM: km + 1})
		if err != nil {
			t.Fatal(err)
		}
		var want []*Point
		w.area(m, area, func(p *Point) {
			if ChordSquared(centre, p.Unit) <= max2 {
				want = append(want, p)
			}
		})
		var got []*Point
		if err := w.near(m, lat, lon, km, func(p *Point, c2 float64) {
			if c2 != ChordSquared(centre, p.Unit) {
				t.Fatalf("%s: chord² %v, want %v", w.name, c2, ChordSquared(centre, p.Unit))
			}
			got = append(got, p)
		}); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, want) {
			t.Fatalf("%s: %d points, the area walk %d", w.name, len(got), len(want))
		}
	})
}

// TestPermute: permute, in place, puts pts[perm[i]] at i.
func TestPermute(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		perm := make([]int, rapid.IntRange(0, 50).Draw(t, "n"))
		for i := range perm {
			perm[i] = i
		}
		perm = rapid.Permutation(perm).Draw(t, "perm")
		pts := make([]Point, len(perm))
		for i := range pts {
			pts[i].Population = float64(i)
		}
		permute(pts, slices.Clone(perm))
		for i, j := range perm {
			if pts[i].Population != float64(j) {
				t.Fatalf("position %d holds point %v, want %d", i, pts[i].Population, j)
			}
		}
	})
}
