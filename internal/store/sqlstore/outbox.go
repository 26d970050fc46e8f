package sqlstore

import (
	"context"
	"time"

	"github.com/taawun/taawun/internal/mode"
	"github.com/taawun/taawun/internal/store"
)

type outbox struct{ q }

func (s outbox) Pending(ctx context.Context, limit int) ([]store.Event, error) {
	rows, err := s.query(ctx, `SELECT seq, id, subject, kind, mode, payload, created_at FROM outbox
		WHERE published_at IS NULL ORDER BY seq LIMIT ?`, limit)
	if err != nil {
		return nil, s.wrap(err, "sqlstore: read outbox")
	}
	defer rows.Close()
	var out []store.Event
	for rows.Next() {
		var (
			e          store.Event
			m, payload string
		)
		if err := rows.Scan(&e.Seq, &e.ID, &e.Subject, &e.Kind, &m, &payload, &e.CreatedAt); err != nil {
			return nil, s.wrap(err, "sqlstore: read outbox")
		}
		if e.Mode, err = mode.Parse(m); err != nil {
			return nil, s.wrap(err, "sqlstore: outbox event %s", e.ID)
		}
		e.Payload = []byte(payload)
		e.CreatedAt = e.CreatedAt.UTC()
		out = append(out, e)
	}
	return out, s.wrap(rows.Err(), "sqlstore: read outbox")
}

func (s outbox) MarkPublished(ctx context.Context, ids []string, at time.Time) error {
	if len(ids) == 0 {
		return nil
	}
	args := []any{ts(at)}
	for _, id := range ids {
		args = append(args, id)
	}
	_, err := s.exec(ctx, `UPDATE outbox SET published_at = ? WHERE id IN (`+placeholders(len(ids))+`)`, args...)
	return s.wrap(err, "sqlstore: mark outbox events published")
}

func (s outbox) DeletePublishedBefore(ctx context.Context, t time.Time) (int64, error) {
	res, err := s.exec(ctx, `DELETE FROM outbox WHERE published_at IS NOT NULL AND published_at < ?`, ts(t))
	if err != nil {
		return 0, s.wrap(err, "sqlstore: prune outbox")
	}
	return res.RowsAffected()
}
