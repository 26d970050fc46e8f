package sqlstore

import (
	"context"
	"encoding/json"

	"github.com/taawun/taawun/internal/mode"
	"github.com/taawun/taawun/internal/store"
)

type auditLog struct{ q }

const auditColumns = `seq, id, at, actor, org_id, action, entity_type, entity_id, mode, before_json, after_json, prev_hash, hash`

func (s auditLog) List(ctx context.Context, afterSeq int64, limit int) ([]store.AuditEntry, error) {
	return s.list(ctx, `SELECT `+auditColumns+` FROM audit_log WHERE seq > ? ORDER BY seq LIMIT ?`, afterSeq, limit)
}

func (s auditLog) ListForEntity(ctx context.Context, entityType, entityID string) ([]store.AuditEntry, error) {
	return s.list(ctx, `SELECT `+auditColumns+` FROM audit_log WHERE entity_type = ? AND entity_id = ? ORDER BY seq DESC`, entityType, entityID)
}

func (s auditLog) list(ctx context.Context, query string, args ...any) ([]store.AuditEntry, error) {
	return collect(ctx, s.q, "read audit log", scanAuditEntry, query, args...)
}

func scanAuditEntry(r scanner) (store.AuditEntry, error) {
	var (
		e             store.AuditEntry
		m             string
		before, after string
	)
	if err := r.Scan(&e.Seq, &e.ID, &e.At, &e.Actor, &e.OrgID, &e.Action, &e.EntityType, &e.EntityID, &m,
		&before, &after, &e.PrevHash, &e.Hash); err != nil {
		return e, err
	}
	e.At = e.At.UTC()
	// A mode that does not parse is kept as live; its hash will then not match, and
	// verification names the entry.
	e.Mode, _ = mode.Parse(m)
	e.Before, e.After = rawOrNil(before), rawOrNil(after)
	return e, nil
}

func rawOrNil(s string) json.RawMessage {
	if s == "" {
		return nil
	}
	return json.RawMessage(s)
}
