package geotarget

import (
	"math"
	"slices"
	"testing"

	"github.com/paulmach/orb"
	"pgregory.net/rapid"
)

// world is where one property run places its points and shapes: a centre
// and a grid step in fixed-point units. Drawing coordinates on that grid
// (sometimes) makes locations fall exactly on polygon vertices and edges.
type world struct {
	lat0, lon0 int64
	step       int64
}

// regions cover the ordinary case and the awkward ones: a pole, and both
// sides of the antimeridian.
var regionCentres = [][2]int64{
	{31_5000000, 74_3000000},    // Lahore
	{89_9000000, 10_0000000},    // near the north pole
	{0, 179_9900000},            // antimeridian
	{-45_0000000, -179_9500000}, // antimeridian, south
}

func drawWorld(t *rapid.T) world {
	c := rapid.SampledFrom(regionCentres).Draw(t, "region")
	return world{lat0: c[0], lon0: c[1], step: rapid.Int64Range(10, 5_000_000).Draw(t, "step")}
}

// point maps fixed-point offsets from the centre to a valid point: latitude
// clamped, longitude wrapped.
func (w world) point(dLat, dLon int64) Point {
	lat := min(max(w.lat0+dLat, -90_0000000), 90_0000000)
	lon := w.lon0 + dLon
	for lon > 180_0000000 {
		lon -= 360_0000000
	}
	for lon < -180_0000000 {
		lon += 360_0000000
	}
	return Point{degrees(int32(lat)), degrees(int32(lon))}
}

func (w world) drawPoint(t *rapid.T, label string) Point {
	if rapid.Bool().Draw(t, label+"-on-grid") {
		return w.point(rapid.Int64Range(-8, 8).Draw(t, label+"-i")*w.step, rapid.Int64Range(-8, 8).Draw(t, label+"-j")*w.step)
	}
	return w.point(rapid.Int64Range(-8*w.step, 8*w.step).Draw(t, label+"-lat"), rapid.Int64Range(-8*w.step, 8*w.step).Draw(t, label+"-lon"))
}

// drawStar draws a star-shaped (so simple, usually concave) ring of n ≥ 5
// vertices around centre offsets (ci, cj), radii in steps within [rmin, rmax].
func (w world) drawStar(t *rapid.T, label string, ci, cj int64, rmin, rmax float64) []Point {
	n := rapid.IntRange(5, 12).Draw(t, label+"-n")
	ring := make([]Point, 0, n+1)
	for k := range n {
		ang := (float64(k) + 0.8*rapid.Float64Range(0, 1).Draw(t, label+"-a")) / float64(n) * 2 * math.Pi
		r := rapid.Float64Range(rmin, rmax).Draw(t, label+"-r")
		di, dj := r*math.Sin(ang), r*math.Cos(ang)
		if rapid.Bool().Draw(t, label+"-snap") {
			di, dj = math.Round(di), math.Round(dj)
		}
		ring = append(ring, w.point(ci*w.step+int64(di*float64(w.step)), cj*w.step+int64(dj*float64(w.step))))
	}
	return append(ring, ring[0]) // closed, as CAP writes it
}

func toRef(rings ...[]Point) []refRing {
	out := make([]refRing, len(rings))
	for i, ring := range rings {
		for _, p := range ring[:len(ring)-1] {
			out[i] = append(out[i], [2]float64{p.Lon, p.Lat})
		}
	}
	return out
}

