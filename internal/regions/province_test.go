package regions

import (
	"fmt"
	"testing"

	"github.com/taawun/taawun/internal/store"
)

// TestDistrictProvince: a district imported without its province gets the built-in province
// holding it, and that province's country; a named province wins; a district in no province has
// neither.
func TestDistrictProvince(t *testing.T) {
	square := func(lon, lat float64) []byte {
		return fmt.Appendf(nil, `{"type":"Polygon","coordinates":[[[%g,%g],[%g,%g],[%g,%g],[%g,%g],[%g,%g]]]}`,
			lon, lat, lon+0.4, lat, lon+0.4, lat+0.4, lon, lat+0.4, lon, lat)
	}
	for _, tc := range []struct {
		name              string
		d                 store.District
		province, country string
	}{
		{"named", store.District{Code: "PK401", Name: "Lahore", Province: "PK-PB", Geometry: square(74.1, 31.3)}, "PK-PB", "PK"},
		{"derived in Punjab", store.District{Code: "Kasur", Name: "Kasur", Geometry: square(74.1, 30.8)}, "PK-PB", "PK"},
		{"derived in Sindh", store.District{Code: "PK701", Name: "Sukkur", Geometry: square(68.6, 27.5)}, "PK-SD", "PK"},
		{"a named country is not a province", store.District{Code: "X1", Name: "Sukkur", Province: "PK", Geometry: square(68.6, 27.5)}, "PK-SD", "PK"},
		{"offshore", store.District{Code: "SEA", Name: "Offshore", Geometry: square(63.5, 20.5)}, "", ""},
	} {
		r, err := region(tc.d)
		if err != nil || r.Province != tc.province || r.Country != tc.country {
			t.Errorf("%s: province %q, country %q, %v; want %q, %q", tc.name, r.Province, r.Country, err, tc.province, tc.country)
		}
	}
}
