package web

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestSitrepImportedDistrictsThroughAPI: once an administrator imports district boundaries,
// situation reports name districts by their codes, whether or not the file named their
// province; the roll-up and the daily changes count them under their province and country, the
// incident page offers and names them, and an unknown code is refused naming it.
func TestSitrepImportedDistrictsThroughAPI(t *testing.T) {
	n := newTestNode(t)
	admin, ops := n.login(t, "admin"), n.login(t, "ops.punjab")
	districts := `{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"code":"PK0401","name":"Lahore","name_ur":"لاہور","province":"PK-PB"},
 "geometry":{"type":"Polygon","coordinates":[[[74.1,31.3],[74.5,31.3],[74.5,31.7],[74.1,31.7],[74.1,31.3]]]}},
{"type":"Feature","properties":{"code":"PK0412","name":"Kasur","name_ur":"قصور"},
 "geometry":{"type":"Polygon","coordinates":[[[74.1,30.8],[74.5,30.8],[74.5,31.2],[74.1,31.2],[74.1,30.8]]]}}]}`
	req, _ := http.NewRequest(http.MethodPost, admin.Base+"/api/v1/geography/districts?name=PK-adm2&source=test", strings.NewReader(districts))
	req.Header.Set("Content-Type", "application/geo+json")
	req.Header.Set(csrfHeader, admin.CSRF)
	if resp := admin.Do(req); resp.StatusCode != http.StatusCreated {
		t.Fatalf("import: %d %s", resp.StatusCode, admin.Body(resp))
	}

	var inc idOnly
	decodeInto(t, ops, ops.PostJSON("/api/v1/incidents", map[string]any{"title": "Ravi flood", "geometry": map[string]any{"type": "Point", "coordinates": []float64{74.3, 31.5}},
		"data": map[string]any{"hazard": "riverine_flood"}}), http.StatusCreated, &inc)
	at := time.Now().Add(-time.Minute)
	for _, r := range []map[string]any{
		{"area_code": "PK0401", "as_of": at, "dead": 2, "displaced": 900},
		{"area_code": "PK0412", "as_of": at, "dead": 1, "displaced": 300},
		{"area_code": "PK-PB", "as_of": at, "dead": 2, "displaced": 1500}, // the province's own count: more displaced, fewer dead
	} {
		decodeInto(t, ops, ops.PostJSON("/api/v1/incidents/"+inc.ID+"/sitreps", r), http.StatusCreated, nil)
	}
	resp := ops.PostJSON("/api/v1/incidents/"+inc.ID+"/sitreps", map[string]any{"area_code": "PK9999", "as_of": at, "dead": 1})
	if p := ops.problem(resp); resp.StatusCode != http.StatusUnprocessableEntity || p.Field != "area_code" || !strings.Contains(p.Detail, `"PK9999"`) {
		t.Fatalf("unknown code: %d %+v", resp.StatusCode, p)
	}

	var summary struct {
		Rollup []struct {
			Code, Parent string
			Total        map[string]int64
		}
		Daily []struct{ Change map[string]map[string]int64 }
	}
	decodeInto(t, ops, ops.Get("/api/v1/incidents/"+inc.ID+"/sitreps"), http.StatusOK, &summary)
	got := map[string]string{}
	for _, a := range summary.Rollup {
		got[a.Code] = fmt.Sprintf("%s %d %d", a.Parent, a.Total["dead"], a.Total["displaced"])
	}
	want := map[string]string{"PK0401": "PK-PB 2 900", "PK0412": "PK-PB 1 300", "PK-PB": "PK 3 1500", "PK": " 3 1500"}
	if len(got) != len(want) {
		t.Errorf("roll-up = %v, want %v", got, want)
	}
	for code, w := range want {
		if got[code] != w {
			t.Errorf("%s = %q, want %q", code, got[code], w)
		}
	}
	if d := summary.Daily; len(d) == 0 || len(d[len(d)-1].Change) != 1 || d[len(d)-1].Change["PK"]["dead"] != 3 {
		t.Errorf("daily changes = %+v", d)
	}
	page := ops.Body(ops.Get("/ops/incidents/" + inc.ID)) // ops.punjab reads Urdu
	if !strings.Contains(page, `value="PK0412"`) || !strings.Contains(page, "قصور") {
		t.Error("the incident page neither offers nor names the imported district")
	}
}
