package hazard

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/taawun/taawun/internal/alert"
	"github.com/taawun/taawun/internal/auth"
	"github.com/taawun/taawun/internal/store"
)

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
