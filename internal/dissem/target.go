package dissem

import (
	"context"
	"fmt"

	"github.com/taawun/taawun/internal/cap"
	"github.com/taawun/taawun/internal/geodata"
	"github.com/taawun/taawun/internal/geotarget"
	"github.com/taawun/taawun/internal/store"
)

// Area is the union of an info block's areas: polygons, circles, and regions named by geocode.
type Area struct {
	shapes *geotarget.Area
}

// AreaOf returns the area of a's first info block; every info block of a message describes the
// same area in another language. Geocodes are resolved by regions (the embedded countries and
// provinces when nil).
func AreaOf(ctx context.Context, regions geodata.Lookup, a *cap.Alert) (*Area, error) {
	if len(a.Infos) == 0 {
		return nil, fmt.Errorf("dissem: message %s has no info block", a.Identifier)
	}
	var shapes []geotarget.Shape
	for _, ar := range a.Infos[0].Areas {
		for _, s := range ar.Polygons {
			pts, err := cap.ParsePolygon(s)
			if err != nil {
				return nil, fmt.Errorf("dissem: area %q: %w", ar.AreaDesc, err)
			}
			poly := geotarget.Polygon{Outer: make([]geotarget.Point, len(pts))}
			for i, p := range pts {
				poly.Outer[i] = geotarget.Point{Lat: p.Lat, Lon: p.Lon}
			}
			shapes = append(shapes, poly)
		}
		for _, s := range ar.Circles {
			c, err := cap.ParseCircle(s)
			if err != nil {
				return nil, fmt.Errorf("dissem: area %q: %w", ar.AreaDesc, err)
			}
			shapes = append(shapes, geotarget.Circle{Center: geotarget.Point{Lat: c.Center.Lat, Lon: c.Center.Lon}, RadiusKM: c.RadiusKM})
		}
		for _, gc := range ar.Geocodes {
			reg, ok, err := geodata.LookupOr(regions).Region(ctx, gc.Value)
			if err != nil {
				return nil, err
			}
			if ok && reg.Scheme == gc.ValueName {
				shapes = append(shapes, geotarget.MultiPolygon(reg.Geometry))
			}
		}
	}
	ga, err := geotarget.NewArea(shapes...)
	if err != nil {
		return nil, fmt.Errorf("dissem: area of %s: %w", a.Identifier, err)
	}
	return &Area{shapes: ga}, nil
}

// Contains reports whether the point is inside the area (points on its border count as inside).
func (a *Area) Contains(lat, lon float64) bool {
	return a.shapes.Contains(geotarget.Point{Lat: lat, Lon: lon})
}

// Targeter finds the recipients inside an area.
type Targeter interface {
	Inside(ctx context.Context, area *Area) ([]store.Recipient, error)
}

// ScanTargeter checks every recipient's locations: exact and simple, linear in the number of
// recipients. The in-memory spatial index replaces it for large subscriber bases.
type ScanTargeter struct {
	Store store.Store
}

// Inside returns the confirmed recipients with a location inside the area, and every broadcast
// recipient.
func (t ScanTargeter) Inside(ctx context.Context, area *Area) ([]store.Recipient, error) {
	all, err := t.Store.Recipients().All(ctx)
	if err != nil {
		return nil, err
	}
	var out []store.Recipient
	for _, r := range all {
		if r.Broadcast {
			out = append(out, r)
			continue
		}
		for _, l := range r.Locations {
			if area.Contains(l.Lat, l.Lon) {
				out = append(out, r)
				break
			}
		}
	}
	return out, nil
}
