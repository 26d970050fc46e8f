package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/taawun/taawun/internal/ident"
	"github.com/taawun/taawun/internal/mode"
	"github.com/taawun/taawun/internal/store"
)

type alerts struct{ q }

func (q q) Alerts() store.Alerts    { return alerts{q} }
func (db *DB) Alerts() store.Alerts { return db.direct().Alerts() }

const alertColumns = `id, origin_node, mode, org_id, hazard, cap_status, state, identifier, issued, expires, drafter_id, headline, created_at, updated_at`

func (s alerts) Create(ctx context.Context, a *store.Alert) error {
	if a.OrgID == "" || a.Hazard == "" || a.DrafterID == "" {
		return fmt.Errorf("%w: alert needs an organisation, a hazard and a drafter", store.ErrInvalidRecord)
	}
	s.stamp(ctx, &a.Meta)
	_, err := s.exec(ctx, `INSERT INTO alerts (`+alertColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		a.ID, a.OriginNode, a.Mode.String(), a.OrgID, a.Hazard, a.CAPStatus, string(a.State), a.Identifier, a.Issued,
		nullTS(a.Expires), a.DrafterID, a.Headline, a.CreatedAt, a.UpdatedAt)
	return s.wrap(err, "sqlstore: create alert")
}

func (s alerts) Get(ctx context.Context, id string) (store.Alert, error) {
	a, err := scanAlert(s.queryRow(ctx, `SELECT `+alertColumns+` FROM alerts WHERE id = ? AND mode = ?`, id, mode.From(ctx).String()))
	return a, s.wrap(err, "sqlstore: alert %s", id)
}

func (s alerts) Update(ctx context.Context, a *store.Alert) error {
	a.UpdatedAt = ts(s.db.clock.Now())
	res, err := s.exec(ctx, `UPDATE alerts SET hazard = ?, cap_status = ?, state = ?, identifier = ?, issued = ?, expires = ?,
		headline = ?, updated_at = ? WHERE id = ? AND mode = ?`,
		a.Hazard, a.CAPStatus, string(a.State), a.Identifier, a.Issued, nullTS(a.Expires), a.Headline, a.UpdatedAt, a.ID, mode.From(ctx).String())
	return s.wrap(mustAffect(res, err), "sqlstore: update alert %s", a.ID)
}

func (s alerts) List(ctx context.Context, f store.AlertFilter) ([]store.Alert, error) {
	query := `SELECT ` + alertColumns + ` FROM alerts WHERE mode = ?`
	args := []any{mode.From(ctx).String()}
	if f.OrgIDs != nil {
		if len(f.OrgIDs) == 0 {
			return nil, nil
		}
		query += ` AND org_id IN (` + placeholders(len(f.OrgIDs)) + `)`
		for _, id := range f.OrgIDs {
			args = append(args, id)
		}
	}
	if len(f.States) > 0 {
		query += ` AND state IN (` + placeholders(len(f.States)) + `)`
		for _, st := range f.States {
			args = append(args, string(st))
		}
	}
	query += ` ORDER BY updated_at DESC, id DESC`
	if f.Limit > 0 {
		query += ` LIMIT ?`
		args = append(args, f.Limit)
	}
	return s.listAlerts(ctx, query, args...)
}

func (s alerts) DueToExpire(ctx context.Context, now time.Time) ([]store.Alert, error) {
	return s.listAlerts(ctx, `SELECT `+alertColumns+` FROM alerts WHERE mode = ? AND state = 'issued' AND expires <= ? ORDER BY expires`,
		mode.From(ctx).String(), ts(now))
}

func (s alerts) listAlerts(ctx context.Context, query string, args ...any) ([]store.Alert, error) {
	return collect(ctx, s.q, "list alerts", scanAlert, query, args...)
}

