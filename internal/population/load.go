package population

import (
	"context"
	"fmt"

	"github.com/taawun/taawun/internal/gazetteer"
	"github.com/taawun/taawun/internal/geodata"
	"github.com/taawun/taawun/internal/store"
)

// Load builds a model from the layers stored for the context's mode: the
// embedded regions and places, the imported districts and grid cells.
func Load(ctx context.Context, g store.Geography) (*Model, error) {
	ds, err := g.Districts(ctx)
	if err != nil {
		return nil, fmt.Errorf("population: load districts: %w", err)
	}
	districts := make([]gazetteer.District, 0, len(ds))
	for _, d := range ds {
		mp, err := geodata.ReadMultiPolygon(d.Geometry)
		if err != nil {
			return nil, fmt.Errorf("population: district %s: %w", d.Code, err)
		}
		districts = append(districts, gazetteer.District{Code: d.Code, Name: d.Name, Names: d.Names, Province: d.Province, Geometry: mp})
	}
	gaz, err := gazetteer.WithDistricts(districts)
	if err != nil {
		return nil, err
	}
	sc, err := g.Cells(ctx)
	if err != nil {
		return nil, fmt.Errorf("population: load grid: %w", err)
	}
	cells := make([]Cell, len(sc))
	for i, c := range sc {
		cells[i] = Cell(c)
	}
	return NewModel(gaz, cells)
}
