package ops_test

import (
	"bytes"
	"context"
	"encoding/xml"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/taawun/taawun/internal/geodata"
	"github.com/taawun/taawun/internal/ops"
	"github.com/taawun/taawun/internal/store"
)

var update = flag.Bool("update", false, "rewrite golden files")

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file:\n%s", name, got)
	}
}

func sampleReport() ops.Report {
	inc := store.OpsRecord{Meta: store.Meta{ID: "0190a000-0000-7000-8000-000000000001"}, Kind: store.OpsIncident, Title: "Indus floods 2026",
		Status: "active", Data: raw(`{"hazard":"riverine_flood"}`)}
	reports := []store.Sitrep{
		{Meta: store.Meta{ID: "a"}, AreaCode: "PK-SD", AsOf: start, Figures: store.Figures{Dead: 12, Injured: 40, Displaced: 15000, HousesDamaged: 900}, Needs: "tents, water tabs"},
		{Meta: store.Meta{ID: "b"}, AreaCode: "PK-PB", AsOf: start.Add(time.Hour), Figures: store.Figures{Dead: 4, LivestockLost: 300, RoadsDamagedKm: 12, BridgesDamaged: 2}},
	}
	r, err := ops.NewReport(context.Background(), geodata.Embedded{}, "en", inc, ops.Rollup(reports, time.Time{}, nil), start.Add(2*time.Hour), start.Add(3*time.Hour), "pk-ndma")
	if err != nil {
		panic(err)
	}
	return r
}

// districtLookup knows the built-in regions and some imported districts, as regions.Lookup does.
type districtLookup map[string]geodata.Region

func (l districtLookup) Region(ctx context.Context, code string) (geodata.Region, bool, error) {
	if r, ok := l[code]; ok {
		return r, true, nil
	}
	return geodata.Embedded{}.Region(ctx, code)
}

// TestReportNamesImportedDistricts: every export names an imported district in the reader's
// language (else English, else its code), beside the code partners match on, and draws its
// outline.
func TestReportNamesImportedDistricts(t *testing.T) {
	square := orb.MultiPolygon{orb.Bound{Min: orb.Point{74.1, 31.3}, Max: orb.Point{74.5, 31.7}}.ToPolygon()}
	areas := districtLookup{
		"PK401": {Code: "PK401", Scheme: geodata.SchemeDistrict, Names: map[string]string{"en": "Lahore", "ur": "لاہور"}, Geometry: square},
		"Kasur": {Code: "Kasur", Scheme: geodata.SchemeDistrict, Names: map[string]string{"en": "Kasur"}, Geometry: square},
	}
	inc := store.OpsRecord{Meta: store.Meta{ID: "i"}, Kind: store.OpsIncident, Title: "Ravi flood", Status: "active", Data: raw(`{"hazard":"riverine_flood"}`)}
	parents := map[string]string{"PK401": "PK-PB", "Kasur": "PK-PB", "PK999": "PK-PB"}
	rows := ops.Rollup([]store.Sitrep{
		{Meta: store.Meta{ID: "a"}, AreaCode: "PK401", AsOf: start, Figures: store.Figures{Dead: 3}},
		{Meta: store.Meta{ID: "b"}, AreaCode: "Kasur", AsOf: start, Figures: store.Figures{Dead: 1}},
		{Meta: store.Meta{ID: "c"}, AreaCode: "PK999", AsOf: start, Figures: store.Figures{Dead: 2}}, // its import was replaced since
	}, time.Time{}, parents)
	r, err := ops.NewReport(context.Background(), areas, "ur", inc, rows, start, start, "pk-ndma")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"PK401": "لاہور", "Kasur": "Kasur", "PK999": "PK999", "PK-PB": "پنجاب", "PK": "پاکستان"}
	for _, a := range r.Areas {
		if a.Name != want[a.Code] {
			t.Errorf("%s is named %q, want %q", a.Code, a.Name, want[a.Code])
		}
	}
	var js, x, c, g bytes.Buffer
	for _, err := range []error{r.WriteJSON(&js), r.WriteXML(&x), r.WriteCSV(&c), r.WriteGeoJSON(&g)} {
		if err != nil {
			t.Fatal(err)
		}
	}
	if !strings.Contains(js.String(), `"code": "PK401",`) || !strings.Contains(js.String(), `"name": "لاہور",`) || !strings.Contains(js.String(), `"lang": "ur",`) {
		t.Errorf("JSON:\n%s", js.String())
	}
	if !strings.Contains(x.String(), `<area code="PK401" parent="PK-PB"`) || !strings.Contains(x.String(), `<name>لاہور</name>`) || !strings.Contains(x.String(), `lang="ur"`) {
		t.Errorf("XML:\n%s", x.String())
	}
	if !strings.Contains(c.String(), "\nPK401,PK-PB,لاہور,") || !strings.Contains(c.String(), "\nPK999,PK-PB,PK999,") {
		t.Errorf("CSV:\n%s", c.String())
	}
	fc, err := geojson.UnmarshalFeatureCollection(g.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fc.Features {
		switch f.ID {
		case "PK401":
			if f.Properties["name"] != "لاہور" || f.Properties["code"] != "PK401" || f.Geometry == nil {
				t.Errorf("GeoJSON Lahore: %v %v", f.Properties, f.Geometry)
			}
		case "PK999":
			if f.Properties["name"] != "PK999" || f.Geometry != nil {
				t.Errorf("GeoJSON unknown district: %v %v", f.Properties, f.Geometry)
			}
		}
	}
}

