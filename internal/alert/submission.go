package alert

import (
	"context"
	"fmt"

	"github.com/taawun/taawun/internal/auth"
	"github.com/taawun/taawun/internal/cap"
	"github.com/taawun/taawun/internal/store"
)

// Submission is a new warning checked as Draft and Submit check it (permission, status, areas
// within the jurisdiction, the CAP message under the pk profile) and ready to be written as a
// draft submitted for approval. Preparing is the costly part and needs no transaction, so that
// many can be prepared side by side and written together: the hazard triggers put a feed's worth
// of drafts into the approval queue in one transaction.
type Submission struct {
	Alert   store.Alert
	Version store.AlertVersion
	// Report holds the CAP findings that did not block.
	Report    cap.Report
	principal *auth.Principal
}

// PrepareSubmission checks a new warning for drafting and submission without writing it.
func (s *Service) PrepareSubmission(ctx context.Context, p *auth.Principal, hazard, capStatus string, c Content) (*Submission, error) {
	if !p.Can(auth.PermDraftAlerts) {
		return nil, fmt.Errorf("%w: drafting needs the duty officer's permission", ErrForbidden)
	}
	h, ok := HazardByCode(hazard)
	if !ok {
		return nil, fmt.Errorf("%w %q", ErrUnknownHazard, hazard)
	}
	a, v, err := s.newDraft(ctx, p, h, capStatus, c)
	if err != nil {
		return nil, err
	}
	report, err := s.checkCAP(ctx, &Detail{Alert: a, Versions: []store.AlertVersion{v}}, v, c, p.Org)
	if err != nil {
		return &Submission{Report: report}, err
	}
	return &Submission{Alert: a, Version: v, Report: report, principal: p}, nil
}

// WriteSubmission writes a prepared warning in tx, submitted for approval: one audit entry,
// alert.submitted with no state before it. The organisation's jurisdiction is not read again:
// a jurisdiction redrawn between preparing and writing lets through what the old one held.
func (s *Service) WriteSubmission(ctx context.Context, tx store.Tx, sub *Submission) error {
	if sub.principal == nil {
		return fmt.Errorf("%w: the submission was not prepared", ErrWrongState)
	}
	p := sub.principal
	// Written straight in its submitted state: one change, recorded once, with nothing before it.
	sub.Alert.State = store.AlertSubmitted
	sub.Version.State, sub.Version.SubmitterID, sub.Version.SubmittedAt = store.VersionSubmitted, p.User.ID, s.Clock.Now()
	if err := tx.Alerts().Create(ctx, &sub.Alert); err != nil {
		return err
	}
	sub.Version.AlertID = sub.Alert.ID
	if err := tx.Alerts().CreateVersion(ctx, &sub.Version); err != nil {
		return err
	}
	return s.record(ctx, tx, p, "alert.submitted", sub.Alert, nil)
}
