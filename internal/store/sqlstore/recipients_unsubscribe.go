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

func (s recipients) ByAddress(ctx context.Context, ch store.Channel, address string) ([]store.Recipient, error) {
	if address == "" {
		return nil, nil
	}
	// Without an index on the address columns this reads every recipient of the mode; it
	// serves people leaving one at a time, not sending.
	rs, err := collect(ctx, s.q, "recipients by address", scanRecipient,
		`SELECT `+recipientColumns+` FROM recipients WHERE `+addressColumn(ch)+` = ? AND mode = ? ORDER BY id`, address, mode.From(ctx).String())
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
