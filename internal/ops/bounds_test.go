package ops_test

import (
	"encoding/json"
	"testing"

	"github.com/paulmach/orb/geojson"

	"github.com/taawun/taawun/internal/geodata"
	"github.com/taawun/taawun/internal/ops"
)

// FuzzBounds: whatever geometry arrives, Bounds either refuses it or returns a box on the globe
// with west ≤ east and south ≤ north. Seeded with the real province outlines.
func FuzzBounds(f *testing.F) {
	fc, err := geodata.Provinces()
	if err != nil {
		f.Fatal(err)
	}
	for i, feat := range fc.Features {
		if i%10 != 0 {
			continue
		}
		b, err := json.Marshal(geojson.NewGeometry(feat.Geometry))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	for _, s := range []string{`{"type":"Point","coordinates":[74.3,31.5]}`, `{"type":"LineString","coordinates":[[1,2],[3,4]]}`,
		`{"type":"Point","coordinates":[1e400,0]}`, `{"type":"GeometryCollection","geometries":[]}`, `null`, `{}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		b, err := ops.Bounds(raw)
		if err != nil {
			return
		}
		if b.MinLon > b.MaxLon || b.MinLat > b.MaxLat || b.MinLon < -180 || b.MaxLon > 180 || b.MinLat < -90 || b.MaxLat > 90 {
			t.Fatalf("Bounds(%s) = %+v", raw, b)
		}
	})
}
