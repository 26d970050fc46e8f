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
	rows, err := s.query(ctx, query, args...)
	if err != nil {
		return nil, s.wrap(err, "sqlstore: read audit log")
	}
	defer rows.Close()
	var out []store.AuditEntry
	for rows.Next() {
		var (
			e             store.AuditEntry
			m             string
			before, after string
		)
		if err := rows.Scan(&e.Seq, &e.ID, &e.At, &e.Actor, &e.OrgID, &e.Action, &e.EntityType, &e.EntityID, &m,
			&before, &after, &e.PrevHash, &e.Hash); err != nil {
			return nil, s.wrap(err, "sqlstore: read audit log")
		}
		e.At = e.At.UTC()
		// A mode that does not parse is kept as live; its hash will then not match, and
		// verification names the entry.
		e.Mode, _ = mode.Parse(m)
		e.Before, e.After = rawOrNil(before), rawOrNil(after)
		out = append(out, e)
	}
	return out, s.wrap(rows.Err(), "sqlstore: read audit log")
}

func rawOrNil(s string) json.RawMessage {
	if s == "" {
		return nil
	}
	return json.RawMessage(s)
}
