package impact

import (
	"fmt"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/taawun/taawun/internal/cap"
	"github.com/taawun/taawun/internal/cap/capgeo"
	"github.com/taawun/taawun/internal/gazetteer"
	"github.com/taawun/taawun/internal/geodata"
	"github.com/taawun/taawun/internal/geotarget"
	"github.com/taawun/taawun/internal/population"
)

// GeocodeDistrict is the CAP geocode valueName under which AreaFromCAP
// takes a value as an imported district code.
const GeocodeDistrict = "TAAWUN-DISTRICT"

// AreaFromCAP converts a CAP area: its polygons and circles, and its
// geocodes of the schemes ISO3166-1, ISO3166-2 and GeocodeDistrict as
// Regions (other geocodes are ignored).
func AreaFromCAP(a *cap.Area) (AreaGeometry, error) {
	var g AreaGeometry
	for _, s := range a.Polygons {
		p, err := capgeo.Polygon(s)
		if err != nil {
			return AreaGeometry{}, fmt.Errorf("impact: area %q: %w", a.AreaDesc, err)
		}
		g.Polygons = append(g.Polygons, p)
	}
	for _, s := range a.Circles {
		c, err := cap.ParseCircle(s)
		if err != nil {
			return AreaGeometry{}, fmt.Errorf("impact: area %q: %w", a.AreaDesc, err)
		}
		g.Circles = append(g.Circles, Circle{Lat: c.Center.Lat, Lon: c.Center.Lon, RadiusKm: c.RadiusKM})
	}
	for _, gc := range a.Geocodes {
		switch gc.ValueName {
		case geodata.SchemeCountry, geodata.SchemeProvince, GeocodeDistrict:
			g.Regions = append(g.Regions, gc.Value)
		}
	}
	return g, nil
}

// compile turns the areas into one geotarget.Area and its drawing.
func compile(gaz *gazetteer.Gazetteer, areas []AreaGeometry) (*geotarget.Area, *geojson.FeatureCollection, error) {
	var shapes []geotarget.Shape
	fc := geojson.NewFeatureCollection()
	for i, a := range areas {
		for _, p := range a.Polygons {
			shapes = append(shapes, geotarget.MultiPolygon(orb.MultiPolygon{p}))
			fc.Append(areaFeature(i, p))
		}
		for _, c := range a.Circles {
			shapes = append(shapes, geotarget.Circle{Center: geotarget.Point{Lat: c.Lat, Lon: c.Lon}, RadiusKM: c.RadiusKm})
			fc.Append(areaFeature(i, discPolygon(c.Lat, c.Lon, c.RadiusKm)))
		}
		for _, code := range a.Regions {
			e, mp, ok := gaz.Area(code)
			if !ok {
				return nil, nil, fmt.Errorf("impact: area %d: unknown region %q", i, code)
			}
			shapes = append(shapes, geotarget.MultiPolygon(mp))
			f := areaFeature(i, mp)
			f.Properties["code"] = e.Code
			fc.Append(f)
		}
	}
	ga, err := geotarget.NewArea(shapes...)
	if err != nil {
		return nil, nil, fmt.Errorf("impact: %w", err)
	}
	return ga, fc, nil
}

func areaFeature(i int, g orb.Geometry) *geojson.Feature {
	f := geojson.NewFeature(g)
	f.Properties["area"] = i
	return f
}

// Areas estimates the people inside the union of the areas (a person in
// two overlapping areas counts once). Level and Bands stay empty.
func (e *Estimator) Areas(areas []AreaGeometry) (Estimate, error) {
	m, err := e.model()
	if err != nil {
		return Estimate{}, err
	}
	ga, fc, err := compile(m.Gazetteer(), areas)
	if err != nil {
		return Estimate{}, err
	}
	est := Estimate{Layer: Layer(m.Layer()), Footprint: fc}
	provinces, districts := newTally(), newTally()
	var total float64
	m.EachCounted(ga, func(p *population.Point) {
		total += p.Population
		provinces.add(p.Province, p.Population, 0)
		districts.add(p.District, p.Population, 0)
	})
	est.Population = int64(total + 0.5)
	var places []PlaceExposure
	m.EachPlace(ga, func(p *population.Point) { places = append(places, placeExposure(p)) })
	est.Places = strongest(places) // no shaking here: most populous first
	est.Provinces, est.Districts = provinces.sorted(nil), districts.sorted(nil)
	return est, nil
}
