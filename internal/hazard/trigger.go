package hazard

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"github.com/taawun/taawun/internal/alert"
	"github.com/taawun/taawun/internal/auth"
	"github.com/taawun/taawun/internal/cap"
	"github.com/taawun/taawun/internal/cap/capgeo"
	"github.com/taawun/taawun/internal/clock"
	"github.com/taawun/taawun/internal/feed"
	"github.com/taawun/taawun/internal/geodata"
	"github.com/taawun/taawun/internal/i18n"
	"github.com/taawun/taawun/internal/impact"
	"github.com/taawun/taawun/internal/mode"
	"github.com/taawun/taawun/internal/store"
)

// Kinds of the trigger outcomes on the bus.
const (
	KindTriggerDrafted = "hazard.trigger.drafted"
	KindTriggerSkipped = "hazard.trigger.skipped"
)

// ErrBusy means another server is drafting the same event under the same rule; the event is
// retried later.
var ErrBusy = errors.New("hazard: another server is drafting this event")

// Trigger turns hazard events into draft warnings by the organisations' rules.
type Trigger struct {
	Store   store.Store
	Alerts  *alert.Service
	Impact  Estimator
	Catalog *i18n.Catalog
	Clock   clock.Clock
	// Notify, when set, tells the organisation's duty officers of a draft waiting for approval.
	Notify func(ctx context.Context, org store.Org, alertID string, c alert.Content)
	Log    *slog.Logger
	// ValidFor is how long a drafted warning is valid when the source gives no expiry (6 h).
	ValidFor time.Duration
	// PendingTimeout is after how long a claim left pending by a crashed server is taken over.
	PendingTimeout time.Duration

	// prepared holds the jurisdictions prepared for point tests, by organisation version.
	prepared sync.Map
	// provinces holds each country's province outlines ([]provinceOutline).
	provinces sync.Map
}

// Handle applies every enabled rule to the event with id.
func (t *Trigger) Handle(ctx context.Context, id string) error {
	return t.HandleBatch(ctx, []string{id})[0]
}

// eventWork is what the rules make of one event, worked out before anything is written.
type eventWork struct {
	ev  store.HazardEvent
	est impact.Estimate
	err error
	// fresh are the outcomes of rules that have not seen the event yet: new drafts, or why none,
	// written together with the batch's others.
	fresh []freshOutcome
	// later are the rules whose link to the event exists (an update of the event, a claim left
	// by a crashed server): handled one by one after the batch.
	later []laterRule
}

type freshOutcome struct {
	rule    store.TriggerRule
	org     store.Org
	sub     *alert.Submission // nil when there is no draft
	content alert.Content
	reason  string
}

type laterRule struct {
	rule   store.TriggerRule
	reason string
	// withdraw is the link of a warning drafted for an event its source has since cancelled.
	withdraw *store.TriggerDraft
}

