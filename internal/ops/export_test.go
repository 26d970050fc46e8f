package ops_test

import (
	"bytes"
	"encoding/xml"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb/geojson"

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
	return ops.NewReport(inc, ops.Rollup(reports, time.Time{}, nil), start.Add(2*time.Hour), start.Add(3*time.Hour), "pk-ndma")
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
