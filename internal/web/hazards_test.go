package web

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/taawun/taawun/internal/feed"
	"github.com/taawun/taawun/internal/hazard"
	"github.com/taawun/taawun/internal/i18n"
	"github.com/taawun/taawun/internal/store"
)

// addKashmir stores the 2005 Kashmir earthquake as a USGS source would.
func (n *testNode) addKashmir(t *testing.T) store.HazardEvent {
	t.Helper()
	ctx := context.Background()
	mag, depth := 7.6, 26.0
	ev := feed.Event{Type: feed.TypeEarthquake, Title: "M 7.6 - northwestern Kashmir", Time: time.Date(2005, 10, 8, 3, 50, 40, 0, time.UTC),
		Updated: time.Date(2005, 10, 8, 4, 0, 0, 0, time.UTC), Lat: 34.49, Lon: 73.63, DepthKm: &depth, Magnitude: &mag, AlertLevel: "red",
		Keys: []string{"usgs:usp000e8ra"}, Geometry: json.RawMessage(`{"type":"Point","coordinates":[73.63,34.49]}`)}
	if _, err := (&hazard.Ingester{Store: n.db}).Ingest(ctx, store.HazardSource{}, []feed.Event{ev}); err != nil {
		t.Fatal(err)
	}
	e, err := n.db.HazardEvents().FindByKeys(ctx, ev.Keys)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// TestHazardVocabulariesTranslated: every hazard type, level, severity and draft state the
// pages name has a label in every language.
func TestHazardVocabulariesTranslated(t *testing.T) {
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, ty := range feed.Types() {
		keys = append(keys, "hazards.type."+ty)
	}
	for _, v := range []string{"green", "yellow", "orange", "red", "none"} {
		keys = append(keys, "hazards.level."+v)
	}
	for _, v := range []string{"Minor", "Moderate", "Severe", "Extreme"} {
		keys = append(keys, "hazards.sev."+v)
	}
	for _, v := range []store.TriggerState{store.TriggerPending, store.TriggerDrafted, store.TriggerSkipped} {
		keys = append(keys, "hazards.draft_state."+string(v))
	}
	for _, k := range keys {
		for _, l := range i18n.Langs {
			if !cat.Has(l, k) {
				t.Errorf("%s lacks %q", l, k)
			}
		}
	}
}

// TestHazardAPI: sources and rules are configured through the API with their values checked,
// events are listed, and an event's impact says which population layer it counted.
func TestHazardAPI(t *testing.T) {
	n := newTestNode(t)
	admin := n.login(t, "admin")
	resp := admin.PostJSON("/api/v1/sources", map[string]any{"name": "USGS", "kind": "usgs", "url": "ftp://x", "interval_seconds": 60})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(admin.problem(resp).Detail, "http or https") {
		t.Fatalf("bad URL: %d", resp.StatusCode)
	}
	resp = admin.PostJSON("/api/v1/sources", map[string]any{"name": "USGS M4.5 day", "kind": "usgs",
		"url": "https://earthquake.usgs.gov/earthquakes/feed/v1.0/summary/4.5_day.geojson", "interval_seconds": 60})
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("create source: %d %s", resp.StatusCode, admin.Body(resp))
	}
	var srcs struct{ Sources []sourceJSON }
	if err := json.Unmarshal([]byte(admin.Body(admin.Get("/api/v1/sources"))), &srcs); err != nil || len(srcs.Sources) != 1 || !srcs.Sources[0].Enabled {
		t.Fatalf("sources: %+v, %v", srcs, err)
	}

	duty := n.login(t, "duty.officer")
	resp = duty.PostJSON("/api/v1/sources", map[string]any{"name": "x", "kind": "usgs", "url": "https://x", "interval_seconds": 60})
	if resp.StatusCode != http.StatusForbidden {
		t.Fatalf("duty officer adds a source: %d", resp.StatusCode)
	}
	resp = duty.PostJSON("/api/v1/triggers", map[string]any{"org_id": n.orgs["NDMA"].ID, "name": "Strong quakes", "hazard_types": []string{"earthquake", "meteor"}})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(duty.problem(resp).Detail, "meteor") {
		t.Fatalf("unknown type: %d", resp.StatusCode)
	}
	resp = duty.PostJSON("/api/v1/triggers", map[string]any{"org_id": n.orgs["NDMA"].ID, "name": "Strong quakes", "hazard_types": []string{"earthquake"},
		"min_magnitude": 6, "regions": []string{"PK-KP"}, "languages": []string{"ru"}})
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("create rule: %d %s", resp.StatusCode, duty.Body(resp))
	}
	if rules, _ := n.db.TriggerRules().List(context.Background(), nil); len(rules) != 1 || rules[0].CreatedBy == "" || rules[0].Regions[0] != "PK-KP" {
		t.Fatalf("rules = %+v", rules)
	}

	e := n.addKashmir(t)
	var list struct{ Events []hazardJSON }
	if err := json.Unmarshal([]byte(admin.Body(admin.Get("/api/v1/hazard-events"))), &list); err != nil || len(list.Events) != 1 || list.Events[0].ID != e.ID {
		t.Fatalf("events: %+v, %v", list, err)
	}
	var imp impactJSON
	if err := json.Unmarshal([]byte(admin.Body(admin.Get("/api/v1/hazard-events/"+e.ID+"/impact"))), &imp); err != nil {
		t.Fatal(err)
	}
	if imp.Error != "" || imp.Layer != "places" || !imp.UrbanLowerBound || len(imp.Bands) != 6 || imp.Population == 0 || imp.Footprint == nil || len(imp.Places) == 0 {
		t.Fatalf("impact: %+v", imp)
	}
	page := admin.Body(admin.Get("/hazards/" + e.ID))
	for _, want := range []string{"urban lower bound", "Muzaffar", "Khyber Pakhtunkhwa", `id="impact-map"`, "usgs:usp000e8ra"} {
		if !strings.Contains(page, want) {
			t.Errorf("event page lacks %q", want)
		}
	}
	if page := admin.Body(admin.Get("/hazards/" + e.ID + "?lang=ur")); !strings.Contains(page, "مظفرآباد") {
		t.Errorf("Urdu event page does not name Muzaffarabad in Urdu")
	}
	if resp := admin.Get("/api/v1/hazard-events/nope"); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("unknown event: %d", resp.StatusCode)
	}
	if page := admin.Body(admin.Get("/sources")); !strings.Contains(page, "USGS M4.5 day") || !strings.Contains(page, "never") {
		t.Errorf("sources page: %s", page)
	}
}
