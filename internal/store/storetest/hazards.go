package storetest

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"testing"
	"time"

	"github.com/taawun/taawun/internal/clock"
	"github.com/taawun/taawun/internal/mode"
	"github.com/taawun/taawun/internal/store"
)

func testHazardSources(t *testing.T, s store.Store, clk *clock.Manual) {
	ctx := context.Background()
	usgs := store.HazardSource{Name: "USGS M4.5+ day", Kind: store.SourceUSGS, URL: "https://earthquake.usgs.gov/x.geojson", Interval: time.Minute, Enabled: true}
	off := store.HazardSource{Name: "off", Kind: store.SourceGDACS, URL: "https://gdacs.org/rss.xml", Interval: time.Minute}
	for _, src := range []*store.HazardSource{&usgs, &off} {
		if err := s.HazardSources().Create(ctx, src); err != nil {
			t.Fatal(err)
		}
	}
	for _, bad := range []store.HazardSource{{Name: "x", Kind: "rss", URL: "http://a", Interval: time.Minute}, {Name: "x", Kind: store.SourceCAP, URL: "file:///etc/passwd", Interval: time.Minute}} {
		if err := s.HazardSources().Create(ctx, &bad); !errors.Is(err, store.ErrInvalidRecord) {
			t.Errorf("Create(%+v) = %v, want ErrInvalidRecord", bad, err)
		}
	}

	// Two servers claim at once: the enabled, due source goes to one of them.
	now := clk.Now()
	a, err := s.HazardSources().Claim(ctx, "server-a", now, now.Add(time.Minute), 10)
	if err != nil || len(a) != 1 || a[0].ID != usgs.ID {
		t.Fatalf("Claim a = %+v, %v", a, err)
	}
	if b, err := s.HazardSources().Claim(ctx, "server-b", now, now.Add(time.Minute), 10); err != nil || len(b) != 0 {
		t.Fatalf("Claim b while leased = %+v, %v", b, err)
	}
	// Only the lease holder records the poll.
	got := a[0]
	got.ETag, got.LastModified, got.LastSuccess, got.LastPoll = `"v1"`, "Mon, 30 Dec 2019 00:22:19 GMT", now, now
	got.NextPoll, got.ItemsSeen, got.EventsNew, got.LastSkips = now.Add(time.Minute), 8, 7, []string{"item 3: magnitude 15 outside [-2, 10]"}
	if err := s.HazardSources().RecordPoll(ctx, "server-b", &got); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("RecordPoll by another server = %v", err)
	}
	if err := s.HazardSources().RecordPoll(ctx, "server-a", &got); err != nil {
		t.Fatal(err)
	}
	back, err := s.HazardSources().Get(ctx, usgs.ID)
	if err != nil || back.ETag != `"v1"` || back.ItemsSeen != 8 || back.EventsNew != 7 || len(back.LastSkips) != 1 || !back.NextPoll.Equal(now.Add(time.Minute)) {
		t.Fatalf("after RecordPoll: %+v, %v", back, err)
	}
	// Not due yet; then due, and a dead holder's lease expires.
	if c, _ := s.HazardSources().Claim(ctx, "server-b", now, now.Add(time.Minute), 10); len(c) != 0 {
		t.Fatalf("claimed a source not due: %+v", c)
	}
	clk.Advance(time.Minute)
	if c, _ := s.HazardSources().Claim(ctx, "server-b", clk.Now(), clk.Now().Add(time.Minute), 10); len(c) != 1 {
		t.Fatalf("due source not claimed: %+v", c)
	}
	clk.Advance(2 * time.Minute)
	if c, _ := s.HazardSources().Claim(ctx, "server-c", clk.Now(), clk.Now().Add(time.Minute), 10); len(c) != 1 {
		t.Fatalf("expired lease not reclaimed: %+v", c)
	}

	// A change of URL forgets the validators.
	back.URL = "https://earthquake.usgs.gov/y.geojson"
	if err := s.HazardSources().Update(ctx, &back); err != nil {
		t.Fatal(err)
	}
	if back, _ = s.HazardSources().Get(ctx, usgs.ID); back.ETag != "" || back.LastModified != "" || back.ItemsSeen != 8 {
		t.Fatalf("after URL change: %+v", back)
	}
	list, err := s.HazardSources().List(ctx)
	if err != nil || len(list) != 2 || list[0].Name != "USGS M4.5+ day" {
		t.Fatalf("List = %+v, %v", list, err)
	}
	drill, _ := mode.Exercise("drill")
	if list, _ := s.HazardSources().List(mode.With(ctx, drill)); len(list) != 0 {
		t.Fatalf("exercise sees live sources: %+v", list)
	}
	if err := s.HazardSources().Delete(ctx, off.ID); err != nil {
		t.Fatal(err)
	}
}

