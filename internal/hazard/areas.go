package hazard

import (
	"fmt"
	"time"

	"github.com/paulmach/orb"

	"github.com/taawun/taawun/internal/alert"
	"github.com/taawun/taawun/internal/cap"
	"github.com/taawun/taawun/internal/cap/capgeo"
	"github.com/taawun/taawun/internal/geodata"
	"github.com/taawun/taawun/internal/impact"
	"github.com/taawun/taawun/internal/store"
)

// orgVersion names a version of an organisation.
type orgVersion struct {
	id      string
	updated time.Time
}

// jurisdiction returns the organisation's jurisdiction prepared for point tests, made once per
// version of the organisation.
func (t *Trigger) jurisdiction(org store.Org) (*prepared, error) {
	key := orgVersion{org.ID, org.UpdatedAt}
	if j, ok := t.prepared.Load(key); ok {
		return j.(*prepared), nil
	}
	mp, err := geometry(org.Jurisdiction)
	if err != nil || len(mp) == 0 {
		return nil, fmt.Errorf("%s has no jurisdiction drawn", org.Name)
	}
	territory, err := t.Alerts.Territory(org)
	if err != nil {
		return nil, fmt.Errorf("%s: jurisdiction: %w", org.Name, err)
	}
	j := prepare(mp, territory)
	t.prepared.Store(key, j)
	return j, nil
}

// provinceOutline is the outer ring of one polygon of a province, with its bounding box.
type provinceOutline struct {
	code  string
	outer orb.Ring
	bound orb.Bound
	// first marks the province's first polygon, the one its containment is judged by.
	first bool
}

// provinceOutlines returns the outlines of a country's provinces, made once per country.
func (t *Trigger) provinceOutlines(country string) ([]provinceOutline, error) {
	if v, ok := t.provinces.Load(country); ok {
		return v.([]provinceOutline), nil
	}
	regions, err := geodata.ProvincesOf(country)
	if err != nil {
		return nil, err
	}
	var out []provinceOutline
	for _, pr := range regions {
		for i, pp := range pr.Geometry {
			out = append(out, provinceOutline{code: pr.Code, outer: pp[0], bound: pp.Bound(), first: i == 0})
		}
	}
	t.provinces.Store(country, out)
	return out, nil
}

// footprintPoints is how many vertices an earthquake's footprint disc has: its edges stay within
// 0.5 % of the radius of the circle, far inside what the intensity equation can tell.
const footprintPoints = 32

// footprintPolygons is the hazard's footprint: the disc of intensity V or more for an
// earthquake, the warning's areas otherwise.
func footprintPolygons(e store.HazardEvent, est impact.Estimate) orb.MultiPolygon {
	if e.Type == "earthquake" {
		if len(est.Bands) == 0 || est.Bands[0].RadiusKm <= 0 {
			return nil
		}
		return orb.MultiPolygon{capgeo.CirclePolygonN(cap.Circle{Center: cap.Point{Lat: e.Lat, Lon: e.Lon}, RadiusKM: est.Bands[0].RadiusKm}, footprintPoints)}
	}
	mp, _ := geometry(e.Geometry)
	return mp
}

// candidates returns the warning template of ev and the areas to try, best first; reason says
// why there are none.
func (t *Trigger) candidates(org store.Org, ev store.HazardEvent, est impact.Estimate) (alert.Hazard, [][]alert.Area, string) {
	h, ok := hazardTemplate(ev)
	if !ok {
		return h, nil, fmt.Sprintf("no warning template for hazard type %q", ev.Type)
	}
	candidates, err := t.areaCandidates(org, ev, est)
	if err != nil {
		return h, nil, err.Error()
	}
	if len(candidates) == 0 {
		return h, nil, fmt.Sprintf("the footprint does not reach the jurisdiction of %s", org.Name)
	}
	return h, candidates, ""
}

// areaCandidates are the warning areas to try, best first: the footprint clipped to the
// jurisdiction as polygons, then the provinces the footprint touches that lie inside it.
// Clipping a concave jurisdiction can join its pieces along the footprint's edge, outside the
// jurisdiction; such a piece is clipped again province by province, and pieces that still leave
// the jurisdiction are left out.
func (t *Trigger) areaCandidates(org store.Org, ev store.HazardEvent, est impact.Estimate) ([][]alert.Area, error) {
	j, err := t.jurisdiction(org)
	if err != nil {
		return nil, err
	}
	provinces, err := t.provinceOutlines(org.Country)
	if err != nil {
		return nil, err
	}
	desc := placeNames(ownProvinces(est, org.Country), ev, "en")
	var out [][]alert.Area
	var clipped []string
	keep := func(ring orb.Ring) bool {
		if len(ring) < 4 || !j.holds(ring) {
			return false
		}
		if s := capPolygon(ring); s != "" {
			clipped = append(clipped, s)
		}
		return true
	}
	for _, fp := range footprintPolygons(ev, est) {
		ring := fp[0]
		if !convex(ring) {
			// A concave warning area is tried as it is: whole, if the jurisdiction holds it.
			if s := capPolygon(ring); s != "" && j.holds(ring) {
				out = append(out, []alert.Area{{Desc: desc, Polygons: []string{s}}})
			}
			continue
		}
		rb := ring.Bound()
		for i, jp := range j.mp {
			if !j.bounds[i].Intersects(rb) {
				continue
			}
			piece := clipToConvex(jp[0], ring)
			if piece == nil || keep(piece) {
				continue
			}
			for _, pp := range provinces {
				if pp.bound.Intersects(rb) && pp.bound.Intersects(j.bounds[i]) {
					keep(clipToConvex(pp.outer, ring))
				}
			}
		}
	}
	if len(clipped) > 0 {
		out = append([][]alert.Area{{{Desc: desc, Polygons: clipped}}}, out...)
	}
	touched := map[string]bool{}
	for _, p := range est.Provinces {
		touched[p.Code] = true
	}
	for _, code := range ev.Regions {
		touched[code] = true
	}
	var regions []string
	for _, pr := range provinces {
		if pr.first && touched[pr.code] && j.holdsProvince(pr.code, pr.outer) {
			regions = append(regions, pr.code)
		}
	}
	if len(regions) > 0 {
		out = append(out, []alert.Area{{Desc: desc, Regions: regions}})
	}
	return out, nil
}
