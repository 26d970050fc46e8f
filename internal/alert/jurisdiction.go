package alert

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"sync"

	"github.com/paulmach/orb"

	"github.com/taawun/taawun/internal/cap"
	"github.com/taawun/taawun/internal/cap/capgeo"
	"github.com/taawun/taawun/internal/geodata"
	"github.com/taawun/taawun/internal/geotarget"
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

// prepared is a jurisdiction made ready for many point tests: an indexed area answers
// containment, the multipolygon distances to the border.
type prepared struct {
	area  *geotarget.Area
	edges edgeGrid
}

// jurisdictions keeps organisations' prepared jurisdictions, by their GeoJSON, so that a
// province's thousands of vertices are indexed once, not on every draft and approval.
type jurisdictions struct {
	mu    sync.Mutex
	byRaw map[string]*prepared
}

// jurisdictionsKept bounds the cache; organisations' jurisdictions are few and rarely change.
const jurisdictionsKept = 256

func (c *jurisdictions) get(raw json.RawMessage) (*prepared, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if p, ok := c.byRaw[string(raw)]; ok {
		return p, nil
	}
	mp, err := jurisdiction(raw)
	if err != nil {
		return nil, err
	}
	area, err := geotarget.NewArea(geotarget.MultiPolygon(mp))
	if err != nil {
		return nil, fmt.Errorf("alert: jurisdiction: %w", err)
	}
	if c.byRaw == nil || len(c.byRaw) >= jurisdictionsKept {
		c.byRaw = map[string]*prepared{}
	}
	p := &prepared{area: area, edges: newEdgeGrid(mp)}
	c.byRaw[string(raw)] = p
	return p, nil
}

// areaGeometry turns an area into a multipolygon (lon/lat), regions resolved by regions.
func areaGeometry(ctx context.Context, regions geodata.Lookup, a Area) (orb.MultiPolygon, error) {
	ca := cap.Area{AreaDesc: a.Desc, Polygons: a.Polygons, Circles: a.Circles}
	mp, err := capgeo.AreaGeometry(&ca)
	if err != nil {
		return nil, err
	}
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

// checkWithin reports, naming the area and a point, when an area leaves the jurisdiction. Area
// borders are sampled every sampleStep and each sample must lie inside the jurisdiction (within
// borderTolerance); a polygon whose border lies inside a region without crossing it lies inside
// it too, unless it surrounds a hole, which jurisdictions do not have.
func checkWithin(ctx context.Context, regions geodata.Lookup, areas []Area, juris *prepared, orgName string) error {
	for i, a := range areas {
		mp, err := areaGeometry(ctx, regions, a)
		if err != nil {
			return fmt.Errorf("%w: area %d (%q): %w", ErrInvalid, i+1, a.Desc, err)
		}
		for _, poly := range mp {
			for _, ring := range poly[:1] {
				for _, p := range densify(ring) {
					// Near the border first: footprints clipped to a jurisdiction put many
					// samples exactly on it, where the exact containment test is slowest.
					if juris.edges.near(p, borderTolerance) || juris.area.Contains(geotarget.Point{Lat: p[1], Lon: p[0]}) {
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

// edgeGrid files a multipolygon's edges under the grid cells their bounding boxes cover, so that
// "is this point near the border" looks at a few edges instead of a province's thousands.
type edgeGrid map[[2]int32][][2]orb.Point

// edgeCell is the grid's cell size in degrees (about 11 km, twice the border tolerance).
const edgeCell = 0.1

func cellOf(x, y float64) [2]int32 {
	return [2]int32{int32(math.Floor(x / edgeCell)), int32(math.Floor(y / edgeCell))}
}

func newEdgeGrid(mp orb.MultiPolygon) edgeGrid {
	g := edgeGrid{}
	for _, poly := range mp {
		for _, ring := range poly {
			for i := 0; i+1 < len(ring); i++ {
				a, b := ring[i], ring[i+1]
				lo, hi := cellOf(min(a[0], b[0]), min(a[1], b[1])), cellOf(max(a[0], b[0]), max(a[1], b[1]))
				for x := lo[0]; x <= hi[0]; x++ {
					for y := lo[1]; y <= hi[1]; y++ {
						g[[2]int32{x, y}] = append(g[[2]int32{x, y}], [2]orb.Point{a, b})
					}
				}
			}
		}
	}
	return g
}

// near reports whether p lies within km of an edge, with degrees of longitude shortened by the
// cosine of the latitude.
func (g edgeGrid) near(p orb.Point, km float64) bool {
	kx := cosLat(p)
	dy := km / kmPerDegree
	dx := dy / max(kx, 1e-6)
	lo, hi := cellOf(p[0]-dx, p[1]-dy), cellOf(p[0]+dx, p[1]+dy)
	for x := lo[0]; x <= hi[0]; x++ {
		for y := lo[1]; y <= hi[1]; y++ {
			for _, e := range g[[2]int32{x, y}] {
				if segmentDistance(p, e[0], e[1], kx)*kmPerDegree <= km {
					return true
				}
			}
		}
	}
	return false
}

// cosLat is how much shorter a degree of longitude is than one of latitude at p.
func cosLat(p orb.Point) float64 { return math.Cos(p[1] * math.Pi / 180) }

// kmPerDegree is the length of a degree of latitude (and of longitude at the equator).
const kmPerDegree = 111.195

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