// HandleBatch applies every enabled rule to the events with ids and returns one error per id.
// The costly part of a new draft (impact, clipping, texts, the CAP check) is worked out for all
// events side by side; the new drafts are then written, submitted and linked in one transaction,
// so a feed of a thousand new earthquakes pays for a few transactions instead of thousands.
func (t *Trigger) HandleBatch(ctx context.Context, ids []string) []error {
	errs := make([]error, len(ids))
	rules, err := t.Store.TriggerRules().List(ctx, nil)
	if err == nil {
		rules = slices.DeleteFunc(rules, func(r store.TriggerRule) bool { return !r.Enabled })
	}
	orgs := map[string]store.Org{}
	for _, r := range rules {
		if _, ok := orgs[r.OrgID]; !ok && err == nil {
			orgs[r.OrgID], err = t.Store.Orgs().Get(ctx, r.OrgID)
		}
	}
	if err != nil {
		for i := range errs {
			errs[i] = err
		}
		return errs
	}
	events, links, err := t.load(ctx, ids)
	if err != nil {
		for i := range errs {
			errs[i] = err
		}
		return errs
	}
	works := make([]eventWork, len(ids))
	inParallel(len(ids), func(i int) {
		ev, ok := events[ids[i]]
		if !ok {
			works[i] = eventWork{err: fmt.Errorf("hazard event %s: %w", ids[i], store.ErrNotFound)}
			return
		}
		works[i] = t.plan(ctx, rules, orgs, ev, links[ids[i]])
	})
	if err := t.writeFresh(ctx, works); err != nil {
		for i := range works {
			if len(works[i].fresh) > 0 {
				errs[i] = err
			}
		}
	}
	for i, w := range works {
		if w.err != nil {
			errs[i] = w.err
			continue
		}
		for _, l := range w.later {
			run := func() error { return t.apply(ctx, l.rule, w.ev, w.est, l.reason) }
			if l.withdraw != nil {
				run = func() error { return t.withdraw(ctx, l.rule, w.ev, *l.withdraw) }
			}
			if err := run(); err != nil {
				errs[i] = errors.Join(errs[i], fmt.Errorf("rule %q: %w", l.rule.Name, err))
			}
		}
	}
	return errs
}

// inParallel runs fn(0) … fn(n-1) on as many goroutines as there are processors.
func inParallel(n int, fn func(int)) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(n, runtime.GOMAXPROCS(0)) {
		wg.Go(func() {
			for i := int(next.Add(1)) - 1; i < n; i = int(next.Add(1)) - 1 {
				fn(i)
			}
		})
	}
	wg.Wait()
}

// load reads a batch's events and their links to rules, by event id.
func (t *Trigger) load(ctx context.Context, ids []string) (map[string]store.HazardEvent, map[string][]store.TriggerDraft, error) {
	evs, err := t.Store.HazardEvents().GetMany(ctx, ids)
	if err != nil {
		return nil, nil, err
	}
	ls, err := t.Store.TriggerDrafts().ForEvents(ctx, ids)
	if err != nil {
		return nil, nil, err
	}
	events, links := make(map[string]store.HazardEvent, len(evs)), map[string][]store.TriggerDraft{}
	for _, e := range evs {
		events[e.ID] = e
	}
	for _, l := range ls {
		links[l.EventID] = append(links[l.EventID], l)
	}
	return events, links, nil
}

// plan works out what the rules make of ev, given its links to rules, writing nothing.
func (t *Trigger) plan(ctx context.Context, rules []store.TriggerRule, orgs map[string]store.Org, ev store.HazardEvent, links []store.TriggerDraft) eventWork {
	w := eventWork{ev: ev}
	if ev.Cancelled {
		w.later = withdrawals(rules, ev, links)
		return w
	}
	var (
		estErr   error
		assessed bool
	)
	for _, r := range rules {
		if !matchesEvent(r, ev) {
			continue
		}
		if !assessed {
			w.est, estErr = assess(t.Impact, ev, false)
			assessed = true
		}
		reason := ""
		if estErr != nil {
			reason = "no impact estimate: " + estErr.Error()
		} else if !matchesImpact(r, ev, w.est) {
			continue
		}
		if slices.ContainsFunc(links, func(l store.TriggerDraft) bool { return l.RuleID == r.ID }) {
			w.later = append(w.later, laterRule{rule: r, reason: reason})
			continue
		}
		out := freshOutcome{rule: r, org: orgs[r.OrgID], reason: reason}
		if reason == "" {
			var err error
			out.sub, out.content, out.reason, err = t.prepareNew(ctx, r, out.org, ev, w.est)
			if errors.Is(err, alert.ErrCAPFindings) {
				// Drafted but not submitted: the one-by-one path keeps such a draft for an officer.
				w.later = append(w.later, laterRule{rule: r})
				continue
			}
		}
		w.fresh = append(w.fresh, out)
	}
	return w
}

