package capgeo_test

import (
	"encoding/json"
	"math"
	"os"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geo"
	"github.com/paulmach/orb/planar"
	"github.com/taawun/taawun/internal/cap"
	"github.com/taawun/taawun/internal/cap/capgeo"
	"pgregory.net/rapid"
)

func info(areas ...cap.Area) *cap.Info { return &cap.Info{Areas: areas} }

func TestRegionContains(t *testing.T) {
	r, err := capgeo.NewRegion(info(
		cap.Area{AreaDesc: "square", Polygons: []string{"10,20 10,30 20,30 20,20 10,20"}},
		cap.Area{AreaDesc: "circle", Circles: []string{"-33.9,151.2 10"}},
		cap.Area{AreaDesc: "geocode only", Geocodes: []cap.NamedValue{{ValueName: "ISO3166-2", Value: "PK-PB"}}},
	))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		lat, lon float64
		want     bool
	}{
		{"inside square", 15, 25, true},
		{"on square edge", 10, 25, true},
		{"outside square", 25, 25, false},
		{"swapped order is outside", 25, 15, false},
		{"circle centre", -33.9, 151.2, true},
		{"9 km from centre", -33.9 + 9/111.2, 151.2, true},
		{"11 km from centre", -33.9 + 11/111.2, 151.2, false},
		{"far away", 0, 0, false},
	}
	for _, tt := range tests {
		if got := r.Contains(tt.lat, tt.lon); got != tt.want {
			t.Errorf("%s: Contains(%v, %v) = %v, want %v", tt.name, tt.lat, tt.lon, got, tt.want)
		}
	}
	if r.Unlocated() != 1 || r.Empty() {
		t.Errorf("Unlocated=%d Empty=%v", r.Unlocated(), r.Empty())
	}
	if _, err := capgeo.NewRegion(info(cap.Area{Polygons: []string{"1,1 2,2"}})); err == nil {
		t.Error("bad polygon accepted")
	}
	empty, err := capgeo.NewRegion(info())
	if err != nil || !empty.Empty() || empty.Contains(0, 0) {
		t.Errorf("empty region: %v %v", err, empty)
	}
}

// TestRegionMatchesBruteForce checks the prefiltered Contains against a
// plain test over every shape.
func TestRegionMatchesBruteForce(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(1, 4).Draw(t, "areas")
		var areas []cap.Area
		var polys []orb.Polygon
		type circ struct {
			c orb.Point
			m float64
		}
		var circles []circ
		for i := range n {
			lat := rapid.Float64Range(-60, 60).Draw(t, "lat")
			lon := rapid.Float64Range(-170, 170).Draw(t, "lon")
			size := rapid.Float64Range(0.01, 5).Draw(t, "size")
			if i%2 == 0 {
				s := strings.Join([]string{pt(lat, lon), pt(lat+size, lon), pt(lat+size, lon+size*2), pt(lat, lon), ""}, " ")
				areas = append(areas, cap.Area{Polygons: []string{strings.TrimSpace(s)}})
				p, err := capgeo.Polygon(s)
				if err != nil {
					t.Fatal(err)
				}
				polys = append(polys, p)
			} else {
				km := size * 50
				areas = append(areas, cap.Area{Circles: []string{pt(lat, lon) + " " + ftoa(km)}})
				circles = append(circles, circ{orb.Point{lon, lat}, km * 1000})
			}
		}
		r, err := capgeo.NewRegion(info(areas...))
		if err != nil {
			t.Fatal(err)
		}
		for range 50 {
			lat := rapid.Float64Range(-70, 70).Draw(t, "plat")
			lon := rapid.Float64Range(-179, 179).Draw(t, "plon")
			p := orb.Point{lon, lat}
			if nearBoundary(polys, p) {
				continue // on an edge the two float computations may differ
			}
			want := false
			for _, poly := range polys {
				want = want || planar.PolygonContains(poly, p)
			}
			for _, c := range circles {
				want = want || geo.DistanceHaversine(c.c, p) <= c.m
			}
			if got := r.Contains(lat, lon); got != want {
				t.Fatalf("Contains(%v, %v) = %v, brute force %v", lat, lon, got, want)
			}
		}
	})
}

func nearBoundary(polys []orb.Polygon, p orb.Point) bool {
	for _, poly := range polys {
		for _, r := range poly {
			for i := 0; i+1 < len(r); i++ {
				if planar.DistanceFromSegment(r[i], r[i+1], p) < 1e-9 {
					return true
				}
			}
		}
	}
	return false
}

