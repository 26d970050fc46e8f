package ops_test

import (
	"encoding/json"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/taawun/taawun/internal/auth"
	"github.com/taawun/taawun/internal/ops"
	"github.com/taawun/taawun/internal/store"
)

// TestIncidentSources: an incident is made by hand, from a warning of the caller's
// organisations, or from a hazard event (kept as a link).
func TestIncidentSources(t *testing.T) {
	f := newFixture(t)
	p := f.ops("PDMA Punjab")
	a := store.Alert{OrgID: f.orgs["PDMA Punjab"].ID, Hazard: "riverine_flood", CAPStatus: "Actual", State: store.AlertIssued, DrafterID: "u"}
	sindhAlert := store.Alert{OrgID: f.orgs["PDMA Sindh"].ID, Hazard: "riverine_flood", CAPStatus: "Actual", State: store.AlertIssued, DrafterID: "u"}
	for _, al := range []*store.Alert{&a, &sindhAlert} {
		if err := f.db.Alerts().Create(f.ctx, al); err != nil {
			t.Fatal(err)
		}
	}
	area := raw(`{"type":"Polygon","coordinates":[[[70,28],[72,28],[72,30],[70,30],[70,28]]]}`)
	fromAlert := must(f.svc.Create(f.ctx, p, store.OpsIncident, ops.Input{Title: "Flood", Geometry: area,
		Data: raw(`{"hazard":"riverine_flood","source":"alert","alerts":[%q]}`, a.ID)}))
	if fromAlert.Box == nil || fromAlert.Box.MinLon != 70 || fromAlert.Box.MaxLat != 30 || fromAlert.Status != "active" {
		t.Fatalf("incident = %+v", fromAlert)
	}
	fromEvent := must(f.svc.Create(f.ctx, p, store.OpsIncident, ops.Input{Title: "Quake", Geometry: pointAt(73.5, 34.4),
		Data: raw(`{"hazard":"earthquake","source":"hazard_event","events":[{"kind":"usgs","id":"us7000abcd"}]}`)}))
	if d := must(ops.Decode[ops.IncidentData](fromEvent)); d.Events[0].ID != "us7000abcd" {
		t.Fatalf("event link = %+v", d)
	}
	for _, tc := range []struct {
		name  string
		in    ops.Input
		field string
	}{
		{"unknown hazard", ops.Input{Title: "x", Geometry: area, Data: raw(`{"hazard":"volcano"}`)}, "data.hazard"},
		{"another province's warning", ops.Input{Title: "x", Geometry: area, Data: raw(`{"hazard":"riverine_flood","source":"alert","alerts":[%q]}`, sindhAlert.ID)}, "data.alerts"},
		{"from an alert without one", ops.Input{Title: "x", Geometry: area, Data: raw(`{"hazard":"riverine_flood","source":"alert"}`)}, "data.alerts"},
		{"from an event without one", ops.Input{Title: "x", Geometry: area, Data: raw(`{"hazard":"riverine_flood","source":"hazard_event"}`)}, "data.events"},
		{"no area", ops.Input{Title: "x", Data: raw(`{"hazard":"riverine_flood"}`)}, "geometry"},
		{"area off the globe", ops.Input{Title: "x", Geometry: pointAt(200, 10), Data: raw(`{"hazard":"riverine_flood"}`)}, "geometry"},
		{"broken area", ops.Input{Title: "x", Geometry: raw(`{"type":"Polygon"`), Data: raw(`{"hazard":"riverine_flood"}`)}, "geometry"},
		{"unknown status", ops.Input{Title: "x", Status: "burning", Geometry: area, Data: raw(`{"hazard":"riverine_flood"}`)}, "status"},
		{"unknown field", ops.Input{Title: "x", Geometry: area, Data: raw(`{"hazard":"riverine_flood","deaths":3}`)}, "data"},
		{"no title", ops.Input{Geometry: area, Data: raw(`{"hazard":"riverine_flood"}`)}, "title"},
		{"unknown participant", ops.Input{Title: "x", Geometry: area, Data: raw(`{"hazard":"riverine_flood","participants":["nobody"]}`)}, "share_with"},
	} {
		_, err := f.svc.Create(f.ctx, p, store.OpsIncident, tc.in)
		var fe *ops.FieldError
		if !errors.As(err, &fe) || fe.Field != tc.field {
			t.Errorf("%s: %v, want an error on %s", tc.name, err, tc.field)
		}
	}
	if _, err := f.svc.Create(f.ctx, f.as("PDMA Punjab", auth.RoleViewer), store.OpsIncident, ops.Input{Title: "x", Geometry: area,
		Data: raw(`{"hazard":"riverine_flood"}`)}); !errors.Is(err, ops.ErrForbidden) {
		t.Fatalf("a viewer creating an incident = %v", err)
	}
	if n := len(must(f.svc.List(f.ctx, p, store.OpsFilter{Kinds: []store.OpsKind{store.OpsIncident}}))); n != 2 {
		t.Fatalf("%d incidents after refused requests, want 2", n)
	}
	// Participants are shares: Sindh sees an incident it takes part in.
	joint := must(f.svc.Create(f.ctx, p, store.OpsIncident, ops.Input{Title: "Joint", Geometry: area,
		Data: raw(`{"hazard":"riverine_flood","participants":[%q]}`, f.orgs["PDMA Sindh"].ID)}))
	if _, err := f.svc.Get(f.ctx, f.as("PDMA Sindh", auth.RoleViewer), store.OpsIncident, joint.ID); err != nil {
		t.Fatalf("participant cannot see the incident: %v", err)
	}
	closed := must(f.svc.SetStatus(f.ctx, p, store.OpsIncident, joint.ID, "closed"))
	if closed.Status != "closed" {
		t.Fatalf("status = %s", closed.Status)
	}
}

