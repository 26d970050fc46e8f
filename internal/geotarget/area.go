package geotarget

import (
	"fmt"

	"github.com/paulmach/orb"
)

// Shape is one part of an Area: a Polygon, a Circle or a MultiPolygon.
type Shape interface {
	addTo(a *Area) error
}

// MultiPolygon is a GeoJSON (multi)polygon such as an administrative area,
// in orb's [lon, lat] order. Each member is one polygon of the union: its
// first ring is the outer ring, the others holes.
type MultiPolygon orb.MultiPolygon

// Area is the union of shapes that an alert targets. It is immutable once
// made and safe for concurrent use.
type Area struct {
	polys   []*polygon
	circles []*circle
}

// NewArea compiles shapes into an Area. An Area with no shapes contains
// nothing.
func NewArea(shapes ...Shape) (*Area, error) {
	a := &Area{}
	for i, s := range shapes {
		if err := s.addTo(a); err != nil {
			return nil, fmt.Errorf("geotarget: area shape %d: %w", i, err)
		}
	}
	return a, nil
}

func (pg Polygon) addTo(a *Area) error {
	p, err := compilePolygon(pg.rings())
	if err != nil {
		return err
	}
	a.polys = append(a.polys, p)
	return nil
}

func (c Circle) addTo(a *Area) error {
	cc, err := c.compile()
	if err != nil {
		return err
	}
	a.circles = append(a.circles, cc)
	return nil
}

func (mp MultiPolygon) addTo(a *Area) error {
	for i, pg := range mp {
		rings := make([][][2]float64, len(pg))
		for j, ring := range pg {
			rings[j] = make([][2]float64, len(ring))
			for k, v := range ring {
				rings[j][k] = [2]float64(v)
			}
		}
		p, err := compilePolygon(rings)
		if err != nil {
			return fmt.Errorf("multipolygon member %d: %w", i, err)
		}
		a.polys = append(a.polys, p)
	}
	return nil
}

// Contains reports whether p, as given (not rounded to the index's
// precision), is inside the area or on its boundary.
func (a *Area) Contains(p Point) bool {
	return a.containsXY(p.Lon, p.Lat)
}

func (a *Area) containsXY(x, y float64) bool {
	for _, p := range a.polys {
		if p.contains(x, y) {
			return true
		}
	}
	for _, c := range a.circles {
		if c.contains(x, y) {
			return true
		}
	}
	return false
}

// shapeContains tests one shape by its index: polygons first, then circles.
func (a *Area) shapeContains(shape int32, x, y float64) bool {
	if int(shape) < len(a.polys) {
		return a.polys[shape].contains(x, y)
	}
	return a.circles[int(shape)-len(a.polys)].contains(x, y)
}
