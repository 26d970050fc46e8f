package web

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"github.com/taawun/taawun/internal/ops"
	"github.com/taawun/taawun/internal/store"
)

// TestAppendCOPWritesWhatTheEncoderWould: the picture's own writer gives the bytes json.Encoder
// gives, for operational layers (escaped titles, truncation) beside other layers' values.
func TestAppendCOPWritesWhatTheEncoderWould(t *testing.T) {
	capacity := int64(40)
	shelter := ops.Feature{Type: "Feature", ID: "s1", Geometry: json.RawMessage(`{"type": "Point", "coordinates": [70, 30]}`),
		Properties: &ops.Properties{Kind: store.OpsShelter, Title: `School <"A"> & camp`, Status: "open", OrgID: "o1",
			UpdatedAt: time.Date(2026, 8, 20, 6, 0, 0, 0, time.UTC), Capacity: &capacity}}
	for name, cop := range map[string]map[string]any{
		"empty": {},
		"layers": {
			"shelter":  ops.Layer{Type: "FeatureCollection", Features: []ops.Feature{shelter, shelter}, Truncated: true},
			"incident": ops.Layer{Type: "FeatureCollection", Features: []ops.Feature{}},
			"alert":    map[string]any{"type": "FeatureCollection", "features": []any{}},
		},
	} {
		var want bytes.Buffer
		if err := json.NewEncoder(&want).Encode(cop); err != nil {
			t.Fatal(err)
		}
		got, err := appendCOP(nil, cop)
		if err != nil || string(got) != want.String() {
			t.Errorf("%s: appendCOP = %s, %v\nencoder    %s", name, got, err, want.String())
		}
	}
}