// withdrawals lists the warnings drafted for ev, which its source has cancelled, that are not
// withdrawn yet.
func withdrawals(rules []store.TriggerRule, ev store.HazardEvent, links []store.TriggerDraft) []laterRule {
	var out []laterRule
	for _, l := range links {
		if l.AlertID == "" || l.State == store.TriggerPending || l.EventRevision >= ev.Revision {
			continue
		}
		r := store.TriggerRule{Meta: store.Meta{ID: l.RuleID}, OrgID: l.OrgID, Name: l.RuleID}
		for _, known := range rules {
			if known.ID == l.RuleID {
				r = known
			}
		}
		out = append(out, laterRule{rule: r, withdraw: &l})
	}
	return out
}

// withdraw takes back the warning drafted for an event its source has cancelled: a version
// waiting for approval is rejected with the reason, and an issued warning gets a cancellation
// submitted for approval, which an officer still has to approve. A draft nobody submitted stays
// for its officers, with the reason on the link.
func (t *Trigger) withdraw(ctx context.Context, r store.TriggerRule, ev store.HazardEvent, link store.TriggerDraft) error {
	org, err := t.Store.Orgs().Get(ctx, link.OrgID)
	if err != nil {
		return err
	}
	officer, approver := systemPrincipal(org, auth.RoleDutyOfficer), systemPrincipal(org, auth.RoleApprover)
	d, err := t.Alerts.Load(ctx, officer, link.AlertID)
	if err != nil {
		return err
	}
	why := fmt.Sprintf("withdrawn: the source cancelled hazard event %s (revision %d)", ev.ID, ev.Revision)
	if d.Latest().State == store.VersionSubmitted {
		if err := t.Alerts.Reject(ctx, approver, link.AlertID, why); err != nil {
			return err
		}
	}
	if d.Alert.State == store.AlertIssued {
		if err := t.Alerts.Revise(ctx, officer, link.AlertID, store.KindCancel, alert.Content{Note: why}); err != nil {
			return err
		}
		var issued alert.Content
		for _, v := range d.Versions {
			if v.State == store.VersionApproved {
				_ = json.Unmarshal(v.Content, &issued) // only for the officers' e-mail
			}
		}
		if reason := t.submit(ctx, org, officer, link.AlertID, issued); reason != "" {
			why += "; " + reason
		}
	}
	link.EventRevision, link.Reason = ev.Revision, why
	return t.Store.WithTx(ctx, func(tx store.Tx) error { return t.recordLink(ctx, tx, r, ev, link) })
}