// TestReportExports pins the partner formats with golden files and checks each parses back.
func TestReportExports(t *testing.T) {
	r := sampleReport()
	var js, x, c, g bytes.Buffer
	for _, w := range []struct {
		buf   *bytes.Buffer
		write func(*bytes.Buffer) error
	}{
		{&js, func(b *bytes.Buffer) error { return r.WriteJSON(b) }},
		{&x, func(b *bytes.Buffer) error { return r.WriteXML(b) }},
		{&c, func(b *bytes.Buffer) error { return r.WriteCSV(b) }},
		{&g, func(b *bytes.Buffer) error { return r.WriteGeoJSON(b) }},
	} {
		if err := w.write(w.buf); err != nil {
			t.Fatal(err)
		}
	}
	golden(t, "sitrep.json", js.Bytes())
	golden(t, "sitrep.xml", x.Bytes())
	golden(t, "sitrep.csv", c.Bytes())

	var back ops.Report
	if err := xml.Unmarshal(x.Bytes(), &back); err != nil || len(back.Areas) != 3 || back.Areas[2].Code != "PK" {
		t.Fatalf("XML does not read back: %v %+v", err, back)
	}
	if !strings.Contains(c.String(), "PK,,Pakistan,,16,40,0,0,15000,0,900,0,300,12,2,") {
		t.Errorf("CSV national line missing:\n%s", c.String())
	}
	fc, err := geojson.UnmarshalFeatureCollection(g.Bytes())
	if err != nil || len(fc.Features) != 3 {
		t.Fatalf("GeoJSON = %v, %v", fc, err)
	}
	for _, f := range fc.Features {
		if f.Geometry == nil || f.Properties["code"] == "" {
			t.Errorf("feature %v has no outline or code", f.ID)
		}
	}
}

// TestLogCSVStreams: the log export writes what it is given, quoting text with commas,
// quotes and Urdu intact.
func TestLogCSVStreams(t *testing.T) {
	var b bytes.Buffer
	w, err := ops.NewLogCSV(&b)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 2500 {
		e := store.LogEntry{Meta: store.Meta{ID: "e"}, IncidentID: "i", OccurredAt: start, State: store.LogVetted, Body: "پانی, \"بلند\""}
		if i == 0 {
			e.VettedAt = start
		}
		if err := w.Write(e); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	if len(lines) != 2501 || !strings.HasSuffix(lines[1], `,"پانی, ""بلند"""`) {
		t.Fatalf("%d lines; second %q", len(lines), lines[1])
	}
}
