package impact

import (
	"cmp"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geo"
	"github.com/paulmach/orb/geojson"
	"github.com/taawun/taawun/internal/gazetteer"
	"github.com/taawun/taawun/internal/geotarget"
	"github.com/taawun/taawun/internal/population"
	"pgregory.net/rapid"
)

// TestEarthquakeMatchesOracle: Earthquake gives exactly what the straightforward estimate
// (oracleEarthquake: the disc as a general area walk, every place in it ranked and sorted,
// the equations evaluated from scratch each time, orb drawing each vertex) gives — bands,
// people, provinces, districts, level, the same places in the same order, the footprint — for random quakes in and around the SCO
// countries, across the antimeridian and near the pole, point sources and finite faults, from
// M 0 to 10 (beyond M 9.6 the hypocentral equation is not monotonic and beyond its
// maxRadiusKm the bisection does not bound the shaking); on the places layer and on a grid
// with fractional people and imported districts.
func TestEarthquakeMatchesOracle(t *testing.T) {
	places := estimator(t)
	gaz, err := gazetteer.WithDistricts([]gazetteer.District{
		{Code: "PK-T1", Name: "Square one", Province: "PK-JK", Geometry: square(73.3, 34.2, 73.8, 34.6)},
		{Code: "PK-T2", Name: "Square two", Province: "PK-KP", Geometry: square(71.0, 33.5, 72.5, 35.0)},
		{Code: "PK-T3", Name: "Square three", Province: "PK-PB", Geometry: square(73.8, 31.0, 75.0, 32.5)},
	})
	if err != nil {
		t.Fatal(err)
	}
	var cells []population.Cell
	for lat := 30.0; lat <= 37; lat += 0.05 {
		for lon := 69.0; lon <= 77; lon += 0.05 {
			cells = append(cells, population.Cell{Lat: lat, Lon: lon, Population: 3.7 + math.Mod(lat*lon*13, 97.1)})
		}
	}
	m, err := population.NewModel(gaz, cells)
	if err != nil {
		t.Fatal(err)
	}
	grid := New(population.NewLayers(m))
	gazPlaces := gaz.Places()
	rapid.Check(t, func(t *rapid.T) {
		// rapid's numbers favour small magnitudes and first choices; these are drawn evenly.
		r := rand.New(rand.NewPCG(rapid.Uint64().Draw(t, "seed"), 0))
		uniform := func(lo, hi float64) float64 { return lo + (hi-lo)*r.Float64() }
		q := Quake{Magnitude: uniform(4, 8.5), DepthKm: uniform(0, 60), FiniteFault: r.IntN(3) == 0, NoFootprint: r.IntN(2) == 0}
		switch r.IntN(10) {
		case 0:
			q.Magnitude = uniform(0.1, 10)
		case 1:
			q.Magnitude, q.DepthKm = uniform(8.5, 10), uniform(0, 700)
		}
		switch r.IntN(5) {
		case 0, 1: // near a place: where places are, the ranking is busy
			e := gazPlaces[r.IntN(len(gazPlaces))]
			q.Lat, q.Lon = max(-90, min(90, e.Lat+uniform(-1, 1))), max(-180, min(180, e.Lon+uniform(-1, 1)))
		case 2: // northern Pakistan and Kashmir
			q.Lat, q.Lon = uniform(30, 37), uniform(69, 77)
		case 3:
			q.Lat, q.Lon = uniform(-10, 85), uniform(20, 180)
		default: // Chukotka across the antimeridian, and the pole
			q.Lat, q.Lon = uniform(60, 90), []float64{-180, -175, 179, 180}[r.IntN(4)]
		}
		e := places
		if r.IntN(3) == 0 {
			e = grid
		}
		got, err := e.Earthquake(q)
		if err != nil {
			t.Fatal(err)
		}
		if want := oracleEarthquake(t, e.src.Current(), q); !reflect.DeepEqual(got, want) {
			t.Fatalf("%+v:\ngot  %+v\nwant %+v", q, got, want)
		}
	})
}

func square(x0, y0, x1, y1 float64) orb.MultiPolygon {
	return orb.MultiPolygon{{{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}}}}
}

