package alert

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/taawun/taawun/internal/auth"
	"github.com/taawun/taawun/internal/cap"
	"github.com/taawun/taawun/internal/clock"
	"github.com/taawun/taawun/internal/geodata"
	"github.com/taawun/taawun/internal/ident"
	"github.com/taawun/taawun/internal/mode"
	"github.com/taawun/taawun/internal/store"
)

// Errors callers test for.
var (
	ErrForbidden     = errors.New("alert: not permitted")
	ErrSameOfficer   = errors.New("alert: the approver must not be the officer who wrote or submitted it")
	ErrWrongState    = errors.New("alert: not possible in the alert's current state")
	ErrCAPFindings   = errors.New("alert: the CAP message has errors")
	ErrUnknownHazard = errors.New("alert: unknown hazard")
	ErrStatus        = errors.New("alert: CAP status not allowed here")
)

// Service runs the lifecycle.
type Service struct {
	Store store.Store
	Clock clock.Clock
	// Node is the node id; CAP identifiers and the sender are made from it.
	Node string
	// Regions resolves the region codes of areas; the embedded countries and provinces when nil.
	Regions geodata.Lookup

	jurisdictions jurisdictions
}

func (s *Service) regions() geodata.Lookup { return geodata.LookupOr(s.Regions) }

// schemes returns the geocode scheme of every region code of c's areas, for the CAP message.
func (s *Service) schemes(ctx context.Context, c Content) (map[string]string, error) {
	out := map[string]string{}
	for _, a := range c.Areas {
		for _, code := range a.Regions {
			r, ok, err := s.regions().Region(ctx, code)
			if err != nil {
				return nil, err
			}
			if ok {
				out[code] = r.Scheme
			}
		}
	}
	return out, nil
}

// Sender is the CAP sender of every message of the node.
func (s *Service) Sender() string { return "taawun:" + s.Node }

// Detail is an alert with its versions and messages.
type Detail struct {
	Alert    store.Alert
	Versions []store.AlertVersion
	Messages []store.AlertMessage
	// issued is the message an approval just issued; its id travels in the event, so that
	// dissemination knows which message to deliver.
	issued string
}

// Latest returns the newest version.
func (d Detail) Latest() store.AlertVersion { return d.Versions[len(d.Versions)-1] }

// Draft starts a warning from a hazard template in the principal's organisation.
func (s *Service) Draft(ctx context.Context, p *auth.Principal, hazard, capStatus string, c Content) (store.Alert, error) {
	if !p.Can(auth.PermDraftAlerts) {
		return store.Alert{}, fmt.Errorf("%w: drafting needs the duty officer's permission", ErrForbidden)
	}
	h, ok := HazardByCode(hazard)
	if !ok {
		return store.Alert{}, fmt.Errorf("%w %q", ErrUnknownHazard, hazard)
	}
	a, v, err := s.newDraft(ctx, p, h, capStatus, c)
	if err != nil {
		return store.Alert{}, err
	}
	err = s.Store.WithTx(ctx, func(tx store.Tx) error { return s.writeDraft(ctx, tx, p, &a, &v) })
	return a, err
}

// newDraft checks a new warning's status and content and makes its alert and first version,
// not yet written.
func (s *Service) newDraft(ctx context.Context, p *auth.Principal, h Hazard, capStatus string, c Content) (store.Alert, store.AlertVersion, error) {
	if err := checkStatus(ctx, capStatus); err != nil {
		return store.Alert{}, store.AlertVersion{}, err
	}
	if err := s.checkContent(ctx, p.Org, c); err != nil {
		return store.Alert{}, store.AlertVersion{}, err
	}
	body, err := marshalContent(c)
	if err != nil {
		return store.Alert{}, store.AlertVersion{}, err
	}
	a := store.Alert{OrgID: p.Org.ID, Hazard: h.Code, CAPStatus: capStatus, State: store.AlertDraft, DrafterID: p.User.ID, Headline: c.Texts["en"].Headline}
	return a, store.AlertVersion{Seq: 1, Kind: store.KindAlert, State: store.VersionDraft, Content: body, DrafterID: p.User.ID}, nil
}

