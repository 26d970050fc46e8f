package impact

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/paulmach/orb"
	"github.com/taawun/taawun/internal/cap"
	"github.com/taawun/taawun/internal/gazetteer"
	"github.com/taawun/taawun/internal/population"
)

var update = flag.Bool("update", false, "rewrite golden files")

var embedded = sync.OnceValues(Embedded)

func estimator(t testing.TB) *Estimator {
	t.Helper()
	e, err := embedded()
	if err != nil {
		t.Fatal(err)
	}
	return e
}

var kashmir = Quake{Magnitude: 7.6, DepthKm: 26, Lat: 34.49, Lon: 73.63}

// Values computed by hand from the published equations.
func TestIPEValues(t *testing.T) {
	for _, c := range []struct {
		name string
		got  float64
		want float64
	}{
		// Rm = -0.209 + 2.042 e^2.6 = 27.283; √(30²+Rm²) = 40.55; 2.085 + 10.853 − 1.402·ln 40.55
		{"hypo M7.6 30 km", MMIHypocentral(7.6, 30), 2.085 + 1.428*7.6 - 1.402*math.Log(math.Hypot(30, -0.209+2.042*math.Exp(2.6)))},
		{"hypo M6 100 km", MMIHypocentral(6, 100), 2.085 + 1.428*6 - 1.402*math.Log(math.Hypot(100, -0.209+2.042*math.E)) + 0.078*math.Log(2)},
		{"rup M7 10 km", MMIRupture(7, 10), 3.95 + 0.913*7 - 1.107*math.Log(math.Hypot(10, 1+0.813*math.Exp(2)))},
	} {
		if math.Abs(c.got-c.want) > 1e-9 {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
	// Intensity falls with distance in both forms.
	for _, q := range []Quake{kashmir, {Magnitude: 7.6, DepthKm: 26, FiniteFault: true}} {
		prev := math.Inf(1)
		for d := 0.0; d < 1000; d += 5 {
			i := q.shaking().intensityAt(d)
			if i > prev+1e-12 {
				t.Fatalf("%+v: MMI rises at %v km", q, d)
			}
			prev = i
		}
	}
}

// The 2005 Kashmir earthquake (M7.6, 34.49 N 73.63 E, 26 km deep).
func TestKashmir2005(t *testing.T) {
	est, err := estimator(t).Earthquake(kashmir)
	if err != nil {
		t.Fatal(err)
	}
	mmiOf := map[string]float64{}
	rankOf := map[string]int{}
	for i, p := range est.Places {
		if _, seen := mmiOf[p.Name]; !seen {
			mmiOf[p.Name], rankOf[p.Name] = p.MMI, i
		}
	}
	if m := mmiOf["Muzaffarābād"]; m < 6.5 || rankOf["Muzaffarābād"] > 3 {
		t.Errorf("Muzaffarabad: MMI %.1f, rank %d; want VII+ among the first", m, rankOf["Muzaffarābād"])
	}
	if m := mmiOf["Islamabad"]; m < 5.5 || m >= 7.5 || m >= mmiOf["Muzaffarābād"] {
		t.Errorf("Islamabad: MMI %.1f, want VI–VII and below Muzaffarabad", m)
	}
	// Balakot, in no GeoNames export, is a place the project added (id < 0).
	if m := mmiOf["Balakot"]; m < 6.5 || rankOf["Balakot"] > 3 || est.Places[rankOf["Balakot"]].ID >= 0 {
		t.Errorf("Balakot: MMI %.1f, rank %d; want VII+ among the first", m, rankOf["Balakot"])
	}
	ff := kashmir
	ff.FiniteFault = true
	fe, err := estimator(t).Earthquake(ff)
	if err != nil {
		t.Fatal(err)
	}
	ffMMI := map[string]float64{}
	for _, p := range fe.Places {
		ffMMI[p.Name] = p.MMI
	}
	for _, name := range []string{"Muzaffarābād", "Balakot"} {
		if ffMMI[name] < mmiOf[name] {
			t.Errorf("%s with a finite fault %.1f, below the point source's %.1f", name, ffMMI[name], mmiOf[name])
		}
	}
	if b := ffMMI["Balakot"]; b <= mmiOf["Balakot"] {
		t.Errorf("Balakot with a finite fault %.1f, not above the point source's %.1f", b, mmiOf["Balakot"])
	}
	if len(est.Provinces) == 0 || (est.Provinces[0].Code != "PK-JK" && est.Provinces[0].Code != "PK-KP") {
		t.Errorf("most shaken province %+v", est.Provinces)
	}
	if est.Layer != LayerPlaces || est.Level == LevelGreen || est.Population < 1_000_000 {
		t.Errorf("layer %s level %s population %d", est.Layer, est.Level, est.Population)
	}
	if len(est.Bands) != 6 || est.Bands[0].MMI != 5 || est.Bands[5].MMI != 10 {
		t.Fatalf("bands %+v", est.Bands)
	}
	for i := 1; i < len(est.Bands); i++ {
		if est.Bands[i].RadiusKm > est.Bands[i-1].RadiusKm {
			t.Errorf("band %d wider than band %d", est.Bands[i].MMI, est.Bands[i-1].MMI)
		}
	}
	if n := len(est.Footprint.Features); n == 0 || est.Footprint.Features[0].Properties["mmi"] != 5 {
		t.Errorf("footprint %d features", n)
	}
	// An estimate travels as JSON (stored with events, served by the API) and comes back whole.
	data, err := json.Marshal(est)
	if err != nil {
		t.Fatal(err)
	}
	var back Estimate
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatal(err)
	}
	if back.Level != est.Level || back.Population != est.Population || len(back.Bands) != 6 || back.Places[0] != est.Places[0] ||
		len(back.Footprint.Features) != len(est.Footprint.Features) || !strings.Contains(string(data), `"radius_km"`) {
		t.Errorf("JSON round trip lost data: %s", data[:200])
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, "Kashmir 2005, point source, places layer: level %s, %d people at V+\n", est.Level, est.Population)
	for _, b := range est.Bands {
		fmt.Fprintf(&sb, "  MMI %2d: %9d people, out to %6.1f km\n", b.MMI, b.Population, b.RadiusKm)
	}
	for _, p := range est.Places[:min(10, len(est.Places))] {
		fmt.Fprintf(&sb, "  %-20s %s %5.1f km MMI %.1f pop %d\n", p.Name, p.Province, p.DistanceKm, p.MMI, p.Population)
	}
	fmt.Fprintf(&sb, "  Balakot MMI %.1f\n  Islamabad MMI %.1f\n", mmiOf["Balakot"], mmiOf["Islamabad"])
	fmt.Fprintf(&sb, "Finite fault (Wells & Coppersmith rupture %.0f km, rupture-distance form): level %s, %d people at V+\n",
		ruptureLengthKm(ff.Magnitude), fe.Level, fe.Population)
	for _, b := range fe.Bands {
		fmt.Fprintf(&sb, "  MMI %2d: %9d people, out to %6.1f km\n", b.MMI, b.Population, b.RadiusKm)
	}
	for _, p := range fe.Places[:min(5, len(fe.Places))] {
		fmt.Fprintf(&sb, "  %-20s %s %5.1f km MMI %.1f pop %d\n", p.Name, p.Province, p.DistanceKm, p.MMI, p.Population)
	}
	fmt.Fprintf(&sb, "  Balakot MMI %.1f\n  Islamabad MMI %.1f\n", ffMMI["Balakot"], ffMMI["Islamabad"])
	golden(t, "kashmir2005.txt", sb.String())
}

// USGS significant-earthquake feeds: our level against the PAGER alert.
func TestPAGERAgreement(t *testing.T) {
	files, _ := filepath.Glob("../../../shared/testdata/usgs-earthquake-geojson/significant_*.geojson")
	if len(files) == 0 {
		t.Skip("shared test data not present")
	}
	sort.Strings(files)
	var lines []string
	var n, agree int
	for _, f := range files {
		var fc struct {
			Features []struct {
				ID         string `json:"id"`
				Properties struct {
					Mag   float64 `json:"mag"`
					Alert *string `json:"alert"`
					Place string  `json:"place"`
				} `json:"properties"`
				Geometry struct {
					Coordinates []float64 `json:"coordinates"`
				} `json:"geometry"`
			} `json:"features"`
		}
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(data, &fc); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for _, ev := range fc.Features {
			if ev.Properties.Alert == nil || len(ev.Geometry.Coordinates) < 3 {
				continue
			}
			c := ev.Geometry.Coordinates
			est, err := estimator(t).Earthquake(Quake{Magnitude: ev.Properties.Mag, Lon: c[0], Lat: c[1], DepthKm: math.Max(0, c[2])})
			if err != nil {
				t.Fatalf("%s: %v", ev.ID, err)
			}
			n++
			mark := "differs"
			if string(est.Level) == *ev.Properties.Alert {
				agree++
				mark = "agrees"
			}
			lines = append(lines, fmt.Sprintf("%s M%.1f %-45s PAGER %-6s ours %-6s (%d at V+) %s",
				filepath.Base(f), ev.Properties.Mag, ev.Properties.Place, *ev.Properties.Alert, est.Level, est.Population, mark))
		}
	}
	if n == 0 {
		t.Fatal("no events with a PAGER alert")
	}
	summary := fmt.Sprintf("agreement with PAGER: %d of %d events (%.0f%%); places layer (urban lower bound, SCO states only)", agree, n, 100*float64(agree)/float64(n))
	t.Log(summary)
	golden(t, "pager_agreement.txt", strings.Join(append(lines, summary), "\n")+"\n")
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	p := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(p, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(p)
	if err != nil {
		t.Fatalf("%v (run with -update)", err)
	}
	if string(want) != got {
		t.Errorf("%s differs (run with -update):\n%s", p, got)
	}
}

func TestInvalidQuakes(t *testing.T) {
	for _, q := range []Quake{
		{Magnitude: 15, Lat: 30, Lon: 70}, {Magnitude: 0, Lat: 30, Lon: 70}, {Magnitude: math.NaN()},
		{Magnitude: 6, Lat: 200, Lon: 70}, {Magnitude: 6, Lat: 30, Lon: -181}, {Magnitude: 6, DepthKm: -1},
		{Magnitude: 6, DepthKm: 900},
	} {
		if _, err := estimator(t).Earthquake(q); !errors.Is(err, ErrInvalidQuake) {
			t.Errorf("%+v: %v", q, err)
		}
	}
	if _, err := New(&population.Layers{}).Earthquake(kashmir); !errors.Is(err, ErrNoModel) {
		t.Errorf("no model: %v", err)
	}
}

func TestSmallQuakeFarAway(t *testing.T) {
	est, err := estimator(t).Earthquake(Quake{Magnitude: 3, DepthKm: 10, Lat: 0, Lon: -30})
	if err != nil {
		t.Fatal(err)
	}
	if est.Level != LevelGreen || est.Population != 0 || len(est.Places) != 0 {
		t.Errorf("%+v", est)
	}
}

func TestAreas(t *testing.T) {
	e := estimator(t)
	islamabad := Circle{Lat: 33.72, Lon: 73.06, RadiusKm: 15}
	one, err := e.Areas([]AreaGeometry{{Circles: []Circle{islamabad}}})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, p := range one.Places {
		names = append(names, p.Name)
	}
	if one.Population < 500_000 || !strings.Contains(strings.Join(names, ","), "Islamabad") || one.Layer != LayerPlaces {
		t.Errorf("Islamabad circle: %d people, places %+v", one.Population, one.Places)
	}
	// The same circle twice, or as a polygon around it too, counts once.
	sq := orb.Polygon{{{72.8, 33.5}, {73.3, 33.5}, {73.3, 33.9}, {72.8, 33.9}, {72.8, 33.5}}}
	two, err := e.Areas([]AreaGeometry{{Circles: []Circle{islamabad, islamabad}}, {Polygons: []orb.Polygon{sq}}})
	if err != nil {
		t.Fatal(err)
	}
	if two.Population < one.Population || two.Population > 2*one.Population+3_000_000 {
		t.Errorf("union %d vs one %d", two.Population, one.Population)
	}
	prov, err := e.Areas([]AreaGeometry{{Regions: []string{"PK-IS"}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(prov.Provinces) != 1 || prov.Provinces[0].Code != "PK-IS" || prov.Population == 0 {
		t.Errorf("province area: %+v", prov.Provinces)
	}
	if _, err := e.Areas([]AreaGeometry{{Regions: []string{"XX-NOPE"}}}); err == nil {
		t.Error("unknown region accepted")
	}
	// From a CAP area.
	ag, err := AreaFromCAP(&cap.Area{AreaDesc: "Islamabad", Circles: []string{"33.72,73.06 15"},
		Geocodes: []cap.NamedValue{{ValueName: "ISO3166-2", Value: "PK-IS"}, {ValueName: "OTHER", Value: "x"}}})
	if err != nil || len(ag.Circles) != 1 || len(ag.Regions) != 1 {
		t.Fatalf("AreaFromCAP: %+v %v", ag, err)
	}
	if _, err := AreaFromCAP(&cap.Area{Polygons: []string{"1,2 3"}}); err == nil {
		t.Error("bad CAP polygon accepted")
	}
}

func TestGridTakesPrecedence(t *testing.T) {
	gaz, err := gazetteer.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	var cells []population.Cell
	for lat := 33.0; lat <= 36.0; lat += 0.05 {
		for lon := 72.0; lon <= 75.0; lon += 0.05 {
			cells = append(cells, population.Cell{Lat: lat, Lon: lon, Population: 100})
		}
	}
	m, err := population.NewModel(gaz, cells)
	if err != nil {
		t.Fatal(err)
	}
	est, err := New(population.NewLayers(m)).Earthquake(kashmir)
	if err != nil {
		t.Fatal(err)
	}
	if est.Layer != LayerGrid || est.Population == 0 || est.Population%100 != 0 || len(est.Places) == 0 {
		t.Errorf("grid estimate: layer %s population %d places %d", est.Layer, est.Population, len(est.Places))
	}
	a, err := New(population.NewLayers(m)).Areas([]AreaGeometry{{Circles: []Circle{{Lat: 34.5, Lon: 73.5, RadiusKm: 10}}}})
	if err != nil || a.Layer != LayerGrid || a.Population < 100*8 || a.Population > 100*20 {
		t.Errorf("grid area: %+v %v", a.Population, err)
	}
}

// go test -run '^$' -bench Earthquake -benchtime 200x ./internal/impact/
func BenchmarkEarthquake(b *testing.B) {
	e := estimator(b)
	for b.Loop() {
		if _, err := e.Earthquake(kashmir); err != nil {
			b.Fatal(err)
		}
	}
}

func TestFiniteFaultShakesHarder(t *testing.T) {
	ff := kashmir
	ff.FiniteFault = true
	pt, err := estimator(t).Earthquake(kashmir)
	if err != nil {
		t.Fatal(err)
	}
	fe, err := estimator(t).Earthquake(ff)
	if err != nil {
		t.Fatal(err)
	}
	// The rupture-distance form attenuates faster far away, so fewer people feel V, but the
	// strong bands reach further and the level rises.
	strong := func(e Estimate) (n int64) {
		for _, b := range e.Bands[3:] {
			n += b.Population
		}
		return n
	}
	if fe.Bands[2].RadiusKm <= pt.Bands[2].RadiusKm || strong(fe) <= strong(pt) || levelRank(fe.Level) < levelRank(pt.Level) {
		t.Errorf("finite fault VII out to %.0f km (point %.0f), %d at VIII+ (point %d), level %s (point %s)",
			fe.Bands[2].RadiusKm, pt.Bands[2].RadiusKm, strong(fe), strong(pt), fe.Level, pt.Level)
	}
	t.Logf("finite fault: level %s, strongest %s at %.1f; point source: level %s, %s at %.1f",
		fe.Level, fe.Places[0].Name, fe.Places[0].MMI, pt.Level, pt.Places[0].Name, pt.Places[0].MMI)
}

// syntheticGrid is a grid of step degrees over [lat0, lat1] × [lon0, lon1] with pop people per cell.
func syntheticGrid(lat0, lat1, lon0, lon1, step, pop float64) []population.Cell {
	var cells []population.Cell
	for lat := lat0; lat <= lat1; lat += step {
		for lon := lon0; lon <= lon1; lon += step {
			cells = append(cells, population.Cell{Lat: lat, Lon: lon, Population: pop})
		}
	}
	return cells
}

func TestDistrictsInEstimates(t *testing.T) {
	sq := orb.MultiPolygon{{{{73.3, 34.2}, {73.8, 34.2}, {73.8, 34.6}, {73.3, 34.6}, {73.3, 34.2}}}}
	gaz, err := gazetteer.WithDistricts([]gazetteer.District{{Code: "PK-MZD", Name: "Muzaffarabad", Province: "PK-JK", Geometry: sq}})
	if err != nil {
		t.Fatal(err)
	}
	m, err := population.NewModel(gaz, syntheticGrid(33, 36, 72, 75, 0.1, 10))
	if err != nil {
		t.Fatal(err)
	}
	e := New(population.NewLayers(m))
	est, err := e.Earthquake(kashmir)
	if err != nil {
		t.Fatal(err)
	}
	if len(est.Districts) != 1 || est.Districts[0].Code != "PK-MZD" || est.Districts[0].MaxMMI < 7 || est.Districts[0].Population == 0 {
		t.Errorf("districts %+v", est.Districts)
	}
	a, err := e.Areas([]AreaGeometry{{Regions: []string{"PK-MZD"}}})
	if err != nil || a.Population != est.Districts[0].Population || len(a.Districts) != 1 {
		t.Errorf("district area: %d people (quake counted %d) %v", a.Population, est.Districts[0].Population, err)
	}
}

// go test -run '^$' -bench EarthquakeGrid -benchtime 20x ./internal/impact/
// A 0.01° (~1 km) grid over northern Pakistan and Kashmir: 240,000 cells.
func BenchmarkEarthquakeGrid(b *testing.B) {
	gaz, err := gazetteer.Embedded()
	if err != nil {
		b.Fatal(err)
	}
	m, err := population.NewModel(gaz, syntheticGrid(33, 37, 70, 76, 0.01, 100))
	if err != nil {
		b.Fatal(err)
	}
	e := New(population.NewLayers(m))
	b.ResetTimer()
	for b.Loop() {
		if _, err := e.Earthquake(kashmir); err != nil {
			b.Fatal(err)
		}
	}
}

func levelRank(l Level) int {
	return map[Level]int{LevelGreen: 0, LevelYellow: 1, LevelOrange: 2, LevelRed: 3}[l]
}
