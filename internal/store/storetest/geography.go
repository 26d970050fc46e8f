package storetest

import (
	"context"
	"encoding/json"
	"errors"
	"testing"

	"github.com/taawun/taawun/internal/clock"
	"github.com/taawun/taawun/internal/mode"
	"github.com/taawun/taawun/internal/store"
)

func square(lon, lat float64) json.RawMessage {
	g, _ := json.Marshal(map[string]any{"type": "Polygon", "coordinates": [][][2]float64{{{lon, lat}, {lon + 1, lat}, {lon + 1, lat + 1}, {lon, lat + 1}, {lon, lat}}}})
	return g
}

func testGeography(t *testing.T, s store.Store, _ *clock.Manual) {
	ctx := context.Background()
	replace := func(ctx context.Context, l *store.GeoLayer, ds []store.District, cs []store.PopulationCell) (string, error) {
		var replaced string
		err := s.WithTx(ctx, func(tx store.Tx) error {
			var err error
			if replaced, err = tx.Geography().ReplaceLayer(ctx, l, ds, cs); err != nil {
				return err
			}
			return tx.Record(ctx, store.Change{Actor: "u1", Action: "geography.imported", EntityType: "geo_layer", EntityID: l.ID, After: l})
		})
		return replaced, err
	}
	districts := []store.District{
		{Code: "PK-IS-01", Name: "Islamabad", Names: map[string]string{"ur": "اسلام آباد"}, Province: "PK-IS", Geometry: square(73, 33.5)},
		{Code: "PK-PB-01", Name: "Rawalpindi", Geometry: square(73, 32.5)},
	}
	dl := store.GeoLayer{Kind: store.GeoDistricts, Name: "PK districts", Source: "test.geojson", ImportedBy: "u1"}
	if rep, err := replace(ctx, &dl, districts, nil); err != nil || rep != "" || dl.ID == "" || dl.Features != 2 {
		t.Fatalf("import districts: %q %v %+v", rep, err, dl)
	}
	cells := []store.PopulationCell{{Lat: 33.7, Lon: 73.1, Population: 1000.5}, {Lat: 33.8, Lon: 73.2, Population: 2000}}
	pl := store.GeoLayer{Kind: store.GeoPopulation, Name: "PK grid"}
	if _, err := replace(ctx, &pl, nil, cells); err != nil || pl.Population != 3000.5 {
		t.Fatalf("import grid: %v %+v", err, pl)
	}
	// Big grids go in batches.
	big := make([]store.PopulationCell, 1234)
	for i := range big {
		big[i] = store.PopulationCell{Lat: 40 + float64(i)/1000, Lon: 70, Population: 1}
	}
	bl := store.GeoLayer{Kind: store.GeoPopulation, Name: "KZ grid"}
	if _, err := replace(ctx, &bl, nil, big); err != nil {
		t.Fatal(err)
	}
	ls, err := s.Geography().Layers(ctx)
	if err != nil || len(ls) != 3 || ls[0].Kind != store.GeoDistricts || ls[1].Name != "KZ grid" || ls[2].Population != 3000.5 || !ls[0].Mode.IsLive() || ls[0].OriginNode != Node {
		t.Fatalf("layers %+v %v", ls, err)
	}
	ds, err := s.Geography().Districts(ctx)
	if err != nil || len(ds) != 2 || ds[0].Code != "PK-IS-01" || ds[0].Names["ur"] != "اسلام آباد" || ds[0].LayerID != dl.ID || !json.Valid(ds[0].Geometry) {
		t.Fatalf("districts %+v %v", ds, err)
	}
	cs, err := s.Geography().Cells(ctx)
	if err != nil || len(cs) != 2+1234 {
		t.Fatalf("%d cells, %v", len(cs), err)
	}

	// Replacing by name swaps the layer whole.
	dl2 := store.GeoLayer{Kind: store.GeoDistricts, Name: "PK districts"}
	rep, err := replace(ctx, &dl2, districts[:1], nil)
	if err != nil || rep != dl.ID {
		t.Fatalf("replace: %q %v", rep, err)
	}
	if ds, _ := s.Geography().Districts(ctx); len(ds) != 1 || ds[0].LayerID != dl2.ID {
		t.Fatalf("after replace: %+v", ds)
	}

	// All or nothing: a district code used by another layer fails and leaves nothing.
	other := store.GeoLayer{Kind: store.GeoDistricts, Name: "other"}
	_, err = replace(ctx, &other, []store.District{{Code: "NEW-1", Name: "n", Geometry: square(60, 30)}, districts[0]}, nil)
	if !errors.Is(err, store.ErrConflict) {
		t.Fatalf("duplicate code: %v", err)
	}
	if ls, _ := s.Geography().Layers(ctx); len(ls) != 3 {
		t.Fatalf("failed import left %d layers", len(ls))
	}
	if ds, _ := s.Geography().Districts(ctx); len(ds) != 1 {
		t.Fatalf("failed import left %d districts", len(ds))
	}

	for _, c := range []struct {
		name string
		l    store.GeoLayer
		ds   []store.District
		cs   []store.PopulationCell
	}{
		{"no name", store.GeoLayer{Kind: store.GeoPopulation}, nil, cells},
		{"bad kind", store.GeoLayer{Kind: "roads", Name: "x"}, nil, cells},
		{"empty grid", store.GeoLayer{Kind: store.GeoPopulation, Name: "x"}, nil, nil},
		{"cells in a district layer", store.GeoLayer{Kind: store.GeoDistricts, Name: "x"}, districts, cells},
		{"latitude 200", store.GeoLayer{Kind: store.GeoPopulation, Name: "x"}, nil, []store.PopulationCell{{Lat: 200, Population: 1}}},
		{"negative people", store.GeoLayer{Kind: store.GeoPopulation, Name: "x"}, nil, []store.PopulationCell{{Population: -1}}},
		{"district without geometry", store.GeoLayer{Kind: store.GeoDistricts, Name: "x"}, []store.District{{Code: "a", Name: "a"}}, nil},
		{"too many districts", store.GeoLayer{Kind: store.GeoDistricts, Name: "x"}, make([]store.District, store.MaxLayerDistricts+1), nil},
	} {
		if _, err := replace(ctx, &c.l, c.ds, c.cs); !errors.Is(err, store.ErrInvalidRecord) {
			t.Errorf("%s: %v", c.name, err)
		}
	}

	// Layers belong to their mode.
	ex, _ := mode.Exercise("ex1")
	xctx := mode.With(ctx, ex)
	if ls, _ := s.Geography().Layers(xctx); len(ls) != 0 {
		t.Errorf("exercise sees %d live layers", len(ls))
	}
	if ds, _ := s.Geography().Districts(xctx); len(ds) != 0 {
		t.Errorf("exercise sees live districts")
	}

	if err := s.WithTx(ctx, func(tx store.Tx) error { return tx.Geography().DeleteLayer(ctx, bl.ID) }); err != nil {
		t.Fatal(err)
	}
	if cs, _ := s.Geography().Cells(ctx); len(cs) != 2 {
		t.Errorf("after delete %d cells", len(cs))
	}
	if err := s.Geography().DeleteLayer(ctx, bl.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("delete twice: %v", err)
	}
}
