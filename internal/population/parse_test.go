package population

import (
	"bytes"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/taawun/taawun/internal/store"
)

func TestParseDistricts(t *testing.T) {
	data, err := os.ReadFile("testdata/districts.geojson")
	if err != nil {
		t.Fatal(err)
	}
	ds, err := ParseDistricts(bytes.NewReader(data), DistrictKeys{})
	if err != nil {
		t.Fatal(err)
	}
	if len(ds) != 2 || ds[0].Code != "PK-ICT" || ds[0].Names["ur"] != "اسلام آباد" || ds[1].Province != "PK-JK" {
		t.Fatalf("%+v", ds)
	}
	for _, c := range []struct{ name, in, want string }{
		{"not json", `<html>`, "not a GeoJSON"},
		{"no features", `{"type":"FeatureCollection","features":[]}`, "no features"},
		{"no code", feature(`{"name":"a"}`, square), `0: no "code" property`},
		{"no name", feature(`{"code":"a"}`, square), `no "name" property`},
		{"point", feature(`{"code":"a","name":"a"}`, `{"type":"Point","coordinates":[1,2]}`), "not a Polygon"},
		{"bad province", feature(`{"code":"a","name":"a","province":"XX-1"}`, square), "unknown province"},
		{"clash", feature(`{"code":"PK-PB","name":"a"}`, square), "country or province code"},
		{"lat 200", feature(`{"code":"a","name":"a"}`, `{"type":"Polygon","coordinates":[[[1,200],[2,2],[3,3],[1,200]]]}`), "out of range"},
		{"short ring", feature(`{"code":"a","name":"a"}`, `{"type":"Polygon","coordinates":[[[1,1],[2,2],[1,1]]]}`), "fewer than 4"},
		{"duplicate", `{"type":"FeatureCollection","features":[` + feat(`{"code":"a","name":"a"}`, square) + `,` + feat(`{"code":"a","name":"b"}`, square) + `]}`, "repeats feature 0"},
	} {
		_, err := ParseDistricts(strings.NewReader(c.in), DistrictKeys{})
		if !errors.Is(err, ErrInvalidImport) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", c.name, err, c.want)
		}
	}
	// Custom property names.
	ds, err = ParseDistricts(strings.NewReader(feature(`{"ADM2_PCODE":"PK101","ADM2_EN":"Attock"}`, square)), DistrictKeys{Code: "ADM2_PCODE", Name: "ADM2_EN"})
	if err != nil || ds[0].Code != "PK101" || ds[0].Name != "Attock" {
		t.Errorf("custom keys: %+v %v", ds, err)
	}
}

const square = `{"type":"Polygon","coordinates":[[[1,1],[2,1],[2,2],[1,1]]]}`

func feat(props, geom string) string {
	return `{"type":"Feature","properties":` + props + `,"geometry":` + geom + `}`
}

func feature(props, geom string) string {
	return `{"type":"FeatureCollection","features":[` + feat(props, geom) + `]}`
}

func TestParseGrid(t *testing.T) {
	f, err := os.Open("testdata/grid.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cells, err := ParseGrid(f)
	if err != nil || len(cells) != 3 || cells[1] != (store.PopulationCell{Lat: 33.72, Lon: 73.10, Population: 80000.5}) {
		t.Fatalf("%+v %v", cells, err)
	}
	cells, err = ParseGrid(strings.NewReader("\ufeffid,Population,Longitude,Latitude\n1,5,70,30\n"))
	if err != nil || cells[0] != (store.PopulationCell{Lat: 30, Lon: 70, Population: 5}) {
		t.Errorf("reordered header: %+v %v", cells, err)
	}
	for _, c := range []struct{ name, in, want string }{
		{"empty", "", "no CSV header"},
		{"no lat", "lon,population\n1,2\n", `no "lat" column`},
		{"no rows", "lat,lon,population\n", "no rows"},
		{"lat 200", "lat,lon,population\n1,1,1\n200,1,1\n", "3: latitude 200 out of range"},
		{"negative", "lat,lon,population\n1,1,-5\n", "population -5"},
		{"text", "lat,lon,population\n1,x,5\n", `lon "x" is not a number`},
		{"NaN", "lat,lon,population\n1,1,NaN\n", "not a number"},
		{"short row", "lat,lon,population\n1,1\n", "no population value"},
		{"bad quote", "lat,lon,population\n\"1,1,1\n", "2:"},
	} {
		_, err := ParseGrid(strings.NewReader(c.in))
		if !errors.Is(err, ErrInvalidImport) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", c.name, err, c.want)
		}
	}
	// Every bad row is counted, the first MaxRowErrors kept.
	var b strings.Builder
	b.WriteString("lat,lon,population\n")
	for range 250 {
		b.WriteString("100,0,0\n")
	}
	_, err = ParseGrid(strings.NewReader(b.String()))
	var ie *ImportError
	if !errors.As(err, &ie) || ie.Total != 250 || len(ie.Errors) != MaxRowErrors {
		t.Errorf("many errors: %v", err)
	}
}

func FuzzParseDistricts(f *testing.F) {
	data, err := os.ReadFile("testdata/districts.geojson")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
	f.Add([]byte(feature(`{"code":"a","name":"a"}`, square)))
	if real, err := os.ReadFile("../geodata/sco-countries.geojson"); err == nil {
		f.Add(real[:min(len(real), 20000)]) // a real file's start: truncated JSON
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		ds, err := ParseDistricts(bytes.NewReader(in), DistrictKeys{})
		if err != nil {
			if ds != nil {
				t.Fatal("districts returned with an error")
			}
			return
		}
		for _, d := range ds {
			if d.Code == "" || d.Name == "" || len(d.Geometry) == 0 {
				t.Fatalf("accepted %+v", d)
			}
		}
	})
}

func FuzzParseGrid(f *testing.F) {
	data, err := os.ReadFile("testdata/grid.csv")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
	f.Add([]byte("Latitude,Longitude,Pop\n1,2,3\n"))
	f.Fuzz(func(t *testing.T, in []byte) {
		cells, err := ParseGrid(bytes.NewReader(in))
		if err != nil {
			return
		}
		for _, c := range cells {
			if c.Lat < -90 || c.Lat > 90 || c.Lon < -180 || c.Lon > 180 || !(c.Population >= 0) {
				t.Fatalf("accepted %+v", c)
			}
		}
	})
}

// The embedded Natural Earth countries, read as districts coded by ISO alpha-3: a real file of
// large MultiPolygons with names in four languages.
func TestParseDistrictsNaturalEarth(t *testing.T) {
	data, err := os.ReadFile("../geodata/sco-countries.geojson")
	if err != nil {
		t.Fatal(err)
	}
	ds, err := ParseDistricts(bytes.NewReader(data), DistrictKeys{Code: "iso_a3", Name: "name_en"})
	if err != nil {
		t.Fatal(err)
	}
	if len(ds) != 10 {
		t.Fatalf("%d countries", len(ds))
	}
	for _, d := range ds {
		if d.Code == "PAK" && (d.Names["ur"] != "پاکستان" || d.Name != "Pakistan") {
			t.Errorf("Pakistan: %+v", d.Names)
		}
	}
}
