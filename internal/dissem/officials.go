package dissem

import (
	"context"
	"fmt"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"github.com/taawun/taawun/internal/auth"
	"github.com/taawun/taawun/internal/cap"
	"github.com/taawun/taawun/internal/cap/capgeo"
	"github.com/taawun/taawun/internal/geodata"
	"github.com/taawun/taawun/internal/store"
)

// Officials finds the officials a warning reaches through contact groups (store.ContactGroup):
// for each group of the issuing organisation or one above it, the officials of the
// organisations of the group's tier, below the group's organisation, whose jurisdiction meets
// the warning's area.
type Officials struct {
	Store store.Store
	// Regions resolves geocodes; the embedded countries and provinces when nil.
	Regions geodata.Lookup
}

// Reached returns the officials that the contact groups select for a warning of issuer over
// the area of a.
func (o Officials) Reached(ctx context.Context, issuer string, a *cap.Alert) ([]store.Recipient, error) {
	groups, err := o.Store.ContactGroups().List(ctx)
	if err != nil || len(groups) == 0 {
		return nil, err
	}
	orgs, err := o.Store.Orgs().List(ctx)
	if err != nil {
		return nil, err
	}
	tree := auth.NewOrgTree(orgs)
	var area orb.MultiPolygon // made only when a group applies
	chosen := map[string]bool{}
	var ids []string
	for _, g := range groups {
		if g.OrgID != issuer && !tree.Within(issuer, g.OrgID) {
			continue
		}
		if area == nil {
			if area, err = alertGeometry(ctx, o.Regions, a); err != nil {
				return nil, err
			}
		}
		for _, id := range tree.Subtree(g.OrgID) {
			org, _ := tree.Get(id)
			if org.Tier != g.Tier || chosen[id] || len(org.Jurisdiction) == 0 {
				continue
			}
			juris, err := geodata.ReadMultiPolygon(org.Jurisdiction)
			if err != nil {
				return nil, fmt.Errorf("dissem: jurisdiction of %s: %w", org.Name, err)
			}
			if intersects(area, juris) {
				chosen[id] = true
				ids = append(ids, id)
			}
		}
	}
	return o.Store.Recipients().Officials(ctx, ids)
}

// alertGeometry is the union of the first info block's areas as polygons (lon, lat): polygons,
// circles drawn as polygons, and regions named by geocode.
func alertGeometry(ctx context.Context, regions geodata.Lookup, a *cap.Alert) (orb.MultiPolygon, error) {
	if len(a.Infos) == 0 {
		return nil, fmt.Errorf("dissem: message %s has no info block", a.Identifier)
	}
	var out orb.MultiPolygon
	for i := range a.Infos[0].Areas {
		ar := &a.Infos[0].Areas[i]
		mp, err := capgeo.AreaGeometry(ar)
		if err != nil {
			return nil, err
		}
		out = append(out, mp...)
		for _, gc := range ar.Geocodes {
			reg, ok, err := geodata.LookupOr(regions).Region(ctx, gc.Value)
			if err != nil {
				return nil, err
			}
			if ok && reg.Scheme == gc.ValueName {
				out = append(out, reg.Geometry...)
			}
		}
	}
	return out, nil
}

// intersects reports whether two multipolygons share any point: one holds a vertex of the
// other, or two of their edges cross. Planar in degrees, which is exact enough for deciding
// which districts a warning touches.
func intersects(a, b orb.MultiPolygon) bool {
	if !a.Bound().Intersects(b.Bound()) {
		return false
	}
	for _, pa := range a {
		for _, pb := range b {
			if polygonsIntersect(pa, pb) {
				return true
			}
		}
	}
	return false
}

func polygonsIntersect(a, b orb.Polygon) bool {
	if len(a) == 0 || len(b) == 0 || !a.Bound().Intersects(b.Bound()) {
		return false
	}
	if len(a[0]) > 0 && planar.PolygonContains(b, a[0][0]) || len(b[0]) > 0 && planar.PolygonContains(a, b[0][0]) {
		return true
	}
	for _, ra := range a {
		for i := 1; i < len(ra); i++ {
			ea := orb.Bound{Min: ra[i-1], Max: ra[i-1]}.Extend(ra[i])
			if !ea.Intersects(b.Bound()) {
				continue
			}
			for _, rb := range b {
				for j := 1; j < len(rb); j++ {
					if segmentsCross(ra[i-1], ra[i], rb[j-1], rb[j]) {
						return true
					}
				}
			}
		}
	}
	return false
}

// segmentsCross reports whether segments pq and rs meet (touching counts).
func segmentsCross(p, q, r, s orb.Point) bool {
	d1, d2 := orient(r, s, p), orient(r, s, q)
	d3, d4 := orient(p, q, r), orient(p, q, s)
	if (d1 > 0 && d2 < 0 || d1 < 0 && d2 > 0) && (d3 > 0 && d4 < 0 || d3 < 0 && d4 > 0) {
		return true
	}
	return d1 == 0 && within(r, s, p) || d2 == 0 && within(r, s, q) || d3 == 0 && within(p, q, r) || d4 == 0 && within(p, q, s)
}

func orient(a, b, c orb.Point) float64 {
	return (b[0]-a[0])*(c[1]-a[1]) - (b[1]-a[1])*(c[0]-a[0])
}

// within reports whether c, collinear with ab, lies on the segment.
func within(a, b, c orb.Point) bool {
	return min(a[0], b[0]) <= c[0] && c[0] <= max(a[0], b[0]) && min(a[1], b[1]) <= c[1] && c[1] <= max(a[1], b[1])
}
