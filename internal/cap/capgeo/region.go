package capgeo

import (
	"fmt"
	"math"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geo"
	"github.com/taawun/taawun/internal/cap"
)

// CirclePoints is the number of vertices used to draw a circle as a polygon.
const CirclePoints = 64

// Polygon converts a CAP polygon ("lat,lon lat,lon ...") to an orb ring
// polygon with longitude first.
func Polygon(s string) (orb.Polygon, error) {
	pts, err := cap.ParsePolygon(s)
	if err != nil {
		return nil, err
	}
	ring := make(orb.Ring, len(pts))
	for i, p := range pts {
		ring[i] = orb.Point{p.Lon, p.Lat}
	}
	return orb.Polygon{ring}, nil
}

// CirclePolygon approximates c by a closed ring of CirclePoints vertices.
func CirclePolygon(c cap.Circle) orb.Polygon { return CirclePolygonN(c, CirclePoints) }

// CirclePolygonN approximates c by a closed ring of n vertices (n ≥ 3); the ring's edges come
// within r·(1−cos(π/n)) of the circle.
func CirclePolygonN(c cap.Circle, n int) orb.Polygon {
	ring := make(orb.Ring, 0, n+1)
	from := newBearings(orb.Point{c.Center.Lon, c.Center.Lat}, c.RadiusKM*1000)
	if t := bearingTables[n]; t != nil {
		for i := range n {
			ring = append(ring, from.atSinCos(t.sin[i], t.cos[i]))
		}
	} else {
		for i := range n {
			ring = append(ring, from.at(float64(i)*360/float64(n)))
		}
	}
	ring = append(ring, ring[0])
	return orb.Polygon{ring}
}

// bearingTable holds the sines and cosines of the bearings of the n vertices of a circle.
type bearingTable struct{ sin, cos []float64 }

// bearingTables are made once for the vertex counts circles are mostly drawn with: the
// CirclePoints of a CAP circle, and the 32 of an earthquake's footprint. They are two of the
// five sines, cosines and inverses each vertex costs.
var bearingTables = map[int]*bearingTable{CirclePoints: newBearingTable(CirclePoints), 32: newBearingTable(32)}

func newBearingTable(n int) *bearingTable {
	t := &bearingTable{sin: make([]float64, n), cos: make([]float64, n)}
	for i := range n {
		rad := float64(i) * 360 / float64(n) * math.Pi / 180.0
		t.sin[i], t.cos[i] = math.Sin(rad), math.Cos(rad)
	}
	return t
}

// bearings gives the points at one distance from one centre in any direction: what
// geo.PointAtBearingAndDistance gives, bit for bit, with the sines and cosines of the centre's
// latitude and of the distance worked out once instead of at every point.
type bearings struct {
	lon, sinLat, cosLat, sinDist, cosDist float64
}

func newBearings(center orb.Point, meters float64) bearings {
	lat := center[1] * math.Pi / 180.0
	ratio := meters / orb.EarthRadius
	return bearings{lon: center[0] * math.Pi / 180.0, sinLat: math.Sin(lat), cosLat: math.Cos(lat), sinDist: math.Sin(ratio), cosDist: math.Cos(ratio)}
}

// at is the point at bearing degrees from the centre.
func (b bearings) at(bearing float64) orb.Point {
	rad := bearing * math.Pi / 180.0
	return b.atSinCos(math.Sin(rad), math.Cos(rad))
}

// atSinCos is the point at the bearing whose sine and cosine are given.
func (b bearings) atSinCos(sin, cos float64) orb.Point {
	lat := math.Asin(b.sinLat*b.cosDist + b.cosLat*b.sinDist*cos)
	lon := b.lon + math.Atan2(sin*b.sinDist*b.cosLat, b.cosDist-b.sinLat*math.Sin(lat))
	return orb.Point{180.0 * lon / math.Pi, 180.0 * lat / math.Pi}
}

