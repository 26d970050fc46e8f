package impact

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/taawun/taawun/internal/gazetteer"
	"github.com/taawun/taawun/internal/population"
)

// MaxPlaces bounds Estimate.Places.
const MaxPlaces = 50

// Bands: V (5) to X+ (10).
const (
	minBand = 5
	maxBand = 10
)

// ErrInvalidQuake is wrapped by Earthquake for impossible source values.
var ErrInvalidQuake = errors.New("impact: invalid earthquake")

// ErrNoModel is returned before a population model is loaded.
var ErrNoModel = errors.New("impact: no population model loaded")

// Source gives the population model in force; *population.Layers is one.
type Source interface {
	Current() *population.Model
}

// Estimator computes estimates against the model its Source holds.
type Estimator struct {
	src Source
}

// New returns an Estimator over src.
func New(src Source) *Estimator { return &Estimator{src: src} }

// Embedded returns an Estimator over the embedded GeoNames places only.
func Embedded() (*Estimator, error) {
	m, err := population.Embedded()
	if err != nil {
		return nil, err
	}
	return New(population.NewLayers(m)), nil
}

func (e *Estimator) model() (*population.Model, error) {
	m := e.src.Current()
	if m == nil {
		return nil, ErrNoModel
	}
	return m, nil
}

func (q Quake) validate() error {
	switch {
	case !(q.Magnitude > 0 && q.Magnitude <= 10):
		return fmt.Errorf("%w: magnitude %v not in (0, 10]", ErrInvalidQuake, q.Magnitude)
	case !(q.DepthKm >= 0 && q.DepthKm <= 700):
		return fmt.Errorf("%w: depth %v km not in [0, 700]", ErrInvalidQuake, q.DepthKm)
	case !(q.Lat >= -90 && q.Lat <= 90) || !(q.Lon >= -180 && q.Lon <= 180):
		return fmt.Errorf("%w: epicentre (%v, %v) out of range", ErrInvalidQuake, q.Lat, q.Lon)
	}
	return nil
}

// bandOf returns the band of an intensity: rounded, capped at X; 0 below V.
func bandOf(mmi float64) int {
	b := int(math.Floor(mmi + 0.5))
	if b < minBand {
		return 0
	}
	return min(b, maxBand)
}

// regionTally accumulates exposure per province or district.
type regionTally struct {
	m map[*gazetteer.Entry]*tallied
	// last is the region of the previous point: the index returns points in space-filling-curve
	// order, so neighbours mostly share a region and the map is seldom consulted.
	last  *gazetteer.Entry
	lastT *tallied
}

type tallied struct {
	entry      *gazetteer.Entry
	population float64
	minChord2  float64 // closest point to the epicentre, as a squared chord
}

func newTally() *regionTally { return &regionTally{m: map[*gazetteer.Entry]*tallied{}} }

func (t *regionTally) add(e *gazetteer.Entry, pop, chord2 float64) {
	if e == nil {
		return
	}
	r := t.lastT
	if e != t.last {
		var ok bool
		if r, ok = t.m[e]; !ok {
			r = &tallied{entry: e, minChord2: math.Inf(1)}
			t.m[e] = r
		}
		t.last, t.lastT = e, r
	}
	r.population += pop
	r.minChord2 = math.Min(r.minChord2, chord2)
}

// sorted lists the regions, strongest shaking first, then most exposed; s (nil for areas) gives
// each region's strongest intensity, at its point closest to the epicentre.
func (t *regionTally) sorted(s *shaking) []RegionRef {
	out := make([]RegionRef, 0, len(t.m))
	for _, r := range t.m {
		ref := RegionRef{Code: r.entry.Code, Kind: string(r.entry.Kind), Names: r.entry.Names, Population: int64(r.population + 0.5)}
		if s != nil {
			ref.MaxMMI = round1(s.intensityAt(population.DistanceOfChordSquared(r.minChord2)))
		}
		out = append(out, ref)
	}
	slices.SortFunc(out, func(a, b RegionRef) int {
		return cmp.Or(cmp.Compare(b.MaxMMI, a.MaxMMI), cmp.Compare(b.Population, a.Population), strings.Compare(a.Code, b.Code))
	})
	return out
}