func scanAlert(r scanner) (store.Alert, error) {
	var (
		a        store.Alert
		m, state string
		expires  sql.NullTime
	)
	err := r.Scan(&a.ID, &a.OriginNode, &m, &a.OrgID, &a.Hazard, &a.CAPStatus, &state, &a.Identifier, &a.Issued, &expires,
		&a.DrafterID, &a.Headline, &a.CreatedAt, &a.UpdatedAt)
	if err != nil {
		return a, err
	}
	a.State, a.Expires = store.AlertState(state), fromNull(expires)
	a.CreatedAt, a.UpdatedAt = a.CreatedAt.UTC(), a.UpdatedAt.UTC()
	a.Mode, err = mode.Parse(m)
	return a, err
}

const versionColumns = `id, alert_id, seq, kind, state, content, drafter_id, submitter_id, approver_id, reject_reason, created_at, updated_at, submitted_at, decided_at`

func (s alerts) CreateVersion(ctx context.Context, v *store.AlertVersion) error {
	if v.ID == "" {
		v.ID = ident.NewID()
	}
	now := ts(s.db.clock.Now())
	v.CreatedAt, v.UpdatedAt = now, now
	if v.Seq == 0 {
		if err := s.queryRow(ctx, `SELECT COALESCE(MAX(seq), 0) + 1 FROM alert_versions WHERE alert_id = ?`, v.AlertID).Scan(&v.Seq); err != nil {
			return s.wrap(err, "sqlstore: next version of alert %s", v.AlertID)
		}
	}
	_, err := s.exec(ctx, `INSERT INTO alert_versions (`+versionColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		v.ID, v.AlertID, v.Seq, string(v.Kind), string(v.State), string(v.Content), v.DrafterID, v.SubmitterID, v.ApproverID,
		v.RejectReason, v.CreatedAt, v.UpdatedAt, nullTS(v.SubmittedAt), nullTS(v.DecidedAt))
	return s.wrap(err, "sqlstore: create version of alert %s", v.AlertID)
}

func (s alerts) UpdateVersion(ctx context.Context, v *store.AlertVersion) error {
	v.UpdatedAt = ts(s.db.clock.Now())
	res, err := s.exec(ctx, `UPDATE alert_versions SET state = ?, content = ?, submitter_id = ?, approver_id = ?, reject_reason = ?,
		updated_at = ?, submitted_at = ?, decided_at = ? WHERE id = ?`,
		string(v.State), string(v.Content), v.SubmitterID, v.ApproverID, v.RejectReason, v.UpdatedAt, nullTS(v.SubmittedAt), nullTS(v.DecidedAt), v.ID)
	return s.wrap(mustAffect(res, err), "sqlstore: update version %s", v.ID)
}

func (s alerts) Versions(ctx context.Context, alertID string) ([]store.AlertVersion, error) {
	return s.listVersions(ctx, `SELECT `+prefixed("v.", versionColumns)+` FROM alert_versions v JOIN alerts a ON a.id = v.alert_id
		WHERE v.alert_id = ? AND a.mode = ? ORDER BY v.seq`, alertID, mode.From(ctx).String())
}

func (s alerts) Submitted(ctx context.Context, orgIDs []string) ([]store.AlertVersion, error) {
	if len(orgIDs) == 0 {
		return nil, nil
	}
	args := []any{mode.From(ctx).String()}
	for _, id := range orgIDs {
		args = append(args, id)
	}
	return s.listVersions(ctx, `SELECT `+prefixed("v.", versionColumns)+` FROM alert_versions v JOIN alerts a ON a.id = v.alert_id
		WHERE v.state = 'submitted' AND a.mode = ? AND a.org_id IN (`+placeholders(len(orgIDs))+`) ORDER BY v.submitted_at`, args...)
}

func (s alerts) listVersions(ctx context.Context, query string, args ...any) ([]store.AlertVersion, error) {
	return collect(ctx, s.q, "list alert versions", scanVersion, query, args...)
}

