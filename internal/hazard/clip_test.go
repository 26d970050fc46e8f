package hazard

import (
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
	"github.com/paulmach/orb/simplify"
	"pgregory.net/rapid"

	"github.com/taawun/taawun/internal/cap"
	"github.com/taawun/taawun/internal/cap/capgeo"
	"github.com/taawun/taawun/internal/geodata"
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

// TestClipMatchesOracle: clipping (the edge tests carried from point to point) gives exactly
// what the first Sutherland–Hodgman gave, point for point, and the CAP polygon written from the
// result is the same text: for footprint discs and boxes clipped against provinces' outlines and
// against random, often concave, rings.
func TestClipMatchesOracle(t *testing.T) {
	var outlines []orb.Ring
	for _, code := range []string{"PK", "PK-KP", "PK-PB", "PK-GB"} {
		r, ok, err := geodata.RegionByCode(code)
		if err != nil || !ok {
			t.Fatalf("%s: %v %v", code, ok, err)
		}
		outlines = append(outlines, r.Geometry[0][0])
	}
	rapid.Check(t, func(t *rapid.T) {
		var subject orb.Ring
		if rapid.Bool().Draw(t, "outline") {
			subject = outlines[rapid.IntRange(0, len(outlines)-1).Draw(t, "which")]
		} else {
			n := rapid.IntRange(3, 30).Draw(t, "vertices")
			for range n {
				subject = append(subject, orb.Point{rapid.Float64Range(66, 76).Draw(t, "x"), rapid.Float64Range(28, 37).Draw(t, "y")})
			}
			subject = append(subject, subject[0])
		}
		centre := orb.Point{rapid.Float64Range(66, 76).Draw(t, "lon"), rapid.Float64Range(28, 37).Draw(t, "lat")}
		var clip orb.Ring
		if rapid.Bool().Draw(t, "disc") {
			clip = capgeo.CirclePolygonN(cap.Circle{Center: cap.Point{Lat: centre[1], Lon: centre[0]}, RadiusKM: rapid.Float64Range(1, 400).Draw(t, "km")},
				rapid.IntRange(3, 64).Draw(t, "points"))[0]
		} else {
			w, h := rapid.Float64Range(0, 3).Draw(t, "w"), rapid.Float64Range(0, 3).Draw(t, "h")
			clip = orb.Ring{centre, {centre[0] + w, centre[1]}, {centre[0] + w, centre[1] + h}, {centre[0], centre[1] + h}, centre}
		}
		if rapid.Bool().Draw(t, "clockwise") {
			clip = slices.Clone(clip)
			clip.Reverse()
		}
		got, want := clipToConvex(subject, clip), clipToConvexOracle(subject, clip)
		if !slices.EqualFunc(got, want, func(a, b orb.Point) bool {
			return math.Float64bits(a[0]) == math.Float64bits(b[0]) && math.Float64bits(a[1]) == math.Float64bits(b[1])
		}) {
			t.Fatalf("clip: %v\noracle: %v", got, want)
		}
		if got := capPolygon(got); got != capPolygonOracle(want) {
			t.Fatalf("CAP polygon %q, oracle %q", got, capPolygonOracle(want))
		}
	})
}

// clipToConvexOracle, sutherlandHodgmanOracle and capPolygonOracle are clipping and writing as
// they were first written: the oracle of the faster ones.
func clipToConvexOracle(subject, clip orb.Ring) orb.Ring {
	if len(subject) > 4*len(clip) {
		b := clip.Bound()
		box := orb.Ring{b.Min, {b.Max[0], b.Min[1]}, b.Max, {b.Min[0], b.Max[1]}, b.Min}
		if subject = sutherlandHodgmanOracle(subject, box); subject == nil {
			return nil
		}
	}
	return sutherlandHodgmanOracle(subject, clip)
}

func sutherlandHodgmanOracle(subject, clip orb.Ring) orb.Ring {
	ccw := planar.Area(clip) > 0
	inside := func(p, a, b orb.Point) bool {
		cross := (b[0]-a[0])*(p[1]-a[1]) - (b[1]-a[1])*(p[0]-a[0])
		if ccw {
			return cross >= 0
		}
		return cross <= 0
	}
	intersect := func(p, q, a, b orb.Point) orb.Point {
		a1, b1 := q[1]-p[1], p[0]-q[0]
		c1 := a1*p[0] + b1*p[1]
		a2, b2 := b[1]-a[1], a[0]-b[0]
		c2 := a2*a[0] + b2*a[1]
		det := a1*b2 - a2*b1
		if det == 0 {
			return q
		}
		return orb.Point{(b2*c1 - b1*c2) / det, (a1*c2 - a2*c1) / det}
	}
	size := len(subject) + len(clip)
	out := append(make([]orb.Point, 0, size), subject[:len(subject)-1]...)
	in := make([]orb.Point, 0, size)
	for i := 0; i+1 < len(clip) && len(out) > 0; i++ {
		a, b := clip[i], clip[i+1]
		in, out = out, in[:0]
		for j := range in {
			p, q := in[(j+len(in)-1)%len(in)], in[j]
			switch {
			case inside(q, a, b):
				if !inside(p, a, b) {
					out = append(out, intersect(p, q, a, b))
				}
				out = append(out, q)
			case inside(p, a, b):
				out = append(out, intersect(p, q, a, b))
			}
		}
	}
	if len(out) < 3 {
		return nil
	}
	return orb.Ring(append(out, out[0]))
}

func capPolygonOracle(ring orb.Ring) string {
	if len(ring) > maxPolygonPoints {
		ring = ring.Clone()
	}
	for tol := 0.002; len(ring) > maxPolygonPoints && tol < 1; tol *= 2 {
		ring = simplify.DouglasPeucker(tol).Ring(ring)
	}
	var r orb.Ring
	for _, p := range ring {
		q := orb.Point{math.Round(p[0]*1e4) / 1e4, math.Round(p[1]*1e4) / 1e4}
		if len(r) == 0 || q != r[len(r)-1] {
			r = append(r, q)
		}
	}
	if len(r) < 4 || r[0] != r[len(r)-1] || !simple(r) {
		return ""
	}
	parts := make([]string, len(r))
	for i, p := range r {
		parts[i] = strconv.FormatFloat(p[1], 'f', 4, 64) + "," + strconv.FormatFloat(p[0], 'f', 4, 64)
	}
	return strings.Join(parts, " ")
}

// TestAppendFixed4MatchesStrconv: coordinates rounded to four decimals, as capPolygon rounds
// them, and any other numbers are written exactly as strconv writes them with four decimals.
func TestAppendFixed4MatchesStrconv(t *testing.T) {
	check := func(t interface{ Fatalf(string, ...any) }, v float64) {
		if got, want := string(appendFixed4(nil, v)), strconv.FormatFloat(v, 'f', 4, 64); got != want {
			t.Fatalf("appendFixed4(%v) = %q, strconv %q", v, got, want)
		}
	}
	for _, v := range []float64{0, math.Copysign(0, -1), 0.00005, -0.00005, 0.00015, 1e-300, -1e-300, 180, -180, 179.99995, 1e11, 1e15, 1e20, -1e20,
		math.Inf(1), math.Inf(-1), math.NaN(), 0.1 + 0.2, 1.00005, 89.99999} {
		check(t, v)
		check(t, math.Round(v*1e4)/1e4)
	}
	rapid.Check(t, func(t *rapid.T) {
		x := rapid.Float64Range(-1e6, 1e6).Draw(t, "x")
		if rapid.Bool().Draw(t, "coordinate") {
			x = rapid.Float64Range(-180, 180).Draw(t, "coordinate")
		}
		check(t, x)
		check(t, math.Round(x*1e4)/1e4)
	})
}

// BenchmarkClip is the clipping of an earthquake's footprint disc to Pakistan's outline, as a
// national rule's draft clips it.
func BenchmarkClip(b *testing.B) {
	r, ok, err := geodata.RegionByCode("PK")
	if err != nil || !ok {
		b.Fatalf("PK: %v %v", ok, err)
	}
	disc := capgeo.CirclePolygonN(cap.Circle{Center: cap.Point{Lat: 34.1, Lon: 72.9}, RadiusKM: 180}, footprintPoints)[0]
	b.ReportAllocs()
	for b.Loop() {
		if clipToConvex(r.Geometry[0][0], disc) == nil {
			b.Fatal("nothing left")
		}
	}
}
