package gazetteer

import (
	"fmt"
	"strings"

	"github.com/paulmach/orb"
	"github.com/taawun/taawun/internal/geodata"
	"github.com/taawun/taawun/internal/geotarget"
)

// Kind is what an entry is.
type Kind string

// Kinds of entries.
const (
	KindCountry  Kind = "country"
	KindProvince Kind = "province"
	KindDistrict Kind = "district"
	KindPlace    Kind = "place"
)

// Languages whose names areas may carry.
var Languages = []string{"en", "ur", "ru", "zh"}

// District is an operator-imported district boundary.
type District struct {
	Code     string            // unique code as imported
	Name     string            // name in the import's default language
	Names    map[string]string // names by language (may be empty)
	Province string            // ISO 3166-2 code of its province, if given
	Geometry orb.MultiPolygon
}

// Entry is a country, province, district or place.
type Entry struct {
	Kind Kind
	// Code is the region code ("PK", "PK-KP"), the district code, or for a
	// place "geonames:<id>" ("taawun:<n>" for the few the project added).
	Code string
	// Names by language. A place has "en" (its GeoNames name, Latin script)
	// and "ur", "ru", "zh" where the embedded data knows them.
	Names    map[string]string
	Country  string // ISO alpha-2
	Province string // ISO 3166-2 code of the province it is in, if known
	// Lat, Lon: the place's position, or the centre of an area's bounding box.
	Lat, Lon   float64
	Population int64 // places: GeoNames; areas: sum of the places inside
	// Place is set for places.
	Place *geodata.Place
}

// Name returns the entry's name in lang, or English, or any name it has.
func (e *Entry) Name(lang string) string {
	n, _ := e.NameIn(lang)
	return n
}

// NameIn returns the entry's name in lang, or else in English, or else in
// any language it has one, with the language of the name returned ("" with
// the code when it has no name at all).
func (e *Entry) NameIn(lang string) (name, nameLang string) {
	if n := e.Names[lang]; n != "" {
		return n, lang
	}
	if n := e.Names["en"]; n != "" {
		return n, "en"
	}
	for _, l := range Languages {
		if n := e.Names[l]; n != "" {
			return n, l
		}
	}
	return e.Code, ""
}

// area is a searchable polygon entry with its compiled shape.
type area struct {
	entry *Entry
	bound orb.Bound
	shape *geotarget.Area
	geom  orb.MultiPolygon
}

func (a *area) contains(lat, lon float64) bool {
	if lon < a.bound.Min[0] || lon > a.bound.Max[0] || lat < a.bound.Min[1] || lat > a.bound.Max[1] {
		return false
	}
	return a.shape.Contains(geotarget.Point{Lat: lat, Lon: lon})
}

// Gazetteer answers name searches and reverse geocoding. Build it with New.
type Gazetteer struct {
	entries   []*Entry
	places    []*Entry     // same order as the places given to New
	placeAt   [][2]float64 // (lat, lon) of places[i], for bucketing
	placeUnit [][3]float64 // places[i] on the unit sphere, for distances
	buckets   placeBuckets
	countries []*area
	provinces []*area
	districts []*area
	byCode    map[string]*area
	keys      []key // sorted by text
}

// New builds a gazetteer over the regions, places and districts given.
// Each place is assigned the province (and district) containing it.
func New(regions []geodata.Region, places []geodata.Place, districts []District) (*Gazetteer, error) {
	g := &Gazetteer{byCode: map[string]*area{}}
	for _, r := range regions {
		kind := KindProvince
		if r.Scheme == geodata.SchemeCountry {
			kind = KindCountry
		}
		e := &Entry{Kind: kind, Code: r.Code, Names: r.Names, Country: r.Country}
		if kind == KindProvince {
			e.Province = r.Code
		}
		a, err := g.addArea(e, r.Geometry)
		if err != nil {
			return nil, err
		}
		if kind == KindCountry {
			g.countries = append(g.countries, a)
		} else {
			g.provinces = append(g.provinces, a)
		}
	}
	for _, d := range districts {
		if d.Code == "" {
			return nil, fmt.Errorf("gazetteer: district %q has no code", d.Name)
		}
		if _, dup := g.byCode[d.Code]; dup {
			return nil, fmt.Errorf("gazetteer: district code %q is also a country, province or another district", d.Code)
		}
		names := map[string]string{}
		for l, n := range d.Names {
			names[l] = n
		}
		if names["en"] == "" && d.Name != "" {
			names["en"] = d.Name
		}
		e := &Entry{Kind: KindDistrict, Code: d.Code, Names: names, Province: d.Province}
		if p, ok := g.byCode[d.Province]; ok {
			e.Country = p.entry.Country
		}
		a, err := g.addArea(e, d.Geometry)
		if err != nil {
			return nil, err
		}
		g.districts = append(g.districts, a)
	}
	g.addPlaces(places)
	g.buildKeys()
	return g, nil
}

