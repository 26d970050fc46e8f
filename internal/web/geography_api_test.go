package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"
)

func TestGeographyAPI(t *testing.T) {
	n := newTestNode(t)
	admin := n.login(t, demoUsers["admin"])
	viewer := n.login(t, demoUsers["viewer"])
	getJSON := func(c *client, path string, v any) int {
		t.Helper()
		resp := c.Get(path)
		body := c.Body(resp)
		if resp.StatusCode == http.StatusOK {
			if err := json.Unmarshal([]byte(body), v); err != nil {
				t.Fatalf("%s: %v", path, err)
			}
		}
		return resp.StatusCode
	}
	post := func(c *client, path, body, ct string) (int, string) {
		req, _ := http.NewRequest(http.MethodPost, c.Base+path, strings.NewReader(body))
		req.Header.Set("Content-Type", ct)
		req.Header.Set(csrfHeader, c.CSRF)
		resp := c.Do(req)
		return resp.StatusCode, c.Body(resp)
	}

	// Search in four languages, by any logged-in user.
	var res struct {
		Results []gazetteerMatch `json:"results"`
	}
	for q, code := range map[string]string{"Muzaffarabad": "", "پاکستان": "PK", "Пакистан": "PK", "巴基斯坦": "PK"} {
		if st := getJSON(viewer, "/api/v1/gazetteer?q="+url.QueryEscape(q), &res); st != http.StatusOK || len(res.Results) == 0 {
			t.Fatalf("search %q: %d %+v", q, st, res)
		}
		if code != "" && res.Results[0].Code != code {
			t.Errorf("search %q: first %+v", q, res.Results[0])
		}
	}
	if resp := viewer.Get("/api/v1/gazetteer?q=a&limit=1000"); resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("limit 1000: %d", resp.StatusCode)
	}
	var rev struct {
		Country, Province, District, Nearest *gazetteerEntry
		DistanceKm                           float64 `json:"distance_km"`
	}
	if st := getJSON(viewer, "/api/v1/gazetteer/reverse?lat=33.72&lon=73.06", &rev); st != http.StatusOK || rev.Country.Code != "PK" || rev.Province.Code != "PK-IS" || rev.District != nil {
		t.Fatalf("reverse: %d %+v", st, rev)
	}
	if resp := viewer.Get("/api/v1/gazetteer/reverse?lat=200&lon=73"); resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("lat 200: %d", resp.StatusCode)
	}

	page := func(c *client) string {
		t.Helper()
		resp := c.Get("/geography")
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("geography page: %d", resp.StatusCode)
		}
		return c.Body(resp)
	}
	if p := page(viewer); !strings.Contains(p, `data-layer="places"`) || !strings.Contains(p, "شہری کم از کم حد") /* viewer.lahore reads Urdu */ || strings.Contains(p, "geo-import") {
		t.Errorf("viewer page: places layer and note, no import forms expected:\n%s", p)
	}
	if p := page(admin); strings.Count(p, `class="geo-import`) != 2 {
		t.Errorf("admin's page lacks the two import forms")
	}

	// Imports: admins only, all or nothing.
	districts, err := os.ReadFile("../population/testdata/districts.geojson")
	if err != nil {
		t.Fatal(err)
	}
	if st, _ := post(viewer, "/api/v1/geography/districts?name=PK", string(districts), "application/geo+json"); st != http.StatusForbidden {
		t.Errorf("viewer import: %d", st)
	}
	if st, body := post(admin, "/api/v1/geography/districts?name=PK", `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"x"},"geometry":null}]}`, "application/geo+json"); st != http.StatusUnprocessableEntity || !strings.Contains(body, `"error_count": 1`) {
		t.Errorf("bad districts: %d %s", st, body)
	}
	if st, body := post(admin, "/api/v1/geography/districts", string(districts), "application/geo+json"); st != http.StatusUnprocessableEntity {
		t.Errorf("no name: %d %s", st, body)
	}
	if st, body := post(admin, "/api/v1/geography/districts?name=PK&source=test", string(districts), "application/geo+json"); st != http.StatusCreated || !strings.Contains(body, `"features": 2`) {
		t.Fatalf("districts: %d %s", st, body)
	}
	// The composer offers imported districts beside the provinces.
	duty := n.login(t, "duty.officer")
	if page := duty.Body(duty.Get("/warnings/new")); !strings.Contains(page, `value="PK-ICT"`) {
		t.Error("the composer does not offer the imported district PK-ICT")
	}
	if st := getJSON(viewer, "/api/v1/gazetteer/reverse?lat=33.72&lon=73.06", &rev); st != http.StatusOK || rev.District == nil || rev.District.Code != "PK-ICT" {
		t.Fatalf("reverse after import: %d %+v", st, rev.District)
	}
	if st := getJSON(viewer, "/api/v1/gazetteer?kind=district&q="+url.QueryEscape("مظفر"), &res); st != http.StatusOK || len(res.Results) != 1 || res.Results[0].Code != "PK-MZD" {
		t.Errorf("district search in Urdu: %d %+v", st, res)
	}

	var layers struct {
		Layers          []layerJSON `json:"layers"`
		PopulationLayer string      `json:"population_layer"`
		GridCells       int         `json:"grid_cells"`
	}
	if getJSON(viewer, "/api/v1/geography/layers", &layers); layers.PopulationLayer != "places" || len(layers.Layers) != 1 {
		t.Fatalf("layers before grid: %+v", layers)
	}
	if st, body := post(admin, "/api/v1/geography/population?name=grid", "lat,lon,population\n1,2,3\n1,200,3\n", "text/csv"); st != http.StatusUnprocessableEntity || !strings.Contains(body, "longitude 200") {
		t.Errorf("bad grid: %d %s", st, body)
	}
	if st, body := post(admin, "/api/v1/geography/population?name=grid", "lat,lon,population\n33.7,73.05,1000\n", "application/json"); st != http.StatusUnsupportedMediaType {
		t.Errorf("grid as json: %d %s", st, body)
	}
	if st, body := post(admin, "/api/v1/geography/population?name=grid", "lat,lon,population\n33.7,73.05,1000\n34.37,73.47,500\n", "text/csv"); st != http.StatusCreated {
		t.Fatalf("grid: %d %s", st, body)
	}
	if getJSON(viewer, "/api/v1/geography/layers", &layers); layers.PopulationLayer != "grid" || layers.GridCells != 2 || len(layers.Layers) != 2 {
		t.Fatalf("layers after grid: %+v", layers)
	}
	if p := page(viewer); !strings.Contains(p, `data-layer="grid"`) || !strings.Contains(p, "PK") {
		t.Errorf("page after the grid import does not say the grid is in use")
	}
	// Removing the grid puts places back in force.
	del := func(id string) int {
		req, _ := http.NewRequest(http.MethodDelete, admin.Base+"/api/v1/geography/layers/"+id, nil)
		req.Header.Set(csrfHeader, admin.CSRF)
		resp := admin.Do(req)
		admin.Body(resp)
		return resp.StatusCode
	}
	for _, l := range layers.Layers {
		if l.Kind == "population" {
			if st := del(l.ID); st != http.StatusNoContent {
				t.Fatalf("delete grid: %d", st)
			}
			if st := del(l.ID); st != http.StatusNotFound {
				t.Errorf("delete twice: %d", st)
			}
		}
	}
	if getJSON(viewer, "/api/v1/geography/layers", &layers); layers.PopulationLayer != "places" || len(layers.Layers) != 1 {
		t.Fatalf("layers after delete: %+v", layers)
	}
	// The import is in the audit log.
	if resp := admin.Get("/api/v1/audit"); !strings.Contains(admin.Body(resp), "geography.imported") {
		t.Error("import not audited")
	}
}
