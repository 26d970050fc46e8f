package sqlstore

import (
	"context"
	"fmt"
	"time"

	"github.com/taawun/taawun/internal/mode"
	"github.com/taawun/taawun/internal/store"
)

// sitreps stores situation reports.
type sitreps struct{ q }

func (q q) Sitreps() store.Sitreps    { return sitreps{q} }
func (db *DB) Sitreps() store.Sitreps { return db.direct().Sitreps() }

const sitrepColumns = `id, origin_node, mode, incident_id, org_id, author_id, area_code, as_of, dead, injured, missing, affected, displaced,
	evacuated, houses_damaged, houses_destroyed, livestock_lost, roads_damaged_km, bridges_damaged, needs, created_at`

func (s sitreps) Create(ctx context.Context, r *store.Sitrep) error {
	if r.IncidentID == "" || r.OrgID == "" || r.AuthorID == "" || r.AreaCode == "" || r.AsOf.IsZero() {
		return fmt.Errorf("%w: situation report needs an incident, an organisation, an author, an area and a time", store.ErrInvalidRecord)
	}
	s.stamp(ctx, &r.Meta)
	f := r.Figures
	_, err := s.exec(ctx, `INSERT INTO ops_sitreps (`+sitrepColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		r.ID, r.OriginNode, r.Mode.String(), r.IncidentID, r.OrgID, r.AuthorID, r.AreaCode, ts(r.AsOf), f.Dead, f.Injured, f.Missing,
		f.Affected, f.Displaced, f.Evacuated, f.HousesDamaged, f.HousesDestroyed, f.LivestockLost, f.RoadsDamagedKm, f.BridgesDamaged,
		r.Needs, r.CreatedAt)
	return s.wrap(err, "sqlstore: create situation report")
}

func (s sitreps) List(ctx context.Context, incidentID string, asOf time.Time) ([]store.Sitrep, error) {
	query := `SELECT ` + sitrepColumns + ` FROM ops_sitreps WHERE incident_id = ? AND mode = ?`
	args := []any{incidentID, mode.From(ctx).String()}
	if !asOf.IsZero() {
		query += ` AND as_of <= ?`
		args = append(args, ts(asOf))
	}
	return collect(ctx, s.q, "list situation reports", scanSitrep, query+` ORDER BY area_code, as_of, id`, args...)
}

func scanSitrep(sc scanner) (store.Sitrep, error) {
	var (
		r store.Sitrep
		m string
	)
	f := &r.Figures
	if err := sc.Scan(&r.ID, &r.OriginNode, &m, &r.IncidentID, &r.OrgID, &r.AuthorID, &r.AreaCode, &r.AsOf, &f.Dead, &f.Injured,
		&f.Missing, &f.Affected, &f.Displaced, &f.Evacuated, &f.HousesDamaged, &f.HousesDestroyed, &f.LivestockLost,
		&f.RoadsDamagedKm, &f.BridgesDamaged, &r.Needs, &r.CreatedAt); err != nil {
		return r, err
	}
	r.AsOf, r.CreatedAt, r.UpdatedAt = r.AsOf.UTC(), r.CreatedAt.UTC(), r.CreatedAt.UTC()
	var err error
	r.Mode, err = mode.Parse(m)
	return r, err
}
