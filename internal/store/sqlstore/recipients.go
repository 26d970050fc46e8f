package sqlstore

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/taawun/taawun/internal/ident"
	"github.com/taawun/taawun/internal/mode"
	"github.com/taawun/taawun/internal/store"
)

type recipients struct{ q }

func (q q) Recipients() store.Recipients          { return recipients{q} }
func (db *DB) Recipients() store.Recipients       { return db.direct().Recipients() }
func (q q) Notifications() store.Notifications    { return notifications{q} }
func (db *DB) Notifications() store.Notifications { return db.direct().Notifications() }

const recipientColumns = `id, origin_node, mode, name, language, phone, email, webhook_url, webhook_secret, channels, broadcast, test, confirmed, created_at, updated_at, org_id`

func (s recipients) Create(ctx context.Context, r *store.Recipient) error {
	if len(r.Channels) == 0 {
		return fmt.Errorf("%w: recipient %q has no channel", store.ErrInvalidRecord, r.Name)
	}
	s.stamp(ctx, &r.Meta)
	_, err := s.exec(ctx, `INSERT INTO recipients (`+recipientColumns+`, confirm_hash, confirm_expires) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		r.ID, r.OriginNode, r.Mode.String(), r.Name, r.Language, r.Phone, r.Email, r.WebhookURL, r.WebhookSecret, joinChannels(r.Channels),
		boolInt(r.Broadcast), boolInt(r.Test), boolInt(r.Confirmed), r.CreatedAt, r.UpdatedAt, r.OrgID, r.ConfirmHash, nullTS(r.ConfirmExpires))
	if err != nil {
		return s.wrap(err, "sqlstore: create recipient")
	}
	for _, l := range r.Locations {
		if _, err := s.exec(ctx, `INSERT INTO recipient_locations (recipient_id, label, lat, lon) VALUES (?, ?, ?, ?)`, r.ID, l.Label, l.Lat, l.Lon); err != nil {
			return s.wrap(err, "sqlstore: recipient location")
		}
	}
	return nil
}

func (s recipients) CreateBatch(ctx context.Context, rs []store.Recipient) error {
	const perInsert = 500
	for start := 0; start < len(rs); start += perInsert {
		chunk := rs[start:min(start+perInsert, len(rs))]
		var (
			rows, locRows []string
			args, locArgs []any
		)
		for i := range chunk {
			r := &chunk[i]
			if len(r.Channels) == 0 {
				return fmt.Errorf("%w: recipient %q has no channel", store.ErrInvalidRecord, r.Name)
			}
			s.stamp(ctx, &r.Meta)
			rows = append(rows, "("+placeholders(16)+")")
			args = append(args, r.ID, r.OriginNode, r.Mode.String(), r.Name, r.Language, r.Phone, r.Email, r.WebhookURL, r.WebhookSecret,
				joinChannels(r.Channels), boolInt(r.Broadcast), boolInt(r.Test), boolInt(r.Confirmed), r.CreatedAt, r.UpdatedAt, r.OrgID)
			for _, l := range r.Locations {
				locRows = append(locRows, "(?, ?, ?, ?)")
				locArgs = append(locArgs, r.ID, l.Label, l.Lat, l.Lon)
			}
		}
		if _, err := s.exec(ctx, `INSERT INTO recipients (`+recipientColumns+`) VALUES `+strings.Join(rows, ", "), args...); err != nil {
			return s.wrap(err, "sqlstore: import recipients")
		}
		if len(locRows) > 0 {
			if _, err := s.exec(ctx, `INSERT INTO recipient_locations (recipient_id, label, lat, lon) VALUES `+strings.Join(locRows, ", "), locArgs...); err != nil {
				return s.wrap(err, "sqlstore: import recipient locations")
			}
		}
	}
	return nil
}

func (s recipients) Recent(ctx context.Context, limit int) ([]store.Recipient, error) {
	return collect(ctx, s.q, "recent recipients", scanRecipient, `SELECT `+recipientColumns+` FROM recipients WHERE mode = ? ORDER BY id DESC LIMIT ?`,
		mode.From(ctx).String(), limit)
}

func scanRecipient(sc scanner) (store.Recipient, error) {
	var (
		r                          store.Recipient
		m, channels                string
		broadcast, test, confirmed int
	)
	if err := sc.Scan(&r.ID, &r.OriginNode, &m, &r.Name, &r.Language, &r.Phone, &r.Email, &r.WebhookURL, &r.WebhookSecret, &channels,
		&broadcast, &test, &confirmed, &r.CreatedAt, &r.UpdatedAt, &r.OrgID); err != nil {
		return r, err
	}
	r.Mode, _ = mode.Parse(m)
	r.Channels = splitChannels(channels)
	r.Broadcast, r.Test, r.Confirmed = broadcast != 0, test != 0, confirmed != 0
	r.CreatedAt, r.UpdatedAt = r.CreatedAt.UTC(), r.UpdatedAt.UTC()
	return r, nil
}

func (s recipients) Get(ctx context.Context, id string) (store.Recipient, error) {
	rs, err := s.list(ctx, `WHERE id = ? AND mode = ?`, id, mode.From(ctx).String())
	if err == nil && len(rs) == 0 {
		return store.Recipient{}, fmt.Errorf("sqlstore: recipient %s: %w", id, store.ErrNotFound)
	}
	if err != nil {
		return store.Recipient{}, err
	}
	return rs[0], nil
}

func (s recipients) All(ctx context.Context) ([]store.Recipient, error) {
	return s.list(ctx, `WHERE mode = ? AND confirmed = 1`, mode.From(ctx).String())
}

func (s recipients) Officials(ctx context.Context, orgIDs []string) ([]store.Recipient, error) {
	if len(orgIDs) == 0 {
		return nil, nil
	}
	args := []any{mode.From(ctx).String()}
	for _, id := range orgIDs {
		args = append(args, id)
	}
	return collect(ctx, s.q, "officials", scanRecipient, `SELECT `+recipientColumns+` FROM recipients
		WHERE mode = ? AND confirmed = 1 AND org_id IN (`+placeholders(len(orgIDs))+`) ORDER BY id`, args...)
}

func (s recipients) GetMany(ctx context.Context, ids []string) ([]store.Recipient, error) {
	const perQuery = 500
	m := mode.From(ctx)
	var out []store.Recipient
	for start := 0; start < len(ids); start += perQuery {
		chunk := ids[start:min(start+perQuery, len(ids))]
		args := make([]any, len(chunk))
		for i, id := range chunk {
			args[i] = id
		}
		// The mode is checked here rather than in SQL: with it in the WHERE clause SQLite
		// chose the (mode, confirmed) index and scanned every recipient once per chunk.
		rs, err := collect(ctx, s.q, "recipients by id", scanRecipient,
			`SELECT `+recipientColumns+` FROM recipients WHERE id IN (`+placeholders(len(chunk))+`)`, args...)
		if err != nil {
			return nil, err
		}
		for _, r := range rs {
			if r.Mode == m {
				out = append(out, r)
			}
		}
	}
	return out, nil
}

func (s recipients) Confirm(ctx context.Context, id, codeHash string, now time.Time) error {
	res, err := s.exec(ctx, `UPDATE recipients SET confirmed = 1, confirm_hash = '', confirm_expires = NULL, updated_at = ?
		WHERE id = ? AND mode = ? AND confirmed = 0 AND confirm_hash = ? AND confirm_hash <> '' AND confirm_expires > ?`,
		ts(now), id, mode.From(ctx).String(), codeHash, ts(now))
	return s.wrap(mustAffect(res, err), "sqlstore: confirm recipient %s", id)
}

func (s recipients) RemoveChannel(ctx context.Context, id string, ch store.Channel) error {
	rs, err := s.GetMany(ctx, []string{id})
	if err != nil {
		return err
	}
	if len(rs) == 0 {
		return fmt.Errorf("sqlstore: recipient %s: %w", id, store.ErrNotFound)
	}
	r := rs[0]
	var keep []store.Channel
	uses := map[string]bool{}
	for _, c := range r.Channels {
		if c == ch {
			continue
		}
		keep = append(keep, c)
		uses[addressOf(c)] = true
	}
	set := `channels = ?, updated_at = ?`
	switch addressOf(ch) {
	case "phone", "email":
		if !uses[addressOf(ch)] {
			set += `, ` + addressOf(ch) + ` = ''`
		}
	case "webhook":
		if !uses["webhook"] {
			set += `, webhook_url = '', webhook_secret = ''`
		}
	}
	res, err := s.exec(ctx, `UPDATE recipients SET `+set+` WHERE id = ? AND mode = ?`,
		joinChannels(keep), ts(s.db.clock.Now()), id, mode.From(ctx).String())
	return s.wrap(mustAffect(res, err), "sqlstore: remove channel %s of recipient %s", ch, id)
}

// addressOf names the column group holding a channel's address.
func addressOf(ch store.Channel) string {
	switch ch {
	case store.ChannelSMS:
		return "phone"
	case store.ChannelEmail:
		return "email"
	}
	return "webhook" // webhook, cbc and push: webhook_url and webhook_secret
}

func (s recipients) Count(ctx context.Context) (int, error) {
	var n int
	err := s.queryRow(ctx, `SELECT COUNT(*) FROM recipients WHERE mode = ?`, mode.From(ctx).String()).Scan(&n)
	return n, s.wrap(err, "sqlstore: count recipients")
}

// list reads recipients matching where, then their locations in one more query.
func (s recipients) list(ctx context.Context, where string, args ...any) ([]store.Recipient, error) {
	rows, err := s.query(ctx, `SELECT `+recipientColumns+` FROM recipients `+where+` ORDER BY id`, args...)
	if err != nil {
		return nil, s.wrap(err, "sqlstore: list recipients")
	}
	var out []store.Recipient
	index := map[string]int{}
	for rows.Next() {
		r, err := scanRecipient(rows)
		if err != nil {
			rows.Close()
			return nil, s.wrap(err, "sqlstore: list recipients")
		}
		index[r.ID] = len(out)
		out = append(out, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, s.wrap(err, "sqlstore: list recipients")
	}
	locs, err := s.query(ctx, `SELECT l.recipient_id, l.label, l.lat, l.lon FROM recipient_locations l JOIN recipients r ON r.id = l.recipient_id `+
		strings.ReplaceAll(strings.ReplaceAll(where, "id =", "r.id ="), "mode", "r.mode"), args...)
	if err != nil {
		return nil, s.wrap(err, "sqlstore: recipient locations")
	}
	defer locs.Close()
	for locs.Next() {
		var (
			id string
			l  store.Location
		)
		if err := locs.Scan(&id, &l.Label, &l.Lat, &l.Lon); err != nil {
			return nil, s.wrap(err, "sqlstore: recipient locations")
		}
		if i, ok := index[id]; ok {
			out[i].Locations = append(out[i].Locations, l)
		}
	}
	return out, s.wrap(locs.Err(), "sqlstore: recipient locations")
}

func joinChannels(cs []store.Channel) string {
	parts := make([]string, len(cs))
	for i, c := range cs {
		parts[i] = string(c)
	}
	return strings.Join(parts, ",")
}

func splitChannels(s string) []store.Channel {
	var out []store.Channel
	for _, p := range strings.Split(s, ",") {
		if p != "" {
			out = append(out, store.Channel(p))
		}
	}
	return out
}

type notifications struct{ q }

const notificationColumns = `id, key, message_id, alert_id, recipient_id, channel, state, attempts, next_attempt, last_error, provider_id, created_at, updated_at`

func (s notifications) Plan(ctx context.Context, ns []store.Notification) ([]store.Notification, error) {
	const perInsert = 500
	now := ts(s.db.clock.Now())
	m := mode.From(ctx).String()
	var added []store.Notification
	for start := 0; start < len(ns); start += perInsert {
		chunk := ns[start:min(start+perInsert, len(ns))]
		rows := make([]string, len(chunk))
		args := make([]any, 0, 14*len(chunk))
		byID := make(map[string]int, len(chunk))
		for i := range chunk {
			n := &chunk[i]
			if n.ID == "" {
				n.ID = ident.NewID()
			}
			if n.NextAttempt.IsZero() {
				n.NextAttempt = now
			}
			if n.State == "" {
				n.State = store.NotifyPending
			}
			n.CreatedAt, n.UpdatedAt = now, now
			byID[n.ID] = i
			rows[i] = "(" + placeholders(14) + ")"
			args = append(args, n.ID, n.Key, n.MessageID, n.AlertID, n.RecipientID, string(n.Channel), string(n.State), n.Attempts,
				ts(n.NextAttempt), n.LastError, n.ProviderID, now, now, m)
		}
		// RETURNING names the rows inserted, so a replanned message yields only what is new.
		ids, err := collect(ctx, q{db: s.db, read: s.write, write: s.write}, "plan notifications",
			func(sc scanner) (string, error) { var id string; return id, sc.Scan(&id) },
			`INSERT INTO notifications (`+notificationColumns+`, mode) VALUES `+strings.Join(rows, ", ")+`
			ON CONFLICT (key) DO NOTHING RETURNING id`, args...)
		if err != nil {
			return added, err
		}
		for _, id := range ids {
			added = append(added, chunk[byID[id]])
		}
	}
	return added, nil
}

func (s notifications) Claim(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]store.Notification, error) {
	return claimDue(ctx, s.q, "notifications", notificationColumns, now, lease, limit, func(sc scanner) (store.Notification, error) {
		var (
			n              store.Notification
			channel, state string
		)
		err := sc.Scan(&n.ID, &n.Key, &n.MessageID, &n.AlertID, &n.RecipientID, &channel, &state, &n.Attempts, &n.NextAttempt,
			&n.LastError, &n.ProviderID, &n.CreatedAt, &n.UpdatedAt)
		n.Channel, n.State = store.Channel(channel), store.NotificationState(state)
		n.NextAttempt, n.CreatedAt, n.UpdatedAt = n.NextAttempt.UTC(), n.CreatedAt.UTC(), n.UpdatedAt.UTC()
		return n, err
	})
}

func (s notifications) Update(ctx context.Context, n *store.Notification) error {
	n.UpdatedAt = ts(s.db.clock.Now())
	res, err := s.exec(ctx, `UPDATE notifications SET state = ?, attempts = ?, next_attempt = ?, last_error = ?, provider_id = ?, updated_at = ? WHERE id = ?`,
		string(n.State), n.Attempts, ts(n.NextAttempt), n.LastError, n.ProviderID, n.UpdatedAt, n.ID)
	return s.wrap(mustAffect(res, err), "sqlstore: update notification %s", n.ID)
}

func (s notifications) MarkSent(ctx context.Context, ids []string, now time.Time) error {
	const perStatement = 1000
	for start := 0; start < len(ids); start += perStatement {
		chunk := ids[start:min(start+perStatement, len(ids))]
		args := []any{ts(now)}
		for _, id := range chunk {
			args = append(args, id)
		}
		if _, err := s.exec(ctx, `UPDATE notifications SET state = 'sent', attempts = attempts + 1, last_error = '', updated_at = ?
			WHERE id IN (`+placeholders(len(chunk))+`)`, args...); err != nil {
			return s.wrap(err, "sqlstore: mark %d notifications sent", len(chunk))
		}
	}
	return nil
}

func (s notifications) Counts(ctx context.Context, messageID string) ([]store.DeliveryCount, error) {
	// Batches count their sent members and those still to handle; members that failed were
	// moved to the notification log and are counted there.
	m := mode.From(ctx).String()
	rows, err := s.query(ctx, `SELECT channel, state, SUM(n) FROM (
			SELECT channel, state, COUNT(*) AS n FROM notifications WHERE message_id = ? AND mode = ? GROUP BY channel, state
			UNION ALL SELECT channel, 'sent', SUM(sent) FROM delivery_batches WHERE message_id = ? AND mode = ? GROUP BY channel
			UNION ALL SELECT channel, 'pending', SUM(size - done) FROM delivery_batches WHERE message_id = ? AND mode = ? GROUP BY channel
		) AS counts GROUP BY channel, state HAVING SUM(n) > 0 ORDER BY channel, state`,
		messageID, m, messageID, m, messageID, m)
	if err != nil {
		return nil, s.wrap(err, "sqlstore: delivery counts")
	}
	defer rows.Close()
	var out []store.DeliveryCount
	for rows.Next() {
		var (
			c              store.DeliveryCount
			channel, state string
		)
		if err := rows.Scan(&channel, &state, &c.Count); err != nil {
			return nil, s.wrap(err, "sqlstore: delivery counts")
		}
		c.Channel, c.State = store.Channel(channel), store.NotificationState(state)
		out = append(out, c)
	}
	return out, s.wrap(rows.Err(), "sqlstore: delivery counts")
}