// writeDraft writes a new warning and its first version in tx.
func (s *Service) writeDraft(ctx context.Context, tx store.Tx, p *auth.Principal, a *store.Alert, v *store.AlertVersion) error {
	if err := tx.Alerts().Create(ctx, a); err != nil {
		return err
	}
	v.AlertID = a.ID
	if err := tx.Alerts().CreateVersion(ctx, v); err != nil {
		return err
	}
	return s.record(ctx, tx, p, "alert.drafted", *a, nil)
}

// checkStatus keeps CAP statuses apart from modes: an exercise can only make Exercise messages,
// and live operations make Actual, Test or System ones (an Exercise status outside an exercise
// would have no exercise to belong to).
func checkStatus(ctx context.Context, status string) error {
	if mode.From(ctx).IsLive() {
		if !slices.Contains([]string{"Actual", "Test", "System"}, status) {
			return fmt.Errorf("%w: %q (live operations issue Actual, Test or System; Exercise belongs to an exercise)", ErrStatus, status)
		}
		return nil
	}
	if status != "Exercise" {
		return fmt.Errorf("%w: %q (an exercise issues only Exercise messages)", ErrStatus, status)
	}
	return nil
}

// checkContent validates a content and that its areas lie within the organisation's jurisdiction.
func (s *Service) checkContent(ctx context.Context, org store.Org, c Content) error {
	known := func(code string) bool { _, ok, _ := s.regions().Region(ctx, code); return ok }
	ps, parsed := c.check(s.Clock.Now(), known)
	if len(ps) > 0 {
		return ps
	}
	juris, err := s.jurisdictions.get(org.Jurisdiction)
	if err != nil {
		return fmt.Errorf("%w: %s: %w", ErrForbidden, org.Name, err)
	}
	return checkWithin(ctx, s.regions(), c.Areas, parsed, juris, org.Name)
}

// Load returns an alert with its versions and messages.
func (s *Service) Load(ctx context.Context, p *auth.Principal, id string) (Detail, error) {
	d, err := load(ctx, s.Store, p, id)
	if err != nil {
		return Detail{}, err
	}
	return *d, nil
}

// load reads an alert the principal may see, with its versions and messages, through r (the
// store, or a transaction).
func load(ctx context.Context, r store.Reader, p *auth.Principal, id string) (*Detail, error) {
	a, err := r.Alerts().Get(ctx, id)
	if err != nil {
		return nil, err
	}
	if !p.InScope(a.OrgID) {
		return nil, fmt.Errorf("alert %s: %w", id, store.ErrNotFound)
	}
	d := &Detail{Alert: a}
	if d.Versions, err = r.Alerts().Versions(ctx, id); err != nil {
		return nil, err
	}
	if d.Messages, err = r.Alerts().Messages(ctx, id); err != nil {
		return nil, err
	}
	if len(d.Versions) == 0 {
		return nil, fmt.Errorf("alert %s has no versions", id)
	}
	return d, nil
}

// Edit replaces the content of the alert's draft (or rejected) version.
func (s *Service) Edit(ctx context.Context, p *auth.Principal, id string, c Content) error {
	return s.change(ctx, p, id, auth.PermDraftAlerts, func(tx store.Tx, d *Detail, org store.Org) (string, error) {
		v := d.Latest()
		if v.State != store.VersionDraft && v.State != store.VersionRejected {
			return "", fmt.Errorf("%w: version %d is %s", ErrWrongState, v.Seq, v.State)
		}
		if v.Kind != store.KindCancel {
			if err := s.checkContent(ctx, org, c); err != nil {
				return "", err
			}
		}
		body, err := marshalContent(c)
		if err != nil {
			return "", err
		}
		v.Content, v.State, v.RejectReason = body, store.VersionDraft, ""
		if err := tx.Alerts().UpdateVersion(ctx, &v); err != nil {
			return "", err
		}
		if d.Alert.State == store.AlertDraft || d.Alert.State == store.AlertSubmitted {
			d.Alert.Headline = c.Texts["en"].Headline
			d.Alert.State = store.AlertDraft
		}
		return "alert.edited", nil
	})
}