func (g *Gazetteer) addArea(e *Entry, geom orb.MultiPolygon) (*area, error) {
	shape, err := geotarget.NewArea(geotarget.MultiPolygon(geom))
	if err != nil {
		return nil, fmt.Errorf("gazetteer: %s %s: %w", e.Kind, e.Code, err)
	}
	a := &area{entry: e, bound: geom.Bound(), shape: shape, geom: geom}
	c := a.bound.Center()
	e.Lon, e.Lat = c[0], c[1]
	g.entries = append(g.entries, e)
	g.byCode[e.Code] = a
	return a, nil
}

// addPlaces adds the places, each in the province and district containing
// it; a place outside every (simplified) province outline, as some coastal
// towns are, takes the province of the nearest place of its country that has
// one, within 50 km.
func (g *Gazetteer) addPlaces(places []geodata.Place) {
	for i := range places {
		p := &places[i]
		names := make(map[string]string, len(Languages))
		for _, l := range Languages {
			if n := p.In(l); n != "" {
				names[l] = n
			}
		}
		e := &Entry{
			Kind: KindPlace, Code: p.Code(), Names: names, Country: p.Country,
			Lat: p.Lat, Lon: p.Lon, Population: p.Population, Place: p,
		}
		if a := containing(g.provinces, p.Lat, p.Lon); a != nil && a.entry.Country == p.Country {
			e.Province = a.entry.Code
		}
		g.entries = append(g.entries, e)
		g.places = append(g.places, e)
		g.placeAt = append(g.placeAt, [2]float64{p.Lat, p.Lon})
		g.placeUnit = append(g.placeUnit, unitVector(p.Lat, p.Lon))
	}
	g.buckets = newPlaceBuckets(g.placeAt)
	for _, e := range g.places {
		if e.Province != "" {
			continue
		}
		if n, d := g.nearestPlace(e.Lat, e.Lon, func(o *Entry) bool { return o.Country == e.Country && o.Province != "" }); n != nil && d <= 50 {
			e.Province = n.Province
		}
	}
	for _, e := range g.places {
		for _, code := range []string{e.Country, e.Province} {
			if a, ok := g.byCode[code]; ok {
				a.entry.Population += e.Population
			}
		}
		if d := containing(g.districts, e.Lat, e.Lon); d != nil {
			d.entry.Population += e.Population
		}
	}
}

// containing returns the first area containing the point, or nil.
func containing(areas []*area, lat, lon float64) *area {
	for _, a := range areas {
		if a.contains(lat, lon) {
			return a
		}
	}
	return nil
}

// Area returns the country, province or district with that code, with its
// outline.
func (g *Gazetteer) Area(code string) (*Entry, orb.MultiPolygon, bool) {
	a, ok := g.byCode[code]
	if !ok {
		a, ok = g.byCode[strings.ToUpper(code)]
	}
	if !ok {
		return nil, nil, false
	}
	return a.entry, a.geom, true
}

// Places returns the place entries, in the order given to New.
func (g *Gazetteer) Places() []*Entry { return g.places }

// Districts returns the imported district entries.
func (g *Gazetteer) Districts() []*Entry {
	out := make([]*Entry, len(g.districts))
	for i, d := range g.districts {
		out[i] = d.entry
	}
	return out
}

// Embedded builds a gazetteer over the embedded regions and places, with
// no districts.
func Embedded() (*Gazetteer, error) {
	return WithDistricts(nil)
}

// WithDistricts builds a gazetteer over the embedded regions and places and
// the districts given.
func WithDistricts(districts []District) (*Gazetteer, error) {
	regions, err := geodata.Regions()
	if err != nil {
		return nil, err
	}
	places, err := geodata.Places()
	if err != nil {
		return nil, err
	}
	return New(regions, places, districts)
}

// Shape returns the compiled outline of a country, province or district,
// for containment tests and geotarget queries.
func (g *Gazetteer) Shape(code string) (*geotarget.Area, bool) {
	a, ok := g.byCode[code]
	if !ok {
		return nil, false
	}
	return a.shape, true
}

// Provinces returns the province entries, sorted by code.
func (g *Gazetteer) Provinces() []*Entry {
	out := make([]*Entry, len(g.provinces))
	for i, p := range g.provinces {
		out[i] = p.entry
	}
	return out
}
