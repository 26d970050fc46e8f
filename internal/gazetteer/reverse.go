package gazetteer

import (
	"math"

	"github.com/taawun/taawun/internal/geotarget"
)

// Location is what Reverse finds around a point. Any of Country, Province,
// District may be nil (at sea, outside the member states, or no districts
// imported).
type Location struct {
	Country  *Entry
	Province *Entry
	District *Entry
	// Nearest is the nearest GeoNames place, DistanceKm its great-circle
	// distance; nil when there are no places.
	Nearest    *Entry
	DistanceKm float64
}

// Reverse names the areas containing (lat, lon) and the nearest place.
func (g *Gazetteer) Reverse(lat, lon float64) Location {
	var loc Location
	if a := containing(g.countries, lat, lon); a != nil {
		loc.Country = a.entry
	}
	if a := containing(g.provinces, lat, lon); a != nil {
		loc.Province = a.entry
		if loc.Country == nil {
			loc.Country = g.countryOf(a.entry)
		}
	}
	if a := containing(g.districts, lat, lon); a != nil {
		loc.District = a.entry
	}
	loc.Nearest, loc.DistanceKm = g.nearestPlace(lat, lon, nil)
	return loc
}

func (g *Gazetteer) countryOf(e *Entry) *Entry {
	if a, ok := g.byCode[e.Country]; ok {
		return a.entry
	}
	return nil
}

// placeBuckets files the places by whole degree of latitude and longitude, so the nearest
// place is found by looking at the few buckets around a point instead of at every place.
type placeBuckets map[[2]int16][]int32

func bucketOf(lat, lon float64) [2]int16 {
	return [2]int16{int16(math.Floor(lat)), int16(math.Floor(lon))}
}

func newPlaceBuckets(at [][2]float64) placeBuckets {
	b := placeBuckets{}
	for i, p := range at {
		k := bucketOf(p[0], p[1])
		b[k] = append(b[k], int32(i))
	}
	return b
}

// nearestPlace returns the place closest to (lat, lon) by great-circle distance, among those
// ok accepts (all if ok is nil), with that distance. Buckets are searched in growing square
// rings. A place not yet seen after ring r lies r or more degrees of latitude away, or r or
// more degrees of longitude away at a latitude within r+1 degrees of the point's; by the
// haversine formula the second is at least 2·asin(cos φ·sin(r/2)) away, φ the largest such
// latitude. Once the best place found is nearer than both bounds the search stops.
func (g *Gazetteer) nearestPlace(lat, lon float64, ok func(*Entry) bool) (*Entry, float64) {
	const deg = math.Pi / 180
	best := -1
	bestC2 := math.Inf(1) // squared chord on the unit sphere
	q := unitVector(lat, lon)
	consider := func(i int32) {
		p := g.placeUnit[i]
		dx, dy, dz := p[0]-q[0], p[1]-q[1], p[2]-q[2]
		if c2 := dx*dx + dy*dy + dz*dz; c2 < bestC2 && (ok == nil || ok(g.places[i])) {
			best, bestC2 = int(i), c2
		}
	}
	c := bucketOf(lat, lon)
	visit := func(dl, dm int) {
		bl := int(c[0]) + dl
		if bl < -90 || bl > 90 {
			return
		}
		bm := (int(c[1])+dm+540)%360 - 180 // wrap at the antimeridian
		for _, i := range g.buckets[[2]int16{int16(bl), int16(bm)}] {
			consider(i)
		}
	}
	done := false
	for r := 0; r <= maxRing && !done; r++ {
		if r == 0 {
			visit(0, 0)
		}
		for d := -r; d < r; d++ { // the ring's four sides, each corner once
			visit(-r, d)
			visit(d+1, -r)
			visit(r, d+1)
			visit(d, r)
		}
		if best >= 0 {
			φ := math.Min(math.Abs(lat)+float64(r)+1, 90) * deg
			θ := math.Min(float64(r)*deg, 2*math.Asin(math.Cos(φ)*math.Sin(float64(r)*deg/2)))
			chord := 2 * math.Sin(θ/2)
			done = bestC2 <= chord*chord
		}
	}
	if !done { // far from every place (another continent): look at them all
		for i := range g.placeAt {
			consider(int32(i))
		}
	}
	if best < 0 {
		return nil, 0
	}
	return g.places[best], 2 * geotarget.EarthRadiusKM * math.Asin(math.Min(1, math.Sqrt(bestC2)/2))
}

// maxRing bounds the bucket search; beyond it a scan of all places is cheaper.
const maxRing = 20

// DistanceKm is the haversine great-circle distance on the sphere of
// geotarget.EarthRadiusKM.
func DistanceKm(lat1, lon1, lat2, lon2 float64) float64 {
	const rad = math.Pi / 180
	dLat, dLon := (lat2-lat1)*rad, (lon2-lon1)*rad
	h := math.Sin(dLat/2)*math.Sin(dLat/2) + math.Cos(lat1*rad)*math.Cos(lat2*rad)*math.Sin(dLon/2)*math.Sin(dLon/2)
	return 2 * geotarget.EarthRadiusKM * math.Asin(math.Sqrt(min(1, h)))
}

// unitVector is the point (lat, lon) in degrees on the unit sphere.
func unitVector(lat, lon float64) [3]float64 {
	φ, λ := lat*math.Pi/180, lon*math.Pi/180
	return [3]float64{math.Cos(φ) * math.Cos(λ), math.Cos(φ) * math.Sin(λ), math.Sin(φ)}
}