// AreaGeometry returns the polygons and circles of a (polygons first,
// then circles drawn as polygons).
func AreaGeometry(a *cap.Area) (orb.MultiPolygon, error) {
	var mp orb.MultiPolygon
	for _, s := range a.Polygons {
		p, err := Polygon(s)
		if err != nil {
			return nil, fmt.Errorf("capgeo: area %q: %w", a.AreaDesc, err)
		}
		mp = append(mp, p)
	}
	for _, s := range a.Circles {
		c, err := cap.ParseCircle(s)
		if err != nil {
			return nil, fmt.Errorf("capgeo: area %q: %w", a.AreaDesc, err)
		}
		mp = append(mp, CirclePolygon(c))
	}
	return mp, nil
}

// polygon is one CAP polygon (a single ring; CAP has no holes).
type polygon struct {
	ring  *ringIndex
	bound orb.Bound
}

func newPolygon(p orb.Polygon) polygon {
	return polygon{ring: newRingIndex(p[0]), bound: p.Bound()}
}

func (pg *polygon) contains(p orb.Point) bool {
	return pg.bound.Contains(p) && pg.ring.contains(p)
}

type circle struct {
	center orb.Point
	meters float64
	bound  orb.Bound
}

// Region is the union of the polygons and circles of one info block,
// prepared for fast point-in-area tests. It is immutable and safe for
// concurrent use.
type Region struct {
	polygons  []polygon
	circles   []circle
	bound     orb.Bound
	empty     bool
	unlocated int
}

// NewRegion prepares the union of in's areas. Areas with only geocodes
// add nothing (see Unlocated); malformed geometry is an error.
func NewRegion(in *cap.Info) (*Region, error) {
	r := &Region{empty: true}
	for i := range in.Areas {
		a := &in.Areas[i]
		if len(a.Polygons) == 0 && len(a.Circles) == 0 {
			r.unlocated++
		}
		for _, s := range a.Polygons {
			p, err := Polygon(s)
			if err != nil {
				return nil, fmt.Errorf("capgeo: area %q: %w", a.AreaDesc, err)
			}
			r.addBound(p.Bound())
			r.polygons = append(r.polygons, newPolygon(p))
		}
		for _, s := range a.Circles {
			c, err := cap.ParseCircle(s)
			if err != nil {
				return nil, fmt.Errorf("capgeo: area %q: %w", a.AreaDesc, err)
			}
			center := orb.Point{c.Center.Lon, c.Center.Lat}
			b := circleBound(center, c.RadiusKM*1000)
			r.addBound(b)
			r.circles = append(r.circles, circle{center: center, meters: c.RadiusKM * 1000, bound: b})
		}
	}
	return r, nil
}

func (r *Region) addBound(b orb.Bound) {
	if r.empty {
		r.bound, r.empty = b, false
		return
	}
	r.bound = r.bound.Union(b)
}

// circleBound is a bounding box that surely contains the circle (a
// little generous; the exact test follows).
func circleBound(c orb.Point, meters float64) orb.Bound {
	const metersPerDegree = 111_000.0
	dLat := meters/metersPerDegree + 1e-9
	cos := math.Cos(c[1] * math.Pi / 180)
	dLon := 360.0
	if cos > 1e-6 {
		dLon = math.Min(360, dLat/cos)
	}
	return orb.Bound{
		Min: orb.Point{math.Max(-180, c[0]-dLon), math.Max(-90, c[1]-dLat)},
		Max: orb.Point{math.Min(180, c[0]+dLon), math.Min(90, c[1]+dLat)},
	}
}

// Unlocated returns how many areas had neither polygon nor circle.
func (r *Region) Unlocated() int { return r.unlocated }

// Empty reports whether the region has no geometry at all.
func (r *Region) Empty() bool { return r.empty }

// Bound returns the bounding box of the region (zero when empty).
func (r *Region) Bound() orb.Bound { return r.bound }

// Contains reports whether (lat, lon) lies in any polygon or circle of
// the region. Points on a polygon's edge count as inside.
func (r *Region) Contains(lat, lon float64) bool {
	if r.empty {
		return false
	}
	p := orb.Point{lon, lat}
	if !r.bound.Contains(p) {
		return false
	}
	for i := range r.polygons {
		if r.polygons[i].contains(p) {
			return true
		}
	}
	for i := range r.circles {
		c := &r.circles[i]
		if c.bound.Contains(p) && geo.DistanceHaversine(c.center, p) <= c.meters {
			return true
		}
	}
	return false
}
