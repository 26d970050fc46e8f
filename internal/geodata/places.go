package geodata

import (
	"bufio"
	"bytes"
	"compress/gzip"
	_ "embed"
	"fmt"
	"strconv"
	"strings"
	"sync"
)

// PlacesFile is the embedded GeoNames places file: gzipped TSV with a header
// line and the columns id, name, country, admin1, feature, lat, lon,
// population, ur, ru, zh (see web/assets/build-places.mjs).
const PlacesFile = "sco-places.tsv.gz"

//go:embed sco-places.tsv.gz
var placesGz []byte

// Place is a populated place of an SCO member state, from GeoNames.
//
// Every place has its GeoNames name, in Latin script (often with
// diacritics, e.g. "Muzaffarābād"). The places that matter most (the cities
// and district seats of Pakistan, the large cities and capitals of the other
// member states) also have Urdu, Russian and Chinese names, written by the
// project in web/assets/places-curated.tsv: the GeoNames package has no
// alternate names. The few places GeoNames' exports lack (Balakot) are added
// there with negative ids.
type Place struct {
	ID         int64  // GeoNames id; below zero for a place the project added
	Name       string // GeoNames name (Latin script)
	Names      Names  // Urdu, Russian and Chinese names, where known
	Country    string // ISO 3166-1 alpha-2
	Admin1     string // GeoNames admin1 code (not ISO 3166-2)
	Feature    string // GeoNames feature code, e.g. PPLC (capital), PPLA (province seat)
	Lat, Lon   float64
	Population int64 // 0 when GeoNames does not know it
}

// Names holds a place's names in the languages other than English; an
// empty field means no name in that language. It is comparable, so structs
// that carry it (such as an impact estimate's places) stay comparable.
type Names struct {
	UR string `json:"ur,omitempty"`
	RU string `json:"ru,omitempty"`
	ZH string `json:"zh,omitempty"`
}

// In returns the name in lang ("ur", "ru" or "zh"), or "" when there is none.
func (n Names) In(lang string) string {
	switch lang {
	case "ur":
		return n.UR
	case "ru":
		return n.RU
	case "zh":
		return n.ZH
	}
	return ""
}

// In returns the place's name in lang ("en", "ur", "ru" or "zh"), or ""
// when it has none in that language.
func (p *Place) In(lang string) string {
	if lang == "en" {
		return p.Name
	}
	return p.Names.In(lang)
}

// Code is the place's code: "geonames:<id>", or "taawun:<n>" for the
// place the project added with id -n.
func (p *Place) Code() string {
	if p.ID < 0 {
		return "taawun:" + strconv.FormatInt(-p.ID, 10)
	}
	return "geonames:" + strconv.FormatInt(p.ID, 10)
}

var places = sync.OnceValues(loadPlaces)

// Places returns the embedded GeoNames places, sorted by id. The slice is
// parsed on first use and shared by all callers, who must not modify it.
func Places() ([]Place, error) {
	return places()
}

func loadPlaces() ([]Place, error) {
	zr, err := gzip.NewReader(bytes.NewReader(placesGz))
	if err != nil {
		return nil, fmt.Errorf("geodata: open %s: %w", PlacesFile, err)
	}
	sc := bufio.NewScanner(zr)
	var out []Place
	line := 0
	for sc.Scan() {
		line++
		if line == 1 {
			continue // header
		}
		p, err := parsePlace(sc.Text())
		if err != nil {
			return nil, fmt.Errorf("geodata: %s line %d: %w", PlacesFile, line, err)
		}
		out = append(out, p)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("geodata: read %s: %w", PlacesFile, err)
	}
	return out, nil
}

func parsePlace(s string) (Place, error) {
	f := strings.Split(s, "\t")
	if len(f) != 11 {
		return Place{}, fmt.Errorf("%d fields, want 11", len(f))
	}
	var p Place
	var err error
	if p.ID, err = strconv.ParseInt(f[0], 10, 64); err != nil {
		return Place{}, fmt.Errorf("id: %w", err)
	}
	p.Name, p.Country, p.Admin1, p.Feature = f[1], f[2], f[3], f[4]
	if p.Lat, err = strconv.ParseFloat(f[5], 64); err != nil {
		return Place{}, fmt.Errorf("lat: %w", err)
	}
	if p.Lon, err = strconv.ParseFloat(f[6], 64); err != nil {
		return Place{}, fmt.Errorf("lon: %w", err)
	}
	if p.Population, err = strconv.ParseInt(f[7], 10, 64); err != nil {
		return Place{}, fmt.Errorf("population: %w", err)
	}
	p.Names = Names{UR: f[8], RU: f[9], ZH: f[10]}
	return p, nil
}
