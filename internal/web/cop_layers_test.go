package web

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/taawun/taawun/internal/auth"
	"github.com/taawun/taawun/internal/feed"
	"github.com/taawun/taawun/internal/hazard"
	"github.com/taawun/taawun/internal/store"
)

// copAnswer is the part of a COP answer the tests read.
type copAnswer map[string]struct {
	Features []struct {
		ID         string
		Geometry   struct{ Type string }
		Properties map[string]any
	}
	Truncated bool
}

func (c copAnswer) ids(layer string) []string {
	var out []string
	for _, f := range c[layer].Features {
		out = append(out, f.ID)
	}
	slices.Sort(out)
	return out
}

// issueWarning drafts a flood warning over the polygon (CAP lat,lon pairs), has it submitted by
// drafter and approved by approver, and returns its id.
func issueWarning(t *testing.T, drafter, approver *client, headline, polygon string) string {
	t.Helper()
	body := floodAlert(headline)
	body["content"].(map[string]any)["areas"] = []any{map[string]any{"desc": headline, "polygons": []string{polygon}}}
	var a apiAlert
	decodeInto(t, drafter, drafter.PostJSON("/api/v1/alerts", body), http.StatusCreated, &a)
	decodeInto(t, drafter, drafter.PostJSON("/api/v1/alerts/"+a.ID+"/submit", nil), http.StatusOK, nil)
	decodeInto(t, approver, approver.PostJSON("/api/v1/alerts/"+a.ID+"/approve", nil), http.StatusOK, nil)
	return a.ID
}

