package ops

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/taawun/taawun/internal/auth"
	"github.com/taawun/taawun/internal/store"
)

// Limits on log entries and their attachments.
const (
	MaxEntryText       = 8000
	MaxAttachmentBytes = 10 << 20
	MaxAttachments     = 5
	// MaxClockSkew is how far in the future an entry's or report's time may lie: clocks of
	// field devices drift, but not by more than this.
	MaxClockSkew = 5 * time.Minute
)

// AttachmentTypes are the content types accepted, as sniffed from the bytes (what the client
// claims is not trusted).
var AttachmentTypes = []string{"image/jpeg", "image/png", "image/gif", "image/webp", "application/pdf", "text/plain; charset=utf-8"}

// NewAttachment is a file sent with a log entry.
type NewAttachment struct {
	Name    string
	Content []byte
}

// WriteLog adds an entry to an incident's log, pending vetting. Any organisation that sees the
// incident may write.
func (s *Service) WriteLog(ctx context.Context, p *auth.Principal, incidentID, body string, occurred time.Time, files []NewAttachment) (store.LogEntry, error) {
	if err := need(p, auth.PermReportOps, "writing to the log"); err != nil {
		return store.LogEntry{}, err
	}
	body = strings.TrimSpace(body)
	switch {
	case body == "":
		return store.LogEntry{}, invalid("body", "the entry is empty")
	case utf8.RuneCountInString(body) > MaxEntryText:
		return store.LogEntry{}, invalid("body", "the entry is longer than %d characters", MaxEntryText)
	case !utf8.ValidString(body):
		return store.LogEntry{}, invalid("body", "the entry is not valid UTF-8")
	}
	now := s.Clock.Now()
	if occurred.IsZero() {
		occurred = now
	}
	if occurred.After(now.Add(MaxClockSkew)) {
		return store.LogEntry{}, invalid("occurred_at", "%s is in the future", occurred.UTC().Format(time.RFC3339))
	}
	if len(files) > MaxAttachments {
		return store.LogEntry{}, invalid("attachments", "at most %d attachments per entry", MaxAttachments)
	}
	atts := make([]store.Attachment, len(files))
	for i, f := range files {
		a, err := checkAttachment(f)
		if err != nil {
			return store.LogEntry{}, err
		}
		atts[i] = a
	}
	e := store.LogEntry{IncidentID: incidentID, OrgID: p.Org.ID, AuthorID: p.User.ID, Body: body, OccurredAt: occurred, State: store.LogPending}
	err := s.Store.WithTx(ctx, func(tx store.Tx) error {
		if _, err := visible(ctx, tx, p, store.OpsIncident, incidentID); err != nil {
			return err
		}
		if err := tx.OpsLog().Create(ctx, &e); err != nil {
			return err
		}
		for i := range atts {
			atts[i].EntryID = e.ID
			if err := tx.OpsLog().AddAttachment(ctx, &atts[i]); err != nil {
				return err
			}
		}
		return record(ctx, tx, p, "log.written", "log_entry", e.ID, nil, e)
	})
	return e, err
}

func checkAttachment(f NewAttachment) (store.Attachment, error) {
	name := strings.TrimSpace(f.Name)
	if name == "" || len(name) > 200 || strings.ContainsAny(name, "/\\\x00") {
		return store.Attachment{}, invalid("attachments", "file name %q is empty, too long or has a path in it", f.Name)
	}
	if len(f.Content) == 0 {
		return store.Attachment{}, invalid("attachments", "%s is empty", name)
	}
	if len(f.Content) > MaxAttachmentBytes {
		return store.Attachment{}, invalid("attachments", "%s is %d bytes, over the limit of %d", name, len(f.Content), MaxAttachmentBytes)
	}
	ct := http.DetectContentType(f.Content)
	if !slices.Contains(AttachmentTypes, ct) {
		return store.Attachment{}, invalid("attachments", "%s is %s; accepted are photos (JPEG, PNG, GIF, WebP), PDF and plain text", name, ct)
	}
	return store.Attachment{Name: name, ContentType: ct, Content: f.Content}, nil
}

