package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/taawun/taawun/internal/mode"
	"github.com/taawun/taawun/internal/store"
)

type opsRecords struct{ q }

func (q q) OpsRecords() store.OpsRecords    { return opsRecords{q} }
func (db *DB) OpsRecords() store.OpsRecords { return db.direct().OpsRecords() }

const opsColumns = `id, origin_node, mode, kind, org_id, incident_id, status, title, geometry, min_lon, min_lat, max_lon, max_lat, data, created_at, updated_at`

func checkOpsRecord(r *store.OpsRecord) error {
	known := false
	for _, k := range store.OpsKinds() {
		known = known || k == r.Kind
	}
	switch {
	case !known:
		return fmt.Errorf("%w: unknown operational record kind %q", store.ErrInvalidRecord, r.Kind)
	case r.OrgID == "" || r.Status == "" || r.Title == "":
		return fmt.Errorf("%w: %s needs an organisation, a status and a title", store.ErrInvalidRecord, r.Kind)
	case len(r.Data) > 0 && !json.Valid(r.Data):
		return fmt.Errorf("%w: %s data is not JSON", store.ErrInvalidRecord, r.Kind)
	case len(r.Geometry) > 0 && r.Box == nil:
		return fmt.Errorf("%w: %s geometry without a bounding box", store.ErrInvalidRecord, r.Kind)
	}
	return nil
}

// boxArgs spreads a bounding box into four nullable columns.
func boxArgs(b *store.BBox) []any {
	if b == nil {
		return []any{nil, nil, nil, nil}
	}
	return []any{b.MinLon, b.MinLat, b.MaxLon, b.MaxLat}
}

func dataOrEmpty(d json.RawMessage) string {
	if len(d) == 0 {
		return "{}"
	}
	return string(d)
}

func (s opsRecords) Create(ctx context.Context, r *store.OpsRecord) error {
	if err := checkOpsRecord(r); err != nil {
		return err
	}
	s.stamp(ctx, &r.Meta)
	args := append([]any{r.ID, r.OriginNode, r.Mode.String(), string(r.Kind), r.OrgID, r.IncidentID, r.Status, r.Title, string(r.Geometry)},
		boxArgs(r.Box)...)
	args = append(args, dataOrEmpty(r.Data), r.CreatedAt, r.UpdatedAt)
	_, err := s.exec(ctx, `INSERT INTO ops_records (`+opsColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, args...)
	return s.wrap(err, "sqlstore: create %s", r.Kind)
}

func (s opsRecords) Get(ctx context.Context, id string) (store.OpsRecord, error) {
	r, err := scanOpsRecord(s.queryRow(ctx, `SELECT `+opsColumns+` FROM ops_records WHERE id = ? AND mode = ?`, id, mode.From(ctx).String()))
	return r, s.wrap(err, "sqlstore: operational record %s", id)
}

func (s opsRecords) Update(ctx context.Context, r *store.OpsRecord) error {
	if err := checkOpsRecord(r); err != nil {
		return err
	}
	r.UpdatedAt = ts(s.db.clock.Now())
	args := append([]any{r.IncidentID, r.Status, r.Title, string(r.Geometry)}, boxArgs(r.Box)...)
	args = append(args, dataOrEmpty(r.Data), r.UpdatedAt, r.ID, mode.From(ctx).String())
	res, err := s.exec(ctx, `UPDATE ops_records SET incident_id = ?, status = ?, title = ?, geometry = ?, min_lon = ?, min_lat = ?,
		max_lon = ?, max_lat = ?, data = ?, updated_at = ? WHERE id = ? AND mode = ?`, args...)
	return s.wrap(mustAffect(res, err), "sqlstore: update %s %s", r.Kind, r.ID)
}

// opsWhere builds the WHERE clause of a filter.
func opsWhere(ctx context.Context, d dialect, f store.OpsFilter) (string, []any) {
	var b strings.Builder
	b.WriteString(` WHERE r.mode = ?`)
	args := []any{mode.From(ctx).String()}
	if f.Viewer != nil {
		// An empty scope still needs a well-formed list; '' matches no organisation.
		scope := f.Viewer.Scope
		if len(scope) == 0 {
			scope = []string{""}
		}
		b.WriteString(` AND (r.org_id IN (` + placeholders(len(scope)) + `)`)
		for _, id := range scope {
			args = append(args, id)
		}
		b.WriteString(` OR EXISTS (SELECT 1 FROM ops_shares sh WHERE sh.record_id = r.id AND sh.org_id = ?))`)
		args = append(args, f.Viewer.OrgID)
	}
	if len(f.Kinds) > 0 {
		b.WriteString(` AND r.kind IN (` + placeholders(len(f.Kinds)) + `)`)
		for _, k := range f.Kinds {
			args = append(args, string(k))
		}
	}
	if f.IncidentID != "" {
		b.WriteString(` AND r.incident_id = ?`)
		args = append(args, f.IncidentID)
	}
	if len(f.Statuses) > 0 {
		b.WriteString(` AND r.status IN (` + placeholders(len(f.Statuses)) + `)`)
		for _, st := range f.Statuses {
			args = append(args, st)
		}
	}
	if f.Box != nil {
		if d.name() == "postgres" {
			// Matches the GiST index on the same expression (migration 0008).
			b.WriteString(` AND box(point(r.min_lon, r.min_lat), point(r.max_lon, r.max_lat)) && box(point(?, ?), point(?, ?))`)
			args = append(args, f.Box.MinLon, f.Box.MinLat, f.Box.MaxLon, f.Box.MaxLat)
		} else {
			b.WriteString(` AND r.min_lon <= ? AND r.max_lon >= ? AND r.min_lat <= ? AND r.max_lat >= ?`)
			args = append(args, f.Box.MaxLon, f.Box.MinLon, f.Box.MaxLat, f.Box.MinLat)
		}
	}
	if f.AfterID != "" {
		b.WriteString(` AND r.id > ?`)
		args = append(args, f.AfterID)
	}
	return b.String(), args
}