// addUser makes a demo user of the organisation with that short name.
func (n *testNode) addUser(t *testing.T, org, username, role string) {
	t.Helper()
	ctx := context.Background()
	err := n.db.WithTx(ctx, func(tx store.Tx) error {
		_, err := n.srv.Auth.CreateUser(ctx, tx, auth.SystemActor, auth.NewUser{Username: username, DisplayName: username, Password: demoPassword,
			OrgID: n.orgs[org].ID, Role: role})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// addHazard stores a hazard event as a source would.
func (n *testNode) addHazard(t *testing.T, ev feed.Event) string {
	t.Helper()
	ctx := context.Background()
	if _, err := (&hazard.Ingester{Store: n.db}).Ingest(ctx, store.HazardSource{}, []feed.Event{ev}); err != nil {
		t.Fatal(err)
	}
	e, err := n.db.HazardEvents().FindByKeys(ctx, ev.Keys)
	if err != nil {
		t.Fatal(err)
	}
	return e.ID
}

// TestCOPWarningsAndHazardLayers: the operating picture draws the warnings in effect that the
// caller's warnings pages list, by their issued areas, and the recent hazard events, both limited
// to the box; expired, cancelled and other countries' warnings and old or cancelled events stay
// off the map.
func TestCOPWarningsAndHazardLayers(t *testing.T) {
	n := newTestNode(t)
	duty, approver := n.login(t, "duty.officer"), n.login(t, "approver")
	n.addUser(t, "EMERCOM", "emercom.duty", auth.RoleDutyOfficer)
	n.addUser(t, "EMERCOM", "emercom.approver", auth.RoleApprover)
	ruDuty, ruApprover := n.login(t, "emercom.duty"), n.login(t, "emercom.approver")

	// The box is around Jhang (72–73 E, 31–32 N).
	jhang := issueWarning(t, duty, approver, "High flood at Jhang", "31.10,72.20 31.40,72.20 31.40,72.50 31.10,72.50 31.10,72.20")
	dadu := issueWarning(t, duty, approver, "Flood at Dadu", "26.60,67.50 26.90,67.50 26.90,67.90 26.60,67.90 26.60,67.50")
	// Crosses the box's eastern edge: its area meets the box though every corner lies outside.
	chiniot := issueWarning(t, duty, approver, "Flood at Chiniot", "30.80,72.90 32.20,72.90 32.20,73.30 30.80,73.30 30.80,72.90")
	expired := issueWarning(t, duty, approver, "Past its expiry", "31.20,72.30 31.30,72.30 31.30,72.40 31.20,72.40 31.20,72.30")
	n.expireUnswept(t, expired)
	cancelled := issueWarning(t, duty, approver, "Called off", "31.20,72.30 31.30,72.30 31.30,72.40 31.20,72.40 31.20,72.30")
	decodeInto(t, duty, duty.PostJSON("/api/v1/alerts/"+cancelled+"/revise", map[string]any{"kind": "Cancel", "content": map[string]any{"note": "River receding"}}), http.StatusOK, nil)
	decodeInto(t, duty, duty.PostJSON("/api/v1/alerts/"+cancelled+"/submit", nil), http.StatusOK, nil)
	decodeInto(t, approver, approver.PostJSON("/api/v1/alerts/"+cancelled+"/approve", nil), http.StatusOK, nil)
	moscow := issueWarning(t, ruDuty, ruApprover, "Flood on the Moskva", "55.50,37.30 55.90,37.30 55.90,37.90 55.50,37.90 55.50,37.30")

	now := time.Now().UTC()
	mag := 5.4
	inBox := n.addHazard(t, feed.Event{Type: feed.TypeEarthquake, Title: "M 5.4 - Jhang", Time: now.Add(-2 * time.Hour), Updated: now, Lat: 31.5, Lon: 72.6,
		Magnitude: &mag, AlertLevel: "yellow", Keys: []string{"usgs:test-in"}, Geometry: json.RawMessage(`{"type":"Point","coordinates":[72.6,31.5]}`)})
	areaInBox := n.addHazard(t, feed.Event{Type: feed.TypeFlood, Title: "Flood warning, Chenab", Time: now.Add(-time.Hour), Updated: now, Lat: 31.65, Lon: 73.2,
		Severity: "Severe", Keys: []string{"cap:test,area"},
		Geometry: json.RawMessage(`{"type":"Polygon","coordinates":[[[72.9,31.5],[73.5,31.5],[73.5,31.8],[72.9,31.8],[72.9,31.5]]]}`)})
	outside := n.addHazard(t, feed.Event{Type: feed.TypeEarthquake, Title: "M 4.9 - Hindu Kush", Time: now.Add(-3 * time.Hour), Updated: now, Lat: 36.5, Lon: 70.9,
		Magnitude: &mag, Keys: []string{"usgs:test-out"}, Geometry: json.RawMessage(`{"type":"Point","coordinates":[70.9,36.5]}`)})
	n.addKashmir(t) // 2005: older than the layer reaches
	n.addHazard(t, feed.Event{Type: feed.TypeFlood, Title: "Cancelled", Time: now.Add(-time.Hour), Updated: now, Lat: 31.5, Lon: 72.5, Cancelled: true,
		Keys: []string{"cap:test,cancelled"}})

	var box copAnswer
	decodeInto(t, duty, duty.Get("/api/v1/cop?bbox=72,31,73,32&lang=ur"), http.StatusOK, &box)
	if got, want := box.ids("alert"), sorted(jhang, chiniot); !slices.Equal(got, want) {
		t.Errorf("warnings in the box = %v, want Jhang and Chiniot %v (outside %s, expired %s, cancelled %s, Russian %s)", got, want, dadu, expired, cancelled, moscow)
	}
	if got, want := box.ids("hazard"), sorted(inBox, areaInBox); !slices.Equal(got, want) {
		t.Errorf("hazard events in the box = %v, want %v", got, want)
	}
	if _, ok := box["incident"]; !ok {
		t.Error("the operational layers are missing when no layer is named")
	}
	for _, f := range box["alert"].Features {
		p := f.Properties
		if f.ID == jhang && (p["headline"] != "دریائے چناب میں اونچے درجے کا سیلاب" || p["severity"] != "Severe" || p["urgency"] != "Expected" ||
			p["status"] != "Actual" || p["link"] != "/warnings/"+jhang || p["expires"] == nil || p["kind"] != "alert" || f.Geometry.Type != "MultiPolygon") {
			t.Errorf("the Jhang warning, in Urdu: %s %+v", f.Geometry.Type, p)
		}
	}
	for _, f := range box["hazard"].Features {
		p := f.Properties
		if f.ID == inBox && (p["type"] != "earthquake" || p["magnitude"] != 5.4 || p["alert_level"] != "yellow" || p["link"] != "/hazards/"+inBox || f.Geometry.Type != "Point") {
			t.Errorf("the earthquake: %s %+v", f.Geometry.Type, p)
		}
		if f.ID == areaInBox && (p["severity"] != "Severe" || f.Geometry.Type != "Polygon") {
			t.Errorf("the flood area: %s %+v", f.Geometry.Type, p)
		}
	}

	// Anywhere: the caller's own warnings in effect; each organisation sees its own.
	var all copAnswer
	decodeInto(t, duty, duty.Get("/api/v1/cop?layers=alert,hazard"), http.StatusOK, &all)
	if len(all) != 2 || !slices.Equal(all.ids("alert"), sorted(jhang, dadu, chiniot)) || !slices.Equal(all.ids("hazard"), sorted(inBox, areaInBox, outside)) {
		t.Errorf("NDMA anywhere: %v, %v", all.ids("alert"), all.ids("hazard"))
	}
	var ru copAnswer
	decodeInto(t, ruDuty, ruDuty.Get("/api/v1/cop?layers=alert"), http.StatusOK, &ru)
	if len(ru) != 1 || !slices.Equal(ru.ids("alert"), []string{moscow}) {
		t.Errorf("EMERCOM anywhere: %v", ru.ids("alert"))
	}
	// A district's viewer acts in its district only: NDMA's warnings are not its warnings.
	lahore := n.login(t, "viewer.lahore")
	var district copAnswer
	decodeInto(t, lahore, lahore.Get("/api/v1/cop?bbox=72,31,73,32&layers=alert,hazard,incident"), http.StatusOK, &district)
	if len(district) != 3 || len(district["alert"].Features) != 0 || len(district["hazard"].Features) != 2 {
		t.Errorf("DDMA Lahore: alerts %v, hazards %v", district.ids("alert"), district.ids("hazard"))
	}
	wantProblem(t, duty, duty.Get("/api/v1/cop?layers=alert,volcano"), http.StatusUnprocessableEntity, "layers")
}

// TestCOPLayersFollowTheIncident: asked for one incident, the warnings and hazard layers show
// only what the incident links (a source's own event by its key, an old event however old);
// with the page's "open only" status filter only the warnings in effect and the events neither
// cancelled nor expired, without it the incident's ended ones too. An incident the caller cannot
// see links nothing.
func TestCOPLayersFollowTheIncident(t *testing.T) {
	n := newTestNode(t)
	duty, approver := n.login(t, "duty.officer"), n.login(t, "approver")
	n.addUser(t, "NDMA", "ops.ndma", auth.RoleOperationsOfficer)
	opsNDMA := n.login(t, "ops.ndma")

	square := "31.10,72.20 31.40,72.20 31.40,72.50 31.10,72.50 31.10,72.20"
	linked := issueWarning(t, duty, approver, "High flood at Jhang", square)
	unlinked := issueWarning(t, duty, approver, "Flood at Dadu", "26.60,67.50 26.90,67.50 26.90,67.90 26.60,67.90 26.60,67.50")
	ended := issueWarning(t, duty, approver, "Past its expiry", square)
	n.expireUnswept(t, ended)
	called := issueWarning(t, duty, approver, "Called off", square)
	decodeInto(t, duty, duty.PostJSON("/api/v1/alerts/"+called+"/revise", map[string]any{"kind": "Cancel", "content": map[string]any{"note": "River receding"}}), http.StatusOK, nil)
	decodeInto(t, duty, duty.PostJSON("/api/v1/alerts/"+called+"/submit", nil), http.StatusOK, nil)
	decodeInto(t, approver, approver.PostJSON("/api/v1/alerts/"+called+"/approve", nil), http.StatusOK, nil)

	now := time.Now().UTC()
	quake := func(title, key string, at time.Time, cancelled bool) string {
		return n.addHazard(t, feed.Event{Type: feed.TypeEarthquake, Title: title, Time: at, Updated: now, Lat: 31.5, Lon: 72.6, Cancelled: cancelled,
			Keys: []string{key}, Geometry: json.RawMessage(`{"type":"Point","coordinates":[72.6,31.5]}`)})
	}
	local := quake("M 5.4 - Jhang", "usgs:test-local", now.Add(-2*time.Hour), false)
	bySource := quake("M 4.1 - Chiniot", "usgs:test-source", now.Add(-time.Hour), false)
	old := quake("M 6.0 - two months ago", "usgs:test-old", now.Add(-60*24*time.Hour), false)
	withdrawn := quake("Withdrawn", "usgs:test-withdrawn", now.Add(-time.Hour), true)
	other := quake("M 4.9 - not this incident's", "usgs:test-other", now.Add(-time.Hour), false)

	var inc idOnly
	decodeInto(t, opsNDMA, opsNDMA.PostJSON("/api/v1/incidents", map[string]any{"title": "Chenab floods", "geometry": map[string]any{"type": "Point", "coordinates": []float64{72.4, 31.2}},
		"data": map[string]any{"hazard": "riverine_flood", "alerts": []string{linked, ended, called},
			"events": []map[string]string{{"kind": "hazard_event", "id": local}, {"kind": "usgs", "id": "test-source"}, {"kind": "hazard_event", "id": old},
				{"kind": "hazard_event", "id": withdrawn}, {"kind": "gdacs", "id": "EQ:not-stored"}}}}), http.StatusCreated, &inc)

	for _, c := range []struct {
		name, query          string
		alerts, hazards      []string
		notAlerts, notEvents []string
	}{
		{"open only", "&status=active,contained,open,full,standby,deployed,dispatched", sorted(linked), sorted(local, bySource, old), []string{unlinked, ended, called}, []string{withdrawn, other}},
		{"any status", "", sorted(linked, ended, called), sorted(local, bySource, old, withdrawn), []string{unlinked}, []string{other}},
	} {
		var got copAnswer
		decodeInto(t, opsNDMA, opsNDMA.Get("/api/v1/cop?layers=alert,hazard&incident="+inc.ID+c.query), http.StatusOK, &got)
		if !slices.Equal(got.ids("alert"), c.alerts) {
			t.Errorf("%s: warnings %v, want %v, not %v", c.name, got.ids("alert"), c.alerts, c.notAlerts)
		}
		if !slices.Equal(got.ids("hazard"), c.hazards) {
			t.Errorf("%s: hazard events %v, want %v, not %v", c.name, got.ids("hazard"), c.hazards, c.notEvents)
		}
	}
	// The box still applies.
	var away copAnswer
	decodeInto(t, opsNDMA, opsNDMA.Get("/api/v1/cop?layers=alert,hazard&bbox=66,25,68,27&incident="+inc.ID), http.StatusOK, &away)
	if len(away["alert"].Features)+len(away["hazard"].Features) != 0 {
		t.Errorf("outside the box: %v %v", away.ids("alert"), away.ids("hazard"))
	}
	// A district's viewer does not see the national incident, so it links nothing for it.
	lahore := n.login(t, "viewer.lahore")
	for _, id := range []string{inc.ID, "no-such-incident"} {
		var hidden copAnswer
		decodeInto(t, lahore, lahore.Get("/api/v1/cop?layers=alert,hazard&incident="+id), http.StatusOK, &hidden)
		if len(hidden["alert"].Features)+len(hidden["hazard"].Features) != 0 {
			t.Errorf("incident %s for DDMA Lahore: %v %v", id, hidden.ids("alert"), hidden.ids("hazard"))
		}
	}
}

func sorted(ids ...string) []string {
	slices.Sort(ids)
	return ids
}

// TestOpsCharts: the charts' series count what the caller sees: open incidents by hazard and
// status, shelters against capacity, requests by urgency and status, and the situation reports'
// national totals with districts, provinces and the nation counted once.
func TestOpsCharts(t *testing.T) {
	n := newTestNode(t)
	ops := n.login(t, "ops.punjab")
	point := func(lon, lat float64) map[string]any {
		return map[string]any{"type": "Point", "coordinates": []float64{lon, lat}}
	}
	var flood, quake, item idOnly
	decodeInto(t, ops, ops.PostJSON("/api/v1/incidents", map[string]any{"title": "Ravi flood", "geometry": point(74.3, 31.6), "data": map[string]any{"hazard": "riverine_flood"}}), http.StatusCreated, &flood)
	decodeInto(t, ops, ops.PostJSON("/api/v1/incidents", map[string]any{"title": "Chenab flood", "geometry": point(72.4, 31.2), "data": map[string]any{"hazard": "riverine_flood"}}), http.StatusCreated, nil)
	decodeInto(t, ops, ops.PostJSON("/api/v1/incidents", map[string]any{"title": "Murree quake", "geometry": point(73.4, 33.9), "data": map[string]any{"hazard": "earthquake"}}), http.StatusCreated, &quake)
	decodeInto(t, ops, ops.PostJSON("/api/v1/records/"+quake.ID+"/status", map[string]any{"status": "contained"}), http.StatusOK, nil)
	decodeInto(t, ops, ops.PostJSON("/api/v1/shelters", map[string]any{"title": "GHS Shahdara", "geometry": point(74.28, 31.6),
		"data": map[string]any{"type": "shelter", "capacity": 300, "occupancy": map[string]int{"male_18_59": 40, "female_0_4": 12}}}), http.StatusCreated, nil)
	decodeInto(t, ops, ops.PostJSON("/api/v1/shelters", map[string]any{"title": "Camp Ravi", "geometry": point(74.2, 31.5),
		"data": map[string]any{"type": "camp", "capacity": 100, "occupancy": map[string]int{"male_18_59": 120}}}), http.StatusCreated, nil)
	decodeInto(t, ops, ops.PostJSON("/api/v1/items", map[string]any{"code": "tent", "cluster": "shelter_nfi", "unit": "tent", "names": map[string]string{"en": "Tent"}}), http.StatusCreated, &item)
	for _, u := range []string{"critical", "critical", "low"} {
		decodeInto(t, ops, ops.PostJSON("/api/v1/requests", map[string]any{"title": "Tents", "geometry": point(74.3, 31.5),
			"data": map[string]any{"item_id": item.ID, "quantity": 10, "urgency": u}}), http.StatusCreated, nil)
	}
	at := time.Now().Add(-time.Minute)
	for _, r := range []map[string]any{
		{"area_code": "PK-PB", "as_of": at, "dead": 4, "displaced": 2500},
		{"area_code": "PK", "as_of": at, "dead": 3, "displaced": 3000, "injured": 9}, // national: the larger, figure by figure
	} {
		decodeInto(t, ops, ops.PostJSON("/api/v1/incidents/"+flood.ID+"/sitreps", r), http.StatusCreated, nil)
	}
	decodeInto(t, ops, ops.PostJSON("/api/v1/incidents/"+quake.ID+"/sitreps", map[string]any{"area_code": "PK-KP", "as_of": at, "dead": 1}), http.StatusCreated, nil)

	var c copCharts
	decodeInto(t, ops, ops.Get("/api/v1/ops/charts"), http.StatusOK, &c)
	if len(c.Incidents) != 2 || c.Incidents[0].Key != "riverine_flood" || c.Incidents[0].Counts["active"] != 2 || c.Incidents[1].Counts["contained"] != 1 {
		t.Errorf("incidents = %+v", c.Incidents)
	}
	if len(c.Requests) != 2 || c.Requests[0].Key != "critical" || c.Requests[0].Counts["open"] != 2 || c.Requests[1].Key != "low" {
		t.Errorf("requests = %+v", c.Requests)
	}
	if s := c.Shelters; s.Count != 2 || s.Capacity != 400 || s.Occupants != 172 || len(s.Top) != 2 || s.Top[0].Title != "Camp Ravi" || s.Top[0].Occupants != 120 {
		t.Errorf("shelters = %+v", s)
	}
	if cas := c.Casualties; cas.Incidents != 2 || cas.Figures["dead"] != 5 || cas.Figures["displaced"] != 3000 || cas.Figures["injured"] != 9 {
		t.Errorf("casualties = %+v", cas)
	}
	// A district's viewer sees none of the province's records.
	var none copCharts
	lahore := n.login(t, "viewer.lahore")
	decodeInto(t, lahore, lahore.Get("/api/v1/ops/charts"), http.StatusOK, &none)
	if len(none.Incidents) != 0 || none.Shelters.Count != 0 || none.Casualties.Incidents != 0 {
		t.Errorf("DDMA Lahore's charts = %+v", none)
	}
}

// expireUnswept moves an issued warning's expiry into the past without the sweep (ExpireDue)
// marking it expired: the layers must leave it out by its time alone.
func (n *testNode) expireUnswept(t *testing.T, alertID string) {
	t.Helper()
	ctx := context.Background()
	err := n.db.WithTx(ctx, func(tx store.Tx) error {
		a, err := tx.Alerts().Get(ctx, alertID)
		if err != nil {
			return err
		}
		a.Expires = time.Now().Add(-time.Minute)
		return tx.Alerts().Update(ctx, &a)
	})
	if err != nil {
		t.Fatal(err)
	}
}
