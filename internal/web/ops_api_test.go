package web

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/taawun/taawun/internal/testenv"
)

// decodeInto decodes a JSON response, failing on an unexpected status.
func decodeInto(t *testing.T, c *client, resp *http.Response, status int, v any) {
	t.Helper()
	body := c.Body(resp)
	if resp.StatusCode != status {
		t.Fatalf("%s %s: %d, want %d: %s", resp.Request.Method, resp.Request.URL.Path, resp.StatusCode, status, body)
	}
	if v != nil {
		if err := json.Unmarshal([]byte(body), v); err != nil {
			t.Fatalf("%s: %v: %s", resp.Request.URL.Path, err, body)
		}
	}
}

// wantProblem checks a problem+json answer's status and field.
func wantProblem(t *testing.T, c *client, resp *http.Response, status int, field string) {
	t.Helper()
	if resp.StatusCode != status {
		t.Fatalf("%s %s: %d, want %d: %s", resp.Request.Method, resp.Request.URL.Path, resp.StatusCode, status, c.Body(resp))
	}
	p := c.problem(resp)
	if p.Field != field || p.Detail == "" {
		t.Fatalf("%s: problem %+v, want field %q and a detail", resp.Request.URL.Path, p, field)
	}
}

type idOnly struct {
	ID     string `json:"id"`
	Status string `json:"status"`
	State  string `json:"state"`
}

