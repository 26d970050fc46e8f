package hazard

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"github.com/taawun/taawun/internal/alert"
	"github.com/taawun/taawun/internal/auth"
	"github.com/taawun/taawun/internal/clock"
	"github.com/taawun/taawun/internal/feed"
	"github.com/taawun/taawun/internal/store"
)

func ptr(f float64) *float64 { return &f }

// kashmir is the 2005 Kashmir earthquake as USGS lists it.
func kashmir(updated time.Time, mag float64) feed.Event {
	return feed.Event{Type: feed.TypeEarthquake, Title: "M 7.6 - northwestern Kashmir", Time: time.Date(2005, 10, 8, 3, 50, 40, 0, time.UTC),
		Updated: updated, Lat: 34.49, Lon: 73.63, DepthKm: ptr(26), Magnitude: ptr(mag), AlertLevel: "red", AreaDesc: "northwestern Kashmir",
		Keys: []string{"usgs:usp000e8ra"}, Geometry: json.RawMessage(`{"type":"Point","coordinates":[73.63,34.49]}`)}
}

func (f *fixture) ingestOne(t *testing.T, e feed.Event) store.HazardEvent {
	t.Helper()
	ctx := context.Background()
	if _, err := f.ingest.Ingest(ctx, f.src, []feed.Event{e}); err != nil {
		t.Fatal(err)
	}
	ev, err := f.db.HazardEvents().FindByKeys(ctx, e.Keys)
	if err != nil {
		t.Fatal(err)
	}
	return ev
}

