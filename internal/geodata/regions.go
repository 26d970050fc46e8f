package geodata

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
)

// Geocode schemes of the regions, as CAP <geocode> valueNames.
const (
	SchemeCountry  = "ISO3166-1" // alpha-2 country codes, e.g. PK
	SchemeProvince = "ISO3166-2" // subdivision codes, e.g. PK-PB
	// SchemeDistrict names districts by the codes of the boundaries an operator imported: no
	// standard covers Pakistan's districts, so receivers need the same layer.
	SchemeDistrict = "district"
)

// Region is a country, a province or an imported district with its outline.
type Region struct {
	Code    string // "PK" or "PK-PB", or an imported district's code
	Scheme  string // SchemeCountry, SchemeProvince or SchemeDistrict
	Country string // ISO alpha-2
	// Province is a district's ISO 3166-2 province ("" for countries and provinces, and for a
	// district in no known province).
	Province string
	Names    map[string]string
	Geometry orb.MultiPolygon
}

// Name returns the region's name in lang, or English.
func (r Region) Name(lang string) string {
	if n := r.Names[lang]; n != "" {
		return n
	}
	return r.Names["en"]
}

// regionSet indexes the countries and provinces by code.
type regionSet struct {
	byCode map[string]Region
	sorted []Region
}

var regions = sync.OnceValues(loadRegions)

func loadRegions() (*regionSet, error) {
	rs := &regionSet{byCode: map[string]Region{}}
	for _, src := range []struct {
		load    func() (*geojson.FeatureCollection, error)
		codeKey string
		scheme  string
	}{{Countries, "iso_a2", SchemeCountry}, {Provinces, "code", SchemeProvince}} {
		fc, err := src.load()
		if err != nil {
			return nil, err
		}
		for _, f := range fc.Features {
			code := f.Properties.MustString(src.codeKey, "")
			r := Region{Code: code, Scheme: src.scheme, Country: f.Properties.MustString("iso_a2", ""), Names: map[string]string{}}
			for _, l := range []string{"en", "ur", "ru", "zh"} {
				r.Names[l] = f.Properties.MustString("name_"+l, "")
			}
			switch g := f.Geometry.(type) {
			case orb.Polygon:
				r.Geometry = orb.MultiPolygon{g}
			case orb.MultiPolygon:
				r.Geometry = g
			default:
				return nil, fmt.Errorf("geodata: region %s has a %T, not a polygon", code, f.Geometry)
			}
			rs.byCode[code] = r
			rs.sorted = append(rs.sorted, r)
		}
	}
	sort.Slice(rs.sorted, func(i, j int) bool { return rs.sorted[i].Code < rs.sorted[j].Code })
	return rs, nil
}

// RegionByCode returns the country ("PK") or province ("PK-PB") with that code.
func RegionByCode(code string) (Region, bool, error) {
	rs, err := regions()
	if err != nil {
		return Region{}, false, err
	}
	r, ok := rs.byCode[strings.ToUpper(code)]
	return r, ok, nil
}

// Provinces of one country, sorted by code.
func ProvincesOf(country string) ([]Region, error) {
	rs, err := regions()
	if err != nil {
		return nil, err
	}
	var out []Region
	for _, r := range rs.sorted {
		if r.Scheme == SchemeProvince && r.Country == country {
			out = append(out, r)
		}
	}
	return out, nil
}

// Lookup resolves region codes to regions. Embedded answers from the countries and provinces
// built in; a node's lookup also knows the districts its operators imported (internal/regions).
type Lookup interface {
	Region(ctx context.Context, code string) (Region, bool, error)
}

// Embedded is the Lookup of the built-in countries and provinces.
type Embedded struct{}

// Region returns the built-in region with the code.
func (Embedded) Region(_ context.Context, code string) (Region, bool, error) {
	return RegionByCode(code)
}

// LookupOr returns l, or Embedded when l is nil.
func LookupOr(l Lookup) Lookup {
	if l == nil {
		return Embedded{}
	}
	return l
}

// Resolver answers CAP geocode questions from a Lookup (the embedded regions when nil); it
// implements cap.GeocodeResolver.
type Resolver struct {
	Lookup Lookup
}

// KnownGeocode reports whether value is a region code of the scheme valueName.
func (res Resolver) KnownGeocode(ctx context.Context, valueName, value string) (bool, error) {
	r, ok, err := LookupOr(res.Lookup).Region(ctx, value)
	if err != nil || !ok {
		return false, err
	}
	return r.Scheme == valueName, nil
}

// Regions returns every country and province, sorted by code. The slice is
// shared by all callers, who must not modify it.
func Regions() ([]Region, error) {
	rs, err := regions()
	if err != nil {
		return nil, err
	}
	return rs.sorted, nil
}
