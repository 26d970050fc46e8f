package alert

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/planar"

	"github.com/taawun/taawun/internal/cap"
	"github.com/taawun/taawun/internal/cap/capgeo"
	"github.com/taawun/taawun/internal/geodata"
)

// ErrOutsideJurisdiction is returned when an area reaches beyond the organisation's jurisdiction.
var ErrOutsideJurisdiction = errors.New("alert: area outside the jurisdiction")

// ErrNoJurisdiction is returned when an organisation has no jurisdiction to issue in.
var ErrNoJurisdiction = errors.New("alert: organisation has no jurisdiction drawn")

// borderTolerance absorbs the difference between boundaries drawn at different scales: the
// embedded countries are Natural Earth 1:50m and provinces 1:10m, so a province's own border can
// lie a few kilometres outside the country's. Points this close to the jurisdiction count as
// inside it.
const borderTolerance = 5.0 // km

// sampleStep is the spacing of the points checked along area borders.
const sampleStep = 0.02 // degrees, about 2 km

// jurisdiction reads an organisation's GeoJSON geometry as a multipolygon.
func jurisdiction(raw json.RawMessage) (orb.MultiPolygon, error) {
	if len(raw) == 0 {
		return nil, ErrNoJurisdiction
	}
	g, err := geojson.UnmarshalGeometry(raw)
	if err != nil {
		return nil, fmt.Errorf("alert: jurisdiction: %w", err)
	}
	switch v := g.Geometry().(type) {
	case orb.Polygon:
		return orb.MultiPolygon{v}, nil
	case orb.MultiPolygon:
		return v, nil
	}
	return nil, fmt.Errorf("alert: jurisdiction is a %s, not a polygon", g.Type)
}

// areaGeometry turns an area into a multipolygon (lon/lat), regions resolved from the gazetteer.
func areaGeometry(a Area) (orb.MultiPolygon, error) {
	ca := cap.Area{AreaDesc: a.Desc, Polygons: a.Polygons, Circles: a.Circles}
	mp, err := capgeo.AreaGeometry(&ca)
	if err != nil {
		return nil, err
	}
	for _, code := range a.Regions {
		r, ok, err := geodata.RegionByCode(code)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, fmt.Errorf("alert: region %q is not in the gazetteer", code)
		}
		mp = append(mp, r.Geometry...)
	}
	return mp, nil
}

// checkWithin reports, naming the area and a point, when an area leaves the jurisdiction. Area
// borders are sampled every sampleStep and each sample must lie inside the jurisdiction (within
// borderTolerance); a polygon whose border lies inside a region without crossing it lies inside
// it too, unless it surrounds a hole, which jurisdictions do not have.
func checkWithin(areas []Area, juris orb.MultiPolygon, orgName string) error {
	bound := juris.Bound()
	for i, a := range areas {
		mp, err := areaGeometry(a)
		if err != nil {
			return fmt.Errorf("%w: area %d (%q): %w", ErrInvalid, i+1, a.Desc, err)
		}
		for _, poly := range mp {
			for _, ring := range poly[:1] {
				for _, p := range densify(ring) {
					if bound.Pad(0.1).Contains(p) && planar.MultiPolygonContains(juris, p) {
						continue
					}
					if distanceToBorderKm(juris, p) <= borderTolerance {
						continue
					}
					return fmt.Errorf("%w: area %q reaches %.3f,%.3f, outside the jurisdiction of %s", ErrOutsideJurisdiction, a.Desc, p[1], p[0], orgName)
				}
			}
		}
	}
	return nil
}

// densify returns the ring's vertices and points every sampleStep along its edges.
func densify(ring orb.Ring) []orb.Point {
	var out []orb.Point
	for i := 0; i+1 < len(ring); i++ {
		a, b := ring[i], ring[i+1]
		n := int(math.Ceil(math.Hypot(b[0]-a[0], b[1]-a[1]) / sampleStep))
		for k := 0; k < max(n, 1); k++ {
			f := float64(k) / float64(max(n, 1))
			out = append(out, orb.Point{a[0] + f*(b[0]-a[0]), a[1] + f*(b[1]-a[1])})
		}
	}
	return out
}

// distanceToBorderKm is the distance from p to the nearest edge of mp, in kilometres, with
// degrees of longitude shortened by the cosine of the latitude.
func distanceToBorderKm(mp orb.MultiPolygon, p orb.Point) float64 {
	best := math.Inf(1)
	kx := math.Cos(p[1] * math.Pi / 180)
	for _, poly := range mp {
		for _, ring := range poly {
			for i := 0; i+1 < len(ring); i++ {
				best = math.Min(best, segmentDistance(p, ring[i], ring[i+1], kx))
			}
		}
	}
	return best * 111.195
}

func segmentDistance(p, a, b orb.Point, kx float64) float64 {
	ax, ay := (a[0]-p[0])*kx, a[1]-p[1]
	bx, by := (b[0]-p[0])*kx, b[1]-p[1]
	dx, dy := bx-ax, by-ay
	t := 0.0
	if l := dx*dx + dy*dy; l > 0 {
		t = math.Max(0, math.Min(1, -(ax*dx+ay*dy)/l))
	}
	return math.Hypot(ax+t*dx, ay+t*dy)
}