// TestChecklistBecomesTasks: a flood SOP applied to a flood incident makes one task per step,
// assigned (and so shared) to the chosen organisation, due by the step's hours; tasks past due
// are overdue until done.
func TestChecklistBecomesTasks(t *testing.T) {
	f := newFixture(t)
	p := f.ops("PDMA Punjab")
	inc := f.incident("PDMA Punjab")
	lists := must(ops.Checklists())
	if len(lists) < 2 {
		t.Fatalf("%d checklists", len(lists))
	}
	for _, c := range lists {
		for _, st := range c.Steps {
			for _, l := range []string{"en", "ur", "ru", "zh"} {
				if st.Title[l] == "" || c.Title[l] == "" {
					t.Errorf("checklist %s step %s has no %s title", c.Code, st.Key, l)
				}
			}
		}
	}
	if _, err := f.svc.ApplyChecklist(f.ctx, p, inc.ID, "earthquake", "", "en"); !errors.Is(err, ops.ErrInvalid) {
		t.Fatalf("earthquake SOP on a flood = %v", err)
	}
	lahore := f.orgs["DDMA Lahore"].ID
	tasks := must(f.svc.ApplyChecklist(f.ctx, p, inc.ID, "flood", lahore, "ur"))
	flood := lists[slices.IndexFunc(lists, func(c ops.Checklist) bool { return c.Code == "flood" })]
	if len(tasks) != len(flood.Steps) || tasks[0].Title != flood.Steps[0].Title["ur"] {
		t.Fatalf("tasks = %d (first %q)", len(tasks), tasks[0].Title)
	}
	// Lahore (a child, which would not otherwise see Punjab's records) sees its tasks.
	seen := must(f.svc.List(f.ctx, f.as("DDMA Lahore", auth.RoleViewer), store.OpsFilter{Kinds: []store.OpsKind{store.OpsTask}}))
	if len(seen) != len(tasks) {
		t.Fatalf("the assignee sees %d of %d tasks", len(seen), len(tasks))
	}
	if ops.Overdue(tasks[0], start) {
		t.Fatal("a task is overdue at once")
	}
	f.clk.Advance(2*time.Hour + time.Minute)
	if !ops.Overdue(tasks[0], f.clk.Now()) {
		t.Fatal("a one-hour task is not overdue after two hours")
	}
	done := must(f.svc.SetStatus(f.ctx, p, store.OpsTask, tasks[0].ID, "done"))
	if ops.Overdue(done, f.clk.Now()) {
		t.Fatal("a done task is overdue")
	}
	dash := must(f.svc.Dashboard(f.ctx, p))
	if dash.OverdueTasks != 1 { // the two-hour step; the one-hour step is done
		t.Fatalf("overdue tasks = %d, want 1", dash.OverdueTasks)
	}
}