func (s opsRecords) List(ctx context.Context, f store.OpsFilter) ([]store.OpsRecord, error) {
	where, args := opsWhere(ctx, s.db.dialect, f)
	query := `SELECT ` + prefixed("r.", opsColumns) + ` FROM ops_records r` + where
	if f.PerKind > 0 {
		query = `SELECT ` + opsColumns + ` FROM (SELECT ` + prefixed("r.", opsColumns) + `, ROW_NUMBER() OVER (PARTITION BY r.kind) AS per_kind
			FROM ops_records r` + where + `) r WHERE per_kind <= ?`
		args = append(args, f.PerKind)
	}
	// A box query is answered from the spatial index in no particular order: ordering by id
	// would make the planner walk the whole table in id order instead.
	if f.Box == nil {
		query += ` ORDER BY r.id`
	}
	if f.Limit > 0 {
		query += ` LIMIT ?`
		args = append(args, f.Limit)
	}
	return collect(ctx, s.q, "list operational records", scanOpsRecord, query, args...)
}

func (s opsRecords) Count(ctx context.Context, f store.OpsFilter) (map[store.OpsKind]map[string]int, error) {
	where, args := opsWhere(ctx, s.db.dialect, f)
	type row struct {
		kind, status string
		n            int
	}
	rows, err := collect(ctx, s.q, "count operational records", func(sc scanner) (row, error) {
		var r row
		return r, sc.Scan(&r.kind, &r.status, &r.n)
	}, `SELECT r.kind, r.status, COUNT(*) FROM ops_records r`+where+` GROUP BY r.kind, r.status`, args...)
	if err != nil {
		return nil, err
	}
	out := map[store.OpsKind]map[string]int{}
	for _, r := range rows {
		k := store.OpsKind(r.kind)
		if out[k] == nil {
			out[k] = map[string]int{}
		}
		out[k][r.status] = r.n
	}
	return out, nil
}

func (s opsRecords) Share(ctx context.Context, recordID, orgID string) error {
	_, err := s.exec(ctx, `INSERT INTO ops_shares (record_id, org_id) VALUES (?, ?) ON CONFLICT DO NOTHING`, recordID, orgID)
	return s.wrap(err, "sqlstore: share %s with %s", recordID, orgID)
}

func (s opsRecords) Shares(ctx context.Context, recordID string) ([]string, error) {
	return collect(ctx, s.q, "list shares", func(sc scanner) (string, error) {
		var id string
		return id, sc.Scan(&id)
	}, `SELECT org_id FROM ops_shares WHERE record_id = ? ORDER BY org_id`, recordID)
}

func (s opsRecords) SharesOf(ctx context.Context, recordIDs []string) (map[string][]string, error) {
	out := map[string][]string{}
	if len(recordIDs) == 0 {
		return out, nil
	}
	args := make([]any, len(recordIDs))
	for i, id := range recordIDs {
		args[i] = id
	}
	type share struct{ record, org string }
	rows, err := collect(ctx, s.q, "list shares", func(sc scanner) (share, error) {
		var sh share
		return sh, sc.Scan(&sh.record, &sh.org)
	}, `SELECT record_id, org_id FROM ops_shares WHERE record_id IN (`+placeholders(len(recordIDs))+`) ORDER BY record_id, org_id`, args...)
	for _, sh := range rows {
		out[sh.record] = append(out[sh.record], sh.org)
	}
	return out, err
}

func (s opsRecords) Visible(ctx context.Context, recordID string, v store.Viewer) (bool, error) {
	where, args := opsWhere(ctx, s.db.dialect, store.OpsFilter{Viewer: &v})
	var n int
	err := s.queryRow(ctx, `SELECT COUNT(*) FROM ops_records r`+where+` AND r.id = ?`, append(args, recordID)...).Scan(&n)
	return n > 0, s.wrap(err, "sqlstore: visibility of %s", recordID)
}

func scanOpsRecord(sc scanner) (store.OpsRecord, error) {
	var (
		r                              store.OpsRecord
		m, kind, geometry, data        string
		minLon, minLat, maxLon, maxLat sql.NullFloat64
	)
	if err := sc.Scan(&r.ID, &r.OriginNode, &m, &kind, &r.OrgID, &r.IncidentID, &r.Status, &r.Title, &geometry,
		&minLon, &minLat, &maxLon, &maxLat, &data, &r.CreatedAt, &r.UpdatedAt); err != nil {
		return r, err
	}
	r.Kind, r.Data = store.OpsKind(kind), json.RawMessage(data)
	if geometry != "" {
		r.Geometry = json.RawMessage(geometry)
	}
	if minLon.Valid {
		r.Box = &store.BBox{MinLon: minLon.Float64, MinLat: minLat.Float64, MaxLon: maxLon.Float64, MaxLat: maxLat.Float64}
	}
	r.CreatedAt, r.UpdatedAt = r.CreatedAt.UTC(), r.UpdatedAt.UTC()
	var err error
	r.Mode, err = mode.Parse(m)
	return r, err
}