// TestOpsAPIMainPath drives the operations API as the pages do: an incident, a log entry with a
// photo vetted by the lead's controller, a situation report with its partner exports, stock,
// and the operating picture; with the bad inputs the issue names answered by clear problems.
func TestOpsAPIMainPath(t *testing.T) {
	n := newTestNode(t)
	ops := n.login(t, "ops.punjab")    // PDMA Punjab operations officer (controller)
	duty := n.login(t, "duty.officer") // NDMA duty officer: reports, cannot vet
	lahore := n.login(t, "viewer.lahore")

	var inc idOnly
	decodeInto(t, ops, ops.PostJSON("/api/v1/incidents", map[string]any{"title": "Chenab flood", "geometry": map[string]any{"type": "Point", "coordinates": []float64{72.4, 31.2}},
		"data": map[string]any{"hazard": "riverine_flood"}}), http.StatusCreated, &inc)
	wantProblem(t, ops, ops.PostJSON("/api/v1/incidents", map[string]any{"title": "x", "data": map[string]any{"hazard": "riverine_flood"}}), http.StatusUnprocessableEntity, "geometry")
	if resp := lahore.Get("/api/v1/incidents/" + inc.ID); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("a district below the lead sees its incident: %d", resp.StatusCode)
	}

	png := base64.StdEncoding.EncodeToString([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"))
	var entry idOnly
	decodeInto(t, duty, duty.PostJSON("/api/v1/incidents/"+inc.ID+"/log", map[string]any{"body": "Head Marala: 600,000 cusecs",
		"attachments": []map[string]string{{"name": "gauge.png", "content_base64": png}}}), http.StatusCreated, &entry)
	wantProblem(t, duty, duty.PostJSON("/api/v1/incidents/"+inc.ID+"/log", map[string]any{"body": "later", "occurred_at": time.Now().Add(time.Hour)}),
		http.StatusUnprocessableEntity, "occurred_at")
	if resp := duty.PostJSON("/api/v1/log/"+entry.ID+"/vet", map[string]any{"approve": true}); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("vetting without the right: %d", resp.StatusCode)
	}
	decodeInto(t, ops, ops.PostJSON("/api/v1/log/"+entry.ID+"/vet", map[string]any{"approve": true}), http.StatusOK, &entry)
	if entry.State != "vetted" {
		t.Fatalf("entry state %q", entry.State)
	}
	var log struct {
		Entries []struct {
			Attachments []struct {
				URL         string `json:"url"`
				ContentType string `json:"content_type"`
			} `json:"attachments"`
		} `json:"entries"`
	}
	decodeInto(t, duty, duty.Get("/api/v1/incidents/"+inc.ID+"/log"), http.StatusOK, &log)
	if len(log.Entries) != 1 || len(log.Entries[0].Attachments) != 1 || log.Entries[0].Attachments[0].ContentType != "image/png" {
		t.Fatalf("log = %+v", log)
	}
	att := duty.Get(log.Entries[0].Attachments[0].URL)
	if att.StatusCode != http.StatusOK || att.Header.Get("Content-Type") != "image/png" || !strings.HasPrefix(att.Header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("attachment: %d %v", att.StatusCode, att.Header)
	}
	export := duty.Get("/api/v1/log/export?incident=" + inc.ID)
	if body := duty.Body(export); export.StatusCode != http.StatusOK || !strings.Contains(body, "Head Marala: 600,000 cusecs") {
		t.Fatalf("log export: %d %s", export.StatusCode, body)
	}

	wantProblem(t, ops, ops.PostJSON("/api/v1/incidents/"+inc.ID+"/sitreps", map[string]any{"area_code": "PK-PB", "as_of": time.Now().Add(24 * time.Hour)}),
		http.StatusUnprocessableEntity, "as_of")
	wantProblem(t, ops, ops.PostJSON("/api/v1/incidents/"+inc.ID+"/sitreps", map[string]any{"area_code": "PK-ZZ", "as_of": time.Now()}),
		http.StatusUnprocessableEntity, "area_code")
	wantProblem(t, ops, ops.PostJSON("/api/v1/incidents/"+inc.ID+"/sitreps", map[string]any{"area_code": "PK-PB", "as_of": time.Now(), "dead": -1}),
		http.StatusUnprocessableEntity, "dead")
	decodeInto(t, ops, ops.PostJSON("/api/v1/incidents/"+inc.ID+"/sitreps", map[string]any{"area_code": "PK-PB", "as_of": time.Now().Add(-time.Minute),
		"dead": 7, "displaced": 12000, "needs": "خیمے"}), http.StatusCreated, nil)
	var summary struct {
		Rollup []struct {
			Code  string
			Total map[string]int64
		}
	}
	decodeInto(t, ops, ops.Get("/api/v1/incidents/"+inc.ID+"/sitreps"), http.StatusOK, &summary)
	if len(summary.Rollup) != 2 || summary.Rollup[1].Code != "PK" || summary.Rollup[1].Total["displaced"] != 12000 {
		t.Fatalf("roll-up = %+v", summary.Rollup)
	}
	for format, ct := range map[string]string{"csv": "text/csv; charset=utf-8", "xml": "application/xml", "geojson": "application/geo+json", "json": "application/json"} {
		resp := ops.Get("/api/v1/incidents/" + inc.ID + "/report?format=" + format)
		body := ops.Body(resp)
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != ct || !strings.Contains(body, "12000") {
			t.Errorf("report %s: %d %s %.200s", format, resp.StatusCode, resp.Header.Get("Content-Type"), body)
		}
		if format == "xml" {
			var v struct{ XMLName xml.Name }
			if err := xml.Unmarshal([]byte(body), &v); err != nil || v.XMLName.Local != "situationReport" {
				t.Errorf("report xml: %v %v", err, v.XMLName)
			}
		}
	}
	if resp := ops.Get("/api/v1/incidents/" + inc.ID + "/report?format=pdf"); resp.StatusCode != http.StatusServiceUnavailable ||
		!strings.Contains(ops.Body(resp), "chromium") {
		t.Fatalf("PDF without the chromium setting: %d", resp.StatusCode)
	}

	var item, wh idOnly
	wantProblem(t, ops, ops.PostJSON("/api/v1/items", map[string]any{"code": "rice", "cluster": "food", "unit": "sack", "names": map[string]string{"en": "Rice"}}),
		http.StatusUnprocessableEntity, "unit")
	decodeInto(t, ops, ops.PostJSON("/api/v1/items", map[string]any{"code": "rice-25", "cluster": "food", "unit": "bag", "names": map[string]string{"en": "Rice 25 kg", "ur": "چاول"}}),
		http.StatusCreated, &item)
	decodeInto(t, ops, ops.PostJSON("/api/v1/warehouses", map[string]any{"title": "Multan depot", "geometry": map[string]any{"type": "Point", "coordinates": []float64{71.5, 30.2}}}),
		http.StatusCreated, &wh)
	decodeInto(t, ops, ops.PostJSON("/api/v1/stock/moves", map[string]any{"kind": "receive", "warehouse_id": wh.ID, "item_id": item.ID, "quantity": 10}), http.StatusCreated, nil)
	wantProblem(t, ops, ops.PostJSON("/api/v1/stock/moves", map[string]any{"kind": "dispatch", "warehouse_id": wh.ID, "item_id": item.ID, "quantity": 11}),
		http.StatusUnprocessableEntity, "quantity")
	wantProblem(t, ops, ops.PostJSON("/api/v1/stock/moves", map[string]any{"kind": "receive", "warehouse_id": wh.ID, "item_id": item.ID, "quantity": -3}),
		http.StatusUnprocessableEntity, "quantity")
	var ledger struct{ Lines []struct{ Balance int64 } }
	decodeInto(t, ops, ops.Get("/api/v1/warehouses/"+wh.ID+"/ledger"), http.StatusOK, &ledger)
	if len(ledger.Lines) != 1 || ledger.Lines[0].Balance != 10 {
		t.Fatalf("ledger after refused moves = %+v", ledger)
	}

	var cop map[string]struct {
		Features []struct {
			ID         string
			Properties map[string]any
		}
	}
	decodeInto(t, ops, ops.Get("/api/v1/cop?bbox=60,23,78,37&layers=incident,warehouse"), http.StatusOK, &cop)
	if len(cop) != 2 || len(cop["incident"].Features) != 1 || cop["incident"].Features[0].ID != inc.ID || len(cop["warehouse"].Features) != 1 {
		t.Fatalf("COP = %+v", cop)
	}
	wantProblem(t, ops, ops.Get("/api/v1/cop?bbox=78,23,60,37"), http.StatusBadRequest, "bbox")
	wantProblem(t, ops, ops.Get("/api/v1/cop?layers=volcano"), http.StatusUnprocessableEntity, "layers")
	var dash struct {
		Counts map[string]map[string]int
	}
	decodeInto(t, ops, ops.Get("/api/v1/ops/dashboard"), http.StatusOK, &dash)
	if dash.Counts["incident"]["active"] != 1 || dash.Counts["warehouse"]["open"] != 1 {
		t.Fatalf("dashboard = %+v", dash)
	}
}

