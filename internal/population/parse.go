package population

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/taawun/taawun/internal/gazetteer"
	"github.com/taawun/taawun/internal/geodata"
	"github.com/taawun/taawun/internal/geotarget"
	"github.com/taawun/taawun/internal/store"
)

// Import limits.
const (
	MaxDistrictsBytes = 64 << 20  // a district GeoJSON file
	MaxGridBytes      = 256 << 20 // a population CSV file
	// MaxRowErrors bounds the errors an import reports; parsing goes on
	// counting but keeps no more.
	MaxRowErrors = 100
)

// ErrInvalidImport is wrapped when an import has errors; nothing of it is
// stored.
var ErrInvalidImport = errors.New("population: invalid import")

// RowError is a problem with one CSV row (Row, 1-based, header = 1) or
// one GeoJSON feature (Row = feature index, 0-based).
type RowError struct {
	Row     int    `json:"row"`
	Message string `json:"message"`
}

func (e RowError) Error() string { return fmt.Sprintf("%d: %s", e.Row, e.Message) }

// ImportError lists what is wrong with an import (at most MaxRowErrors,
// Total counts all).
type ImportError struct {
	Errors []RowError
	Total  int
}

func (e *ImportError) Error() string {
	msgs := make([]string, 0, min(3, len(e.Errors)))
	for _, r := range e.Errors[:min(3, len(e.Errors))] {
		msgs = append(msgs, r.Error())
	}
	return fmt.Sprintf("population: %d errors: %s", e.Total, strings.Join(msgs, "; "))
}

func (e *ImportError) Unwrap() error { return ErrInvalidImport }

func (e *ImportError) add(row int, format string, args ...any) {
	e.Total++
	if len(e.Errors) < MaxRowErrors {
		e.Errors = append(e.Errors, RowError{Row: row, Message: fmt.Sprintf(format, args...)})
	}
}

func (e *ImportError) orNil() error {
	if e.Total == 0 {
		return nil
	}
	return e
}

// DistrictKeys name the feature properties a district import reads.
type DistrictKeys struct {
	Code     string // default "code"
	Name     string // default "name"
	Province string // default "province"; the value must be an ISO 3166-2 province code
}

func (k DistrictKeys) withDefaults() DistrictKeys {
	if k.Code == "" {
		k.Code = "code"
	}
	if k.Name == "" {
		k.Name = "name"
	}
	if k.Province == "" {
		k.Province = "province"
	}
	return k
}

// ParseDistricts reads a GeoJSON FeatureCollection of Polygon or
// MultiPolygon features, each with a code and a name (property names from
// keys) and optionally a province code and names in the interface
// languages as name_en, name_ur, name_ru, name_zh. It reads at most
// MaxDistrictsBytes and store.MaxLayerDistricts features. Any problem with
// any feature fails the whole import with an *ImportError.
func ParseDistricts(r io.Reader, keys DistrictKeys) ([]store.District, error) {
	keys = keys.withDefaults()
	data, err := io.ReadAll(io.LimitReader(r, MaxDistrictsBytes+1))
	if err != nil {
		return nil, fmt.Errorf("population: read districts: %w", err)
	}
	if len(data) > MaxDistrictsBytes {
		return nil, fmt.Errorf("%w: district file larger than %d MB", ErrInvalidImport, MaxDistrictsBytes>>20)
	}
	fc, err := geojson.UnmarshalFeatureCollection(data)
	if err != nil {
		return nil, fmt.Errorf("%w: not a GeoJSON FeatureCollection: %v", ErrInvalidImport, err)
	}
	if len(fc.Features) == 0 {
		return nil, fmt.Errorf("%w: no features", ErrInvalidImport)
	}
	if len(fc.Features) > store.MaxLayerDistricts {
		return nil, fmt.Errorf("%w: %d features, at most %d", ErrInvalidImport, len(fc.Features), store.MaxLayerDistricts)
	}
	var ie ImportError
	seen := map[string]int{}
	out := make([]store.District, 0, len(fc.Features))
	for i, f := range fc.Features {
		d, msg := district(f, keys)
		if msg != "" {
			ie.add(i, "%s", msg)
			continue
		}
		if j, dup := seen[d.Code]; dup {
			ie.add(i, "code %q repeats feature %d", d.Code, j)
			continue
		}
		seen[d.Code] = i
		out = append(out, d)
	}
	if err := ie.orNil(); err != nil {
		return nil, err
	}
	return out, nil
}

