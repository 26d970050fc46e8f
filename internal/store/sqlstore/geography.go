package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"

	"github.com/taawun/taawun/internal/mode"
	"github.com/taawun/taawun/internal/store"
)

type geography struct{ q }

func (q q) Geography() store.Geography    { return geography{q} }
func (db *DB) Geography() store.Geography { return db.direct().Geography() }

// cellBatch is the number of cells per multi-row INSERT (4 parameters each, well under both
// dialects' parameter limits).
const cellBatch = 500

func validLayer(l *store.GeoLayer, districts []store.District, cells []store.PopulationCell) error {
	switch {
	case !l.Kind.Valid():
		return fmt.Errorf("%w: unknown layer kind %q", store.ErrInvalidRecord, l.Kind)
	case strings.TrimSpace(l.Name) == "":
		return fmt.Errorf("%w: layer needs a name", store.ErrInvalidRecord)
	case l.Kind == store.GeoDistricts && (len(districts) == 0 || len(cells) > 0):
		return fmt.Errorf("%w: a district layer needs districts and no cells", store.ErrInvalidRecord)
	case l.Kind == store.GeoPopulation && (len(cells) == 0 || len(districts) > 0):
		return fmt.Errorf("%w: a population layer needs cells and no districts", store.ErrInvalidRecord)
	case len(districts) > store.MaxLayerDistricts:
		return fmt.Errorf("%w: %d districts, at most %d", store.ErrInvalidRecord, len(districts), store.MaxLayerDistricts)
	case len(cells) > store.MaxLayerCells:
		return fmt.Errorf("%w: %d cells, at most %d", store.ErrInvalidRecord, len(cells), store.MaxLayerCells)
	}
	for i, d := range districts {
		if d.Code == "" || d.Name == "" || !json.Valid(d.Geometry) {
			return fmt.Errorf("%w: district %d needs a code, a name and a GeoJSON geometry", store.ErrInvalidRecord, i)
		}
	}
	for i, c := range cells {
		if !(c.Lat >= -90 && c.Lat <= 90) || !(c.Lon >= -180 && c.Lon <= 180) || !(c.Population >= 0) || math.IsInf(c.Population, 0) {
			return fmt.Errorf("%w: cell %d (%v, %v, %v) out of range", store.ErrInvalidRecord, i, c.Lat, c.Lon, c.Population)
		}
	}
	return nil
}

func (s geography) ReplaceLayer(ctx context.Context, l *store.GeoLayer, districts []store.District, cells []store.PopulationCell) (string, error) {
	if err := validLayer(l, districts, cells); err != nil {
		return "", err
	}
	m := mode.From(ctx).String()
	var replaced string
	err := s.queryRow(ctx, `SELECT id FROM geo_layers WHERE mode = ? AND kind = ? AND name = ?`, m, string(l.Kind), l.Name).Scan(&replaced)
	switch {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return "", s.wrap(err, "sqlstore: find layer %q", l.Name)
	default:
		if err := s.DeleteLayer(ctx, replaced); err != nil {
			return "", err
		}
	}
	s.stamp(ctx, &l.Meta)
	l.Features, l.Population = len(districts)+len(cells), 0
	for _, c := range cells {
		l.Population += c.Population
	}
	if _, err := s.exec(ctx, `INSERT INTO geo_layers (id, origin_node, mode, kind, name, source, features, population, imported_by, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		l.ID, l.OriginNode, m, string(l.Kind), l.Name, l.Source, l.Features, l.Population, l.ImportedBy, l.CreatedAt); err != nil {
		return "", s.wrap(err, "sqlstore: create layer %q", l.Name)
	}
	for i := range districts {
		d := &districts[i]
		d.LayerID = l.ID
		names, err := json.Marshal(d.Names)
		if err != nil {
			return "", err
		}
		if _, err := s.exec(ctx, `INSERT INTO geo_districts (layer_id, mode, code, name, names, province, geometry) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			l.ID, m, d.Code, d.Name, string(names), d.Province, string(d.Geometry)); err != nil {
			return "", s.wrap(err, "sqlstore: district %q", d.Code)
		}
	}
	for lo := 0; lo < len(cells); lo += cellBatch {
		batch := cells[lo:min(lo+cellBatch, len(cells))]
		args := make([]any, 0, 4*len(batch))
		for _, c := range batch {
			args = append(args, l.ID, c.Lat, c.Lon, c.Population)
		}
		if _, err := s.exec(ctx, `INSERT INTO geo_cells (layer_id, lat, lon, population) VALUES `+
			strings.TrimSuffix(strings.Repeat("(?, ?, ?, ?), ", len(batch)), ", "), args...); err != nil {
			return "", s.wrap(err, "sqlstore: population cells %d–%d", lo, lo+len(batch))
		}
	}
	return replaced, nil
}

