package alert

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"

	"github.com/paulmach/orb"

	"github.com/taawun/taawun/internal/cap"
	"github.com/taawun/taawun/internal/cap/capgeo"
	"github.com/taawun/taawun/internal/geodata"
	"github.com/taawun/taawun/internal/geotarget"
	"github.com/taawun/taawun/internal/store"
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
	mp, err := geodata.ReadMultiPolygon(raw)
	if err != nil {
		return nil, fmt.Errorf("alert: jurisdiction: %w", err)
	}
	return mp, nil
}

// jurisdictions keeps organisations' prepared jurisdictions, by their GeoJSON, so that a
// province's thousands of vertices are indexed once, not on every draft and approval.
type jurisdictions struct {
	mu    sync.Mutex
	byRaw map[string]*geotarget.Territory
}

// jurisdictionsKept bounds the cache; organisations' jurisdictions are few and rarely change.
const jurisdictionsKept = 256

// Territory returns org's jurisdiction prepared for point tests, from the cache the service's
// own checks use: the hazard triggers test their areas against the same index instead of
// building a second one per organisation.
func (s *Service) Territory(org store.Org) (*geotarget.Territory, error) {
	return s.jurisdictions.get(org.Jurisdiction)
}

func (c *jurisdictions) get(raw json.RawMessage) (*geotarget.Territory, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if p, ok := c.byRaw[string(raw)]; ok {
		return p, nil
	}
	mp, err := jurisdiction(raw)
	if err != nil {
		return nil, err
	}
	p, err := geotarget.NewTerritory(mp)
	if err != nil {
		return nil, fmt.Errorf("alert: jurisdiction: %w", err)
	}
	if c.byRaw == nil || len(c.byRaw) >= jurisdictionsKept {
		c.byRaw = map[string]*geotarget.Territory{}
	}
	c.byRaw[string(raw)] = p
	return p, nil
}

// shapes are an area's polygons (lon/lat, as capgeo.Polygon reads them) and circles, parsed.
type shapes struct {
	polygons []orb.Polygon
	circles  []cap.Circle
}

// geometry is what capgeo.AreaGeometry makes of the area the shapes were parsed from.
func (sh shapes) geometry() orb.MultiPolygon {
	mp := make(orb.MultiPolygon, 0, len(sh.polygons)+len(sh.circles))
	mp = append(mp, sh.polygons...)
	for _, c := range sh.circles {
		mp = append(mp, capgeo.CirclePolygon(c))
	}
	return mp
}

// areaGeometry turns an area into a multipolygon (lon/lat), regions resolved by regions.
func areaGeometry(ctx context.Context, regions geodata.Lookup, a Area) (orb.MultiPolygon, error) {
	ca := cap.Area{AreaDesc: a.Desc, Polygons: a.Polygons, Circles: a.Circles}
	mp, err := capgeo.AreaGeometry(&ca)
	if err != nil {
		return nil, err
	}
	return addRegions(ctx, regions, mp, a)
}

// addRegions appends to mp the geometry of the area's regions.
func addRegions(ctx context.Context, regions geodata.Lookup, mp orb.MultiPolygon, a Area) (orb.MultiPolygon, error) {
	for _, code := range a.Regions {
		r, ok, err := regions.Region(ctx, code)
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

// checkWithin reports, naming the area and a point, when an area leaves the jurisdiction: every
// point sampled every sampleStep along its borders must lie inside it or within borderTolerance.
// parsed, when not nil, holds the areas' polygons and circles as Content.check parsed them.
func checkWithin(ctx context.Context, regions geodata.Lookup, areas []Area, parsed []shapes, juris *geotarget.Territory, orgName string) error {
	for i, a := range areas {
		var mp orb.MultiPolygon
		var err error
		if parsed != nil {
			mp, err = addRegions(ctx, regions, parsed[i].geometry(), a)
		} else {
			mp, err = areaGeometry(ctx, regions, a)
		}
		if err != nil {
			return fmt.Errorf("%w: area %d (%q): %w", ErrInvalid, i+1, a.Desc, err)
		}
		for _, poly := range mp {
			if p, out := juris.FirstOutside(poly[0], sampleStep, borderTolerance); out {
				return fmt.Errorf("%w: area %q reaches %.3f,%.3f, outside the jurisdiction of %s", ErrOutsideJurisdiction, a.Desc, p[1], p[0], orgName)
			}
		}
	}
	return nil
}