// Earthquake estimates the shaking of q and the people exposed to it.
//
// Each counted point falls in the band whose radius it is within: intensity decreases with
// distance, so comparing the point's squared chord to the epicentre with the bands' costs no
// trigonometry or logarithm per point (a 1 km grid has hundreds of thousands of cells in reach).
func (e *Estimator) Earthquake(q Quake) (Estimate, error) {
	if err := q.validate(); err != nil {
		return Estimate{}, err
	}
	m, err := e.model()
	if err != nil {
		return Estimate{}, err
	}
	est := Estimate{Layer: Layer(m.Layer())}
	s := q.shaking()
	var chord2 [maxBand + 1]float64 // by band: the squared chord of its outer radius
	var reach float64               // the radius of V
	for b := minBand; b <= maxBand; b++ {
		r := s.radiusFor(float64(b) - 0.5)
		if r > 0 {
			chord2[b] = population.ChordSquaredOf(r)
		} else {
			chord2[b] = -1
		}
		if b == minBand {
			reach = r
		}
		est.Bands = append(est.Bands, Band{MMI: b, RadiusKm: round1(r)})
	}
	if reach == 0 {
		est.Level = LevelGreen
		est.Footprint = geojson.NewFeatureCollection()
		return est, nil
	}
	var pops [maxBand + 1]float64
	provinces, districts := newTally(), newTally()
	count := func(p *population.Point, c2 float64) {
		if c2 > chord2[minBand] {
			return
		}
		b := maxBand
		for c2 > chord2[b] {
			b--
		}
		pops[b] += p.Population
		provinces.add(p.Province, p.Population, c2)
		districts.add(p.District, p.Population, c2)
	}
	// The disc reaches 1 km past V, where nothing is counted or shaken, so that rounding at its
	// edge never matters.
	disc := reach + 1
	places := newRingCount(disc)
	if m.Layer() == population.LayerPlaces {
		// The places are what is counted: one walk of the disc serves both.
		err = m.EachPlaceNear(q.Lat, q.Lon, disc, func(p *population.Point, c2 float64) { count(p, c2); places.add(c2) })
	} else if err = m.EachCountedNear(q.Lat, q.Lon, disc, count); err == nil {
		err = m.EachPlaceNear(q.Lat, q.Lon, disc, func(_ *population.Point, c2 float64) { places.add(c2) })
	}
	if err != nil {
		return Estimate{}, fmt.Errorf("impact: earthquake disc: %w", err)
	}
	if est.Places, err = s.shakenPlaces(m, reach, disc, &places); err != nil {
		return Estimate{}, err
	}
	for i := range est.Bands {
		b := &est.Bands[i]
		b.Population = int64(pops[b.MMI] + 0.5)
		est.Population += b.Population
	}
	est.Provinces, est.Districts = provinces.sorted(&s), districts.sorted(&s)
	est.Level = levelFor(est.Bands)
	if q.NoFootprint {
		est.Footprint = geojson.NewFeatureCollection()
	} else {
		est.Footprint = quakeFootprint(q, est.Bands)
	}
	return est, nil
}

func placeExposure(p *population.Point) PlaceExposure {
	pl := p.Place
	pe := PlaceExposure{Name: pl.Name("en"), Country: pl.Country, Province: pl.Province,
		Lat: pl.Lat, Lon: pl.Lon, Population: pl.Population}
	if pl.Place != nil {
		pe.ID, pe.Names = pl.Place.ID, pl.Place.Names
	}
	return pe
}

// strongest sorts places most strongly shaken first, then most populous, and keeps
// MaxPlaces of them.
func strongest(ps []PlaceExposure) []PlaceExposure {
	slices.SortFunc(ps, func(a, b PlaceExposure) int {
		return cmp.Or(cmp.Compare(b.MMI, a.MMI), cmp.Compare(b.Population, a.Population), cmp.Compare(a.ID, b.ID))
	})
	if len(ps) > MaxPlaces {
		return ps[:MaxPlaces]
	}
	return ps
}

func round1(v float64) float64 { return math.Round(v*10) / 10 }

// CirclePoints is the number of vertices of a disc in a footprint.
const CirclePoints = 64

// discPolygon draws a circle as a closed ring of CirclePoints vertices.
func discPolygon(lat, lon, radiusKm float64) orb.Polygon {
	d := newDiscs(lat, lon)
	return d.polygon(radiusKm)
}

// discs draws circles around one centre: the vertices geo.PointAtBearingAndDistance gives at
// CirclePoints bearings, by the same operations and so bit for bit (TestDiscsMatchOrb), but
// with the sines and cosines of the centre's latitude, of the bearings and of each radius
// worked out once rather than at every vertex. Thirteen trigonometric calls a vertex become
// three; a footprint's discs were half the time of an estimate.
type discs struct {
	lon, sinLat, cosLat float64 // the centre, in radians
	sinB, cosB          [CirclePoints]float64
}

func newDiscs(lat, lon float64) discs {
	aLat := lat * math.Pi / 180.0
	d := discs{lon: lon * math.Pi / 180.0, sinLat: math.Sin(aLat), cosLat: math.Cos(aLat)}
	for i := range CirclePoints {
		b := float64(i) * 360 / CirclePoints * math.Pi / 180.0
		d.sinB[i], d.cosB[i] = math.Sin(b), math.Cos(b)
	}
	return d
}

func (d *discs) polygon(radiusKm float64) orb.Polygon {
	ratio := radiusKm * 1000 / orb.EarthRadius
	sinD, cosD := math.Sin(ratio), math.Cos(ratio)
	ring := make(orb.Ring, 0, CirclePoints+1)
	for i := range CirclePoints {
		bLat := math.Asin(d.sinLat*cosD + d.cosLat*sinD*d.cosB[i])
		bLon := d.lon + math.Atan2(d.sinB[i]*sinD*d.cosLat, cosD-d.sinLat*math.Sin(bLat))
		ring = append(ring, orb.Point{180.0 * bLon / math.Pi, 180.0 * bLat / math.Pi})
	}
	return orb.Polygon{append(ring, ring[0])}
}

// quakeFootprint draws one disc per band that the shaking reaches,
// weakest (largest) first.
func quakeFootprint(q Quake, bands []Band) *geojson.FeatureCollection {
	fc := geojson.NewFeatureCollection()
	d := newDiscs(q.Lat, q.Lon)
	for _, b := range bands {
		if b.RadiusKm <= 0 {
			continue
		}
		f := geojson.NewFeature(d.polygon(b.RadiusKm))
		f.Properties["mmi"] = b.MMI
		f.Properties["population"] = b.Population
		f.Properties["radius_km"] = b.RadiusKm
		fc.Append(f)
	}
	return fc
}