func testHazardEvents(t *testing.T, s store.Store, clk *clock.Manual) {
	ctx := context.Background()
	mag, depth := 7.6, 26.0
	e := store.HazardEvent{Type: "earthquake", Title: "M 7.6 Kashmir", Time: Start.Add(-time.Hour), Updated: Start.Add(-time.Hour), Lat: 34.49, Lon: 73.63,
		Magnitude: &mag, DepthKm: &depth, AlertLevel: "red", Geometry: json.RawMessage(`{"type":"Point","coordinates":[73.63,34.49]}`),
		Keys: []string{"usgs:usp000e8ra"}, Links: []string{"https://earthquake.usgs.gov/earthquakes/eventpage/usp000e8ra"}}
	err := s.WithTx(ctx, func(tx store.Tx) error {
		return tx.HazardEvents().Create(ctx, &e, store.HazardRevision{SourceID: "src1", Data: json.RawMessage(`{"mag":7.6}`)})
	})
	if err != nil {
		t.Fatal(err)
	}
	found, err := s.HazardEvents().FindByKeys(ctx, []string{"gdacs:EQ:1", "usgs:usp000e8ra"})
	if err != nil || found.ID != e.ID || *found.Magnitude != 7.6 || *found.DepthKm != 26 || found.Revision != 1 || len(found.Keys) != 1 {
		t.Fatalf("FindByKeys = %+v, %v", found, err)
	}
	if _, err := s.HazardEvents().FindByKeys(ctx, []string{"usgs:nothing"}); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("FindByKeys unknown = %v", err)
	}
	if many, err := s.HazardEvents().GetMany(ctx, []string{"no-such-event", e.ID}); err != nil || len(many) != 1 || many[0].ID != e.ID || many[0].Title != e.Title {
		t.Fatalf("GetMany = %+v, %v", many, err)
	}
	exercise, _ := mode.Exercise("x1")
	if many, err := s.HazardEvents().GetMany(mode.With(ctx, exercise), []string{e.ID}); err != nil || len(many) != 0 {
		t.Fatalf("GetMany in an exercise found a live event: %+v, %v", many, err)
	}

	// An update from another network adds its key and a revision.
	clk.Advance(time.Minute)
	found.Updated, found.Keys = Start, append(found.Keys, "usgs:at00p0mzdc")
	*found.Magnitude = 7.7
	if err := s.HazardEvents().Update(ctx, &found, store.HazardRevision{SourceID: "src1"}); err != nil {
		t.Fatal(err)
	}
	again, err := s.HazardEvents().FindByKeys(ctx, []string{"usgs:at00p0mzdc"})
	if err != nil || again.ID != e.ID || again.Revision != 2 || *again.Magnitude != 7.7 || len(again.Keys) != 2 {
		t.Fatalf("after update: %+v, %v", again, err)
	}
	revs, err := s.HazardEvents().Revisions(ctx, e.ID)
	if err != nil || len(revs) != 2 || revs[0].Seq != 1 || string(revs[0].Data) != `{"mag":7.6}` || revs[1].Seq != 2 {
		t.Fatalf("Revisions = %+v, %v", revs, err)
	}

	holders, err := s.HazardEvents().KeyHolders(ctx, []string{"usgs:at00p0mzdc", "usgs:nothing", "usgs:usp000e8ra"})
	if err != nil || len(holders) != 2 || holders["usgs:at00p0mzdc"] != e.ID || holders["usgs:usp000e8ra"] != e.ID {
		t.Fatalf("KeyHolders = %v, %v", holders, err)
	}
	if holders, err := s.HazardEvents().KeyHolders(mode.With(ctx, exercise), []string{"usgs:at00p0mzdc"}); err != nil || len(holders) != 0 {
		t.Fatalf("KeyHolders in an exercise = %v, %v", holders, err)
	}

	// A key already held by another event is refused, and the refused create leaves nothing.
	other := store.HazardEvent{Type: "flood", Time: Start, Updated: Start, Lat: 30, Lon: 70, Keys: []string{"cap:x,1", "usgs:usp000e8ra"}}
	err = s.WithTx(ctx, func(tx store.Tx) error { return tx.HazardEvents().Create(ctx, &other, store.HazardRevision{}) })
	if !errors.Is(err, store.ErrConflict) {
		t.Fatalf("create with a taken key = %v", err)
	}
	if _, err := s.HazardEvents().FindByKeys(ctx, []string{"cap:x,1"}); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("refused create left a key: %v", err)
	}

	// Impossible values never reach the table.
	nan, big := math.NaN(), 15.0
	for _, bad := range []store.HazardEvent{
		{Type: "earthquake", Time: Start, Updated: Start, Lat: 200, Lon: 0, Keys: []string{"k1"}},
		{Type: "earthquake", Time: Start, Updated: Start, Lat: 0, Lon: 0, Magnitude: &big, Keys: []string{"k2"}},
		{Type: "earthquake", Time: Start, Updated: Start, Lat: nan, Lon: 0, Keys: []string{"k3"}},
		{Type: "earthquake", Time: Start, Updated: Start, Lat: 0, Lon: 0},
	} {
		if err := s.HazardEvents().Create(ctx, &bad, store.HazardRevision{}); !errors.Is(err, store.ErrInvalidRecord) {
			t.Errorf("Create(%+v) = %v, want ErrInvalidRecord", bad, err)
		}
	}

	flood := store.HazardEvent{Type: "flood", Time: Start, Updated: Start, Lat: 30, Lon: 70, Severity: "Severe", Keys: []string{"cap:pmd,1"}}
	if err := s.HazardEvents().Create(ctx, &flood, store.HazardRevision{}); err != nil {
		t.Fatal(err)
	}
	list, err := s.HazardEvents().List(ctx, store.HazardEventFilter{})
	if err != nil || len(list) != 2 || list[0].ID != flood.ID {
		t.Fatalf("List = %+v, %v", list, err)
	}
	if list, _ := s.HazardEvents().List(ctx, store.HazardEventFilter{Types: []string{"earthquake"}, Limit: 5}); len(list) != 1 || list[0].ID != e.ID {
		t.Fatalf("List earthquakes = %+v", list)
	}
	if list, _ := s.HazardEvents().List(ctx, store.HazardEventFilter{Since: Start.Add(-time.Minute)}); len(list) != 1 {
		t.Fatalf("List since = %+v", list)
	}
	drill, _ := mode.Exercise("drill")
	if _, err := s.HazardEvents().Get(mode.With(ctx, drill), e.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("exercise reads a live event: %v", err)
	}
}