func pt(lat, lon float64) string { return ftoa(lat) + "," + ftoa(lon) }

func ftoa(f float64) string {
	b, _ := json.Marshal(f)
	return string(b)
}

func TestFeatureCollection(t *testing.T) {
	src, err := os.ReadFile("../testdata/full.xml")
	if err != nil {
		t.Fatal(err)
	}
	a, err := cap.ParseBytes(src)
	if err != nil {
		t.Fatal(err)
	}
	fc, err := capgeo.FeatureCollection(a)
	if err != nil {
		t.Fatal(err)
	}
	if len(fc.Features) != 2 {
		t.Fatalf("%d features, want 2", len(fc.Features))
	}
	mp, ok := fc.Features[0].Geometry.(orb.MultiPolygon)
	if !ok || len(mp) != 2 {
		t.Fatalf("geometry %T %v", fc.Features[0].Geometry, fc.Features[0].Geometry)
	}
	// CAP "31.50,74.30" is lat,lon; GeoJSON wants [74.30, 31.50].
	if got := mp[0][0][0]; got != (orb.Point{74.30, 31.50}) {
		t.Errorf("first point %v, want [74.3 31.5] (lon, lat)", got)
	}
	if len(mp[1][0]) != capgeo.CirclePoints+1 {
		t.Errorf("circle ring of %d points", len(mp[1][0]))
	}
	b, err := json.Marshal(fc)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"type":"FeatureCollection"`) || !strings.Contains(string(b), `"center":[74.35,31.55]`) {
		t.Errorf("unexpected GeoJSON: %.400s", b)
	}
	// A geocode-only area has a null geometry.
	a.Infos[0].Areas[0].Polygons, a.Infos[0].Areas[0].Circles = nil, nil
	fc, err = capgeo.FeatureCollection(a)
	if err != nil {
		t.Fatal(err)
	}
	b, _ = json.Marshal(fc.Features[0])
	if !strings.Contains(string(b), `"geometry":null`) {
		t.Errorf("geocode-only feature: %s", b)
	}
}

func BenchmarkContains(b *testing.B) {
	// A 1000-vertex ring around (30, 70) with radius 5 degrees.
	var sb strings.Builder
	for i := range 1000 {
		a := float64(i) / 1000 * 2 * math.Pi
		sb.WriteString(pt(30+5*math.Sin(a), 70+5*math.Cos(a)) + " ")
	}
	sb.WriteString(pt(30, 75))
	s := sb.String()
	r, err := capgeo.NewRegion(info(cap.Area{Polygons: []string{s}}, cap.Area{Circles: []string{"31,71 20"}}))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		r.Contains(25+float64(i%100)/10, 65+float64(i%97)/10)
	}
}

// TestCirclePolygonMatchesOrb: a circle's vertices, with the centre's and the distance's sines
// and cosines worked out once (and the bearings' kept for the usual vertex counts), are exactly
// geo.PointAtBearingAndDistance's at each bearing.
func TestCirclePolygonMatchesOrb(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		c := cap.Circle{Center: cap.Point{Lat: rapid.Float64Range(-90, 90).Draw(t, "lat"), Lon: rapid.Float64Range(-180, 180).Draw(t, "lon")},
			RadiusKM: rapid.Float64Range(0, 5000).Draw(t, "km")}
		// The counts whose bearings' sines and cosines are kept, and any other.
		n := rapid.OneOf(rapid.SampledFrom([]int{capgeo.CirclePoints, 32}), rapid.IntRange(3, 100)).Draw(t, "n")
		got := capgeo.CirclePolygonN(c, n)[0]
		if len(got) != n+1 || got[n] != got[0] {
			t.Fatalf("%d vertices, closed %v; want %d, closed", len(got), got[n] == got[0], n+1)
		}
		for i := range n {
			want := geo.PointAtBearingAndDistance(orb.Point{c.Center.Lon, c.Center.Lat}, float64(i)*360/float64(n), c.RadiusKM*1000)
			if math.Float64bits(got[i][0]) != math.Float64bits(want[0]) || math.Float64bits(got[i][1]) != math.Float64bits(want[1]) {
				t.Fatalf("vertex %d of %v in %d: %v, orb gives %v", i, c, n, got[i], want)
			}
		}
	})
}
