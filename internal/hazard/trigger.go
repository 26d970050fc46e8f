package hazard

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"github.com/taawun/taawun/internal/alert"
	"github.com/taawun/taawun/internal/auth"
	"github.com/taawun/taawun/internal/cap"
	"github.com/taawun/taawun/internal/clock"
	"github.com/taawun/taawun/internal/feed"
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
	// planSlots bounds the goroutines planning drafts across all batches (see planners).
	planSlots     chan struct{}
	planSlotsOnce sync.Once
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