// Revise starts an update (kind Update) or a cancellation (kind Cancel) of an issued alert; it
// goes through submission and approval like the first version.
func (s *Service) Revise(ctx context.Context, p *auth.Principal, id string, kind store.VersionKind, c Content) error {
	return s.change(ctx, p, id, auth.PermDraftAlerts, func(tx store.Tx, d *Detail, org store.Org) (string, error) {
		if d.Alert.State != store.AlertIssued {
			return "", fmt.Errorf("%w: only an issued alert can be updated or cancelled; this one is %s", ErrWrongState, d.Alert.State)
		}
		if l := d.Latest(); l.State == store.VersionDraft || l.State == store.VersionSubmitted {
			return "", fmt.Errorf("%w: version %d is still %s", ErrWrongState, l.Seq, l.State)
		}
		switch kind {
		case store.KindUpdate:
			if err := s.checkContent(ctx, org, c); err != nil {
				return "", err
			}
		case store.KindCancel:
			// A cancellation repeats the last issued content, with the officer's note.
			var last Content
			if err := json.Unmarshal(s.issuedContent(d), &last); err != nil {
				return "", err
			}
			last.Note = c.Note
			c = last
		default:
			return "", fmt.Errorf("%w: revision kind %q", ErrInvalid, kind)
		}
		body, err := marshalContent(c)
		if err != nil {
			return "", err
		}
		v := store.AlertVersion{AlertID: d.Alert.ID, Kind: kind, State: store.VersionDraft, Content: body, DrafterID: p.User.ID}
		if err := tx.Alerts().CreateVersion(ctx, &v); err != nil {
			return "", err
		}
		return "alert.revision_drafted", nil
	})
}

// issuedContent is the content of the last approved version.
func (s *Service) issuedContent(d *Detail) json.RawMessage {
	for i := len(d.Versions) - 1; i >= 0; i-- {
		if d.Versions[i].State == store.VersionApproved {
			return d.Versions[i].Content
		}
	}
	return d.Versions[0].Content
}

// Submit sends the latest draft version for approval, after checking the CAP message it would
// make against the pk profile; findings are returned whether or not they block.
func (s *Service) Submit(ctx context.Context, p *auth.Principal, id string) (cap.Report, error) {
	var report cap.Report
	err := s.change(ctx, p, id, auth.PermDraftAlerts, func(tx store.Tx, d *Detail, org store.Org) (string, error) {
		v := d.Latest()
		if v.State != store.VersionDraft {
			return "", fmt.Errorf("%w: version %d is %s, not a draft", ErrWrongState, v.Seq, v.State)
		}
		var c Content
		if err := json.Unmarshal(v.Content, &c); err != nil {
			return "", err
		}
		if v.Kind != store.KindCancel {
			if err := s.checkContent(ctx, org, c); err != nil {
				return "", err
			}
		}
		var err error
		if report, err = s.checkCAP(ctx, d, v, c, org); err != nil {
			return "", err
		}
		v.State, v.SubmitterID, v.SubmittedAt = store.VersionSubmitted, p.User.ID, s.Clock.Now()
		if err := tx.Alerts().UpdateVersion(ctx, &v); err != nil {
			return "", err
		}
		if d.Alert.State == store.AlertDraft {
			d.Alert.State = store.AlertSubmitted
		}
		return "alert.submitted", nil
	})
	return report, err
}

// checkCAP builds the CAP message version v of d would make and validates it under the pk
// profile; the findings are returned whether or not they block.
func (s *Service) checkCAP(ctx context.Context, d *Detail, v store.AlertVersion, c Content, org store.Org) (cap.Report, error) {
	msg, err := s.compose(d, v, c, org, s.Clock.Now())
	if err != nil {
		return cap.Report{}, err
	}
	if msg.schemes, err = s.schemes(ctx, c); err != nil {
		return cap.Report{}, err
	}
	report := cap.Validate(ctx, buildCAP(msg), cap.Options{Profile: cap.ProfilePK, Resolver: geodata.Resolver{Lookup: s.regions()}})
	if !report.Valid() {
		return report, fmt.Errorf("%w: %d errors under the pk profile", ErrCAPFindings, report.Count(cap.SevError))
	}
	return report, nil
}

