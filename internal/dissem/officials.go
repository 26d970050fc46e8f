package dissem

import (
	"context"
	"fmt"

	"github.com/paulmach/orb"

	"github.com/taawun/taawun/internal/auth"
	"github.com/taawun/taawun/internal/cap"
	"github.com/taawun/taawun/internal/cap/capgeo"
	"github.com/taawun/taawun/internal/geodata"
	"github.com/taawun/taawun/internal/geotarget"
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
			if geotarget.Meets(area, juris) {
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