// TestEarthquakeDraftsSubmittedWarning: a strong earthquake in KP makes one draft per matching
// rule, submitted for approval (never issued), with texts in English, Urdu and the rule's other
// languages filled with numbers and place names, and an area inside the organisation's
// jurisdiction; handling the event again changes nothing, and an update of the event updates
// the same warning.
func TestEarthquakeDraftsSubmittedWarning(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	kp := f.rule(t, "PDMA KP", store.TriggerRule{HazardTypes: []string{"earthquake"}, MinMagnitude: 6, Languages: []string{"ru", "zh"}})
	ndma := f.rule(t, "NDMA", store.TriggerRule{MinSeverity: "Severe", MinPopulation: 10000})
	sindh := f.rule(t, "PDMA Sindh", store.TriggerRule{HazardTypes: []string{"earthquake"}})
	f.rule(t, "PDMA Punjab", store.TriggerRule{HazardTypes: []string{"flood"}})
	f.rule(t, "GBDMA", store.TriggerRule{MinMagnitude: 8})

	ev := f.ingestOne(t, kashmir(time.Date(2005, 10, 8, 4, 0, 0, 0, time.UTC), 7.6))
	if err := f.trigger.Handle(ctx, ev.ID); err != nil {
		t.Fatal(err)
	}
	links, err := f.db.TriggerDrafts().ForEvent(ctx, ev.ID)
	if err != nil || len(links) != 3 {
		t.Fatalf("links = %+v, %v (want KP, NDMA drafted and Sindh skipped)", links, err)
	}
	byRule := map[string]store.TriggerDraft{}
	for _, l := range links {
		byRule[l.RuleID] = l
	}
	for _, r := range []store.TriggerRule{kp, ndma} {
		l := byRule[r.ID]
		if l.State != store.TriggerDrafted || l.AlertID == "" || l.Reason != "" {
			t.Fatalf("rule %s: link %+v", r.Name, l)
		}
		a, err := f.db.Alerts().Get(ctx, l.AlertID)
		if err != nil || a.State != store.AlertSubmitted || a.OrgID != r.OrgID || a.Hazard != "earthquake" || a.DrafterID != "system" {
			t.Fatalf("rule %s: alert %+v, %v", r.Name, a, err)
		}
	}
	// Sindh's jurisdiction is beyond intensity V: recorded with a reason, no warning.
	if l := byRule[sindh.ID]; l.State != store.TriggerSkipped || !strings.Contains(l.Reason, "jurisdiction") {
		t.Fatalf("Sindh link: %+v", l)
	}

	vs, _ := f.db.Alerts().Versions(ctx, byRule[kp.ID].AlertID)
	var c alert.Content
	if err := json.Unmarshal(vs[0].Content, &c); err != nil {
		t.Fatal(err)
	}
	for _, l := range []string{"en", "ur", "ru", "zh"} {
		if c.Texts[l].Headline == "" || !strings.Contains(c.Texts[l].Headline, "7.6") || !strings.Contains(c.Texts[l].Description, "7.6") {
			t.Errorf("%s text: %+v", l, c.Texts[l])
		}
	}
	if !strings.Contains(c.Texts["ur"].Headline, "زلزلہ") || !strings.Contains(c.Texts["en"].Description, "Muzaffar") ||
		!strings.Contains(c.Texts["en"].Headline, "Khyber Pakhtunkhwa") || strings.Contains(c.Texts["en"].Description, "%!") {
		t.Errorf("texts lack the numbers or places: en %+v / ur %q", c.Texts["en"], c.Texts["ur"].Headline)
	}
	// Places are named in the reader's language where the gazetteer knows the name.
	for lang, name := range map[string]string{"ur": "مظفرآباد", "ru": "Музаффарабад", "zh": "穆扎法拉巴德"} {
		if !strings.Contains(c.Texts[lang].Description, name) {
			t.Errorf("%s description lacks %s: %q", lang, name, c.Texts[lang].Description)
		}
	}
	if len(c.Areas) != 1 || len(c.Areas[0].Polygons)+len(c.Areas[0].Regions) == 0 {
		t.Fatalf("area %+v", c.Areas)
	}
	if len(f.notified) != 2 {
		t.Fatalf("duty officers told of %d drafts, want 2", len(f.notified))
	}
	// Every outcome is audited; on the bus a draft is announced once, by alert.submitted, and a
	// skipped rule says why.
	kinds := map[string]int{}
	pending, _ := f.db.Outbox().Pending(ctx, 1000)
	for _, e := range pending {
		kinds[e.Kind]++
	}
	if kinds[KindTriggerDrafted] != 0 || kinds[KindTriggerSkipped] != 1 || kinds["alert.submitted"] != 2 {
		t.Errorf("bus events by kind: %v", kinds)
	}
	if audit, _ := f.db.Audit().ListForEntity(ctx, "trigger_draft", ev.ID+"/"+kp.ID); len(audit) != 1 || audit[0].Action != KindTriggerDrafted {
		t.Errorf("audit of the drafted link: %+v", audit)
	}

	// Again: nothing new.
	if err := f.trigger.Handle(ctx, ev.ID); err != nil {
		t.Fatal(err)
	}
	if all, _ := f.db.Alerts().List(ctx, store.AlertFilter{}); len(all) != 2 {
		t.Fatalf("handling again made %d alerts", len(all))
	}

	// USGS revises the magnitude: the same warnings get a new version, submitted again.
	f.clk.Advance(time.Minute)
	ev = f.ingestOne(t, kashmir(time.Date(2005, 10, 8, 6, 0, 0, 0, time.UTC), 7.7))
	if ev.Revision != 2 {
		t.Fatalf("revision %d", ev.Revision)
	}
	if err := f.trigger.Handle(ctx, ev.ID); err != nil {
		t.Fatal(err)
	}
	if all, _ := f.db.Alerts().List(ctx, store.AlertFilter{}); len(all) != 2 {
		t.Fatalf("an update made %d alerts", len(all))
	}
	vs, _ = f.db.Alerts().Versions(ctx, byRule[kp.ID].AlertID)
	last := vs[len(vs)-1]
	if last.State != store.VersionSubmitted || !strings.Contains(string(last.Content), "7.7") {
		t.Fatalf("latest version after the update: %s %s", last.State, last.Content)
	}
	if l, _ := f.db.TriggerDrafts().Get(ctx, ev.ID, kp.ID); l.EventRevision != 2 || l.State != store.TriggerDrafted {
		t.Fatalf("link after update: %+v", l)
	}
}