// TestSitrepPDFShapesUrdu prints an Urdu situation report with Chromium and checks the PDF embeds
// the Nastaliq font: the text was laid out by the browser's shaper, not drawn letter by letter.
func TestSitrepPDFShapesUrdu(t *testing.T) {
	testenv.Need(t, testenv.Chromium() != "", "Chromium: install Debian chromium")
	n := newTestNode(t, func(o *Options) { o.Chromium = testenv.Chromium() })
	// A district's row too, named in Urdu (ops_print_test.go).
	n.importLahore(t)
	c := n.login(t, "ops.punjab") // prefers Urdu
	var inc idOnly
	decodeInto(t, c, c.PostJSON("/api/v1/incidents", map[string]any{"title": "دریائے چناب میں سیلاب", "geometry": map[string]any{"type": "Point", "coordinates": []float64{72.4, 31.2}},
		"data": map[string]any{"hazard": "riverine_flood"}}), http.StatusCreated, &inc)
	decodeInto(t, c, c.PostJSON("/api/v1/incidents/"+inc.ID+"/sitreps", map[string]any{"area_code": "PK-PB", "as_of": time.Now().Add(-time.Minute),
		"dead": 7, "needs": "خیمے اور پینے کا پانی"}), http.StatusCreated, nil)
	decodeInto(t, c, c.PostJSON("/api/v1/incidents/"+inc.ID+"/sitreps", map[string]any{"area_code": "PK401", "as_of": time.Now().Add(-time.Minute),
		"dead": 2}), http.StatusCreated, nil)
	resp := c.Get("/api/v1/incidents/" + inc.ID + "/report?format=pdf")
	body := []byte(c.Body(resp))
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/pdf" || !bytes.HasPrefix(body, []byte("%PDF-")) {
		t.Fatalf("PDF: %d %s %.200s", resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
	if !bytes.Contains(body, []byte("NotoNastaliqUrdu")) {
		t.Fatal("the PDF does not embed Noto Nastaliq Urdu")
	}
}

// FuzzParseBBox: a bbox parameter is refused or yields a box on the globe with west ≤ east and
// south ≤ north.
func FuzzParseBBox(f *testing.F) {
	for _, s := range []string{"60,23,78,37", "74.1,31.2,74.6,31.7", "-180,-90,180,90", "78,23,60,37", "1,2,3", "NaN,0,1,1", "1e999,0,1,1", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b, err := parseBBox(s)
		if err != nil || b == nil {
			return
		}
		if !(b.MinLon <= b.MaxLon && b.MinLat <= b.MaxLat && b.MinLon >= -180 && b.MaxLon <= 180 && b.MinLat >= -90 && b.MaxLat <= 90) {
			t.Fatalf("parseBBox(%q) = %+v", s, b)
		}
	})
}
