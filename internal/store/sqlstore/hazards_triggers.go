package sqlstore

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/taawun/taawun/internal/mode"
	"github.com/taawun/taawun/internal/store"
)

type triggerRules struct{ q }
type triggerDrafts struct{ q }

func (q q) TriggerRules() store.TriggerRules      { return triggerRules{q} }
func (db *DB) TriggerRules() store.TriggerRules   { return db.direct().TriggerRules() }
func (q q) TriggerDrafts() store.TriggerDrafts    { return triggerDrafts{q} }
func (db *DB) TriggerDrafts() store.TriggerDrafts { return db.direct().TriggerDrafts() }

const ruleColumns = `id, origin_node, mode, org_id, name, hazard_types, min_magnitude, min_severity, min_population, regions, polygon,
	languages, enabled, created_by, created_at, updated_at`

func checkRule(r *store.TriggerRule) error {
	if r.OrgID == "" || strings.TrimSpace(r.Name) == "" || r.MinMagnitude < 0 || r.MinPopulation < 0 {
		return fmt.Errorf("%w: a trigger rule needs an organisation, a name and no negative minimum", store.ErrInvalidRecord)
	}
	return nil
}

func (s triggerRules) Create(ctx context.Context, r *store.TriggerRule) error {
	if err := checkRule(r); err != nil {
		return err
	}
	s.stamp(ctx, &r.Meta)
	_, err := s.exec(ctx, `INSERT INTO trigger_rules (`+ruleColumns+`) VALUES (`+placeholders(16)+`)`,
		r.ID, r.OriginNode, r.Mode.String(), r.OrgID, r.Name, joinList(r.HazardTypes), r.MinMagnitude, r.MinSeverity, r.MinPopulation,
		joinList(r.Regions), string(r.Polygon), joinList(r.Languages), boolInt(r.Enabled), r.CreatedBy, r.CreatedAt, r.UpdatedAt)
	return s.wrap(err, "sqlstore: create trigger rule")
}

func (s triggerRules) Get(ctx context.Context, id string) (store.TriggerRule, error) {
	r, err := scanRule(s.queryRow(ctx, `SELECT `+ruleColumns+` FROM trigger_rules WHERE id = ? AND mode = ?`, id, mode.From(ctx).String()))
	return r, s.wrap(err, "sqlstore: trigger rule %s", id)
}

func (s triggerRules) List(ctx context.Context, orgIDs []string) ([]store.TriggerRule, error) {
	query := `SELECT ` + ruleColumns + ` FROM trigger_rules WHERE mode = ?`
	args := []any{mode.From(ctx).String()}
	if orgIDs != nil {
		if len(orgIDs) == 0 {
			return nil, nil
		}
		query += ` AND org_id IN (` + placeholders(len(orgIDs)) + `)`
		for _, id := range orgIDs {
			args = append(args, id)
		}
	}
	return collect(ctx, s.q, "list trigger rules", scanRule, query+` ORDER BY name, id`, args...)
}

func (s triggerRules) Update(ctx context.Context, r *store.TriggerRule) error {
	if err := checkRule(r); err != nil {
		return err
	}
	r.UpdatedAt = ts(s.db.clock.Now())
	res, err := s.exec(ctx, `UPDATE trigger_rules SET name = ?, hazard_types = ?, min_magnitude = ?, min_severity = ?, min_population = ?,
		regions = ?, polygon = ?, languages = ?, enabled = ?, updated_at = ? WHERE id = ? AND mode = ?`,
		r.Name, joinList(r.HazardTypes), r.MinMagnitude, r.MinSeverity, r.MinPopulation, joinList(r.Regions), string(r.Polygon),
		joinList(r.Languages), boolInt(r.Enabled), r.UpdatedAt, r.ID, mode.From(ctx).String())
	return s.wrap(mustAffect(res, err), "sqlstore: update trigger rule %s", r.ID)
}

func (s triggerRules) Delete(ctx context.Context, id string) error {
	res, err := s.exec(ctx, `DELETE FROM trigger_rules WHERE id = ? AND mode = ?`, id, mode.From(ctx).String())
	return s.wrap(mustAffect(res, err), "sqlstore: delete trigger rule %s", id)
}