func testTriggerRulesAndDrafts(t *testing.T, s store.Store, clk *clock.Manual) {
	ctx := context.Background()
	org := mustOrg(t, ctx, s, "NDMA", "")
	r := store.TriggerRule{OrgID: org.ID, Name: "Strong earthquakes", HazardTypes: []string{"earthquake"}, MinMagnitude: 5.5, MinPopulation: 10000,
		Regions: []string{"PK-KP", "PK-GB"}, Languages: []string{"ru", "zh"}, Enabled: true, CreatedBy: "u1"}
	if err := s.TriggerRules().Create(ctx, &r); err != nil {
		t.Fatal(err)
	}
	if err := s.TriggerRules().Create(ctx, &store.TriggerRule{OrgID: org.ID, Name: "neg", MinMagnitude: -1}); !errors.Is(err, store.ErrInvalidRecord) {
		t.Fatalf("negative minimum: %v", err)
	}
	got, err := s.TriggerRules().Get(ctx, r.ID)
	if err != nil || len(got.Regions) != 2 || got.Regions[1] != "PK-GB" || got.MinMagnitude != 5.5 || !got.Enabled || len(got.Languages) != 2 {
		t.Fatalf("Get = %+v, %v", got, err)
	}
	got.Enabled, got.Polygon = false, json.RawMessage(`{"type":"Polygon","coordinates":[[[70,30],[71,30],[71,31],[70,30]]]}`)
	if err := s.TriggerRules().Update(ctx, &got); err != nil {
		t.Fatal(err)
	}
	if list, err := s.TriggerRules().List(ctx, []string{org.ID}); err != nil || len(list) != 1 || list[0].Enabled || len(list[0].Polygon) == 0 {
		t.Fatalf("List = %+v, %v", list, err)
	}
	if list, _ := s.TriggerRules().List(ctx, []string{}); len(list) != 0 {
		t.Fatalf("List of no orgs = %+v", list)
	}

	ev := store.HazardEvent{Type: "earthquake", Time: Start, Updated: Start, Lat: 34, Lon: 73, Keys: []string{"usgs:a"}}
	if err := s.HazardEvents().Create(ctx, &ev, store.HazardRevision{}); err != nil {
		t.Fatal(err)
	}
	d := store.TriggerDraft{EventID: ev.ID, RuleID: r.ID, OrgID: org.ID, EventRevision: 1}
	if err := s.TriggerDrafts().Claim(ctx, &d); err != nil || d.State != store.TriggerPending {
		t.Fatalf("Claim = %v (%s)", err, d.State)
	}
	if err := s.TriggerDrafts().Claim(ctx, &store.TriggerDraft{EventID: ev.ID, RuleID: r.ID, OrgID: org.ID}); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("second claim of the same pair = %v", err)
	}
	clk.Advance(time.Second)
	d.State, d.AlertID = store.TriggerDrafted, "alert-1"
	if err := s.TriggerDrafts().Update(ctx, &d); err != nil {
		t.Fatal(err)
	}
	back, err := s.TriggerDrafts().Get(ctx, ev.ID, r.ID)
	if err != nil || back.State != store.TriggerDrafted || back.AlertID != "alert-1" || !back.UpdatedAt.After(back.CreatedAt) {
		t.Fatalf("Get = %+v, %v", back, err)
	}
	// A link may be claimed with its outcome at once.
	ev2 := store.HazardEvent{Type: "earthquake", Time: Start, Updated: Start, Lat: 35, Lon: 73, Keys: []string{"usgs:b"}}
	if err := s.HazardEvents().Create(ctx, &ev2, store.HazardRevision{}); err != nil {
		t.Fatal(err)
	}
	done := store.TriggerDraft{EventID: ev2.ID, RuleID: r.ID, OrgID: org.ID, EventRevision: 1, State: store.TriggerSkipped, Reason: "outside"}
	if err := s.TriggerDrafts().Claim(ctx, &done); err != nil {
		t.Fatal(err)
	}
	if back, err := s.TriggerDrafts().Get(ctx, ev2.ID, r.ID); err != nil || back.State != store.TriggerSkipped || back.Reason != "outside" {
		t.Fatalf("claimed with its outcome: Get = %+v, %v", back, err)
	}
	if ds, err := s.TriggerDrafts().ForEvent(ctx, ev.ID); err != nil || len(ds) != 1 {
		t.Fatalf("ForEvent = %+v, %v", ds, err)
	}
	if ds, err := s.TriggerDrafts().ForEvents(ctx, []string{"no-such-event", ev.ID}); err != nil || len(ds) != 1 || ds[0].RuleID != r.ID {
		t.Fatalf("ForEvents = %+v, %v", ds, err)
	}
	if err := s.TriggerRules().Delete(ctx, r.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.TriggerRules().Get(ctx, r.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("deleted rule: %v", err)
	}
}
