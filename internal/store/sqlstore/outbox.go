package sqlstore

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/taawun/taawun/internal/mode"
	"github.com/taawun/taawun/internal/store"
)

type outbox struct{ q }

// cursored: the relay's progress is a cursor, everything up to it published (see the dialects).
func (s outbox) cursored() bool { return s.db.dialect.outboxCursor() }

// pending is the condition of an event not yet published.
func (s outbox) pending() string {
	if s.cursored() {
		return `seq > (SELECT seq FROM outbox_cursor)`
	}
	return `published_at IS NULL`
}

func (s outbox) Pending(ctx context.Context, limit int) ([]store.Event, error) {
	rows, err := s.query(ctx, `SELECT seq, id, subject, kind, mode, payload, created_at FROM outbox
		WHERE `+s.pending()+` ORDER BY seq LIMIT ?`, limit)
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

// MarkPublished checks that events are the oldest pending ones, in seq order, none left out:
// a cursor cannot mark an event published and leave an older one pending. On PostgreSQL an
// older event committed since Pending read them fails the check too; the relay then reads and
// publishes again, and JetStream drops the repeats.
func (s outbox) MarkPublished(ctx context.Context, events []store.Event, at time.Time) error {
	if len(events) == 0 {
		return nil
	}
	last := events[len(events)-1].Seq
	for i := 1; i < len(events); i++ {
		if events[i].Seq <= events[i-1].Seq {
			return fmt.Errorf("sqlstore: mark outbox events published: events out of seq order (%d after %d)", events[i].Seq, events[i-1].Seq)
		}
	}
	var older int
	if err := s.queryRow(ctx, `SELECT COUNT(*) FROM outbox WHERE `+s.pending()+` AND seq <= ?`, last).Scan(&older); err != nil {
		return s.wrap(err, "sqlstore: mark outbox events published")
	}
	if older != len(events) {
		return fmt.Errorf("sqlstore: mark outbox events published: %d events up to seq %d are pending, %d given: the oldest must be marked first, none left out", older, last, len(events))
	}
	if s.cursored() {
		_, err := s.exec(ctx, `UPDATE outbox_cursor SET seq = MAX(seq, ?)`, last)
		return s.wrap(err, "sqlstore: mark outbox events published")
	}
	for chunk := range slices.Chunk(events, idsPerQuery) {
		args := []any{ts(at)}
		for _, e := range chunk {
			args = append(args, e.Seq)
		}
		if _, err := s.exec(ctx, `UPDATE outbox SET published_at = ? WHERE seq IN (`+placeholders(len(chunk))+`)`, args...); err != nil {
			return s.wrap(err, "sqlstore: mark outbox events published")
		}
	}
	return nil
}

func (s outbox) DeletePublishedBefore(ctx context.Context, t time.Time) (int64, error) {
	query := `DELETE FROM outbox WHERE published_at IS NOT NULL AND published_at < ?`
	if s.cursored() {
		// Events are published moments after they are made; their creation time stands in.
		query = `DELETE FROM outbox WHERE seq <= (SELECT seq FROM outbox_cursor) AND created_at < ?`
	}
	res, err := s.exec(ctx, query, ts(t))
	if err != nil {
		return 0, s.wrap(err, "sqlstore: prune outbox")
	}
	return res.RowsAffected()
}
