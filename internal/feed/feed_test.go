package feed

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

func kindOf(row manifestRow) string {
	if row.Kind == "feed" {
		return "cap"
	}
	return row.Kind
}

// TestManifestFiles reads every usgs, gdacs and feed file of the shared test data as the
// manifest says: "parse" and "valid" files are read (items may be skipped with reasons, never
// silently), and the only document refused whole is the one with an external entity.
func TestManifestFiles(t *testing.T) {
	rows := manifest(t, "usgs", "gdacs", "feed")
	if len(rows) < 20 {
		t.Fatalf("manifest lists %d feed files, expected the usgs, gdacs and feed rows", len(rows))
	}
	for _, row := range rows {
		t.Run(row.Path, func(t *testing.T) {
			r, err := Parse(kindOf(row), readShared(t, row.Path), Limits{})
			if strings.Contains(row.Path, "xee") {
				if !errors.Is(err, ErrFormat) || !strings.Contains(err.Error(), "DTD") {
					t.Fatalf("external entity: err = %v, want a refusal naming the DTD", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("%s (%s): %v", row.Path, row.Verdict, err)
			}
			if got := len(r.Events) + len(r.Skipped) + len(r.Links); got < r.Items {
				t.Fatalf("%d items but %d events, skips and links: an item vanished", r.Items, got)
			}
			for _, s := range r.Skipped {
				if s.Reason == "" {
					t.Errorf("skip without a reason: %+v", s)
				}
			}
			for _, e := range r.Events {
				if reason := e.check(); reason != "" || e.Type == "" || len(e.Geometry) == 0 {
					t.Errorf("event %v: %s (type %q)", e.Keys, reason, e.Type)
				}
			}
		})
	}
}

func TestUSGS(t *testing.T) {
	manifest(t, "usgs")
	r, err := ParseUSGS(readShared(t, "usgs-earthquake-geojson/all_hour.geojson"), Limits{})
	if err != nil || len(r.Events) != 8 || len(r.Skipped) != 0 {
		t.Fatalf("all_hour: %d events, %v skips, %v", len(r.Events), r.Skipped, err)
	}
	r, err = ParseUSGS(readShared(t, "usgs-earthquake-geojson/significant_week.geojson"), Limits{})
	if err != nil || len(r.Events) != 4 {
		t.Fatalf("significant_week: %+v, %v", r, err)
	}
	e := r.Events[0]
	want := []string{"usgs:us2000c1zn", "usgs:pt17342002", "usgs:at00p0mzdc"}
	if fmt.Sprint(e.Keys) != fmt.Sprint(want) || e.AlertLevel != "green" || !e.Tsunami || *e.Magnitude != 6.4 || *e.DepthKm != 20.27 ||
		e.Lat != 10.009 || e.Lon != 140.1315 || e.Updated.UnixMilli() != 1512746163040 || e.Time.UnixMilli() != 1512726670300 {
		t.Fatalf("Fais event = %+v", e)
	}
	// The 2013 layout has no title, upper-case status and a null tsunami flag.
	r, err = ParseUSGS(readShared(t, "usgs-earthquake-geojson/significant_month.geojson"), Limits{})
	if err != nil || len(r.Events) != 6 || r.Events[0].Title != "M 5.9 - 13km E of Chabu, China" || r.Events[0].Tsunami || r.Events[0].AlertLevel != "orange" {
		t.Fatalf("significant_month: %+v, %v", r.Events[0], err)
	}
}

func TestGDACS(t *testing.T) {
	manifest(t, "gdacs")
	r, err := ParseGDACS(readShared(t, "exxamalte-python-aio-georss-gdacs/gdacs-rss-24h.xml"), Limits{})
	if err != nil || r.Items != 21 || len(r.Events) != 21 {
		t.Fatalf("24h: %d items, %d events, %v, %v", r.Items, len(r.Events), r.Skipped, err)
	}
	types := map[string]int{}
	var quake *Event
	for i, e := range r.Events {
		types[e.Type]++
		if e.Keys[0] == "gdacs:EQ:1200043" {
			quake = &r.Events[i]
		}
	}
	if types[TypeDrought] == 0 || types[TypeEarthquake] == 0 || types[TypeCyclone] == 0 {
		t.Fatalf("types = %v, want DR, EQ and TC", types)
	}
	if quake == nil || *quake.Magnitude != 5.3 || *quake.DepthKm != 10 || quake.AlertLevel != "green" || quake.Lat != -52.8544 || quake.Lon != 11.3526 {
		t.Fatalf("EQ 1200043 = %+v", quake)
	}
	r, err = ParseGDACS(readShared(t, "exxamalte-python-aio-georss-gdacs/gdacs-2.xml"), Limits{})
	if err != nil || len(r.Events) != 0 || len(r.Skipped) != 1 || !strings.Contains(r.Skipped[0].Reason, "bounding box") || r.Skipped[0].ID != "TC1000643" {
		t.Fatalf("bbox-only item: %+v, %v", r, err)
	}
}

func TestCAPFeeds(t *testing.T) {
	manifest(t, "feed")
	r, err := ParseCAP(readShared(t, "google-cap-library/validator-examples/earthquake.atom"), Limits{})
	if err != nil || len(r.Events) != 1 || r.Events[0].Type != TypeEarthquake || r.Events[0].Keys[0] != "cap:trinet@caltech.edu,TRI13970876.1" {
		t.Fatalf("embedded earthquake: %+v, %v", r, err)
	}
	// An update names the messages it replaces: their keys lead to the same event.
	r, err = ParseCAP(readShared(t, "google-cap-library/testdata/canada_signed.atom"), Limits{})
	if err != nil || len(r.Events) != 1 || len(r.Events[0].Refs) == 0 || r.Events[0].Refs[0] != "cap:cap-pac@ec.gc.ca,2.49.0.1.124.726d2331.2013" {
		t.Fatalf("canada update: %+v, %v", r, err)
	}
	// An index with cap: summaries gives events for the located entries and links for the rest.
	r, err = ParseCAP(readShared(t, "ibm-cap/nws_atom_feed_example.xml"), Limits{})
	if err != nil || r.Items != 163 || len(r.Events)+len(r.Links) != 163 || len(r.Events) == 0 {
		t.Fatalf("NWS index: %d items, %d events, %d links, %v", r.Items, len(r.Events), len(r.Links), err)
	}
	r, err = ParseCAP(readShared(t, "google-cap-library/testdata/ny_index.rss"), Limits{})
	if err != nil || len(r.Links) != 2 || !strings.HasPrefix(r.Links[0].URL, "http") {
		t.Fatalf("RSS index: %+v, %v", r, err)
	}
}

// TestImpossibleValues: impossible items are skipped with a reason naming the value, and the
// rest of the feed is kept.
func TestImpossibleValues(t *testing.T) {
	feature := func(id, mag string, lon, lat string) string {
		return `{"type":"Feature","id":"` + id + `","properties":{"mag":` + mag + `,"time":1512726670300,"updated":1512746163040,"type":"earthquake"},
			"geometry":{"type":"Point","coordinates":[` + lon + `,` + lat + `,10]}}`
	}
	body := `{"type":"FeatureCollection","features":[` + strings.Join([]string{
		feature("ok1", "5.1", "73.6", "34.5"), feature("big", "15", "73.6", "34.5"), feature("lat", "5", "10", "200"),
		feature("lon", "5", "-190", "10"), `{"type":"Feature","id":"str","properties":{"mag":"five"}}`, feature("ok2", "null", "70", "30"),
	}, ",") + `]}`
	r, err := ParseUSGS([]byte(body), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Events) != 2 || r.Events[0].Keys[0] != "usgs:ok1" || r.Events[1].Magnitude != nil {
		t.Fatalf("events = %+v", r.Events)
	}
	wantReasons := map[string]string{"big": "magnitude 15", "lat": "latitude 200", "lon": "longitude -190", "str": "unreadable"}
	for _, s := range r.Skipped {
		if w, ok := wantReasons[s.ID]; ok && !strings.Contains(s.Reason, w) || s.ID == "" && !strings.Contains(s.Reason, "unreadable") {
			t.Errorf("skip %s: reason %q", s.ID, s.Reason)
		}
	}
	if len(r.Skipped) != 4 {
		t.Fatalf("skips = %v", r.Skipped)
	}

	gdacs := `<rss version="2.0" xmlns:gdacs="http://www.gdacs.org" xmlns:geo="http://www.w3.org/2003/01/geo/wgs84_pos#"><channel>
		<item><guid>EQ1</guid><gdacs:eventtype>EQ</gdacs:eventtype><gdacs:eventid>1</gdacs:eventid><pubDate>Sun, 29 Dec 2019 18:24:41 GMT</pubDate>
		<geo:Point><geo:lat>200</geo:lat><geo:long>11</geo:long></geo:Point></item>
		<item><guid>EQ2</guid><gdacs:eventtype>EQ</gdacs:eventtype><gdacs:eventid>2</gdacs:eventid><pubDate>Sun, 29 Dec 2019 18:24:41 GMT</pubDate>
		<gdacs:severity unit="M" value="NaN">x</gdacs:severity><geo:Point><geo:lat>20</geo:lat><geo:long>11</geo:long></geo:Point></item>
		<item><guid>EQ3</guid><gdacs:eventtype>EQ</gdacs:eventtype><gdacs:eventid>3</gdacs:eventid><pubDate>Sun, 29 Dec 2019 18:24:41 GMT</pubDate>
		<gdacs:severity unit="M" value="6.1">Magnitude 6.1M, Depth:33km</gdacs:severity><geo:Point><geo:lat>20</geo:lat><geo:long>11</geo:long></geo:Point></item>
		</channel></rss>`
	r, err = ParseGDACS([]byte(gdacs), Limits{})
	if err != nil || len(r.Events) != 1 || r.Events[0].Keys[0] != "gdacs:EQ:3" || *r.Events[0].DepthKm != 33 || len(r.Skipped) != 2 {
		t.Fatalf("gdacs: %+v, %v", r, err)
	}
	if !strings.Contains(r.Skipped[0].Reason, "latitude 200") || !strings.Contains(r.Skipped[1].Reason, "NaN") {
		t.Fatalf("gdacs reasons: %v", r.Skipped)
	}
}

// TestWholeFeedRefused: what is not a feed at all fails as a whole, naming the problem.
func TestWholeFeedRefused(t *testing.T) {
	html := []byte("<!DOCTYPE html><html><body>Service unavailable</body></html>")
	many := `{"type":"FeatureCollection","features":[` + strings.Repeat(`{},`, 10) + `{}]}`
	for _, tc := range []struct {
		name, kind string
		body       []byte
		lim        Limits
		want       error
	}{
		{"html as usgs", "usgs", html, Limits{}, ErrFormat},
		{"html as gdacs", "gdacs", html, Limits{}, ErrFormat},
		{"html as cap", "cap", []byte("<html><body>login</body></html>"), Limits{}, ErrFormat},
		{"truncated json", "usgs", []byte(`{"type":"FeatureCollection","features":[{"type":"Fea`), Limits{}, ErrFormat},
		{"truncated xml", "gdacs", []byte(`<rss version="2.0"><channel><item><title>x`), Limits{}, ErrFormat},
		{"empty", "cap", nil, Limits{}, ErrFormat},
		{"too large", "usgs", []byte(many), Limits{MaxBytes: 20}, ErrTooLarge},
		{"too many items", "usgs", []byte(many), Limits{MaxItems: 5}, ErrTooManyItems},
		{"geojson of another kind", "usgs", []byte(`{"type":"Feature"}`), Limits{}, ErrFormat},
		{"unknown kind", "rss", []byte(`<rss/>`), Limits{}, ErrFormat},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := Parse(tc.kind, tc.body, tc.lim); !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
		})
	}
}
