package regions

import (
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"github.com/taawun/taawun/internal/geodata"
)

// provinceHolding finds the built-in province of a district imported without one: the
// province holding the district's centroid, else (a district whose centroid falls in a gap of
// the simplified provincial outlines, or outside a crescent-shaped district) the first
// province holding one of its vertices. ok is false when no province holds any of them.
func provinceHolding(district orb.MultiPolygon) (geodata.Region, bool, error) {
	all, err := geodata.Regions()
	if err != nil {
		return geodata.Region{}, false, err
	}
	var provinces []geodata.Region
	b := district.Bound()
	for _, r := range all {
		if r.Scheme == geodata.SchemeProvince && r.Geometry.Bound().Intersects(b) {
			provinces = append(provinces, r)
		}
	}
	if len(provinces) == 0 {
		return geodata.Region{}, false, nil
	}
	holding := func(pt orb.Point) (geodata.Region, bool) {
		for _, p := range provinces {
			if p.Geometry.Bound().Contains(pt) && planar.MultiPolygonContains(p.Geometry, pt) {
				return p, true
			}
		}
		return geodata.Region{}, false
	}
	c, _ := planar.CentroidArea(district)
	if p, ok := holding(c); ok {
		return p, true, nil
	}
	for _, poly := range district {
		for _, ring := range poly {
			for _, pt := range ring {
				if p, ok := holding(pt); ok {
					return p, true, nil
				}
			}
		}
	}
	return geodata.Region{}, false, nil
}