// TestRegionsOfConcern: a rule naming provinces drafts only for events touching them.
func TestRegionsOfConcern(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	far := f.rule(t, "NDMA", store.TriggerRule{Name: "Balochistan only", Regions: []string{"PK-BA"}})
	near := f.rule(t, "NDMA", store.TriggerRule{Name: "KP", Regions: []string{"PK-KP"}})
	ev := f.ingestOne(t, kashmir(time.Date(2005, 10, 8, 4, 0, 0, 0, time.UTC), 7.6))
	if err := f.trigger.Handle(ctx, ev.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.TriggerDrafts().Get(ctx, ev.ID, far.ID); err == nil {
		t.Fatal("a rule for Balochistan matched a Kashmir earthquake")
	}
	if l, err := f.db.TriggerDrafts().Get(ctx, ev.ID, near.ID); err != nil || l.State != store.TriggerDrafted {
		t.Fatalf("KP rule: %+v, %v", l, err)
	}
}

func TestClipToConvex(t *testing.T) {
	// An L-shaped (concave) jurisdiction clipped by a square: the part inside the square.
	l := orb.Ring{{0, 0}, {4, 0}, {4, 1}, {1, 1}, {1, 4}, {0, 4}, {0, 0}}
	sq := orb.Ring{{-1, -1}, {2, -1}, {2, 2}, {-1, 2}, {-1, -1}}
	got := clipToConvex(l, sq)
	if a := math.Abs(planar.Area(got)); math.Abs(a-3) > 1e-9 {
		t.Fatalf("clipped area %v, want 3 (%v)", a, got)
	}
	if !convex(sq) || convex(l) {
		t.Fatal("convexity wrong")
	}
	if got := clipToConvex(l, orb.Ring{{10, 10}, {11, 10}, {11, 11}, {10, 10}}); got != nil {
		t.Fatalf("disjoint clip = %v", got)
	}
	if s := capPolygon(orb.Ring{{73.5, 34.1}, {74, 34.1}, {74, 34.6}, {73.5, 34.1}}); s != "34.1000,73.5000 34.1000,74.0000 34.6000,74.0000 34.1000,73.5000" {
		t.Fatalf("capPolygon = %q", s)
	}
}

// TestTakeoverFindsOrphanDraft: a server that drafted and then died before recording the link
// leaves a pending claim; the server that takes it over finds the draft by its note instead of
// drafting a second warning.
func TestTakeoverFindsOrphanDraft(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	r := f.rule(t, "NDMA", store.TriggerRule{HazardTypes: []string{"earthquake"}})
	ev := f.ingestOne(t, kashmir(time.Date(2005, 10, 8, 4, 0, 0, 0, time.UTC), 7.6))
	if err := f.trigger.Handle(ctx, ev.ID); err != nil {
		t.Fatal(err)
	}
	// Wind the link back to the moment of the crash: claimed, draft made, link not recorded.
	l, _ := f.db.TriggerDrafts().Get(ctx, ev.ID, r.ID)
	l.State, l.AlertID, l.EventRevision = store.TriggerPending, "", 0
	if err := f.db.TriggerDrafts().Update(ctx, &l); err != nil {
		t.Fatal(err)
	}
	if err := f.trigger.Handle(ctx, ev.ID); !errors.Is(err, ErrBusy) {
		t.Fatalf("a fresh claim of another server: %v, want ErrBusy", err)
	}
	f.clk.Advance(3 * time.Minute)
	if err := f.trigger.Handle(ctx, ev.ID); err != nil {
		t.Fatal(err)
	}
	all, _ := f.db.Alerts().List(ctx, store.AlertFilter{})
	if l, _ := f.db.TriggerDrafts().Get(ctx, ev.ID, r.ID); len(all) != 1 || l.AlertID != all[0].ID || l.State != store.TriggerDrafted {
		t.Fatalf("%d alerts, link %+v", len(all), l)
	}
}

// TestCancelledEventWithdrawsDrafts: when the source cancels an event, the draft waiting for
// approval is rejected with the reason, and a warning already issued gets a cancellation
// submitted for approval (never issued by the system).
func TestCancelledEventWithdrawsDrafts(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	kp := f.rule(t, "PDMA KP", store.TriggerRule{HazardTypes: []string{"earthquake"}})
	ndma := f.rule(t, "NDMA", store.TriggerRule{HazardTypes: []string{"earthquake"}})
	ev := f.ingestOne(t, kashmir(time.Date(2005, 10, 8, 4, 0, 0, 0, time.UTC), 7.6))
	if err := f.trigger.Handle(ctx, ev.ID); err != nil {
		t.Fatal(err)
	}
	kpLink, _ := f.db.TriggerDrafts().Get(ctx, ev.ID, kp.ID)
	ndmaLink, _ := f.db.TriggerDrafts().Get(ctx, ev.ID, ndma.ID)
	// NDMA's warning is approved by a person and issued; KP's waits in the queue.
	approver := &auth.Principal{User: store.User{Meta: store.Meta{ID: "approver-on-duty"}, Username: "approver", OrgID: f.orgs["NDMA"].ID, Role: auth.RoleApprover},
		Org: f.orgs["NDMA"], Scope: []string{f.orgs["NDMA"].ID, f.orgs["PDMA KP"].ID}}
	if _, err := f.alerts.Approve(ctx, approver, ndmaLink.AlertID); err != nil {
		t.Fatal(err)
	}

	f.clk.Advance(time.Minute)
	cancelled := kashmir(time.Date(2005, 10, 8, 7, 0, 0, 0, time.UTC), 7.6)
	cancelled.Cancelled = true
	ev = f.ingestOne(t, cancelled)
	if err := f.trigger.Handle(ctx, ev.ID); err != nil {
		t.Fatal(err)
	}
	d, err := f.alerts.Load(ctx, approver, kpLink.AlertID)
	if err != nil {
		t.Fatal(err)
	}
	if l := d.Latest(); l.State != store.VersionRejected || !strings.Contains(l.RejectReason, "cancelled") {
		t.Fatalf("KP's draft: version %s (%q), want rejected as withdrawn", l.State, l.RejectReason)
	}
	d, _ = f.alerts.Load(ctx, approver, ndmaLink.AlertID)
	if l := d.Latest(); d.Alert.State != store.AlertIssued || l.Kind != store.KindCancel || l.State != store.VersionSubmitted {
		t.Fatalf("NDMA's issued warning: %s, latest %s %s, want a cancellation waiting for approval", d.Alert.State, l.Kind, l.State)
	}
	for _, r := range []store.TriggerRule{kp, ndma} {
		if l, _ := f.db.TriggerDrafts().Get(ctx, ev.ID, r.ID); l.EventRevision != ev.Revision || !strings.Contains(l.Reason, "withdrawn") {
			t.Fatalf("%s link: %+v", r.Name, l)
		}
	}
	// Handled again: nothing more.
	if err := f.trigger.Handle(ctx, ev.ID); err != nil {
		t.Fatal(err)
	}
	if queued, _ := f.db.Alerts().Submitted(ctx, []string{f.orgs["NDMA"].ID, f.orgs["PDMA KP"].ID}); len(queued) != 1 {
		t.Fatalf("%d versions in the queue, want NDMA's cancellation only", len(queued))
	}
}

// BenchmarkPlan is the work one new earthquake costs a trigger before anything is written:
// impact, clipping, texts and the CAP check.
func BenchmarkPlan(b *testing.B) {
	f := newFixtureClock(b, clock.System{})
	r := f.rule(b, "NDMA", store.TriggerRule{HazardTypes: []string{"earthquake"}, MinMagnitude: 5})
	ctx := context.Background()
	mag, depth := 6.5, 15.0
	ev := feed.Event{Type: feed.TypeEarthquake, Title: "M 6.5", Time: time.Now(), Updated: time.Now(), Lat: 34.1, Lon: 72.9, Magnitude: &mag, DepthKm: &depth,
		Keys: []string{"bench:plan"}, Geometry: pointGeometry(34.1, 72.9)}
	if _, err := f.ingest.Ingest(ctx, f.src, []feed.Event{ev}); err != nil {
		b.Fatal(err)
	}
	e, _ := f.db.HazardEvents().FindByKeys(ctx, ev.Keys)
	org, _ := f.db.Orgs().Get(ctx, r.OrgID)
	orgs := map[string]store.Org{org.ID: org}
	b.ReportAllocs()
	for b.Loop() {
		w := f.trigger.plan(ctx, []store.TriggerRule{r}, orgs, e, nil)
		if len(w.fresh) != 1 || w.fresh[0].sub == nil {
			b.Fatalf("plan: %+v", w)
		}
	}
}