// Reject returns a submitted version to its drafter with a reason.
func (s *Service) Reject(ctx context.Context, p *auth.Principal, id, reason string) error {
	return s.change(ctx, p, id, auth.PermApproveAlerts, func(tx store.Tx, d *Detail, _ store.Org) (string, error) {
		v := d.Latest()
		if v.State != store.VersionSubmitted {
			return "", fmt.Errorf("%w: version %d is %s, not submitted", ErrWrongState, v.Seq, v.State)
		}
		if reason == "" {
			return "", Problems{{Field: "reason", Message: "say why the version is rejected"}}
		}
		v.State, v.ApproverID, v.RejectReason, v.DecidedAt = store.VersionRejected, p.User.ID, reason, s.Clock.Now()
		if err := tx.Alerts().UpdateVersion(ctx, &v); err != nil {
			return "", err
		}
		if d.Alert.State == store.AlertSubmitted {
			d.Alert.State = store.AlertDraft
		}
		return "alert.rejected", nil
	})
}

// Approve approves the submitted version and issues its CAP message. The approver is neither
// its drafter nor its submitter, and approves in an organisation whose jurisdiction holds the
// whole area.
func (s *Service) Approve(ctx context.Context, p *auth.Principal, id string) (store.AlertMessage, error) {
	var issued store.AlertMessage
	err := s.change(ctx, p, id, auth.PermApproveAlerts, func(tx store.Tx, d *Detail, org store.Org) (string, error) {
		v := d.Latest()
		if v.State != store.VersionSubmitted {
			return "", fmt.Errorf("%w: version %d is %s, not submitted", ErrWrongState, v.Seq, v.State)
		}
		if p.User.ID == v.DrafterID || p.User.ID == v.SubmitterID {
			return "", ErrSameOfficer
		}
		var c Content
		if err := json.Unmarshal(v.Content, &c); err != nil {
			return "", err
		}
		juris, err := s.jurisdictions.get(p.Org.Jurisdiction)
		if err != nil {
			return "", fmt.Errorf("%w: %s: %w", ErrForbidden, p.Org.Name, err)
		}
		if err := checkWithin(ctx, s.regions(), c.Areas, nil, juris, p.Org.Name); err != nil {
			return "", err
		}
		now := s.Clock.Now()
		if v.Kind != store.KindCancel && !c.Expires.After(now) {
			return "", Problems{{Field: "expires", Message: "the warning expired while waiting for approval; edit the expiry"}}
		}
		msg, err := s.compose(d, v, c, org, now)
		if err != nil {
			return "", err
		}
		if msg.schemes, err = s.schemes(ctx, c); err != nil {
			return "", err
		}
		xml, err := cap.EncodeBytes(buildCAP(msg))
		if err != nil {
			return "", err
		}
		issued = store.AlertMessage{AlertID: d.Alert.ID, VersionID: v.ID, OrgID: d.Alert.OrgID, Identifier: msg.identifier,
			MsgType: string(v.Kind), CAPStatus: d.Alert.CAPStatus, Sent: now, Expires: c.Expires, XML: xml}
		if err := tx.Alerts().AddMessage(ctx, &issued); err != nil {
			return "", err
		}
		d.issued = issued.ID
		v.State, v.ApproverID, v.DecidedAt = store.VersionApproved, p.User.ID, now
		if err := tx.Alerts().UpdateVersion(ctx, &v); err != nil {
			return "", err
		}
		d.Alert.Issued++
		d.Alert.Expires, d.Alert.Headline = c.Expires, c.Texts["en"].Headline
		if d.Alert.Identifier == "" {
			d.Alert.Identifier = msg.identifier
		}
		switch v.Kind {
		case store.KindAlert:
			d.Alert.State = store.AlertIssued
			return "alert.issued", nil
		case store.KindUpdate:
			return "alert.updated", nil
		default:
			d.Alert.State = store.AlertCancelled
			return "alert.cancelled", nil
		}
	})
	return issued, err
}

