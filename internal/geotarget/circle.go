package geotarget

import (
	"fmt"
	"math"
)

// EarthRadiusKM is the radius of the sphere on which circle distances are
// measured: the IUGG mean Earth radius R1 = (2a + b) / 3 of WGS 84, rounded
// to 0.1 m. Against WGS 84 geodesics the spherical distance errs by up to
// about 0.5 %, far less than any warning radius is sure of.
const EarthRadiusKM = 6371.0088

// Circle is a CAP <circle>: a centre and a radius in kilometres. A location
// is inside when its haversine great-circle distance from the centre, on a
// sphere of radius EarthRadiusKM, is at most RadiusKM.
type Circle struct {
	Center   Point
	RadiusKM float64
}

const rad = math.Pi / 180

// circle is a compiled Circle. A point is inside when
// sin²(Δφ/2) + cos φ₁ cos φ₂ sin²(Δλ/2) ≤ sin²(θ/2), θ = RadiusKM/EarthRadiusKM:
// that is haversine distance ≤ RadiusKM, without the asin.
type circle struct {
	lat, lon float64 // centre, radians
	cosLat   float64
	theta    float64 // radius as a central angle
	havMax   float64
	all      bool // the circle covers the whole sphere
}

func (c Circle) compile() (*circle, error) {
	if err := c.Center.validate(); err != nil {
		return nil, fmt.Errorf("geotarget: circle centre: %w", err)
	}
	if !(c.RadiusKM >= 0) || math.IsInf(c.RadiusKM, 0) {
		return nil, fmt.Errorf("geotarget: circle radius %v km: must be a finite number ≥ 0", c.RadiusKM)
	}
	theta := c.RadiusKM / EarthRadiusKM
	s := math.Sin(theta / 2)
	return &circle{
		lat: c.Center.Lat * rad, lon: c.Center.Lon * rad,
		cosLat: math.Cos(c.Center.Lat * rad),
		theta:  theta,
		havMax: s * s,
		all:    theta >= math.Pi,
	}, nil
}

// hav returns the haversine of the central angle from the centre to (x, y)
// degrees (x longitude, y latitude).
func (c *circle) hav(x, y float64) float64 {
	phi := y * rad
	s1 := math.Sin((phi - c.lat) / 2)
	s2 := math.Sin((x*rad - c.lon) / 2)
	return s1*s1 + c.cosLat*math.Cos(phi)*s2*s2
}

func (c *circle) contains(x, y float64) bool {
	return c.all || c.hav(x, y) <= c.havMax
}

// circleMargin (radians, about 6 mm) absorbs the rounding of the distance
// computations, so a cell is called inside or outside only when it is so
// by a wide margin; cells within the margin have their points tested.
const circleMargin = 1e-9

// classify places the closed cell r (degrees) inside, outside or across the
// circle. With m the cell centre and B an upper bound on the distance from m
// to any point of the cell, the triangle inequality puts every point within
// [d(c,m) − B, d(c,m) + B] of the centre. B is half the cell's height plus
// half its width along its widest parallel: a path along a meridian and
// then a parallel, which no geodesic exceeds.
func (c *circle) classify(r rect) relation {
	if c.all {
		return inside
	}
	r = rect{max(r.minX, -180), max(r.minY, -90), min(r.maxX, 180), min(r.maxY, 90)}
	if r.minX > r.maxX || r.minY > r.maxY {
		return outside
	}
	mx, my := (r.minX+r.maxX)/2, (r.minY+r.maxY)/2
	dm := 2 * math.Asin(math.Sqrt(min(1, c.hav(mx, my))))
	minAbsLat := 0.0
	if r.minY > 0 {
		minAbsLat = r.minY
	} else if r.maxY < 0 {
		minAbsLat = -r.maxY
	}
	b := ((r.maxY-r.minY)/2 + (r.maxX-r.minX)/2*math.Cos(minAbsLat*rad)) * rad
	switch {
	case dm-b > c.theta+circleMargin:
		return outside
	case dm+b < c.theta-circleMargin && c.theta < 3:
		// Near θ = π the haversine flattens and the margin no longer
		// bounds its rounding; such continental circles test every point.
		return inside
	}
	return across
}

// relation is where a cell lies relative to a shape.
type relation int8

const (
	outside relation = iota
	across
	inside
)