const geoLayerColumns = `id, origin_node, mode, kind, name, source, features, population, imported_by, created_at`

func (s geography) Layers(ctx context.Context) ([]store.GeoLayer, error) {
	return collect(ctx, s.q, "list geography layers", func(sc scanner) (store.GeoLayer, error) {
		var (
			l       store.GeoLayer
			m, kind string
		)
		if err := sc.Scan(&l.ID, &l.OriginNode, &m, &kind, &l.Name, &l.Source, &l.Features, &l.Population, &l.ImportedBy, &l.CreatedAt); err != nil {
			return l, err
		}
		l.Kind, l.CreatedAt = store.GeoLayerKind(kind), l.CreatedAt.UTC()
		l.UpdatedAt = l.CreatedAt
		var err error
		l.Mode, err = mode.Parse(m)
		return l, err
	}, `SELECT `+geoLayerColumns+` FROM geo_layers WHERE mode = ? ORDER BY kind, name`, mode.From(ctx).String())
}

func (s geography) DeleteLayer(ctx context.Context, id string) error {
	m := mode.From(ctx).String()
	if _, err := s.exec(ctx, `DELETE FROM geo_districts WHERE layer_id = ? AND mode = ?`, id, m); err != nil {
		return s.wrap(err, "sqlstore: delete districts of layer %s", id)
	}
	if _, err := s.exec(ctx, `DELETE FROM geo_cells WHERE layer_id IN (SELECT id FROM geo_layers WHERE id = ? AND mode = ?)`, id, m); err != nil {
		return s.wrap(err, "sqlstore: delete cells of layer %s", id)
	}
	res, err := s.exec(ctx, `DELETE FROM geo_layers WHERE id = ? AND mode = ?`, id, m)
	return s.wrap(mustAffect(res, err), "sqlstore: delete layer %s", id)
}

func (s geography) Districts(ctx context.Context) ([]store.District, error) {
	return collect(ctx, s.q, "list districts", func(sc scanner) (store.District, error) {
		var (
			d           store.District
			names, geom string
		)
		if err := sc.Scan(&d.LayerID, &d.Code, &d.Name, &names, &d.Province, &geom); err != nil {
			return d, err
		}
		d.Geometry = json.RawMessage(geom)
		if err := json.Unmarshal([]byte(names), &d.Names); err != nil {
			return d, fmt.Errorf("district %s names: %w", d.Code, err)
		}
		return d, nil
	}, `SELECT layer_id, code, name, names, province, geometry FROM geo_districts WHERE mode = ? ORDER BY code`, mode.From(ctx).String())
}

func (s geography) Cells(ctx context.Context) ([]store.PopulationCell, error) {
	return collect(ctx, s.q, "list population cells", func(sc scanner) (store.PopulationCell, error) {
		var c store.PopulationCell
		return c, sc.Scan(&c.Lat, &c.Lon, &c.Population)
	}, `SELECT c.lat, c.lon, c.population FROM geo_cells c JOIN geo_layers l ON l.id = c.layer_id WHERE l.mode = ?`, mode.From(ctx).String())
}