// Vet decides a pending entry: approved entries appear on the shared log. The controller needs
// PermVetLog, must act for the incident's lead organisation (its scope holds the owner), and
// must not vet an entry they wrote.
func (s *Service) Vet(ctx context.Context, p *auth.Principal, entryID string, approve bool, reason string) (store.LogEntry, error) {
	if err := need(p, auth.PermVetLog, "vetting a log entry"); err != nil {
		return store.LogEntry{}, err
	}
	var e store.LogEntry
	err := s.Store.WithTx(ctx, func(tx store.Tx) error {
		var err error
		if e, err = tx.OpsLog().Get(ctx, entryID); err != nil {
			return err
		}
		inc, err := visible(ctx, tx, p, store.OpsIncident, e.IncidentID)
		if err != nil {
			return err
		}
		if !p.InScope(inc.OrgID) {
			return fmt.Errorf("%w: only the lead organisation's controllers vet this incident's log", ErrForbidden)
		}
		if e.AuthorID == p.User.ID {
			return fmt.Errorf("%w: an entry is vetted by someone other than its author", ErrForbidden)
		}
		if e.State != store.LogPending {
			return fmt.Errorf("%w: the entry is already %s", ErrWrongState, e.State)
		}
		if !approve && strings.TrimSpace(reason) == "" {
			return invalid("reason", "say why the entry is turned back")
		}
		before := e
		e.State, e.VettedBy, e.VettedAt, e.Reason = store.LogRejected, p.User.ID, s.Clock.Now(), strings.TrimSpace(reason)
		if approve {
			e.State = store.LogVetted
		}
		if err := tx.OpsLog().Decide(ctx, &e); err != nil {
			return err
		}
		return record(ctx, tx, p, "log."+string(e.State), "log_entry", e.ID, before, e)
	})
	return e, err
}

// LogView is what the principal sees of an incident's log: the shared (vetted) entries, and
// the entries of its own organisations still pending or turned back. Controllers of the lead
// organisation see every pending entry.
func (s *Service) LogView(ctx context.Context, p *auth.Principal, incidentID string, afterID string, limit int) ([]store.LogEntry, error) {
	inc, err := s.Get(ctx, p, store.OpsIncident, incidentID)
	if err != nil {
		return nil, err
	}
	if limit <= 0 || limit > 1000 {
		limit = 1000
	}
	f := store.LogFilter{IncidentID: incidentID, AfterID: afterID, Limit: limit}
	if !(p.Can(auth.PermVetLog) && p.InScope(inc.OrgID)) {
		// Two lists merged by id keep one query each simple and indexed.
		shared, err := s.Store.OpsLog().List(ctx, store.LogFilter{IncidentID: incidentID, States: []store.LogState{store.LogVetted}, AfterID: afterID, Limit: limit})
		if err != nil {
			return nil, err
		}
		own, err := s.Store.OpsLog().List(ctx, store.LogFilter{IncidentID: incidentID, OrgIDs: p.Scope,
			States: []store.LogState{store.LogPending, store.LogRejected}, AfterID: afterID, Limit: limit})
		if err != nil {
			return nil, err
		}
		all := append(shared, own...)
		slices.SortFunc(all, func(a, b store.LogEntry) int { return strings.Compare(a.ID, b.ID) })
		if len(all) > limit {
			all = all[:limit]
		}
		return all, nil
	}
	return s.Store.OpsLog().List(ctx, f)
}

// StreamSharedLog calls fn for every vetted entry of the incidents the principal sees (or of
// one incident), in order, in constant memory.
func (s *Service) StreamSharedLog(ctx context.Context, p *auth.Principal, incidentID string, fn func(store.LogEntry) error) error {
	if incidentID != "" {
		if _, err := s.Get(ctx, p, store.OpsIncident, incidentID); err != nil {
			return err
		}
		return s.Store.OpsLog().Stream(ctx, store.LogFilter{IncidentID: incidentID, States: []store.LogState{store.LogVetted}}, fn)
	}
	// Across incidents: only those the principal sees. Their ids are gathered first (memory
	// grows with the incidents, not with the log), so the export stays one pass over the log.
	visibleIncidents := map[string]bool{}
	if err := s.each(ctx, ViewerOf(p), store.OpsIncident, nil, func(r store.OpsRecord) { visibleIncidents[r.ID] = true }); err != nil {
		return err
	}
	return s.Store.OpsLog().Stream(ctx, store.LogFilter{States: []store.LogState{store.LogVetted}}, func(e store.LogEntry) error {
		if !visibleIncidents[e.IncidentID] {
			return nil
		}
		return fn(e)
	})
}

// canRead reports whether p may read entry e of the incident inc (which p sees).
func canRead(p *auth.Principal, inc store.OpsRecord, e store.LogEntry) bool {
	return e.State == store.LogVetted || p.InScope(e.OrgID) || (p.Can(auth.PermVetLog) && p.InScope(inc.OrgID))
}

// Attachment returns an attachment whose entry the principal may read.
func (s *Service) Attachment(ctx context.Context, p *auth.Principal, id string) (store.Attachment, error) {
	a, err := s.Store.OpsLog().Attachment(ctx, id)
	if err != nil {
		return a, err
	}
	e, err := s.Store.OpsLog().Get(ctx, a.EntryID)
	if err != nil {
		return store.Attachment{}, err
	}
	inc, err := s.Get(ctx, p, store.OpsIncident, e.IncidentID)
	if err != nil {
		return store.Attachment{}, err
	}
	if !canRead(p, inc, e) {
		return store.Attachment{}, fmt.Errorf("ops: attachment %s: %w", id, store.ErrNotFound)
	}
	return a, nil
}
