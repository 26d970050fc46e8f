package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/taawun/taawun/internal/ident"
	"github.com/taawun/taawun/internal/mode"
	"github.com/taawun/taawun/internal/store"
)

type orgs struct{ q }

const orgColumns = `id, origin_node, mode, name, names, short_name, country, tier, parent_id, jurisdiction, created_at, updated_at`

// stamp fills in the metadata every new record gets.
func (q q) stamp(ctx context.Context, m *store.Meta) {
	if m.ID == "" {
		m.ID = ident.NewID()
	}
	if m.OriginNode == "" {
		m.OriginNode = q.db.node
	}
	m.Mode = mode.From(ctx)
	now := ts(q.db.clock.Now())
	m.CreatedAt, m.UpdatedAt = now, now
}

func checkOrg(o *store.Org) error {
	switch {
	case o.Name == "":
		return fmt.Errorf("%w: organisation name is empty", store.ErrInvalidRecord)
	case len(o.Country) != 2:
		return fmt.Errorf("%w: organisation country %q is not an ISO 3166-1 alpha-2 code", store.ErrInvalidRecord, o.Country)
	case !o.Tier.Valid():
		return fmt.Errorf("%w: organisation tier %q is not national, provincial or district", store.ErrInvalidRecord, o.Tier)
	case len(o.Jurisdiction) > 0 && !json.Valid(o.Jurisdiction):
		return fmt.Errorf("%w: organisation jurisdiction is not valid JSON", store.ErrInvalidRecord)
	}
	return nil
}

func (s orgs) Create(ctx context.Context, o *store.Org) error {
	if err := checkOrg(o); err != nil {
		return err
	}
	s.stamp(ctx, &o.Meta)
	names, err := json.Marshal(o.Names)
	if err != nil {
		return fmt.Errorf("sqlstore: create organisation: names: %w", err)
	}
	_, err = s.exec(ctx, `INSERT INTO organisations (`+orgColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		o.ID, o.OriginNode, o.Mode.String(), o.Name, string(names), o.ShortName, o.Country, string(o.Tier),
		nullString(o.ParentID), string(o.Jurisdiction), o.CreatedAt, o.UpdatedAt)
	return s.wrap(err, "sqlstore: create organisation %q", o.Name)
}

func (s orgs) Get(ctx context.Context, id string) (store.Org, error) {
	row := s.queryRow(ctx, `SELECT `+orgColumns+` FROM organisations WHERE id = ? AND mode = ?`, id, mode.From(ctx).String())
	o, err := scanOrg(row)
	return o, s.wrap(err, "sqlstore: organisation %s", id)
}

func (s orgs) List(ctx context.Context) ([]store.Org, error) {
	return collect(ctx, s.q, "list organisations", scanOrg, `SELECT `+orgColumns+` FROM organisations WHERE mode = ?
		ORDER BY CASE tier WHEN 'national' THEN 0 WHEN 'provincial' THEN 1 ELSE 2 END, country, name`, mode.From(ctx).String())
}

func (s orgs) Update(ctx context.Context, o *store.Org) error {
	if err := checkOrg(o); err != nil {
		return err
	}
	names, err := json.Marshal(o.Names)
	if err != nil {
		return fmt.Errorf("sqlstore: update organisation: names: %w", err)
	}
	o.UpdatedAt = ts(s.db.clock.Now())
	res, err := s.exec(ctx, `UPDATE organisations SET name = ?, names = ?, short_name = ?, country = ?, tier = ?,
		parent_id = ?, jurisdiction = ?, updated_at = ? WHERE id = ? AND mode = ?`,
		o.Name, string(names), o.ShortName, o.Country, string(o.Tier), nullString(o.ParentID), string(o.Jurisdiction),
		o.UpdatedAt, o.ID, mode.From(ctx).String())
	return s.wrap(mustAffect(res, err), "sqlstore: update organisation %s", o.ID)
}

func (s orgs) Count(ctx context.Context) (int, error) {
	var n int
	err := s.queryRow(ctx, `SELECT COUNT(*) FROM organisations WHERE mode = ?`, mode.From(ctx).String()).Scan(&n)
	return n, s.wrap(err, "sqlstore: count organisations")
}

// scanner is what *sql.Row and *sql.Rows have in common.
type scanner interface{ Scan(dest ...any) error }

func scanOrg(r scanner) (store.Org, error) {
	var (
		o                     store.Org
		m, names, tier, juris string
		parent                sql.NullString
	)
	if err := r.Scan(&o.ID, &o.OriginNode, &m, &o.Name, &names, &o.ShortName, &o.Country, &tier, &parent, &juris, &o.CreatedAt, &o.UpdatedAt); err != nil {
		return o, err
	}
	var err error
	if o.Mode, err = mode.Parse(m); err != nil {
		return o, err
	}
	if err := json.Unmarshal([]byte(names), &o.Names); err != nil {
		return o, fmt.Errorf("names: %w", err)
	}
	o.Tier, o.ParentID = store.Tier(tier), parent.String
	if juris != "" {
		o.Jurisdiction = json.RawMessage(juris)
	}
	o.CreatedAt, o.UpdatedAt = o.CreatedAt.UTC(), o.UpdatedAt.UTC()
	return o, nil
}

func nullString(s string) sql.NullString { return sql.NullString{String: s, Valid: s != ""} }

// mustAffect turns an UPDATE or DELETE that matched no row into sql.ErrNoRows.
func mustAffect(res sql.Result, err error) error {
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return sql.ErrNoRows
	}
	return nil
}
