package population

import (
	"bytes"
	"context"
	"os"
	"testing"

	"github.com/taawun/taawun/internal/clock"
	"github.com/taawun/taawun/internal/geotarget"
	"github.com/taawun/taawun/internal/store"
	"github.com/taawun/taawun/internal/store/sqlstore/sqltest"
)

// TestLayersFromStore: imported districts and a grid, stored, become the model in force on
// Reload; before any import the model counts places.
func TestLayersFromStore(t *testing.T) {
	ctx := context.Background()
	db := sqltest.Open(t, sqltest.SQLiteURL(t), "pk-test", clock.NewManual(clock.System{}.Now()))
	var layers Layers
	m, err := layers.Ensure(ctx, db.Geography())
	if err != nil || m.Layer() != LayerPlaces || layers.Current() != m {
		t.Fatalf("empty store: %v %v", m, err)
	}
	data, err := os.ReadFile("testdata/districts.geojson")
	if err != nil {
		t.Fatal(err)
	}
	ds, err := ParseDistricts(bytes.NewReader(data), DistrictKeys{})
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open("testdata/grid.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cells, err := ParseGrid(f)
	if err != nil {
		t.Fatal(err)
	}
	err = db.WithTx(ctx, func(tx store.Tx) error {
		if _, err := tx.Geography().ReplaceLayer(ctx, &store.GeoLayer{Kind: store.GeoDistricts, Name: "d"}, ds, nil); err != nil {
			return err
		}
		_, err := tx.Geography().ReplaceLayer(ctx, &store.GeoLayer{Kind: store.GeoPopulation, Name: "g"}, nil, cells)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if m2, _ := layers.Ensure(ctx, db.Geography()); m2 != m {
		t.Fatal("Ensure reloaded a model already in force")
	}
	m, err = layers.Reload(ctx, db.Geography())
	if err != nil || m.Layer() != LayerGrid || m.GridCells() != 3 || len(m.Gazetteer().Districts()) != 2 {
		t.Fatalf("after import: %+v %v", m, err)
	}
	shape, ok := m.Gazetteer().Shape("PK-ICT")
	if !ok {
		t.Fatal("district PK-ICT not in the gazetteer")
	}
	if n, layer := m.Population(shape); n != 200001 || layer != LayerGrid { // 120000 + 80000.5, rounded
		t.Errorf("Islamabad district: %d people from %s", n, layer)
	}
	all, _ := geotarget.NewArea(geotarget.Circle{Center: geotarget.Point{Lat: 34, Lon: 73.3}, RadiusKM: 200})
	var inMZD int
	m.EachCounted(all, func(p *Point) {
		if p.District != nil && p.District.Code == "PK-MZD" {
			inMZD++
			if p.Province == nil || p.Province.Code != "PK-JK" {
				t.Errorf("cell in Muzaffarabad district has province %+v", p.Province)
			}
		}
	})
	if inMZD != 1 {
		t.Errorf("%d cells in the Muzaffarabad district, want 1", inMZD)
	}
}
