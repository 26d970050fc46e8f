package geotarget

import (
	"slices"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geo"
	"pgregory.net/rapid"
)

// TestPointOrderNearRuns: the points come in the Index's order (Morton key, equal keys in the
// order given); NearRuns reports ascending, disjoint runs holding every point within the
// circle, by its given or its stored coordinates; and those runs, filtered as Query tests a
// point, give the recipients of Query in Query's order — the order population's sums rely on.
// The worlds include a pole and both sides of the antimeridian, and grid-snapped points that
// share keys.
func TestPointOrderNearRuns(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		w := drawWorld(t)
		c := Circle{Center: w.drawPoint(t, "centre"), RadiusKM: rapid.Float64Range(0, 12).Draw(t, "radius") * float64(w.step) / fixedScale * 111}
		pts := make([]Point, rapid.IntRange(0, 300).Draw(t, "n"))
		for i := range pts {
			pts[i] = w.drawPoint(t, "p")
		}
		// Points just inside and just outside the circle's edge, where the box's margins matter.
		angle := c.RadiusKM / EarthRadiusKM
		for range rapid.IntRange(0, 100).Draw(t, "edge") {
			q := geo.PointAtBearingAndDistance(orb.Point{c.Center.Lon, c.Center.Lat}, rapid.Float64Range(0, 360).Draw(t, "bearing"),
				angle*rapid.Float64Range(0.999999, 1.000001).Draw(t, "edge-fraction")*orb.EarthRadius)
			if p := (Point{Lat: q[1], Lon: q[0]}); p.validate() == nil {
				pts = append(pts, p)
			}
		}
		o, perm, err := NewPointOrder(pts)
		if err != nil {
			t.Fatal(err)
		}
		for i := 1; i < len(o.keys); i++ {
			if o.keys[i-1] > o.keys[i] || o.keys[i-1] == o.keys[i] && perm[i-1] > perm[i] {
				t.Fatalf("positions %d, %d out of order: keys %x %x, points %d %d", i-1, i, o.keys[i-1], o.keys[i], perm[i-1], perm[i])
			}
		}
		cc, err := c.compile()
		if err != nil {
			t.Fatal(err)
		}
		in := make([]bool, len(pts))
		end := 0
		if err := o.NearRuns(c, func(lo, hi int) {
			if lo < end || lo >= hi || hi > len(pts) {
				t.Fatalf("run %d..%d after a run ending at %d (%d points)", lo, hi, end, len(pts))
			}
			for i := lo; i < hi; i++ {
				in[i] = true
			}
			end = hi
		}); err != nil {
			t.Fatal(err)
		}
		// The runs are whole quadtree cells, which hide a box drawn too small; so the boxes too.
		var boxes [2]ubox
		nbox := circleBoxes(c, &boxes)
		inBox := func(k uint64) bool {
			x, y := deinterleave(k)
			return slices.ContainsFunc(boxes[:nbox], func(b ubox) bool { return b.x0 <= x && x <= b.x1 && b.y0 <= y && y <= b.y1 })
		}
		var got []RecipientID
		for i, j := range perm {
			lat, lon := pointOf(o.keys[i])
			stored := cc.contains(lon, lat)
			if (stored || cc.contains(pts[j].Lon, pts[j].Lat)) && (!in[i] || !inBox(o.keys[i])) {
				t.Fatalf("point %d %+v (stored %v, %v) within %+v is outside the boxes %v or in no run", j, pts[j], lat, lon, c, boxes[:nbox])
			}
			if in[i] && stored {
				got = append(got, RecipientID(j))
			}
		}
		b := NewBuilder(len(pts))
		for i, p := range pts {
			if err := b.Add(RecipientID(i), p); err != nil {
				t.Fatal(err)
			}
		}
		ix, err := b.Build()
		if err != nil {
			t.Fatal(err)
		}
		a, err := NewArea(c)
		if err != nil {
			t.Fatal(err)
		}
		if want := ix.Query(a); !slices.Equal(got, want) {
			t.Fatalf("runs give %v, Query %v", got, want)
		}
	})
}

func TestPointOrderErrors(t *testing.T) {
	if _, _, err := NewPointOrder([]Point{{Lat: 91}}); err == nil {
		t.Error("latitude 91 accepted")
	}
	o, _, err := NewPointOrder([]Point{{Lat: 1, Lon: 2}})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []Circle{{Center: Point{Lat: 1, Lon: 200}, RadiusKM: 1}, {Center: Point{Lat: 1, Lon: 2}, RadiusKM: -1}} {
		if err := o.NearRuns(c, func(int, int) { t.Error("run reported") }); err == nil {
			t.Errorf("%+v accepted", c)
		}
	}
}
