package geotarget

import (
	"errors"
	"math"
	"slices"
	"sync"
	"testing"

	"github.com/paulmach/orb"
)

// punjabLike is a rough, concave outline of Punjab (lat, lon), closed.
var punjabLike = Polygon{Outer: []Point{
	{33.9, 72.6}, {32.5, 75.4}, {31.1, 74.6}, {29.9, 73.9}, {28.0, 71.9},
	{27.9, 70.0}, {29.5, 70.4}, {31.4, 70.8}, {33.0, 71.5}, {33.9, 72.6},
}}

var (
	lahore     = Point{31.5204, 74.3587}
	multan     = Point{30.1575, 71.5249}
	karachi    = Point{24.8607, 67.0011}
	peshawar   = Point{34.0151, 71.5249}
	islamabad  = Point{33.6844, 73.0479}
	rawalpindi = Point{33.5651, 73.0169}
	murree     = Point{33.9070, 73.3943}
	abbottabad = Point{34.1688, 73.2215}
)

// north returns the point km kilometres due north of p on the sphere.
func north(p Point, km float64) Point {
	return Point{p.Lat + km/EarthRadiusKM*180/math.Pi, p.Lon}
}

func mustArea(t *testing.T, shapes ...Shape) *Area {
	t.Helper()
	a, err := NewArea(shapes...)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestQueryTable(t *testing.T) {
	square := Polygon{
		Outer: []Point{{0, 0}, {0, 1}, {1, 1}, {1, 0}, {0, 0}},
		Holes: [][]Point{{{0.4, 0.4}, {0.4, 0.6}, {0.6, 0.6}, {0.6, 0.4}, {0.4, 0.4}}},
	}
	tests := []struct {
		name  string
		area  []Shape
		locs  map[RecipientID][]Point
		want  []RecipientID
		count int
	}{
		{
			name: "Lahore and Multan inside a Punjab-like polygon",
			area: []Shape{punjabLike},
			locs: map[RecipientID][]Point{1: {lahore}, 2: {multan}, 3: {karachi}, 4: {peshawar}},
			want: []RecipientID{1, 2},
		},
		{
			name: "circle of 50 km around Islamabad",
			area: []Shape{Circle{Center: islamabad, RadiusKM: 50}},
			locs: map[RecipientID][]Point{
				1: {islamabad}, 2: {rawalpindi}, 3: {murree}, 4: {abbottabad}, 5: {peshawar},
				6: {north(islamabad, 49.99)}, 7: {north(islamabad, 50.01)},
			},
			want: []RecipientID{1, 2, 3, 6},
		},
		{
			name: "points on edges and vertices count as inside, beyond them not",
			area: []Shape{square},
			locs: map[RecipientID][]Point{
				1: {{0.5, 1}},         // outer edge
				2: {{1, 1}},           // outer vertex
				3: {{0.5, 1.0000001}}, // 1 cm outside
				4: {{0.5, 0.4}},       // hole edge
				5: {{0.5, 0.5}},       // inside the hole
				6: {{0.2, 0.2}},
			},
			want: []RecipientID{1, 2, 4, 6},
		},
		{
			name: "a recipient with several locations inside counts once",
			area: []Shape{punjabLike, Circle{Center: lahore, RadiusKM: 10}},
			locs: map[RecipientID][]Point{
				1: {lahore, multan, lahore, {31.5204000001, 74.3587}},
				2: {karachi, lahore},
				3: {karachi},
			},
			want: []RecipientID{1, 2},
		},
		{
			name: "union of a GeoJSON multipolygon and a circle",
			area: []Shape{
				MultiPolygon{orb.Polygon{orb.Ring{{66.9, 24.8}, {67.1, 24.8}, {67.1, 24.9}, {66.9, 24.9}, {66.9, 24.8}}}},
				Circle{Center: peshawar, RadiusKM: 1},
			},
			locs: map[RecipientID][]Point{1: {karachi}, 2: {peshawar}, 3: {lahore}},
			want: []RecipientID{1, 2},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := mustArea(t, tt.area...)
			for _, build := range []string{"builder", "upsert"} {
				var ix *Index
				if build == "builder" {
					b := NewBuilder(len(tt.locs))
					for r, locs := range tt.locs {
						if err := b.Add(r, locs...); err != nil {
							t.Fatal(err)
						}
					}
					var err error
					if ix, err = b.Build(); err != nil {
						t.Fatal(err)
					}
				} else {
					ix = New()
					for r, locs := range tt.locs {
						if err := ix.Upsert(r, locs); err != nil {
							t.Fatal(err)
						}
					}
				}
				got := ix.Query(a)
				slices.Sort(got)
				if !slices.Equal(got, tt.want) {
					t.Errorf("%s: Query = %v, want %v", build, got, tt.want)
				}
				if n := ix.CountInside(a); n != len(tt.want) {
					t.Errorf("%s: CountInside = %d, want %d", build, n, len(tt.want))
				}
			}
		})
	}
}

