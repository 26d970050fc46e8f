package dissem

import (
	"context"
	"fmt"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"github.com/taawun/taawun/internal/cap"
	"github.com/taawun/taawun/internal/cap/capgeo"
	"github.com/taawun/taawun/internal/geodata"
	"github.com/taawun/taawun/internal/store"
)

// Area is the union of an info block's areas: polygons and circles, and regions named by
// geocode.
type Area struct {
	shapes  *capgeo.Region
	regions orb.MultiPolygon
}

// AreaOf returns the area of a's first info block; every info block of a message describes the
// same area in another language.
func AreaOf(a *cap.Alert) (*Area, error) {
	if len(a.Infos) == 0 {
		return nil, fmt.Errorf("dissem: message %s has no info block", a.Identifier)
	}
	in := &a.Infos[0]
	r, err := capgeo.NewRegion(in)
	if err != nil {
		return nil, fmt.Errorf("dissem: area of %s: %w", a.Identifier, err)
	}
	area := &Area{shapes: r}
	for _, ar := range in.Areas {
		for _, gc := range ar.Geocodes {
			reg, ok, err := geodata.RegionByCode(gc.Value)
			if err != nil {
				return nil, err
			}
			if ok && reg.Scheme == gc.ValueName {
				area.regions = append(area.regions, reg.Geometry...)
			}
		}
	}
	return area, nil
}

// Contains reports whether the point is inside the area.
func (a *Area) Contains(lat, lon float64) bool {
	if a.shapes.Contains(lat, lon) {
		return true
	}
	return len(a.regions) > 0 && planar.MultiPolygonContains(a.regions, orb.Point{lon, lat})
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
