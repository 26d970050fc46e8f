package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/taawun/taawun/internal/ident"
	"github.com/taawun/taawun/internal/mode"
	"github.com/taawun/taawun/internal/store"
)

func (q q) DeliveryBatches() store.DeliveryBatches    { return batches{q} }
func (db *DB) DeliveryBatches() store.DeliveryBatches { return db.direct().DeliveryBatches() }

type batches struct{ q }

const batchColumns = `id, message_id, alert_id, channel, seq, members, done, sent, state, next_attempt, created_at, updated_at`

func (s batches) Plan(ctx context.Context, bs []store.DeliveryBatch) (bool, error) {
	if len(bs) == 0 {
		return true, nil
	}
	var exists int
	err := s.read.QueryRowContext(ctx, s.db.dialect.rebind(`SELECT COUNT(*) FROM delivery_batches WHERE message_id = ?`), bs[0].MessageID).Scan(&exists)
	if err != nil {
		return false, s.wrap(err, "sqlstore: planned batches of %s", bs[0].MessageID)
	}
	if exists > 0 {
		return false, nil
	}
	now := ts(s.db.clock.Now())
	m := mode.From(ctx).String()
	// Members make rows large (about 60 bytes each); 50 batches per statement keeps statements
	// near 3 MB.
	const perInsert = 50
	for start := 0; start < len(bs); start += perInsert {
		chunk := bs[start:min(start+perInsert, len(bs))]
		rows := make([]string, len(chunk))
		args := make([]any, 0, 14*len(chunk))
		for i := range chunk {
			b := &chunk[i]
			if b.MessageID != bs[0].MessageID {
				return false, fmt.Errorf("sqlstore: plan batches: messages %s and %s mixed: %w", bs[0].MessageID, b.MessageID, store.ErrInvalidRecord)
			}
			if len(b.Members) == 0 || len(b.Members) > store.BatchSize {
				return false, fmt.Errorf("sqlstore: plan batch %d of %s: %d members (1..%d): %w", b.Seq, b.MessageID, len(b.Members), store.BatchSize, store.ErrInvalidRecord)
			}
			members, err := encodeMembers(b.Members)
			if err != nil {
				return false, err
			}
			if b.ID == "" {
				b.ID = ident.NewID()
			}
			if b.NextAttempt.IsZero() {
				b.NextAttempt = now
			}
			b.State, b.Done, b.Sent, b.CreatedAt, b.UpdatedAt = store.NotifyPending, 0, 0, now, now
			rows[i] = "(" + placeholders(14) + ")"
			args = append(args, b.ID, b.MessageID, b.AlertID, string(b.Channel), b.Seq, members, 0, 0, string(b.State),
				ts(b.NextAttempt), now, now, len(b.Members), m)
		}
		if _, err := s.exec(ctx, `INSERT INTO delivery_batches (`+batchColumns+`, size, mode) VALUES `+strings.Join(rows, ", "), args...); err != nil {
			return false, s.wrap(err, "sqlstore: plan %d batches of %s", len(chunk), bs[0].MessageID)
		}
	}
	return true, nil
}

// encodeMembers writes one member per line, fields separated by tabs. Ids, language tags,
// E.164 numbers and e-mail addresses never hold either (the checks on input refuse them).
func encodeMembers(ms []store.BatchMember) (string, error) {
	var b strings.Builder
	b.Grow(len(ms) * 64)
	for i, m := range ms {
		if strings.ContainsAny(m.RecipientID+m.Language+m.Address, "\t\n") {
			return "", fmt.Errorf("sqlstore: batch member %s holds a tab or newline: %w", m.RecipientID, store.ErrInvalidRecord)
		}
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(m.RecipientID)
		b.WriteByte('\t')
		b.WriteString(m.Language)
		b.WriteByte('\t')
		b.WriteString(m.Address)
	}
	return b.String(), nil
}

func decodeMembers(s string) ([]store.BatchMember, error) {
	lines := strings.Split(s, "\n")
	out := make([]store.BatchMember, len(lines))
	for i, line := range lines {
		id, rest, ok1 := strings.Cut(line, "\t")
		lang, addr, ok2 := strings.Cut(rest, "\t")
		if !ok1 || !ok2 {
			return nil, fmt.Errorf("sqlstore: batch member line %d is malformed", i+1)
		}
		out[i] = store.BatchMember{RecipientID: id, Language: lang, Address: addr}
	}
	return out, nil
}

func (s batches) Claim(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]store.DeliveryBatch, error) {
	return claimDue(ctx, s.q, "delivery_batches", batchColumns, now, lease, limit, func(sc scanner) (store.DeliveryBatch, error) {
		var (
			b                       store.DeliveryBatch
			channel, members, state string
		)
		if err := sc.Scan(&b.ID, &b.MessageID, &b.AlertID, &channel, &b.Seq, &members, &b.Done, &b.Sent, &state,
			&b.NextAttempt, &b.CreatedAt, &b.UpdatedAt); err != nil {
			return b, err
		}
		var err error
		if b.Members, err = decodeMembers(members); err != nil {
			return b, fmt.Errorf("%w (batch %s)", err, b.ID)
		}
		b.Channel, b.State = store.Channel(channel), store.NotificationState(state)
		b.NextAttempt, b.CreatedAt, b.UpdatedAt = b.NextAttempt.UTC(), b.CreatedAt.UTC(), b.UpdatedAt.UTC()
		return b, nil
	})
}

// claimDue leases up to limit pending rows of table whose next attempt is due until now+lease and
// returns them. Rows another server is claiming at the same moment are skipped (SKIP LOCKED on
// PostgreSQL; SQLite has one writer), so two servers never hold the same row.
func claimDue[T any](ctx context.Context, s q, table, columns string, now time.Time, lease time.Duration, limit int, scan func(scanner) (T, error)) ([]T, error) {
	return collect(ctx, q{db: s.db, read: s.write, write: s.write}, "claim "+table, scan, `UPDATE `+table+` SET next_attempt = ?, updated_at = ?
		WHERE id IN (SELECT id FROM `+table+` WHERE state = 'pending' AND mode = ? AND next_attempt <= ?
		             ORDER BY next_attempt LIMIT ?`+s.db.dialect.skipLocked()+`)
		RETURNING `+columns, ts(now.Add(lease)), ts(now), mode.From(ctx).String(), ts(now), limit)
}

func (s batches) Advance(ctx context.Context, b *store.DeliveryBatch, done, sent int, leaseUntil time.Time) error {
	if done < b.Done || done > len(b.Members) || sent < 0 || sent > done-b.Done {
		return fmt.Errorf("sqlstore: advance batch %s from %d to %d with %d sent: %w", b.ID, b.Done, done, sent, store.ErrInvalidRecord)
	}
	state := store.NotifyPending
	if done == len(b.Members) {
		state = store.NotifySent
	}
	now := ts(s.db.clock.Now())
	res, err := s.exec(ctx, `UPDATE delivery_batches SET done = ?, sent = sent + ?, state = ?, next_attempt = ?, updated_at = ?
		WHERE id = ? AND done = ?`, done, sent, string(state), ts(leaseUntil), now, b.ID, b.Done)
	if err := mustAffect(res, err); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("sqlstore: batch %s is no longer at member %d: %w", b.ID, b.Done, store.ErrConflict)
		}
		return s.wrap(err, "sqlstore: advance batch %s", b.ID)
	}
	b.Done, b.Sent, b.State, b.NextAttempt, b.UpdatedAt = done, b.Sent+sent, state, ts(leaseUntil), now
	return nil
}