func scanRule(r scanner) (store.TriggerRule, error) {
	var (
		x                                 store.TriggerRule
		m, types, regions, polygon, langs string
		enabled                           int64
	)
	err := r.Scan(&x.ID, &x.OriginNode, &m, &x.OrgID, &x.Name, &types, &x.MinMagnitude, &x.MinSeverity, &x.MinPopulation, &regions, &polygon,
		&langs, &enabled, &x.CreatedBy, &x.CreatedAt, &x.UpdatedAt)
	if err != nil {
		return x, err
	}
	x.HazardTypes, x.Regions, x.Languages, x.Enabled = splitList(types), splitList(regions), splitList(langs), enabled != 0
	if polygon != "" {
		x.Polygon = []byte(polygon)
	}
	x.CreatedAt, x.UpdatedAt = x.CreatedAt.UTC(), x.UpdatedAt.UTC()
	x.Mode, err = mode.Parse(m)
	return x, err
}

const triggerDraftColumns = `event_id, rule_id, org_id, alert_id, state, reason, event_revision, created_at, updated_at`

func (s triggerDrafts) Claim(ctx context.Context, d *store.TriggerDraft) error {
	now := ts(s.db.clock.Now())
	d.CreatedAt, d.UpdatedAt = now, now
	if d.State == "" {
		d.State = store.TriggerPending
	}
	_, err := s.exec(ctx, `INSERT INTO trigger_drafts (`+triggerDraftColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		d.EventID, d.RuleID, d.OrgID, d.AlertID, string(d.State), d.Reason, d.EventRevision, d.CreatedAt, d.UpdatedAt)
	return s.wrap(err, "sqlstore: claim trigger draft %s/%s", d.EventID, d.RuleID)
}

func (s triggerDrafts) Get(ctx context.Context, eventID, ruleID string) (store.TriggerDraft, error) {
	d, err := scanTriggerDraft(s.queryRow(ctx, `SELECT `+triggerDraftColumns+` FROM trigger_drafts WHERE event_id = ? AND rule_id = ?`, eventID, ruleID))
	return d, s.wrap(err, "sqlstore: trigger draft %s/%s", eventID, ruleID)
}

func (s triggerDrafts) Update(ctx context.Context, d *store.TriggerDraft) error {
	d.UpdatedAt = ts(s.db.clock.Now())
	res, err := s.exec(ctx, `UPDATE trigger_drafts SET alert_id = ?, state = ?, reason = ?, event_revision = ?, updated_at = ? WHERE event_id = ? AND rule_id = ?`,
		d.AlertID, string(d.State), d.Reason, d.EventRevision, d.UpdatedAt, d.EventID, d.RuleID)
	return s.wrap(mustAffect(res, err), "sqlstore: update trigger draft %s/%s", d.EventID, d.RuleID)
}

func (s triggerDrafts) ForEvent(ctx context.Context, eventID string) ([]store.TriggerDraft, error) {
	return collect(ctx, s.q, "trigger drafts of event", scanTriggerDraft,
		`SELECT `+triggerDraftColumns+` FROM trigger_drafts WHERE event_id = ? ORDER BY created_at, rule_id`, eventID)
}

func (s triggerDrafts) ForEvents(ctx context.Context, eventIDs []string) ([]store.TriggerDraft, error) {
	var out []store.TriggerDraft
	for chunk := range slices.Chunk(eventIDs, idsPerQuery) {
		args := make([]any, len(chunk))
		for i, id := range chunk {
			args[i] = id
		}
		ds, err := collect(ctx, s.q, "trigger drafts of events", scanTriggerDraft,
			`SELECT `+triggerDraftColumns+` FROM trigger_drafts WHERE event_id IN (`+placeholders(len(chunk))+`)`, args...)
		if err != nil {
			return nil, err
		}
		out = append(out, ds...)
	}
	return out, nil
}

func scanTriggerDraft(r scanner) (store.TriggerDraft, error) {
	var (
		d     store.TriggerDraft
		state string
	)
	err := r.Scan(&d.EventID, &d.RuleID, &d.OrgID, &d.AlertID, &state, &d.Reason, &d.EventRevision, &d.CreatedAt, &d.UpdatedAt)
	d.State, d.CreatedAt, d.UpdatedAt = store.TriggerState(state), d.CreatedAt.UTC(), d.UpdatedAt.UTC()
	return d, err
}

// joinList stores a short list of codes as comma-separated text.
func joinList(xs []string) string { return strings.Join(xs, ",") }

func splitList(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}
