package regions

import (
	"context"
	"testing"
	"time"

	"github.com/taawun/taawun/internal/clock"
	"github.com/taawun/taawun/internal/geodata"
	"github.com/taawun/taawun/internal/store"
	"github.com/taawun/taawun/internal/store/sqlstore/sqltest"
)

func TestLookupEmbeddedThenImportedDistricts(t *testing.T) {
	ctx := context.Background()
	clk := clock.NewManual(time.Date(2026, 8, 20, 5, 30, 0, 0, time.UTC))
	db := sqltest.Open(t, sqltest.SQLiteURL(t), "pk-ndma", clk)
	l := &Lookup{Store: db, Clock: clk}
	importDistrict := func(code string) {
		t.Helper()
		err := db.WithTx(ctx, func(tx store.Tx) error {
			_, err := tx.Geography().ReplaceLayer(ctx, &store.GeoLayer{Kind: store.GeoDistricts, Name: code, Source: "test"}, []store.District{{
				Code: code, Name: "Lahore", Names: map[string]string{"ur": "لاہور"}, Province: "PK-PB",
				Geometry: []byte(`{"type":"Polygon","coordinates":[[[74,31.3],[74.4,31.3],[74.4,31.7],[74,31.7],[74,31.3]]]}`)}}, nil)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if r, ok, err := l.Region(ctx, "PK-PB"); err != nil || !ok || r.Scheme != geodata.SchemeProvince {
		t.Fatalf("province: %+v %v %v", r, ok, err)
	}
	if _, ok, err := l.Region(ctx, "PK-PB-LHR"); err != nil || ok {
		t.Fatalf("district before import: %v %v", ok, err)
	}
	importDistrict("PK-PB-LHR")
	// Read a moment ago: not seen until the refresh passes, or Forget.
	if _, ok, _ := l.Region(ctx, "PK-PB-LHR"); ok {
		t.Fatal("district seen before the refresh")
	}
	clk.Advance(refresh)
	r, ok, err := l.Region(ctx, "PK-PB-LHR")
	if err != nil || !ok || r.Scheme != geodata.SchemeDistrict || r.Country != "PK" || r.Name("ur") != "لاہور" || len(r.Geometry) != 1 {
		t.Fatalf("district: %+v %v %v", r, ok, err)
	}
	importDistrict("PK-PB-KSR")
	l.Forget()
	if ds, err := l.Districts(ctx, "PK"); err != nil || len(ds) != 2 || ds[0].Code != "PK-PB-KSR" {
		t.Fatalf("Districts = %+v, %v", ds, err)
	}
	if ds, _ := l.Districts(ctx, "IN"); len(ds) != 0 {
		t.Fatalf("districts of India: %+v", ds)
	}
}