// TestSheltersAndTeams: occupancy by sex and age group, facilities and team types are checked.
func TestSheltersAndTeams(t *testing.T) {
	f := newFixture(t)
	p := f.ops("PDMA Sindh")
	sh := must(f.svc.Create(f.ctx, p, store.OpsShelter, ops.Input{Title: "Govt High School Sukkur", Geometry: pointAt(68.86, 27.7),
		Data: raw(`{"type":"shelter","capacity":400,"occupancy":{"female_0_4":20,"male_0_4":22,"female_18_59":90,"male_60_plus":8},"facilities":["water","latrines","women_space"],"needs":"mosquito nets"}`)}))
	if d := must(ops.Decode[ops.ShelterData](sh)); d.Occupants() != 140 {
		t.Fatalf("occupants = %d", d.Occupants())
	}
	for _, tc := range []struct {
		kind store.OpsKind
		data json.RawMessage
	}{
		{store.OpsShelter, raw(`{"type":"hotel","capacity":10}`)},
		{store.OpsShelter, raw(`{"type":"camp","capacity":0}`)},
		{store.OpsShelter, raw(`{"type":"camp","capacity":10,"occupancy":{"female_0_4":-1}}`)},
		{store.OpsShelter, raw(`{"type":"camp","capacity":10,"occupancy":{"women":5}}`)},
		{store.OpsShelter, raw(`{"type":"camp","capacity":10,"facilities":["jacuzzi"]}`)},
		{store.OpsTeam, raw(`{"type":"usar_giant","size":10}`)},
		{store.OpsTeam, raw(`{"type":"usar_heavy","size":0}`)},
	} {
		if _, err := f.svc.Create(f.ctx, p, tc.kind, ops.Input{Title: "x", Geometry: pointAt(68, 27), Data: tc.data}); !errors.Is(err, ops.ErrInvalid) {
			t.Errorf("%s %s = %v, want ErrInvalid", tc.kind, tc.data, err)
		}
	}
	team := must(f.svc.Create(f.ctx, p, store.OpsTeam, ops.Input{Title: "PAK-USAR Rescue 1122", Geometry: pointAt(74.3, 31.5),
		Data: raw(`{"type":"usar_heavy","size":66,"capabilities":["search","rescue","medical"]}`)}))
	if team.Status != "standby" {
		t.Fatalf("a new team is %s", team.Status)
	}
	deployed := must(f.svc.Update(f.ctx, p, store.OpsTeam, team.ID, ops.Input{Title: team.Title, Status: "deployed", Geometry: pointAt(68.86, 27.7),
		Data: raw(`{"type":"usar_heavy","size":66,"assignment":%q}`, sh.ID)}))
	if deployed.Status != "deployed" || deployed.Box.MinLon != 68.86 {
		t.Fatalf("deployed team = %+v", deployed)
	}
}

// TestCOP: layers within the box, of what the caller sees, with the properties a popup needs.
func TestCOP(t *testing.T) {
	f := newFixture(t)
	p := f.ops("PDMA Punjab")
	f.incident("PDMA Punjab")
	must(f.svc.Create(f.ctx, p, store.OpsShelter, ops.Input{Title: "Camp", Geometry: pointAt(71, 30), Data: raw(`{"type":"camp","capacity":100}`)}))
	must(f.svc.Create(f.ctx, f.ops("PDMA Sindh"), store.OpsShelter, ops.Input{Title: "Sindh camp", Geometry: pointAt(68, 26), Data: raw(`{"type":"camp","capacity":100}`)}))
	cop := must(f.svc.COP(f.ctx, p, ops.COPFilter{Box: &store.BBox{MinLon: 60, MinLat: 23, MaxLon: 78, MaxLat: 37}}))
	if n := len(cop["shelter"].Features); n != 1 {
		t.Fatalf("%d shelters on Punjab's map, want its own one", n)
	}
	if props := cop["shelter"].Features[0].Properties; props.Capacity == nil || *props.Capacity != 100 || props.Title != "Camp" {
		t.Fatalf("shelter properties = %v", props)
	}
	if n := len(cop["incident"].Features); n != 1 {
		t.Fatalf("%d incidents", n)
	}
	only := must(f.svc.COP(f.ctx, p, ops.COPFilter{Layers: []store.OpsKind{store.OpsIncident}, Box: &store.BBox{MinLon: 70, MinLat: 29, MaxLon: 72, MaxLat: 31}}))
	if len(only) != 1 || len(only["incident"].Features) != 0 {
		t.Fatalf("one layer in a box without incidents = %v", only)
	}
	if _, err := f.svc.COP(f.ctx, p, ops.COPFilter{Layers: []store.OpsKind{"volcanoes"}}); !errors.Is(err, ops.ErrInvalid) {
		t.Fatalf("unknown layer = %v", err)
	}
	dash := must(f.svc.Dashboard(f.ctx, p))
	if dash.Counts[store.OpsShelter]["open"] != 1 || dash.ShelterSpace != 100 {
		t.Fatalf("dashboard = %+v", dash)
	}
}

