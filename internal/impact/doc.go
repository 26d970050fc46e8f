// Package impact estimates who is exposed to a hazard: for an earthquake,
// the shaking intensity by distance and the population per intensity band;
// for a warning's areas (flood, weather), the population inside them.
//
// # Using it
//
//	est := impact.New(layers)   // layers: the node's *population.Layers (app.go wires it)
//	e, err := est.Earthquake(impact.Quake{Magnitude: 7.6, DepthKm: 26, Lat: 34.49, Lon: 73.63})
//	area, err := impact.AreaFromCAP(&capArea)   // polygons, circles, ISO 3166 geocodes
//	e, err := est.Areas([]impact.AreaGeometry{area})
//
// Earthquake fails with ErrInvalidQuake for impossible values (magnitude 15,
// latitude 200, depth −1) and both fail with ErrNoModel before a model is
// loaded. impact.Embedded() gives an Estimator over the embedded GeoNames
// places alone (no store), for tests and tools. An Estimator is safe for
// concurrent use; each call uses the model in force at that moment, so an
// operator's import takes effect for the next estimate. An estimate costs
// about 1 ms over places and 30 ms over a 240,000-cell grid.
//
// # Population layers
//
// Every Estimate says which layer it counted ([Estimate.Layer]):
//
//   - [LayerGrid] ("grid"): an imported population grid (CSV of lat, lon,
//     population); each cell's people are counted where its centre lies.
//   - [LayerPlaces] ("places"): the GeoNames places with their populations.
//     Only towns and cities are counted, so the figure is an URBAN LOWER
//     BOUND: rural people are missing. The UI must say so.
//
// # Earthquake shaking
//
// Intensity (MMI) is predicted by Allen, Wald & Worden (2012), "Intensity
// attenuation for active crustal regions", J. Seismol. 16:409–433, in its
// hypocentral-distance form (see ipe.go for the equation and the
// coefficients). With Quake.FiniteFault the distance is instead the
// rupture distance to a line source of Wells & Coppersmith (1994) length
// whose strike is unknown: it is approximated as the distance to the
// nearest point of a rupture centred on the epicentre in the direction of
// the site (so the footprint stays circular, widened by half the rupture
// length), evaluated with the paper's rupture-distance form.
//
// # Alert level
//
// The level follows the spirit of the USGS PAGER alert for fatalities, but
// from exposure alone (PAGER's country vulnerability models are not
// reproduced): see level.go for the exact thresholds and why.
//
// # Footprint
//
// [Estimate.Footprint] is an RFC 7946 feature collection of nested discs
// (one Polygon feature per intensity band from V upwards, properties "mmi"
// and "population", the band's outer edge as a circle of 64 vertices), so a
// map draws them from the weakest band up and a warning area can use the
// disc of a chosen intensity; [Band.RadiusKm] gives the same disc as a CAP
// <circle> around the epicentre. For [Estimator.Areas] the footprint holds
// the areas themselves.
package impact

import (
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/taawun/taawun/internal/geodata"
)

// Level is an alert colour.
type Level string

// Alert levels, from least to most severe.
const (
	LevelGreen  Level = "green"
	LevelYellow Level = "yellow"
	LevelOrange Level = "orange"
	LevelRed    Level = "red"
)

// Layer names the population layer an estimate counted.
type Layer string

// Population layers.
const (
	// LayerGrid is an operator-imported population grid.
	LayerGrid Layer = "grid"
	// LayerPlaces is GeoNames places only: an urban lower bound.
	LayerPlaces Layer = "places"
)

// Quake is an earthquake's source parameters.
type Quake struct {
	Magnitude float64 // moment magnitude, 0 < M ≤ 10
	DepthKm   float64 // hypocentre depth, 0 ≤ depth ≤ 700 km
	Lat, Lon  float64 // epicentre, degrees
	// FiniteFault selects the rupture-distance form with a rupture of
	// Wells & Coppersmith (1994) length instead of a point source.
	FiniteFault bool
	// NoFootprint leaves Estimate.Footprint empty: callers that draw no map (the triggers)
	// need not pay for the discs.
	NoFootprint bool
}

// Circle is a disc: a centre in degrees and a radius in kilometres (as a
// CAP <circle>).
type Circle struct {
	Lat, Lon, RadiusKm float64
}

// AreaGeometry is one warning area: the union of its polygons, circles
// and regions.
type AreaGeometry struct {
	// Polygons in GeoJSON order (longitude first); the first ring of each
	// is the outer ring, others holes.
	Polygons []orb.Polygon
	Circles  []Circle
	// Regions are codes of countries ("PK"), provinces ("PK-PB") or
	// imported districts (their code as imported).
	Regions []string
}

// Band is the population exposed to one intensity band.
type Band struct {
	// MMI is the band's lower bound: 5 means V (4.5 ≤ MMI < 5.5, rounded);
	// 10 means X and above.
	MMI        int   `json:"mmi"`
	Population int64 `json:"population"`
	// RadiusKm is the epicentral distance out to which the predicted
	// intensity reaches this band (0 when it does not reach it anywhere).
	RadiusKm float64 `json:"radius_km"`
}

// RegionRef is a province, country or imported district touched by an
// estimate.
type RegionRef struct {
	Code       string            `json:"code"`              // "PK-KP", "PK" or a district code
	Kind       string            `json:"kind"`              // "country", "province" or "district"
	Names      map[string]string `json:"names,omitempty"`   // by language: en, ur, ru, zh (may miss some)
	Population int64             `json:"population"`        // exposed population counted in it
	MaxMMI     float64           `json:"max_mmi,omitempty"` // strongest predicted intensity in it (earthquakes)
}

// PlaceExposure is one named place and the shaking or area it is in.
type PlaceExposure struct {
	ID   int64  `json:"id"`   // GeoNames id; below zero for a place the project added
	Name string `json:"name"` // GeoNames name (Latin script)
	// Names are the Urdu, Russian and Chinese names where known.
	Names      geodata.Names `json:"names"`
	Country    string        `json:"country"`  // ISO alpha-2
	Province   string        `json:"province"` // ISO 3166-2 code of the province it lies in, if known
	Lat        float64       `json:"lat"`
	Lon        float64       `json:"lon"`
	Population int64         `json:"population"`
	DistanceKm float64       `json:"distance_km,omitempty"` // from the epicentre (earthquakes)
	MMI        float64       `json:"mmi,omitempty"`         // predicted intensity (earthquakes)
}

// Estimate is the result of one estimate.
type Estimate struct {
	// Level is the alert colour (earthquakes); empty for areas.
	Level Level `json:"level,omitempty"`
	// Bands lists V, VI, VII, VIII, IX and X+ in that order (earthquakes).
	Bands []Band `json:"bands,omitempty"`
	// Population is the total exposed: to MMI V or more for an earthquake,
	// inside the areas for Areas.
	Population int64 `json:"population"`
	// Layer is the population layer counted.
	Layer Layer `json:"layer"`
	// Provinces touched, most strongly shaken (or most populous) first;
	// Districts likewise when districts are imported.
	Provinces []RegionRef `json:"provinces"`
	Districts []RegionRef `json:"districts,omitempty"`
	// Places most strongly shaken first (then most populous), at most
	// MaxPlaces of them; for Areas, the places inside, most populous first.
	Places []PlaceExposure `json:"places"`
	// Footprint is the intensity discs or the areas, for a map and for a
	// warning's area (see the package documentation).
	Footprint *geojson.FeatureCollection `json:"footprint"`
}