// compose gathers what buildCAP needs for version v issued at now.
func (s *Service) compose(d *Detail, v store.AlertVersion, c Content, org store.Org, now time.Time) (message, error) {
	h, ok := HazardByCode(d.Alert.Hazard)
	if !ok {
		return message{}, fmt.Errorf("%w %q", ErrUnknownHazard, d.Alert.Hazard)
	}
	return message{
		identifier: "taawun." + s.Node + "." + ident.NewID(), sender: s.Sender(), sent: now, status: d.Alert.CAPStatus,
		msgType: v.Kind, references: d.Messages, hazard: h, content: c, org: org,
	}, nil
}

// ExpireDue marks issued alerts past their expiry as expired and returns how many.
func (s *Service) ExpireDue(ctx context.Context) (int, error) {
	due, err := s.Store.Alerts().DueToExpire(ctx, s.Clock.Now())
	if err != nil {
		return 0, err
	}
	for _, a := range due {
		err := s.Store.WithTx(ctx, func(tx store.Tx) error {
			cur, err := tx.Alerts().Get(ctx, a.ID)
			if err != nil || cur.State != store.AlertIssued || cur.Expires.After(s.Clock.Now()) {
				return err
			}
			before := cur
			cur.State = store.AlertExpired
			if err := tx.Alerts().Update(ctx, &cur); err != nil {
				return err
			}
			return tx.Record(ctx, store.Change{Actor: auth.SystemActor, OrgID: cur.OrgID, Action: "alert.expired", EntityType: "alert",
				EntityID: cur.ID, Before: summary(before), After: summary(cur)})
		})
		if err != nil {
			return 0, fmt.Errorf("alert: expire %s: %w", a.ID, err)
		}
	}
	return len(due), nil
}

// change loads an alert the principal may act on with perm, runs fn in a transaction, saves the
// alert and records the action fn names.
func (s *Service) change(ctx context.Context, p *auth.Principal, id string, perm auth.Permission, fn func(store.Tx, *Detail, store.Org) (string, error)) error {
	if !p.Can(perm) {
		return fmt.Errorf("%w: needs %s", ErrForbidden, perm)
	}
	return s.Store.WithTx(ctx, func(tx store.Tx) error {
		d, err := load(ctx, tx, p, id)
		if err != nil {
			return err
		}
		a := d.Alert
		org, err := tx.Orgs().Get(ctx, a.OrgID)
		if err != nil {
			return err
		}
		before := summary(a)
		action, err := fn(tx, d, org)
		if err != nil {
			return err
		}
		if err := tx.Alerts().Update(ctx, &d.Alert); err != nil {
			return err
		}
		after := summary(d.Alert)
		after.MessageID = d.issued
		return tx.Record(ctx, store.Change{Actor: p.User.ID, OrgID: a.OrgID, Action: action, EntityType: "alert", EntityID: a.ID,
			Before: before, After: after})
	})
}

func (s *Service) record(ctx context.Context, tx store.Tx, p *auth.Principal, action string, a store.Alert, before any) error {
	return tx.Record(ctx, store.Change{Actor: p.User.ID, OrgID: a.OrgID, Action: action, EntityType: "alert", EntityID: a.ID,
		Before: before, After: summary(a)})
}

// alertSummary is what the audit log and events carry of an alert.
type alertSummary struct {
	ID         string           `json:"id"`
	OrgID      string           `json:"org_id"`
	Hazard     string           `json:"hazard"`
	CAPStatus  string           `json:"cap_status"`
	State      store.AlertState `json:"state"`
	Identifier string           `json:"identifier,omitempty"`
	Issued     int              `json:"issued"`
	Expires    time.Time        `json:"expires,omitzero"`
	Headline   string           `json:"headline"`
	// MessageID is set on the events of issuing, updating and cancelling.
	MessageID string `json:"message_id,omitempty"`
}

// IssuedEvent is the part of an alert.issued, alert.updated or alert.cancelled event's data
// that dissemination reads.
type IssuedEvent struct {
	AlertID   string `json:"id"`
	MessageID string `json:"message_id"`
	CAPStatus string `json:"cap_status"`
}

func summary(a store.Alert) alertSummary {
	return alertSummary{ID: a.ID, OrgID: a.OrgID, Hazard: a.Hazard, CAPStatus: a.CAPStatus, State: a.State, Identifier: a.Identifier,
		Issued: a.Issued, Expires: a.Expires, Headline: a.Headline}
}
