package geodata

import (
	"io/fs"
	"slices"
	"testing"
	"unicode"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/planar"
)

var nameKeys = []string{"name_en", "name_ur", "name_ru", "name_zh"}

func mustLoad(t *testing.T, load func() (*geojson.FeatureCollection, error)) *geojson.FeatureCollection {
	t.Helper()
	fc, err := load()
	if err != nil {
		t.Fatal(err)
	}
	return fc
}

func pakistanProvinces(t *testing.T) map[string]*geojson.Feature {
	t.Helper()
	byCode := map[string]*geojson.Feature{}
	for _, f := range mustLoad(t, Provinces).Features {
		if f.Properties.MustString("iso_a2", "") == "PK" {
			byCode[f.Properties.MustString("code", "")] = f
		}
	}
	return byCode
}

func contains(g orb.Geometry, p orb.Point) bool {
	switch g := g.(type) {
	case orb.Polygon:
		return planar.PolygonContains(g, p)
	case orb.MultiPolygon:
		return planar.MultiPolygonContains(g, p)
	}
	return false
}

func TestCountries(t *testing.T) {
	fc := mustLoad(t, Countries)
	want := []string{"BLR", "CHN", "IND", "IRN", "KAZ", "KGZ", "PAK", "RUS", "TJK", "UZB"}
	var got []string
	for _, f := range fc.Features {
		a3 := f.Properties.MustString("iso_a3", "")
		got = append(got, a3)
		if len(f.Properties.MustString("iso_a2", "")) != 2 {
			t.Errorf("%s: iso_a2 = %q", a3, f.Properties["iso_a2"])
		}
		for _, k := range nameKeys {
			if f.Properties.MustString(k, "") == "" {
				t.Errorf("%s: %s is empty", a3, k)
			}
		}
	}
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("countries = %v, want %v", got, want)
	}
}

func TestProvinceProperties(t *testing.T) {
	seen := map[string]bool{}
	for _, f := range mustLoad(t, Provinces).Features {
		code := f.Properties.MustString("code", "")
		if len(code) < 4 || code[2] != '-' || seen[code] {
			t.Errorf("bad or duplicate code %q", code)
		}
		seen[code] = true
		for _, k := range nameKeys {
			if f.Properties.MustString(k, "") == "" {
				t.Errorf("%s: %s is empty", code, k)
			}
		}
		if _, ok := f.Properties["name_fallback"].([]any); !ok {
			t.Errorf("%s: name_fallback = %#v, want an array", code, f.Properties["name_fallback"])
		}
	}
}

func TestPakistanProvinces(t *testing.T) {
	pk := pakistanProvinces(t)
	want := map[string]string{
		"PK-PB": "Punjab",
		"PK-SD": "Sindh",
		"PK-KP": "Khyber Pakhtunkhwa",
		"PK-BA": "Balochistan",
		"PK-GB": "Gilgit-Baltistan",
		"PK-JK": "Azad Jammu and Kashmir",
		"PK-IS": "Islamabad Capital Territory",
	}
	if len(pk) != len(want) {
		t.Errorf("Pakistan has %d provinces, want %d (no FATA)", len(pk), len(want))
	}
	for code, name := range want {
		f, ok := pk[code]
		if !ok {
			t.Errorf("%s (%s) missing", code, name)
			continue
		}
		if got := f.Properties.MustString("name_en", ""); got != name {
			t.Errorf("%s: name_en = %q, want %q", code, got, name)
		}
		ur := f.Properties.MustString("name_ur", "")
		arabic := 0
		for _, r := range ur {
			if unicode.In(r, unicode.Latin) {
				t.Errorf("%s: name_ur %q has Latin letters", code, ur)
				break
			}
			if unicode.Is(unicode.Arabic, r) {
				arabic++
			}
		}
		if arabic == 0 {
			t.Errorf("%s: name_ur %q is not in Arabic script", code, ur)
		}
	}
	if _, ok := pk["PK-TA"]; ok {
		t.Error("PK-TA (FATA) present; it should be merged into PK-KP")
	}
}

func TestPointInProvince(t *testing.T) {
	pk := pakistanProvinces(t)
	tests := []struct {
		place string
		pt    orb.Point // lon, lat
		want  string
	}{
		{"Lahore", orb.Point{74.34, 31.55}, "PK-PB"},
		{"Peshawar", orb.Point{71.58, 34.01}, "PK-KP"},
		{"Miranshah (former FATA)", orb.Point{70.07, 33.0}, "PK-KP"},
		{"Karachi", orb.Point{67.01, 24.86}, "PK-SD"},
		{"Quetta", orb.Point{67.0, 30.18}, "PK-BA"},
	}
	for _, tt := range tests {
		var in []string
		for code, f := range pk {
			if contains(f.Geometry, tt.pt) {
				in = append(in, code)
			}
		}
		if len(in) != 1 || in[0] != tt.want {
			t.Errorf("%s %v is in %v, want only %s", tt.place, tt.pt, in, tt.want)
		}
	}
}

func TestRingsClosed(t *testing.T) {
	for name, load := range map[string]func() (*geojson.FeatureCollection, error){
		CountriesFile: Countries,
		ProvincesFile: Provinces,
	} {
		for i, f := range mustLoad(t, load).Features {
			var polys []orb.Polygon
			switch g := f.Geometry.(type) {
			case orb.Polygon:
				polys = []orb.Polygon{g}
			case orb.MultiPolygon:
				polys = g
			default:
				t.Errorf("%s feature %d: geometry %T, want a polygon", name, i, f.Geometry)
			}
			for _, p := range polys {
				for _, r := range p {
					if len(r) < 4 || !r.Closed() {
						t.Errorf("%s feature %d: ring of %d points not closed", name, i, len(r))
					}
				}
			}
		}
	}
}

func TestFSServesFiles(t *testing.T) {
	for _, name := range []string{CountriesFile, ProvincesFile, NeighboursFile} {
		info, err := fs.Stat(FS, name)
		if err != nil {
			t.Fatal(err)
		}
		if info.Size() == 0 {
			t.Errorf("%s is empty", name)
		}
	}
}

func TestParsedOnce(t *testing.T) {
	a := mustLoad(t, Provinces)
	b := mustLoad(t, Provinces)
	if a != b {
		t.Error("Provinces parsed twice")
	}
}