// district converts one feature, or says what is wrong with it.
func district(f *geojson.Feature, keys DistrictKeys) (store.District, string) {
	str := func(k string) string {
		switch v := f.Properties[k].(type) {
		case string:
			return strings.TrimSpace(v)
		case float64:
			return strconv.FormatFloat(v, 'f', -1, 64)
		}
		return ""
	}
	d := store.District{Code: str(keys.Code), Name: str(keys.Name), Province: strings.ToUpper(str(keys.Province)), Names: map[string]string{}}
	for _, l := range gazetteer.Languages {
		if n := str("name_" + l); n != "" {
			d.Names[l] = n
		}
	}
	if d.Name == "" {
		d.Name = d.Names["en"]
	}
	switch {
	case d.Code == "":
		return d, fmt.Sprintf("no %q property", keys.Code)
	case len(d.Code) > 64:
		return d, "code longer than 64 characters"
	case d.Name == "":
		return d, fmt.Sprintf("no %q property", keys.Name)
	}
	if _, clash, _ := geodata.RegionByCode(d.Code); clash {
		return d, fmt.Sprintf("code %q is a country or province code", d.Code)
	}
	if d.Province != "" {
		r, ok, err := geodata.RegionByCode(d.Province)
		if err != nil || !ok || r.Scheme != geodata.SchemeProvince {
			return d, fmt.Sprintf("unknown province %q", d.Province)
		}
	}
	var mp orb.MultiPolygon
	switch g := f.Geometry.(type) {
	case orb.Polygon:
		mp = orb.MultiPolygon{g}
	case orb.MultiPolygon:
		mp = g
	case nil:
		return d, "no geometry"
	default:
		return d, fmt.Sprintf("geometry is a %s, not a Polygon or MultiPolygon", g.GeoJSONType())
	}
	if msg := checkPolygons(mp); msg != "" {
		return d, msg
	}
	geom, err := json.Marshal(geojson.NewGeometry(f.Geometry))
	if err != nil {
		return d, err.Error()
	}
	d.Geometry = geom
	return d, ""
}

func checkPolygons(mp orb.MultiPolygon) string {
	if len(mp) == 0 {
		return "empty geometry"
	}
	for _, p := range mp {
		if len(p) == 0 {
			return "polygon without rings"
		}
		for _, ring := range p {
			if len(ring) < 4 {
				return "ring with fewer than 4 positions"
			}
			for _, pt := range ring {
				if !(pt[0] >= -180 && pt[0] <= 180) || !(pt[1] >= -90 && pt[1] <= 90) {
					return fmt.Sprintf("position (%v, %v) out of range (longitude first)", pt[0], pt[1])
				}
			}
		}
	}
	if _, err := geotarget.NewArea(geotarget.MultiPolygon(mp)); err != nil {
		return err.Error()
	}
	return ""
}

// ParseGrid reads a population grid as CSV with a header naming the
// columns lat (or latitude), lon (or longitude, lng) and population (or
// pop), in any order and case; other columns are ignored. It reads at
// most MaxGridBytes and store.MaxLayerCells rows. Any bad row fails the
// whole import with an *ImportError.
func ParseGrid(r io.Reader) ([]store.PopulationCell, error) {
	lr := &io.LimitedReader{R: r, N: MaxGridBytes + 1}
	cr := csv.NewReader(lr)
	cr.ReuseRecord = true
	cr.FieldsPerRecord = -1
	head, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("%w: no CSV header: %v", ErrInvalidImport, err)
	}
	col := map[string]int{"lat": -1, "lon": -1, "population": -1}
	aliases := map[string]string{"lat": "lat", "latitude": "lat", "lon": "lon", "longitude": "lon", "lng": "lon", "population": "population", "pop": "population"}
	for i, h := range head {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		if c, ok := aliases[h]; ok && col[c] < 0 {
			col[c] = i
		}
	}
	for _, c := range []string{"lat", "lon", "population"} {
		if col[c] < 0 {
			return nil, fmt.Errorf("%w: the CSV header has no %q column (header: %q)", ErrInvalidImport, c, strings.Join(head, ","))
		}
	}
	var (
		ie    ImportError
		cells []store.PopulationCell
	)
	for row := 2; ; row++ {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if lr.N <= 0 {
			return nil, fmt.Errorf("%w: grid file larger than %d MB", ErrInvalidImport, MaxGridBytes>>20)
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				ie.add(row, "%v", pe.Err)
				if ie.Total >= MaxRowErrors {
					break
				}
				continue
			}
			return nil, fmt.Errorf("population: read grid: %w", err)
		}
		if len(cells) >= store.MaxLayerCells {
			return nil, fmt.Errorf("%w: more than %d rows", ErrInvalidImport, store.MaxLayerCells)
		}
		c, msg := cell(rec, col)
		if msg != "" {
			ie.add(row, "%s", msg)
			continue
		}
		cells = append(cells, c)
	}
	if err := ie.orNil(); err != nil {
		return nil, err
	}
	if len(cells) == 0 {
		return nil, fmt.Errorf("%w: no rows", ErrInvalidImport)
	}
	return cells, nil
}

func cell(rec []string, col map[string]int) (store.PopulationCell, string) {
	var v [3]float64
	for i, c := range []string{"lat", "lon", "population"} {
		if col[c] >= len(rec) {
			return store.PopulationCell{}, fmt.Sprintf("no %s value", c)
		}
		f, err := strconv.ParseFloat(strings.TrimSpace(rec[col[c]]), 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return store.PopulationCell{}, fmt.Sprintf("%s %q is not a number", c, rec[col[c]])
		}
		v[i] = f
	}
	switch {
	case v[0] < -90 || v[0] > 90:
		return store.PopulationCell{}, fmt.Sprintf("latitude %v out of range", v[0])
	case v[1] < -180 || v[1] > 180:
		return store.PopulationCell{}, fmt.Sprintf("longitude %v out of range", v[1])
	case v[2] < 0 || v[2] > 1e8:
		return store.PopulationCell{}, fmt.Sprintf("population %v out of range [0, 1e8]", v[2])
	}
	return store.PopulationCell{Lat: v[0], Lon: v[1], Population: v[2]}, ""
}