// TestIncidentFromHazardEvent: an incident opened for a hazard event of this node takes its
// title, hazard and place and keeps the link; unknown events and event types are refused.
func TestIncidentFromHazardEvent(t *testing.T) {
	f := newFixture(t)
	p := f.ops("NDMA")
	quake := store.HazardEvent{Type: "earthquake", Title: "M 6.8 Hindu Kush", Time: start.Add(-time.Hour), Updated: start.Add(-time.Hour), Lat: 36.5, Lon: 70.9,
		Keys: []string{"usgs:us7000test"}}
	volcano := store.HazardEvent{Type: "volcano", Title: "Ash", Time: start, Updated: start, Lat: 1, Lon: 1, Keys: []string{"gdacs:VO:1"}}
	for _, e := range []*store.HazardEvent{&quake, &volcano} {
		if err := f.db.WithTx(f.ctx, func(tx store.Tx) error { return tx.HazardEvents().Create(f.ctx, e, store.HazardRevision{}) }); err != nil {
			t.Fatal(err)
		}
	}
	inc := must(f.svc.IncidentFromEvent(f.ctx, p, quake.ID, []string{f.orgs["PDMA Punjab"].ID}))
	d := must(ops.Decode[ops.IncidentData](inc))
	if inc.Title != "M 6.8 Hindu Kush" || d.Hazard != "earthquake" || d.Source != "hazard_event" || d.Events[0] != (ops.EventLink{Kind: ops.LocalEvent, ID: quake.ID}) ||
		inc.Box == nil || inc.Box.MinLon != 70.9 {
		t.Fatalf("incident = %+v %+v", inc, d)
	}
	for _, id := range []string{volcano.ID, "no-such-event"} {
		if _, err := f.svc.IncidentFromEvent(f.ctx, p, id, nil); !errors.Is(err, ops.ErrInvalid) {
			t.Errorf("from event %s = %v", id, err)
		}
	}
	if _, err := f.svc.Create(f.ctx, p, store.OpsIncident, ops.Input{Title: "x", Geometry: pointAt(70, 36),
		Data: raw(`{"hazard":"earthquake","source":"hazard_event","events":[{"kind":"hazard_event","id":"missing"}]}`)}); !errors.Is(err, ops.ErrInvalid) {
		t.Fatalf("link to a missing local event = %v", err)
	}
}

// TestSharedRecordsAreReadOnly: an organisation a record is shared with reads it but does not
// change or re-share it, except that a task's assignee moves the task along.
func TestSharedRecordsAreReadOnly(t *testing.T) {
	f := newFixture(t)
	sindh := f.orgs["PDMA Sindh"].ID
	inc := f.incident("PDMA Punjab", sindh)
	task := must(f.svc.Create(f.ctx, f.ops("PDMA Punjab"), store.OpsTask, ops.Input{Title: "Send boats", IncidentID: inc.ID,
		Data: raw(`{"assignee_org":%q,"due":"2026-08-20T12:00:00Z"}`, sindh)}))
	participant := f.ops("PDMA Sindh")
	if _, err := f.svc.SetStatus(f.ctx, participant, store.OpsIncident, inc.ID, "closed"); !errors.Is(err, ops.ErrForbidden) {
		t.Fatalf("a participant closing the lead's incident = %v", err)
	}
	if err := f.svc.Share(f.ctx, participant, inc.ID, f.orgs["DDMA Karachi"].ID); !errors.Is(err, ops.ErrForbidden) {
		t.Fatalf("a participant re-sharing = %v", err)
	}
	if got := must(f.svc.SetStatus(f.ctx, participant, store.OpsTask, task.ID, "in_progress")); got.Status != "in_progress" {
		t.Fatalf("the assignee moving its task = %s", got.Status)
	}
	if got := must(f.svc.SetStatus(f.ctx, f.ops("NDMA"), store.OpsIncident, inc.ID, "contained")); got.Status != "contained" {
		t.Fatalf("the lead's parent changing the incident = %s", got.Status)
	}
}
