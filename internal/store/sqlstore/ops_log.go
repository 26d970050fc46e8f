package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/taawun/taawun/internal/ident"
	"github.com/taawun/taawun/internal/mode"
	"github.com/taawun/taawun/internal/store"
)

type opsLog struct{ q }

func (q q) OpsLog() store.OpsLog    { return opsLog{q} }
func (db *DB) OpsLog() store.OpsLog { return db.direct().OpsLog() }

const logColumns = `id, origin_node, mode, incident_id, org_id, author_id, body, occurred_at, state, vetted_by, vetted_at, reason, created_at`

func (s opsLog) Create(ctx context.Context, e *store.LogEntry) error {
	if e.IncidentID == "" || e.OrgID == "" || e.AuthorID == "" || strings.TrimSpace(e.Body) == "" || e.OccurredAt.IsZero() {
		return fmt.Errorf("%w: log entry needs an incident, an organisation, an author, a text and a time", store.ErrInvalidRecord)
	}
	s.stamp(ctx, &e.Meta)
	if e.State == "" {
		e.State = store.LogPending
	}
	_, err := s.exec(ctx, `INSERT INTO ops_log (`+logColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		e.ID, e.OriginNode, e.Mode.String(), e.IncidentID, e.OrgID, e.AuthorID, e.Body, ts(e.OccurredAt), string(e.State),
		e.VettedBy, nullTS(e.VettedAt), e.Reason, e.CreatedAt)
	return s.wrap(err, "sqlstore: create log entry")
}

func (s opsLog) Get(ctx context.Context, id string) (store.LogEntry, error) {
	e, err := scanLogEntry(s.queryRow(ctx, `SELECT `+logColumns+` FROM ops_log WHERE id = ? AND mode = ?`, id, mode.From(ctx).String()))
	return e, s.wrap(err, "sqlstore: log entry %s", id)
}

func (s opsLog) Decide(ctx context.Context, e *store.LogEntry) error {
	if e.State != store.LogVetted && e.State != store.LogRejected {
		return fmt.Errorf("%w: a vetting decision is vetted or rejected, not %q", store.ErrInvalidRecord, e.State)
	}
	res, err := s.exec(ctx, `UPDATE ops_log SET state = ?, vetted_by = ?, vetted_at = ?, reason = ? WHERE id = ? AND mode = ? AND state = 'pending'`,
		string(e.State), e.VettedBy, nullTS(e.VettedAt), e.Reason, e.ID, mode.From(ctx).String())
	if err := mustAffect(res, err); err == sql.ErrNoRows {
		return fmt.Errorf("sqlstore: log entry %s is not pending: %w", e.ID, store.ErrConflict)
	} else if err != nil {
		return s.wrap(err, "sqlstore: decide log entry %s", e.ID)
	}
	return nil
}

func logQuery(ctx context.Context, f store.LogFilter) (string, []any) {
	query := `SELECT ` + logColumns + ` FROM ops_log WHERE mode = ?`
	args := []any{mode.From(ctx).String()}
	if f.IncidentID != "" {
		query += ` AND incident_id = ?`
		args = append(args, f.IncidentID)
	}
	if len(f.States) > 0 {
		query += ` AND state IN (` + placeholders(len(f.States)) + `)`
		for _, st := range f.States {
			args = append(args, string(st))
		}
	}
	if f.OrgIDs != nil {
		if len(f.OrgIDs) == 0 {
			query += ` AND 1 = 0`
		} else {
			query += ` AND org_id IN (` + placeholders(len(f.OrgIDs)) + `)`
			for _, id := range f.OrgIDs {
				args = append(args, id)
			}
		}
	}
	if f.AfterID != "" {
		query += ` AND id > ?`
		args = append(args, f.AfterID)
	}
	query += ` ORDER BY id`
	if f.Limit > 0 {
		query += ` LIMIT ?`
		args = append(args, f.Limit)
	}
	return query, args
}