func TestUpdates(t *testing.T) {
	a := mustArea(t, punjabLike)
	b := NewBuilder(3)
	for r, p := range []Point{lahore, multan, karachi} {
		if err := b.Add(RecipientID(r), p); err != nil {
			t.Fatal(err)
		}
	}
	ix, err := b.Build()
	if err != nil {
		t.Fatal(err)
	}
	ix.maxPending = 2 // merge often
	steps := []struct {
		name string
		do   func() error
		want int
	}{
		{"built", func() error { return nil }, 2},
		{"remove Lahore", func() error { ix.Remove(0); return nil }, 1},
		{"remove Lahore again", func() error {
			if ix.Remove(0) {
				return errors.New("second Remove reported true")
			}
			return nil
		}, 1},
		{"move Karachi to Lahore", func() error { return ix.Upsert(2, []Point{lahore}) }, 2},
		{"move Multan to Karachi", func() error { return ix.Upsert(1, []Point{karachi}) }, 1},
		{"new recipient with two locations inside", func() error { return ix.Upsert(9, []Point{lahore, multan}) }, 2},
		{"Upsert with no locations removes", func() error { return ix.Upsert(2, nil) }, 1},
	}
	for _, s := range steps {
		if err := s.do(); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		if n := ix.CountInside(a); n != s.want {
			t.Fatalf("%s: CountInside = %d, want %d", s.name, n, s.want)
		}
	}
	if ix.Count() != 2 || ix.Locations() != 3 {
		t.Fatalf("Count, Locations = %d, %d, want 2, 3", ix.Count(), ix.Locations())
	}
}

func TestErrors(t *testing.T) {
	ix := New()
	if err := ix.Upsert(1, []Point{{91, 0}}); !errors.Is(err, ErrInvalidPoint) {
		t.Errorf("Upsert lat 91: %v, want ErrInvalidPoint", err)
	}
	if err := ix.Upsert(1, []Point{{0, math.NaN()}}); !errors.Is(err, ErrInvalidPoint) {
		t.Errorf("Upsert NaN: %v, want ErrInvalidPoint", err)
	}
	b := NewBuilder(0)
	for _, p := range []Point{lahore, multan, lahore} {
		if err := b.Add(1, p); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := b.Build(); !errors.Is(err, ErrDuplicateRecipient) {
		t.Errorf("Build with a recipient added twice: %v, want ErrDuplicateRecipient", err)
	}
	for _, s := range []Shape{
		Polygon{Outer: []Point{{0, 0}, {0, 1}, {0, 0}}},
		Polygon{Outer: []Point{{0, 0}, {0, 1}, {1, 200}}},
		Circle{Center: lahore, RadiusKM: -1},
		Circle{Center: lahore, RadiusKM: math.NaN()},
		MultiPolygon{orb.Polygon{orb.Ring{{0, 0}, {1, 1}}}},
	} {
		if _, err := NewArea(s); err == nil {
			t.Errorf("NewArea(%v) succeeded", s)
		}
	}
}

// TestConcurrentReadersAndWriter is for -race: queries run while a writer
// moves recipients in and out of the area and merges happen.
func TestConcurrentReadersAndWriter(t *testing.T) {
	a := mustArea(t, punjabLike)
	ix := New()
	ix.maxPending = 16
	var wg sync.WaitGroup
	for range 2 {
		wg.Go(func() {
			for range 200 {
				if n := ix.CountInside(a); n < 0 || n > 100 {
					t.Errorf("CountInside = %d", n)
				}
				_ = ix.Query(a)
			}
		})
	}
	for i := range 2000 {
		p := lahore
		if i%3 == 0 {
			p = karachi
		}
		if err := ix.Upsert(RecipientID(i%100), []Point{p}); err != nil {
			t.Fatal(err)
		}
	}
	wg.Wait()
}

func TestCircleNearPoleAndAntimeridian(t *testing.T) {
	tests := []struct {
		c    Circle
		in   []Point
		out  []Point
		name string
	}{
		{
			name: "north pole",
			c:    Circle{Center: Point{90, 0}, RadiusKM: 100},
			in:   []Point{{89.2, -179}, {89.2, 0}, {89.2, 90}},
			out:  []Point{{89, 45}},
		},
		{
			name: "across the antimeridian",
			c:    Circle{Center: Point{-17, 179.9}, RadiusKM: 50},
			in:   []Point{{-17, -179.9}, {-17.2, 179.8}},
			out:  []Point{{-17, -179.4}},
		},
	}
	for _, tt := range tests {
		a := mustArea(t, tt.c)
		ix := New()
		for i, p := range append(tt.in, tt.out...) {
			if err := ix.Upsert(RecipientID(i), []Point{p}); err != nil {
				t.Fatal(err)
			}
		}
		if n := ix.CountInside(a); n != len(tt.in) {
			t.Errorf("%s: CountInside = %d, want %d", tt.name, n, len(tt.in))
		}
	}
}