func scanVersion(r scanner) (store.AlertVersion, error) {
	var (
		v                    store.AlertVersion
		kind, state, content string
		submitted, decided   sql.NullTime
	)
	if err := r.Scan(&v.ID, &v.AlertID, &v.Seq, &kind, &state, &content, &v.DrafterID, &v.SubmitterID, &v.ApproverID,
		&v.RejectReason, &v.CreatedAt, &v.UpdatedAt, &submitted, &decided); err != nil {
		return v, err
	}
	v.Kind, v.State, v.Content = store.VersionKind(kind), store.VersionState(state), []byte(content)
	v.SubmittedAt, v.DecidedAt = fromNull(submitted), fromNull(decided)
	v.CreatedAt, v.UpdatedAt = v.CreatedAt.UTC(), v.UpdatedAt.UTC()
	return v, nil
}

const messageColumns = `id, alert_id, version_id, org_id, identifier, msg_type, cap_status, sent, expires, xml`

func (s alerts) AddMessage(ctx context.Context, m *store.AlertMessage) error {
	if m.ID == "" {
		m.ID = ident.NewID()
	}
	_, err := s.exec(ctx, `INSERT INTO alert_messages (`+messageColumns+`, mode) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		m.ID, m.AlertID, m.VersionID, m.OrgID, m.Identifier, m.MsgType, m.CAPStatus, ts(m.Sent), ts(m.Expires), string(m.XML), mode.From(ctx).String())
	return s.wrap(err, "sqlstore: add message %s", m.Identifier)
}

func (s alerts) Messages(ctx context.Context, alertID string) ([]store.AlertMessage, error) {
	return s.listMessages(ctx, `SELECT `+messageColumns+` FROM alert_messages WHERE alert_id = ? AND mode = ? ORDER BY sent, id`,
		alertID, mode.From(ctx).String())
}

func (s alerts) Message(ctx context.Context, ref string) (store.AlertMessage, error) {
	ms, err := s.listMessages(ctx, `SELECT `+messageColumns+` FROM alert_messages WHERE (id = ? OR identifier = ?) AND mode = ?`,
		ref, ref, mode.From(ctx).String())
	if err == nil && len(ms) == 0 {
		err = sql.ErrNoRows
	}
	if err != nil {
		return store.AlertMessage{}, s.wrap(err, "sqlstore: message %s", ref)
	}
	return ms[0], nil
}

func (s alerts) Current(ctx context.Context, capStatus string, cancelledSince time.Time, limit int) ([]store.AlertMessage, error) {
	return s.listMessages(ctx, `SELECT `+prefixed("m.", messageColumns)+` FROM alert_messages m JOIN alerts a ON a.id = m.alert_id
		WHERE a.mode = ? AND m.cap_status = ?
		  AND (a.state = 'issued' OR (a.state = 'cancelled' AND m.sent > ?))
		  AND m.sent = (SELECT MAX(m2.sent) FROM alert_messages m2 WHERE m2.alert_id = m.alert_id)
		ORDER BY m.sent DESC LIMIT ?`, mode.From(ctx).String(), capStatus, ts(cancelledSince), limit)
}

func (s alerts) listMessages(ctx context.Context, query string, args ...any) ([]store.AlertMessage, error) {
	return collect(ctx, s.q, "list alert messages", scanMessage, query, args...)
}

func scanMessage(r scanner) (store.AlertMessage, error) {
	var (
		m   store.AlertMessage
		xml string
	)
	if err := r.Scan(&m.ID, &m.AlertID, &m.VersionID, &m.OrgID, &m.Identifier, &m.MsgType, &m.CAPStatus, &m.Sent, &m.Expires, &xml); err != nil {
		return m, err
	}
	m.XML, m.Sent, m.Expires = []byte(xml), m.Sent.UTC(), m.Expires.UTC()
	return m, nil
}

// placeholders returns n comma-separated '?'.
func placeholders(n int) string {
	return "?" + strings.Repeat(", ?", n-1)
}

// prefixed qualifies each column of a list with a table alias.
func prefixed(alias, columns string) string {
	parts := strings.Split(columns, ", ")
	for i, p := range parts {
		parts[i] = alias + p
	}
	return strings.Join(parts, ", ")
}