func (s opsLog) List(ctx context.Context, f store.LogFilter) ([]store.LogEntry, error) {
	query, args := logQuery(ctx, f)
	return collect(ctx, s.q, "list log entries", scanLogEntry, query, args...)
}

// streamPage is how many entries Stream reads per query: small enough to keep memory flat,
// large enough that a million entries take a few hundred queries.
const streamPage = 5000

// Stream pages through the log by id, so that no query holds a cursor open for long and
// memory stays bounded however long the log is.
func (s opsLog) Stream(ctx context.Context, f store.LogFilter, fn func(store.LogEntry) error) error {
	remaining := f.Limit
	for {
		page := f
		page.Limit = streamPage
		if remaining > 0 && remaining < streamPage {
			page.Limit = remaining
		}
		entries, err := s.List(ctx, page)
		if err != nil {
			return err
		}
		for _, e := range entries {
			if err := fn(e); err != nil {
				return err
			}
		}
		if len(entries) < page.Limit {
			return nil
		}
		if remaining > 0 {
			if remaining -= len(entries); remaining == 0 {
				return nil
			}
		}
		f.AfterID = entries[len(entries)-1].ID
	}
}

func scanLogEntry(sc scanner) (store.LogEntry, error) {
	var (
		e        store.LogEntry
		m, state string
		vetted   sql.NullTime
	)
	if err := sc.Scan(&e.ID, &e.OriginNode, &m, &e.IncidentID, &e.OrgID, &e.AuthorID, &e.Body, &e.OccurredAt, &state,
		&e.VettedBy, &vetted, &e.Reason, &e.CreatedAt); err != nil {
		return e, err
	}
	e.State, e.VettedAt = store.LogState(state), fromNull(vetted)
	e.OccurredAt, e.CreatedAt, e.UpdatedAt = e.OccurredAt.UTC(), e.CreatedAt.UTC(), e.CreatedAt.UTC()
	var err error
	e.Mode, err = mode.Parse(m)
	return e, err
}

func (s opsLog) AddAttachment(ctx context.Context, a *store.Attachment) error {
	if a.EntryID == "" || a.Name == "" || a.ContentType == "" || len(a.Content) == 0 {
		return fmt.Errorf("%w: attachment needs an entry, a name, a type and content", store.ErrInvalidRecord)
	}
	if a.ID == "" {
		a.ID = ident.NewID()
	}
	a.Size, a.CreatedAt = int64(len(a.Content)), ts(s.db.clock.Now())
	_, err := s.exec(ctx, `INSERT INTO ops_attachments (id, entry_id, name, content_type, size, content, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		a.ID, a.EntryID, a.Name, a.ContentType, a.Size, a.Content, a.CreatedAt)
	return s.wrap(err, "sqlstore: add attachment %q", a.Name)
}

func (s opsLog) Attachments(ctx context.Context, entryID string) ([]store.Attachment, error) {
	return collect(ctx, s.q, "list attachments", func(sc scanner) (store.Attachment, error) {
		a := store.Attachment{EntryID: entryID}
		err := sc.Scan(&a.ID, &a.Name, &a.ContentType, &a.Size, &a.CreatedAt)
		a.CreatedAt = a.CreatedAt.UTC()
		return a, err
	}, `SELECT id, name, content_type, size, created_at FROM ops_attachments WHERE entry_id = ? ORDER BY id`, entryID)
}

func (s opsLog) Attachment(ctx context.Context, id string) (store.Attachment, error) {
	var a store.Attachment
	err := s.queryRow(ctx, `SELECT a.id, a.entry_id, a.name, a.content_type, a.size, a.content, a.created_at FROM ops_attachments a
		JOIN ops_log e ON e.id = a.entry_id WHERE a.id = ? AND e.mode = ?`, id, mode.From(ctx).String()).
		Scan(&a.ID, &a.EntryID, &a.Name, &a.ContentType, &a.Size, &a.Content, &a.CreatedAt)
	a.CreatedAt = a.CreatedAt.UTC()
	return a, s.wrap(err, "sqlstore: attachment %s", id)
}
