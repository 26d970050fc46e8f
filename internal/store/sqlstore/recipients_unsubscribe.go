package sqlstore

import (
	"context"
	"fmt"
	"slices"

	"github.com/taawun/taawun/internal/mode"
	"github.com/taawun/taawun/internal/store"
)

// addressColumn is the column holding a channel's address.
func addressColumn(ch store.Channel) string {
	if a := addressOf(ch); a != "webhook" {
		return a
	}
	return "webhook_url"
}

// endpointPrefix is how much of an endpoint the recipients_endpoint index holds (migration 0010).
const endpointPrefix = "200"

// addressMatch is the condition and arguments matching a channel's address, written so that the
// partial indexes of migration 0010 serve it: the condition repeats its index's predicate
// (neither planner proves it from a parameter), and an endpoint is compared by the indexed
// prefix before the whole.
func addressMatch(ch store.Channel, address string) (string, []any) {
	col := addressColumn(ch)
	cond := col + ` = ? AND ` + col + ` <> ''`
	if col != "webhook_url" {
		return cond, []any{address}
	}
	return `substr(webhook_url, 1, ` + endpointPrefix + `) = substr(CAST(? AS TEXT), 1, ` + endpointPrefix + `) AND ` + cond, []any{address, address}
}

// byAddressQuery selects the recipients of mode m with the address on a channel's column.
func byAddressQuery(ch store.Channel, address, m string) (string, []any) {
	cond, args := addressMatch(ch, address)
	return `SELECT ` + recipientColumns + ` FROM recipients WHERE ` + cond + ` AND mode = ? ORDER BY id`, append(args, m)
}

func (s recipients) ByAddress(ctx context.Context, ch store.Channel, address string) ([]store.Recipient, error) {
	if address == "" {
		return nil, nil
	}
	query, args := byAddressQuery(ch, address, mode.From(ctx).String())
	rs, err := collect(ctx, s.q, "recipients by address", scanRecipient, query, args...)
	if err != nil {
		return nil, err
	}
	out := rs[:0]
	for _, r := range rs {
		if slices.Contains(r.Channels, ch) {
			out = append(out, r)
		}
	}
	return out, nil
}

func (s recipients) Forget(ctx context.Context, id string) error {
	m := mode.From(ctx).String()
	res, err := s.exec(ctx, `UPDATE recipients SET name = '', phone = '', email = '', webhook_url = '', webhook_secret = '', channels = '',
		confirmed = 0, confirm_hash = '', confirm_expires = NULL, updated_at = ? WHERE id = ? AND mode = ?`, ts(s.db.clock.Now()), id, m)
	if err := mustAffect(res, err); err != nil {
		return s.wrap(err, "sqlstore: forget recipient %s", id)
	}
	_, err = s.exec(ctx, `DELETE FROM recipient_locations WHERE recipient_id = ?`, id)
	return s.wrap(err, "sqlstore: forget locations of recipient %s", id)
}

func (s recipients) Readdress(ctx context.Context, id string, ch store.Channel, address, secret string) error {
	rs, err := s.GetMany(ctx, []string{id})
	if err != nil {
		return err
	}
	if len(rs) == 0 || !slices.Contains(rs[0].Channels, ch) {
		return fmt.Errorf("sqlstore: recipient %s on %s: %w", id, ch, store.ErrNotFound)
	}
	set := addressColumn(ch) + ` = ?`
	args := []any{address}
	if addressOf(ch) == "webhook" {
		set += `, webhook_secret = ?`
		args = append(args, secret)
	}
	args = append(args, ts(s.db.clock.Now()), id, mode.From(ctx).String())
	res, err := s.exec(ctx, `UPDATE recipients SET `+set+`, updated_at = ? WHERE id = ? AND mode = ?`, args...)
	return s.wrap(mustAffect(res, err), "sqlstore: readdress recipient %s", id)
}