// oracleEarthquake is Earthquake as it was before the disc walk, the place ranking and the
// equations were made fast: the oracle of TestEarthquakeMatchesOracle.
func oracleEarthquake(t *rapid.T, m *population.Model, q Quake) Estimate {
	est := Estimate{Layer: Layer(m.Layer())}
	var chord2 [maxBand + 1]float64
	for b := minBand; b <= maxBand; b++ {
		r := oracleRadiusFor(q, float64(b)-0.5)
		if r > 0 {
			chord2[b] = population.ChordSquaredOf(r)
		} else {
			chord2[b] = -1
		}
		est.Bands = append(est.Bands, Band{MMI: b, RadiusKm: round1(r)})
	}
	reach := oracleRadiusFor(q, minBand-0.5)
	est.Footprint = geojson.NewFeatureCollection()
	if reach == 0 {
		est.Level = LevelGreen
		return est
	}
	disc, err := geotarget.NewArea(geotarget.Circle{Center: geotarget.Point{Lat: q.Lat, Lon: q.Lon}, RadiusKM: reach + 1})
	if err != nil {
		t.Fatal(err)
	}
	epi := population.UnitVector(q.Lat, q.Lon)
	var pops [maxBand + 1]float64
	provinces, districts := newTally(), newTally()
	count := func(p *population.Point) {
		c2 := population.ChordSquared(epi, p.Unit)
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
	var shaken []shakenPlace
	shake := func(p *population.Point) {
		d := gazetteer.DistanceKm(q.Lat, q.Lon, p.Lat, p.Lon)
		mmi := oracleIntensityAt(q, d)
		if bandOf(mmi) == 0 {
			return
		}
		shaken = append(shaken, shakenPlace{point: p, distanceKm: round1(d), mmi: round1(mmi), population: p.Place.Population, id: p.Place.Place.ID})
	}
	m.EachCounted(disc, count)
	m.EachPlace(disc, shake)
	slices.SortFunc(shaken, func(a, b shakenPlace) int {
		return cmp.Or(cmp.Compare(b.mmi, a.mmi), cmp.Compare(b.population, a.population), cmp.Compare(a.id, b.id))
	})
	for _, sp := range shaken[:min(len(shaken), MaxPlaces)] {
		pe := placeExposure(sp.point)
		pe.DistanceKm, pe.MMI = sp.distanceKm, sp.mmi
		est.Places = append(est.Places, pe)
	}
	for i := range est.Bands {
		b := &est.Bands[i]
		b.Population = int64(pops[b.MMI] + 0.5)
		est.Population += b.Population
	}
	regions := func(t *regionTally) []RegionRef {
		out := make([]RegionRef, 0, len(t.m))
		for _, r := range t.m {
			out = append(out, RegionRef{Code: r.entry.Code, Kind: string(r.entry.Kind), Names: r.entry.Names, Population: int64(r.population + 0.5),
				MaxMMI: round1(oracleIntensityAt(q, population.DistanceOfChordSquared(r.minChord2)))})
		}
		slices.SortFunc(out, func(a, b RegionRef) int {
			return cmp.Or(cmp.Compare(b.MaxMMI, a.MaxMMI), cmp.Compare(b.Population, a.Population), strings.Compare(a.Code, b.Code))
		})
		return out
	}
	est.Provinces, est.Districts = regions(provinces), regions(districts)
	est.Level = levelFor(est.Bands)
	for _, b := range est.Bands {
		if q.NoFootprint || b.RadiusKm <= 0 {
			continue
		}
		ring := make(orb.Ring, 0, CirclePoints+1)
		for i := range CirclePoints {
			ring = append(ring, geo.PointAtBearingAndDistance(orb.Point{q.Lon, q.Lat}, float64(i)*360/CirclePoints, b.RadiusKm*1000))
		}
		f := geojson.NewFeature(orb.Polygon{append(ring, ring[0])})
		f.Properties["mmi"], f.Properties["population"], f.Properties["radius_km"] = b.MMI, b.Population, b.RadiusKm
		est.Footprint.Append(f)
	}
	return est
}

func oracleIntensityAt(q Quake, dKm float64) float64 {
	if !q.FiniteFault {
		r := math.Hypot(dKm, q.DepthKm)
		rm := hypoM1 + hypoM2*math.Exp(q.Magnitude-5)
		i := hypoC0 + hypoC1*q.Magnitude + hypoC2*math.Log(math.Sqrt(r*r+rm*rm))
		if r > hypoBreakKm {
			i += hypoC4 * math.Log(r/hypoBreakKm)
		}
		return i
	}
	h := math.Max(0, dKm-ruptureLengthKm(q.Magnitude)/2)
	ztop := math.Max(0, q.DepthKm-ruptureWidthKm(q.Magnitude)/2)
	r := math.Hypot(h, ztop)
	tt := 1 + rupC3*math.Exp(q.Magnitude-5)
	return rupC0 + rupC1*q.Magnitude + rupC2*math.Log(math.Sqrt(r*r+tt*tt))
}

func oracleRadiusFor(q Quake, mmi float64) float64 {
	if oracleIntensityAt(q, 0) < mmi {
		return 0
	}
	if oracleIntensityAt(q, maxRadiusKm) >= mmi {
		return maxRadiusKm
	}
	lo, hi := 0.0, float64(maxRadiusKm)
	for hi-lo > 0.001 {
		mid := (lo + hi) / 2
		if oracleIntensityAt(q, mid) >= mmi {
			lo = mid
		} else {
			hi = mid
		}
	}
	return lo
}

// TestDiscsMatchOrb: discs draws the vertices geo.PointAtBearingAndDistance draws, bit for bit,
// anywhere on the globe and for any radius up to half the world.
func TestDiscsMatchOrb(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		r := rand.New(rand.NewPCG(rapid.Uint64().Draw(t, "seed"), 0))
		lat, lon := -90+180*r.Float64(), -180+360*r.Float64()
		d := newDiscs(lat, lon)
		for range 4 {
			km := []float64{0, 1, 100, 1000, 20000}[r.IntN(5)] * r.Float64()
			got := d.polygon(km)[0]
			for i := range CirclePoints {
				want := geo.PointAtBearingAndDistance(orb.Point{lon, lat}, float64(i)*360/CirclePoints, km*1000)
				if math.Float64bits(got[i][0]) != math.Float64bits(want[0]) || math.Float64bits(got[i][1]) != math.Float64bits(want[1]) {
					t.Fatalf("centre %v, %v, %v km, vertex %d: %v, orb %v", lat, lon, km, i, got[i], want)
				}
			}
			if len(got) != CirclePoints+1 || got[CirclePoints] != got[0] {
				t.Fatalf("ring of %d vertices, not closed", len(got))
			}
		}
	})
}