// writeFresh writes the batch's new outcomes in one transaction: each rule's link to its event,
// and the draft submitted for approval. The duty officers are told of the drafts once they are
// committed.
func (t *Trigger) writeFresh(ctx context.Context, works []eventWork) error {
	var written []freshOutcome
	err := t.Store.WithTx(ctx, func(tx store.Tx) error {
		written = written[:0]
		for _, w := range works {
			if w.err != nil {
				continue
			}
			for _, out := range w.fresh {
				// A link another server wrote since plan looked fails the claim and the batch,
				// which is then redelivered and finds the link.
				link := store.TriggerDraft{EventID: w.ev.ID, RuleID: out.rule.ID, OrgID: out.rule.OrgID}
				if err := tx.TriggerDrafts().Claim(ctx, &link); err != nil {
					return err
				}
				link.EventRevision, link.State, link.Reason = w.ev.Revision, store.TriggerSkipped, out.reason
				if out.sub != nil {
					if err := t.Alerts.WriteSubmission(ctx, tx, out.sub); err != nil {
						return fmt.Errorf("event %s, rule %q: %w", w.ev.ID, out.rule.Name, err)
					}
					link.AlertID, link.State = out.sub.Alert.ID, store.TriggerDrafted
				}
				if err := t.recordLink(ctx, tx, out.rule, w.ev, link); err != nil {
					return err
				}
				written = append(written, out)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, out := range written {
		if out.sub != nil && t.Notify != nil {
			t.Notify(ctx, out.org, out.sub.Alert.ID, out.content)
		}
	}
	return nil
}

// recordLink saves a link's outcome and records it.
func (t *Trigger) recordLink(ctx context.Context, tx store.Tx, r store.TriggerRule, ev store.HazardEvent, link store.TriggerDraft) error {
	kind := KindTriggerDrafted
	if link.State == store.TriggerSkipped {
		kind = KindTriggerSkipped
		t.logger().Info("hazard: rule matched but no draft", "event", ev.ID, "rule", r.Name, "reason", link.Reason)
	}
	if err := tx.TriggerDrafts().Update(ctx, &link); err != nil {
		return err
	}
	return tx.Record(ctx, store.Change{Actor: auth.SystemActor, OrgID: r.OrgID, Action: kind, EntityType: "trigger_draft",
		EntityID: ev.ID + "/" + r.ID, After: linkView{ev.ID, r.ID, link.AlertID, link.State, link.Reason, link.EventRevision}})
}

// matchesEvent checks what a rule asks of the event itself: type, magnitude, severity.
func matchesEvent(r store.TriggerRule, e store.HazardEvent) bool {
	if len(r.HazardTypes) > 0 && !slices.Contains(r.HazardTypes, e.Type) {
		return false
	}
	if r.MinMagnitude > 0 && (e.Magnitude == nil || *e.Magnitude < r.MinMagnitude) {
		return false
	}
	if r.MinSeverity != "" && eventSeverity(e) < feed.SeverityRank(r.MinSeverity) {
		return false
	}
	return !e.Cancelled
}

var levelRank = map[string]int{"green": 1, "yellow": 2, "orange": 3, "red": 4}

// eventSeverity ranks an event like a CAP severity: its own severity or its alert level
// (green Minor, yellow Moderate, orange Severe, red Extreme), whichever is higher.
func eventSeverity(e store.HazardEvent) int {
	return max(feed.SeverityRank(e.Severity), levelRank[e.AlertLevel])
}

// matchesImpact checks what a rule asks of the estimate: exposed population and regions.
func matchesImpact(r store.TriggerRule, e store.HazardEvent, est impact.Estimate) bool {
	if r.MinPopulation > 0 && est.Population < r.MinPopulation {
		return false
	}
	if r.MinSeverity != "" && max(eventSeverity(e), levelRank[string(est.Level)]) < feed.SeverityRank(r.MinSeverity) {
		return false
	}
	if len(r.Regions) == 0 && len(r.Polygon) == 0 {
		return true
	}
	for _, p := range est.Provinces {
		if slices.Contains(r.Regions, p.Code) {
			return true
		}
	}
	for _, code := range e.Regions {
		if slices.Contains(r.Regions, code) {
			return true
		}
	}
	if concern, err := geometry(r.Polygon); err == nil && len(concern) > 0 {
		fp := footprintPolygons(e, est)
		return touches(fp, concern) || planar.MultiPolygonContains(concern, orb.Point{e.Lon, e.Lat})
	}
	return false
}

// jurisdiction returns the organisation's jurisdiction prepared for point tests, made once per
// version of the organisation.
func (t *Trigger) jurisdiction(org store.Org) (*prepared, error) {
	key := org.ID + "@" + org.UpdatedAt.String()
	if j, ok := t.prepared.Load(key); ok {
		return j.(*prepared), nil
	}
	mp, err := geometry(org.Jurisdiction)
	if err != nil || len(mp) == 0 {
		return nil, fmt.Errorf("%s has no jurisdiction drawn", org.Name)
	}
	j, err := prepare(mp)
	if err != nil {
		return nil, fmt.Errorf("%s: jurisdiction: %w", org.Name, err)
	}
	t.prepared.Store(key, j)
	return j, nil
}

// provinceOutline is the outer ring of one polygon of a province, with its bounding box.
type provinceOutline struct {
	code  string
	outer orb.Ring
	bound orb.Bound
	// first marks the province's first polygon, the one its containment is judged by.
	first bool
}

// provinceOutlines returns the outlines of a country's provinces, made once per country.
func (t *Trigger) provinceOutlines(country string) ([]provinceOutline, error) {
	if v, ok := t.provinces.Load(country); ok {
		return v.([]provinceOutline), nil
	}
	regions, err := geodata.ProvincesOf(country)
	if err != nil {
		return nil, err
	}
	var out []provinceOutline
	for _, pr := range regions {
		for i, pp := range pr.Geometry {
			out = append(out, provinceOutline{code: pr.Code, outer: pp[0], bound: pp.Bound(), first: i == 0})
		}
	}
	t.provinces.Store(country, out)
	return out, nil
}

// footprintPoints is how many vertices an earthquake's footprint disc has: its edges stay within
// 0.5 % of the radius of the circle, far inside what the intensity equation can tell.
const footprintPoints = 32

// footprintPolygons is the hazard's footprint: the disc of intensity V or more for an
// earthquake, the warning's areas otherwise.
func footprintPolygons(e store.HazardEvent, est impact.Estimate) orb.MultiPolygon {
	if e.Type == "earthquake" {
		if len(est.Bands) == 0 || est.Bands[0].RadiusKm <= 0 {
			return nil
		}
		return orb.MultiPolygon{capgeo.CirclePolygonN(cap.Circle{Center: cap.Point{Lat: e.Lat, Lon: e.Lon}, RadiusKM: est.Bands[0].RadiusKm}, footprintPoints)}
	}
	mp, _ := geometry(e.Geometry)
	return mp
}

// linkView is what audit entries and events carry of a trigger link.
type linkView struct {
	EventID  string             `json:"event_id"`
	RuleID   string             `json:"rule_id"`
	AlertID  string             `json:"alert_id,omitempty"`
	State    store.TriggerState `json:"state"`
	Reason   string             `json:"reason,omitempty"`
	Revision int                `json:"event_revision"`
}

// apply drafts (or updates the draft of) one event under one rule; reason, when set, records
// why no draft can be made.
func (t *Trigger) apply(ctx context.Context, r store.TriggerRule, ev store.HazardEvent, est impact.Estimate, reason string) error {
	link, takeover, err := t.claim(ctx, r, ev)
	if err != nil || link == nil {
		return err
	}
	org, err := t.Store.Orgs().Get(ctx, r.OrgID)
	if err != nil {
		return err
	}
	if takeover && link.AlertID == "" {
		// Taking over a claim a crashed server left: it may have drafted before it died.
		if link.AlertID, err = t.orphanDraft(ctx, r.OrgID, ev.ID); err != nil {
			return err
		}
	}
	link.EventRevision = ev.Revision
	if reason == "" {
		var alertID string
		alertID, reason = t.draft(ctx, r, org, ev, est, link.AlertID)
		if alertID != "" {
			link.AlertID = alertID
		}
	}
	link.State, link.Reason = store.TriggerDrafted, reason
	if link.AlertID == "" {
		link.State = store.TriggerSkipped
	}
	return t.Store.WithTx(ctx, func(tx store.Tx) error { return t.recordLink(ctx, tx, r, ev, *link) })
}

// claim returns the link of the event and rule to work on, claiming it when new; nil when
// this revision of the event has been handled already. takeover says the link was claimed by a
// server that stopped before finishing.
func (t *Trigger) claim(ctx context.Context, r store.TriggerRule, ev store.HazardEvent) (link *store.TriggerDraft, takeover bool, err error) {
	cur, err := t.Store.TriggerDrafts().Get(ctx, ev.ID, r.ID)
	if errors.Is(err, store.ErrNotFound) {
		cur = store.TriggerDraft{EventID: ev.ID, RuleID: r.ID, OrgID: r.OrgID}
		err = t.Store.WithTx(ctx, func(tx store.Tx) error {
			if err := tx.TriggerDrafts().Claim(ctx, &cur); err != nil {
				return err
			}
			return tx.Record(ctx, store.Change{Actor: auth.SystemActor, OrgID: r.OrgID, Action: "hazard.trigger.claimed", EntityType: "trigger_draft",
				EntityID: ev.ID + "/" + r.ID, NoEvent: true})
		})
		if errors.Is(err, store.ErrConflict) {
			return nil, false, ErrBusy
		}
		if err != nil {
			return nil, false, err
		}
		return &cur, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	switch {
	case cur.State == store.TriggerPending && t.Clock.Now().Sub(cur.UpdatedAt) < t.pendingTimeout():
		return nil, false, ErrBusy
	case cur.State != store.TriggerPending && cur.EventRevision >= ev.Revision:
		return nil, false, nil
	}
	return &cur, cur.State == store.TriggerPending, nil
}

// orphanDraft finds the warning a crashed server drafted for the event in org before it could
// record the link, by the note every trigger draft carries; "" when there is none.
func (t *Trigger) orphanDraft(ctx context.Context, orgID, eventID string) (string, error) {
	as, err := t.Store.Alerts().List(ctx, store.AlertFilter{OrgIDs: []string{orgID}, States: []store.AlertState{store.AlertDraft, store.AlertSubmitted}})
	if err != nil {
		return "", err
	}
	for _, a := range as {
		if a.DrafterID != auth.SystemActor {
			continue
		}
		vs, err := t.Store.Alerts().Versions(ctx, a.ID)
		if err != nil {
			return "", err
		}
		if len(vs) > 0 && strings.Contains(string(vs[0].Content), "hazard event "+eventID+" ") {
			return a.ID, nil
		}
	}
	return "", nil
}

func (t *Trigger) logger() *slog.Logger {
	if t.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return t.Log
}

func (t *Trigger) pendingTimeout() time.Duration {
	if t.PendingTimeout > 0 {
		return t.PendingTimeout
	}
	return 2 * time.Minute
}

// systemPrincipal acts for the triggers in org with role.
func systemPrincipal(org store.Org, role string) *auth.Principal {
	return &auth.Principal{User: store.User{Meta: store.Meta{ID: auth.SystemActor}, Username: auth.SystemActor, OrgID: org.ID, Role: role},
		Org: org, Scope: []string{org.ID}}
}

// prepareNew works out a new warning of ev under r, checked for submission: the first area
// candidate that lies inside the jurisdiction. Without a draft, reason says why; an error
// wrapping alert.ErrCAPFindings means the content can be drafted but not submitted.
func (t *Trigger) prepareNew(ctx context.Context, r store.TriggerRule, org store.Org, ev store.HazardEvent, est impact.Estimate) (sub *alert.Submission, c alert.Content, reason string, err error) {
	h, candidates, reason := t.candidates(org, ev, est)
	if reason != "" {
		return nil, alert.Content{}, reason, nil
	}
	var lastErr error
	for _, areas := range candidates {
		c = t.content(h, r, org, ev, est, areas)
		sub, err = t.Alerts.PrepareSubmission(ctx, systemPrincipal(org, auth.RoleDutyOfficer), h.Code, capStatus(ctx), c)
		switch {
		case errors.Is(err, alert.ErrOutsideJurisdiction):
			lastErr = err
		case errors.Is(err, alert.ErrCAPFindings):
			return sub, c, "", err
		case err != nil:
			return nil, c, "draft refused: " + err.Error(), nil
		default:
			return sub, c, "", nil
		}
	}
	return nil, c, fmt.Sprintf("no area inside the jurisdiction of %s: %v", org.Name, lastErr), nil
}

// candidates returns the warning template of ev and the areas to try, best first; reason says
// why there are none.
func (t *Trigger) candidates(org store.Org, ev store.HazardEvent, est impact.Estimate) (alert.Hazard, [][]alert.Area, string) {
	h, ok := hazardTemplate(ev)
	if !ok {
		return h, nil, fmt.Sprintf("no warning template for hazard type %q", ev.Type)
	}
	candidates, err := t.areaCandidates(org, ev, est)
	if err != nil {
		return h, nil, err.Error()
	}
	if len(candidates) == 0 {
		return h, nil, fmt.Sprintf("the footprint does not reach the jurisdiction of %s", org.Name)
	}
	return h, candidates, ""
}

// capStatus is the CAP status of drafts made in ctx's mode.
func capStatus(ctx context.Context) string {
	if mode.From(ctx).IsLive() {
		return "Actual"
	}
	return "Exercise"
}

// draft writes or updates the warning of ev under r and submits it for approval. It returns the
// warning's id (empty when none could be made) and, when something fell short, why.
func (t *Trigger) draft(ctx context.Context, r store.TriggerRule, org store.Org, ev store.HazardEvent, est impact.Estimate, alertID string) (string, string) {
	officer := systemPrincipal(org, auth.RoleDutyOfficer)
	if alertID == "" {
		sub, c, reason, err := t.prepareNew(ctx, r, org, ev, est)
		if errors.Is(err, alert.ErrCAPFindings) {
			a, derr := t.Alerts.Draft(ctx, officer, sub.Alert.Hazard, capStatus(ctx), c)
			if derr != nil {
				return "", "draft refused: " + derr.Error()
			}
			return a.ID, "drafted but not submitted: " + err.Error() + " " + blocking(sub.Report)
		}
		if sub == nil {
			return "", reason
		}
		if err := t.Store.WithTx(ctx, func(tx store.Tx) error { return t.Alerts.WriteSubmission(ctx, tx, sub) }); err != nil {
			return "", "draft refused: " + err.Error()
		}
		if t.Notify != nil {
			t.Notify(ctx, org, sub.Alert.ID, c)
		}
		return sub.Alert.ID, ""
	}
	h, candidates, reason := t.candidates(org, ev, est)
	if reason != "" {
		return alertID, reason
	}
	var lastErr error
	for _, areas := range candidates {
		c := t.content(h, r, org, ev, est, areas)
		err := t.revise(ctx, org, officer, alertID, c, ev)
		if errors.Is(err, alert.ErrOutsideJurisdiction) {
			lastErr = err
			continue
		}
		if err != nil {
			return alertID, "not updated: " + err.Error()
		}
		return alertID, t.submit(ctx, org, officer, alertID, c)
	}
	return alertID, fmt.Sprintf("no area inside the jurisdiction of %s: %v", org.Name, lastErr)
}

// revise brings an existing warning up to date with the event: a draft is edited, a submitted
// version withdrawn (rejected as superseded) and edited, an issued warning gets an update.
func (t *Trigger) revise(ctx context.Context, org store.Org, officer *auth.Principal, id string, c alert.Content, ev store.HazardEvent) error {
	d, err := t.Alerts.Load(ctx, officer, id)
	if err != nil {
		return err
	}
	switch d.Alert.State {
	case store.AlertSubmitted:
		reason := fmt.Sprintf("superseded: the hazard event was updated (revision %d)", ev.Revision)
		if err := t.Alerts.Reject(ctx, systemPrincipal(org, auth.RoleApprover), id, reason); err != nil {
			return err
		}
		return t.Alerts.Edit(ctx, officer, id, c)
	case store.AlertDraft:
		return t.Alerts.Edit(ctx, officer, id, c)
	case store.AlertIssued:
		if l := d.Latest(); l.State == store.VersionDraft || l.State == store.VersionRejected {
			return t.Alerts.Edit(ctx, officer, id, c)
		} else if l.State == store.VersionSubmitted {
			if err := t.Alerts.Reject(ctx, systemPrincipal(org, auth.RoleApprover), id, "superseded: the hazard event was updated"); err != nil {
				return err
			}
			return t.Alerts.Edit(ctx, officer, id, c)
		}
		return t.Alerts.Revise(ctx, officer, id, store.KindUpdate, c)
	}
	return fmt.Errorf("the warning is %s", d.Alert.State)
}

// submit puts the draft into the approval queue and tells the duty officers; it returns why
// not, or "".
func (t *Trigger) submit(ctx context.Context, org store.Org, officer *auth.Principal, id string, c alert.Content) string {
	if report, err := t.Alerts.Submit(ctx, officer, id); err != nil {
		return "drafted but not submitted: " + err.Error() + " " + blocking(report)
	}
	if t.Notify != nil {
		t.Notify(ctx, org, id, c)
	}
	return ""
}

// blocking lists a report's errors.
func blocking(report cap.Report) string {
	var findings []string
	for _, is := range report.Issues {
		if is.Severity == cap.SevError {
			findings = append(findings, is.Code+" "+is.Path+": "+is.Message)
		}
	}
	return strings.Join(findings, "; ")
}

// hazardTemplate picks the warning template for an event.
func hazardTemplate(ev store.HazardEvent) (alert.Hazard, bool) {
	code := map[string]string{feed.TypeEarthquake: "earthquake", feed.TypeFlood: "riverine_flood", feed.TypeCyclone: "cyclone",
		feed.TypeTsunami: "tsunami", feed.TypeHeat: "heatwave", feed.TypeLandslide: "landslide", feed.TypeAvalanche: "avalanche"}[ev.Type]
	if ev.Type == feed.TypeFlood && strings.Contains(strings.ToLower(ev.Title), "flash") {
		code = "flash_flood"
	}
	return alert.HazardByCode(code)
}

// areaCandidates are the warning areas to try, best first: the footprint clipped to the
// jurisdiction as polygons, then the provinces the footprint touches that lie inside it.
// Clipping a concave jurisdiction can join its pieces along the footprint's edge, outside the
// jurisdiction; such a piece is clipped again province by province, and pieces that still leave
// the jurisdiction are left out.
func (t *Trigger) areaCandidates(org store.Org, ev store.HazardEvent, est impact.Estimate) ([][]alert.Area, error) {
	j, err := t.jurisdiction(org)
	if err != nil {
		return nil, err
	}
	provinces, err := t.provinceOutlines(org.Country)
	if err != nil {
		return nil, err
	}
	desc := placeNames(ownProvinces(est, org.Country), ev, "en")
	var out [][]alert.Area
	var clipped []string
	keep := func(ring orb.Ring) bool {
		if len(ring) < 4 || !j.holds(ring) {
			return false
		}
		if s := capPolygon(ring); s != "" {
			clipped = append(clipped, s)
		}
		return true
	}
	for _, fp := range footprintPolygons(ev, est) {
		ring := fp[0]
		if !convex(ring) {
			// A concave warning area is tried as it is: whole, if the jurisdiction holds it.
			if s := capPolygon(ring); s != "" && j.holds(ring) {
				out = append(out, []alert.Area{{Desc: desc, Polygons: []string{s}}})
			}
			continue
		}
		rb := ring.Bound()
		for i, jp := range j.mp {
			if !j.bounds[i].Intersects(rb) {
				continue
			}
			piece := clipToConvex(jp[0], ring)
			if piece == nil || keep(piece) {
				continue
			}
			for _, pp := range provinces {
				if pp.bound.Intersects(rb) && pp.bound.Intersects(j.bounds[i]) {
					keep(clipToConvex(pp.outer, ring))
				}
			}
		}
	}
	if len(clipped) > 0 {
		out = append([][]alert.Area{{{Desc: desc, Polygons: clipped}}}, out...)
	}
	touched := map[string]bool{}
	for _, p := range est.Provinces {
		touched[p.Code] = true
	}
	for _, code := range ev.Regions {
		touched[code] = true
	}
	var regions []string
	for _, pr := range provinces {
		if pr.first && touched[pr.code] && j.holdsProvince(pr.code, pr.outer) {
			regions = append(regions, pr.code)
		}
	}
	if len(regions) > 0 {
		out = append(out, []alert.Area{{Desc: desc, Regions: regions}})
	}
	return out, nil
}