// drawArea draws a union of one to three shapes: polygons with or without a
// hole, circles, and a two-member MultiPolygon.
func (w world) drawArea(t *rapid.T) (*Area, refArea) {
	var shapes []Shape
	var ref refArea
	for range rapid.IntRange(1, 3).Draw(t, "shapes") {
		ci, cj := rapid.Int64Range(-4, 4).Draw(t, "ci"), rapid.Int64Range(-4, 4).Draw(t, "cj")
		switch rapid.IntRange(0, 2).Draw(t, "kind") {
		case 0:
			pg := Polygon{Outer: w.drawStar(t, "outer", ci, cj, 2, 7)}
			if rapid.Bool().Draw(t, "hole") {
				pg.Holes = append(pg.Holes, w.drawStar(t, "hole", ci, cj, 0.2, 0.8))
			}
			shapes = append(shapes, pg)
			ref.polys = append(ref.polys, toRef(append([][]Point{pg.Outer}, pg.Holes...)...))
		case 1:
			c := Circle{Center: w.point(ci*w.step, cj*w.step),
				RadiusKM: rapid.Float64Range(0, 8).Draw(t, "radius") * float64(w.step) / fixedScale * 111}
			shapes = append(shapes, c)
			ref.circles = append(ref.circles, c)
		default:
			var mp MultiPolygon
			for m := range 2 {
				ring := w.drawStar(t, "member", ci+int64(m)*3, cj, 1, 3)
				or := make(orb.Ring, len(ring))
				for k, p := range ring {
					or[k] = orb.Point{p.Lon, p.Lat}
				}
				mp = append(mp, orb.Polygon{or})
				ref.polys = append(ref.polys, toRef(ring))
			}
			shapes = append(shapes, mp)
		}
	}
	a, err := NewArea(shapes...)
	if err != nil {
		// Snapping can collapse a ring below three edges; such a draw is
		// not a valid area, so skip it.
		t.Skip(err)
	}
	return a, ref
}

func TestQueryMatchesBruteForce(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		w := drawWorld(t)
		model := map[RecipientID][]Point{}
		drawLocs := func() []Point {
			locs := make([]Point, rapid.IntRange(1, 3).Draw(t, "locs"))
			for i := range locs {
				locs[i] = w.drawPoint(t, "loc")
			}
			return locs
		}
		// Start either empty or from a Builder, then apply updates.
		var ix *Index
		if rapid.Bool().Draw(t, "builder") {
			b := NewBuilder(0)
			for r := range RecipientID(rapid.IntRange(0, 150).Draw(t, "initial")) {
				locs := drawLocs()
				if err := b.Add(r, locs...); err != nil {
					t.Fatal(err)
				}
				model[r] = locs
			}
			var err error
			if ix, err = b.Build(); err != nil {
				t.Fatal(err)
			}
		} else {
			ix = New()
		}
		ix.maxPending = rapid.IntRange(1, 64).Draw(t, "maxPending")
		id := rapid.Custom(func(t *rapid.T) RecipientID {
			return RecipientID(rapid.IntRange(0, 200).Draw(t, "id"))
		})
		t.Repeat(map[string]func(*rapid.T){
			"upsert": func(t *rapid.T) {
				r, locs := id.Draw(t, "r"), drawLocs()
				if err := ix.Upsert(r, locs); err != nil {
					t.Fatal(err)
				}
				model[r] = locs
			},
			"remove": func(t *rapid.T) {
				r := id.Draw(t, "r")
				_, want := model[r]
				if got := ix.Remove(r); got != want {
					t.Fatalf("Remove(%d) = %v, want %v", r, got, want)
				}
				delete(model, r)
			},
			"query": func(t *rapid.T) {
				a, ref := w.drawArea(t)
				want, ambiguous := refQuery(ref, model)
				got := ix.Query(a)
				slices.Sort(got)
				got = slices.DeleteFunc(got, func(r RecipientID) bool { return slices.Contains(ambiguous, r) })
				if !slices.Equal(got, want) {
					t.Fatalf("Query: got %d recipients, want %d\ngot  %v\nwant %v", len(got), len(want), got, want)
				}
				if n := ix.CountInside(a); n < len(want) || n > len(want)+len(ambiguous) {
					t.Fatalf("CountInside = %d, want %d (+%d ambiguous)", n, len(want), len(ambiguous))
				}
			},
			"": func(t *rapid.T) {
				if ix.Count() != len(model) {
					t.Fatalf("Count = %d, want %d", ix.Count(), len(model))
				}
			},
		})
	})
}

// TestAreaContainsMatchesReference checks the fast point test (slab index,
// filtered orientation) against the exact reference on its own, with many
// more points per polygon than the index property can afford.
func TestAreaContainsMatchesReference(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		w := drawWorld(t)
		a, ref := w.drawArea(t)
		for range 200 {
			p := w.drawPoint(t, "p")
			want, amb := ref.contains(p)
			if got := a.Contains(p); got != want && !amb {
				t.Fatalf("Contains(%v) = %v, want %v", p, got, want)
			}
		}
	})
}
