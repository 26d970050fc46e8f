package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/taawun/taawun/internal/ident"
	"github.com/taawun/taawun/internal/mode"
	"github.com/taawun/taawun/internal/store"
	"github.com/taawun/taawun/internal/subject"
)

// EventPayload is the JSON body of every bus event.
type EventPayload struct {
	ID         string          `json:"id"`
	Kind       string          `json:"kind"`
	Node       string          `json:"node"`
	Mode       string          `json:"mode"`
	At         string          `json:"at"`
	Actor      string          `json:"actor"`
	OrgID      string          `json:"org_id,omitempty"`
	EntityType string          `json:"entity_type"`
	EntityID   string          `json:"entity_id"`
	Data       json.RawMessage `json:"data,omitempty"`
}

// Record appends the audit entry of c, chained to the previous entry, and its outbox event.
// The rows are kept and written together, many to a statement, before the transaction commits
// (or when many are waiting): a transaction that records thousands of changes, such as a
// feed's drafts, then pays for a few statements instead of two per change. Nothing in a
// transaction reads the audit log or the outbox back.
func (t *tx) Record(ctx context.Context, c store.Change) error {
	if c.Action == "" || c.EntityType == "" || c.Actor == "" {
		return fmt.Errorf("%w: change needs an actor, an action and an entity type", store.ErrInvalidRecord)
	}
	before, err := marshalOrEmpty(c.Before)
	if err != nil {
		return fmt.Errorf("sqlstore: record %s: before: %w", c.Action, err)
	}
	after, err := marshalOrEmpty(c.After)
	if err != nil {
		return fmt.Errorf("sqlstore: record %s: after: %w", c.Action, err)
	}
	m := mode.From(ctx)
	now := ts(t.db.clock.Now())

	prevSeq, prevHash := t.head.seq, t.head.hash
	if prevSeq == 0 {
		if err := t.db.dialect.lockAuditChain(ctx, t.write); err != nil {
			return fmt.Errorf("sqlstore: record %s: lock audit chain: %w", c.Action, err)
		}
		err = t.queryRow(ctx, `SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1`).Scan(&prevSeq, &prevHash)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("sqlstore: record %s: read audit head: %w", c.Action, err)
		}
	}
	e := store.AuditEntry{
		Seq: prevSeq + 1, ID: ident.NewID(), At: now, Actor: c.Actor, OrgID: c.OrgID, Action: c.Action,
		EntityType: c.EntityType, EntityID: c.EntityID, Mode: m, Before: before, After: after, PrevHash: prevHash,
	}
	e.Hash = e.ComputeHash()
	t.audit = append(t.audit, []any{e.Seq, e.ID, e.At, e.Actor, e.OrgID, e.Action, e.EntityType, e.EntityID, m.String(), string(before), string(after), e.PrevHash, e.Hash})
	t.head.seq, t.head.hash = e.Seq, e.Hash
	if !c.NoEvent {
		subj, err := subject.For(t.db.node, m, c.Action)
		if err != nil {
			return fmt.Errorf("sqlstore: record %s: %w", c.Action, err)
		}
		eventID := ident.NewID()
		payload := marshalPayload(EventPayload{
			ID: eventID, Kind: c.Action, Node: t.db.node, Mode: m.String(), At: now.Format(store.AuditTimeFormat),
			Actor: c.Actor, OrgID: c.OrgID, EntityType: c.EntityType, EntityID: c.EntityID, Data: after,
		})
		t.outbox = append(t.outbox, []any{eventID, subj, c.Action, m.String(), string(payload), now})
		t.recordedEvent = true
	}
	if len(t.audit) >= recordsPerStatement {
		return t.flushRecords(ctx)
	}
	return nil
}

// recordsPerStatement is how many audit entries (13 values each) or outbox events one INSERT
// writes, well inside SQLite's and PostgreSQL's limits on bound values.
const recordsPerStatement = 100

// flushRecords writes the audit entries and outbox events Record has kept.
func (t *tx) flushRecords(ctx context.Context) error {
	if err := t.insertRows(ctx, `INSERT INTO audit_log (`+auditColumns+`) VALUES `, 13, t.audit); err != nil {
		return t.wrap(err, "sqlstore: append %d audit entries", len(t.audit))
	}
	if err := t.insertRows(ctx, `INSERT INTO outbox (id, subject, kind, mode, payload, created_at) VALUES `, 6, t.outbox); err != nil {
		return t.wrap(err, "sqlstore: append %d outbox events", len(t.outbox))
	}
	t.audit, t.outbox = t.audit[:0], t.outbox[:0]
	return nil
}

// insertRows inserts rows of width values each with prefix, up to recordsPerStatement a
// statement.
func (t *tx) insertRows(ctx context.Context, prefix string, width int, rows [][]any) error {
	for len(rows) > 0 {
		n := min(len(rows), recordsPerStatement)
		var b strings.Builder
		b.WriteString(prefix)
		args := make([]any, 0, n*width)
		for i, r := range rows[:n] {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString("(" + placeholders(width) + ")")
			args = append(args, r...)
		}
		if _, err := t.exec(ctx, b.String(), args...); err != nil {
			return err
		}
		rows = rows[n:]
	}
	return nil
}

func marshalOrEmpty(v any) (json.RawMessage, error) {
	if v == nil {
		return nil, nil
	}
	return json.Marshal(v)
}
