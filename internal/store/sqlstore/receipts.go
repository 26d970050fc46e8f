package sqlstore

import (
	"context"
	"strings"

	"github.com/taawun/taawun/internal/mode"
	"github.com/taawun/taawun/internal/store"
)

func (q q) HandsetReceipts() store.HandsetReceipts    { return receipts{q} }
func (db *DB) HandsetReceipts() store.HandsetReceipts { return db.direct().HandsetReceipts() }

type receipts struct{ q }

// receiptsPerStatement keeps statements well under both back ends' parameter limits.
const receiptsPerStatement = 500

func (s receipts) Submitted(ctx context.Context, rs []store.HandsetReceipt) error {
	return s.upsert(ctx, rs, "provider_id, mode, message_id, notification_key, submitted_at",
		"message_id = excluded.message_id, notification_key = excluded.notification_key, submitted_at = excluded.submitted_at",
		func(r store.HandsetReceipt, m string) []any {
			return []any{r.ProviderID, m, r.MessageID, r.Key, ts(r.SubmittedAt)}
		})
}

func (s receipts) Received(ctx context.Context, rs []store.HandsetReceipt) error {
	return s.upsert(ctx, rs, "provider_id, mode, status, error, done_at",
		"status = excluded.status, error = excluded.error, done_at = excluded.done_at",
		func(r store.HandsetReceipt, m string) []any {
			return []any{r.ProviderID, m, r.Status, r.Error, nullTS(r.DoneAt)}
		})
}

// upsert writes rows of five columns, updating set when the provider id is already known.
func (s receipts) upsert(ctx context.Context, rs []store.HandsetReceipt, columns, set string, values func(store.HandsetReceipt, string) []any) error {
	m := mode.From(ctx).String()
	for start := 0; start < len(rs); start += receiptsPerStatement {
		chunk := rs[start:min(start+receiptsPerStatement, len(rs))]
		rows := make([]string, len(chunk))
		args := make([]any, 0, 5*len(chunk))
		for i, r := range chunk {
			rows[i] = "(" + placeholders(5) + ")"
			args = append(args, values(r, m)...)
		}
		if _, err := s.exec(ctx, `INSERT INTO handset_receipts (`+columns+`) VALUES `+strings.Join(rows, ", ")+`
			ON CONFLICT (provider_id) DO UPDATE SET `+set, args...); err != nil {
			return s.wrap(err, "sqlstore: record %d handset receipts", len(chunk))
		}
	}
	return nil
}

func (s receipts) Counts(ctx context.Context, messageID string) ([]store.ReceiptCount, error) {
	return collect(ctx, s.q, "receipt counts", func(sc scanner) (store.ReceiptCount, error) {
		var c store.ReceiptCount
		return c, sc.Scan(&c.Status, &c.Count)
	}, `SELECT status, COUNT(*) FROM handset_receipts WHERE message_id = ? AND mode = ? GROUP BY status ORDER BY status`,
		messageID, mode.From(ctx).String())
}
