package hazard

import (
	"errors"
	"fmt"

	"github.com/taawun/taawun/internal/impact"
	"github.com/taawun/taawun/internal/store"
)

// Estimator estimates impacts; *impact.Estimator is one.
type Estimator interface {
	Earthquake(impact.Quake) (impact.Estimate, error)
	Areas([]impact.AreaGeometry) (impact.Estimate, error)
}

// ErrNoFootprint means an event gives too little to estimate who is exposed: a point without
// magnitude, or without areas.
var ErrNoFootprint = errors.New("hazard: no footprint")

// defaultDepthKm is assumed for an earthquake whose source gives no depth: shallow crustal
// events are the damaging ones, so the assumption errs towards more shaking.
const defaultDepthKm = 10.0

// Assess estimates the impact of e: shaking by intensity band for an earthquake with a
// magnitude, the population inside the areas of a warning.
func Assess(est Estimator, e store.HazardEvent) (impact.Estimate, error) {
	return assess(est, e, true)
}

// assess is Assess, with the footprint's discs drawn only when a map needs them.
func assess(est Estimator, e store.HazardEvent, footprint bool) (impact.Estimate, error) {
	if e.Type == "earthquake" {
		if e.Magnitude == nil {
			return impact.Estimate{}, fmt.Errorf("%w: the earthquake has no magnitude", ErrNoFootprint)
		}
		depth := defaultDepthKm
		if e.DepthKm != nil {
			depth = max(*e.DepthKm, 0)
		}
		return est.Earthquake(impact.Quake{Magnitude: *e.Magnitude, DepthKm: depth, Lat: e.Lat, Lon: e.Lon, NoFootprint: !footprint})
	}
	polys, err := geometry(e.Geometry)
	if err != nil {
		return impact.Estimate{}, err
	}
	if len(polys) == 0 && len(e.Regions) == 0 {
		return impact.Estimate{}, fmt.Errorf("%w: the source gives only a point for this %s", ErrNoFootprint, e.Type)
	}
	area := impact.AreaGeometry{Regions: e.Regions}
	for _, p := range polys {
		area.Polygons = append(area.Polygons, p)
	}
	return est.Areas([]impact.AreaGeometry{area})
}
