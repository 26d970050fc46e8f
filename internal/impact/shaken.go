package impact

import (
	"cmp"
	"fmt"
	"math"
	"slices"

	"github.com/taawun/taawun/internal/gazetteer"
	"github.com/taawun/taawun/internal/geotarget"
	"github.com/taawun/taawun/internal/population"
)

// Thousands of places can lie in an earthquake's disc, but only the MaxPlaces most strongly
// shaken are described. Ranking every one of them costs a haversine and the logarithms of the
// intensity equation each, and a sort of them all; instead the walk of the disc counts the
// places by distance (a square root per place), the intensity at the distance that holds
// MaxPlaces of them bounds the intensity any of the strongest can have, and a second, smaller
// disc holds every place that reaches that bound. Only those are ranked, exactly as all of them
// would be: the result is the same, ties of rounded intensity broken by population and id
// included.

// shakenPlace is a place in an earthquake's disc, with what ranks it.
type shakenPlace struct {
	point           *population.Point
	distanceKm, mmi float64
	population, id  int64
}

// rings is the number of rings of equal width in which ringCount counts the disc's places.
const rings = 64

// ringCount counts places by their chord from the epicentre, in rings of equal width out to
// the disc's edge. (A heap of the MaxPlaces nearest would bound the distance a little more
// tightly, but the places come in Morton order, not by distance, and it cost ten times more.)
type ringCount struct {
	perChord float64 // rings per unit of chord
	n        [rings]int32
}

func newRingCount(discKm float64) ringCount {
	return ringCount{perChord: rings / math.Sqrt(population.ChordSquaredOf(discKm))}
}

// add counts a place of the disc (chord2 at most the disc's).
func (r *ringCount) add(chord2 float64) {
	r.n[min(int(math.Sqrt(chord2)*r.perChord), rings-1)]++
}

// within returns a distance within which at least k of the counted places lie, or false when
// fewer were counted.
func (r *ringCount) within(k int) (float64, bool) {
	sum := 0
	for i, n := range r.n {
		if sum += int(n); sum >= k {
			c := float64(i+1) / r.perChord
			return population.DistanceOfChordSquared(c * c), true
		}
	}
	return 0, false
}

// Margins of the second disc. Its radius comes from a bisection to within bisectionKm, and
// distances from chords (the rings) and from haversines (the ranking) differ by far less than
// slackKm; an intensity computed in floating point errs by far less than slackMMI, and over the
// slackKm the equations fall by far more than that error.
const (
	bisectionKm = 0.001
	slackKm     = 0.01
	slackMMI    = 0.01
)

// shakenPlaces describes the MaxPlaces places shaken at V or more, strongest first, then most
// populous, then by id (ids are unique, so the order is total and does not depend on the order
// the places were found in). reach is the radius of V; counted has counted the places of the
// disc of radius disc.
func (s shaking) shakenPlaces(m *population.Model, reach, disc float64, counted *ringCount) ([]PlaceExposure, error) {
	// Usually a few more than MaxPlaces are ranked.
	shaken := make([]shakenPlace, 0, 2*MaxPlaces)
	shake := func(p *population.Point) {
		d := gazetteer.DistanceKm(s.Lat, s.Lon, p.Lat, p.Lon)
		mmi := s.intensityAt(d)
		if bandOf(mmi) == 0 {
			return
		}
		sp := shakenPlace{point: p, distanceKm: round1(d), mmi: round1(mmi), population: p.Place.Population}
		if p.Place.Place != nil {
			sp.id = p.Place.Place.ID
		}
		shaken = append(shaken, sp)
	}
	switch {
	case reach >= maxRadiusKm || !s.fallsWithDistance():
		// The bisection did not bound the shaking, which may reach the disc's edge, so the edge
		// decides: every place of the disc as the general index draws it is ranked.
		area, err := geotarget.NewArea(geotarget.Circle{Center: geotarget.Point{Lat: s.Lat, Lon: s.Lon}, RadiusKM: disc})
		if err != nil {
			return nil, fmt.Errorf("impact: earthquake disc: %w", err)
		}
		m.EachPlace(area, shake)
	default:
		// Every shaken place lies within the radius of V, well inside the disc.
		r := disc
		if far, ok := counted.within(MaxPlaces); ok {
			r = min(r, s.strongestWithin(far))
		}
		if err := m.EachPlaceNear(s.Lat, s.Lon, r, func(p *population.Point, _ float64) { shake(p) }); err != nil {
			return nil, fmt.Errorf("impact: earthquake places: %w", err)
		}
	}
	if len(shaken) == 0 {
		return nil, nil // as before: no places is null in JSON, not []
	}
	// Sorting indices with the comparisons spelt out is several times faster than sorting the
	// places themselves through cmp.Or, which copies them and makes all three comparisons.
	ranked := make([]int32, len(shaken))
	for i := range ranked {
		ranked[i] = int32(i)
	}
	slices.SortFunc(ranked, func(i, j int32) int {
		a, b := &shaken[i], &shaken[j]
		switch {
		case a.mmi != b.mmi:
			return cmp.Compare(b.mmi, a.mmi)
		case a.population != b.population:
			return cmp.Compare(b.population, a.population)
		}
		return cmp.Compare(a.id, b.id)
	})
	out := make([]PlaceExposure, min(len(ranked), MaxPlaces))
	for i, k := range ranked[:len(out)] {
		sp := &shaken[k]
		out[i] = placeExposure(sp.point)
		out[i].DistanceKm, out[i].MMI = sp.distanceKm, sp.mmi
	}
	return out, nil
}

// strongestWithin returns a radius that holds the MaxPlaces most strongly shaken places, given
// that MaxPlaces places lie within farthestKm (by chord) of the epicentre; intensity must not
// rise with distance (fallsWithDistance).
//
// Intensity falls with distance, so each of those places has an intensity of at least low,
// and at least round1(low) once rounded. If low is V or more they are all shaken, and a place
// rounded below round1(low) ranks after all of them: every one of the strongest has an
// intensity of at least round1(low) − 0.05, the least that rounds to it. Shaken or not, each of
// the strongest has at least 4.5, the least that rounds to V. The radius of that floor, less
// slackMMI, plus the margins, holds them all.
func (s shaking) strongestWithin(farthestKm float64) float64 {
	floor := minBand - 0.5
	if low := s.intensityAt(farthestKm+slackKm) - slackMMI; low >= floor {
		floor = max(floor, round1(low)-0.05)
	}
	return s.radiusFor(floor-slackMMI) + bisectionKm + slackKm
}

// fallsWithDistance reports whether the predicted intensity never rises with epicentral
// distance, which strongestWithin relies on. The rupture-distance form falls everywhere. The
// hypocentral form's slope in R is c2·R/(R² + Rm²) < 0, plus c4/R beyond 50 km: with c4 > 0 it
// stays negative there only while c4 < −c2·R²/(R² + Rm²), whose right side is least at 50 km;
// that holds up to about M 9.6. (Stronger quakes also shake V out to maxRadiusKm today, but the
// proof should not hang on that.)
func (s shaking) fallsWithDistance() bool {
	if s.FiniteFault {
		return true
	}
	b2 := hypoBreakKm * hypoBreakKm
	return hypoC4*(b2+s.rm*s.rm) < -hypoC2*b2*0.999
}
