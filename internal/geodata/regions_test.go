package geodata

import (
	"context"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

func TestRegionsByCode(t *testing.T) {
	punjab, ok, err := RegionByCode("pk-pb")
	if err != nil || !ok || punjab.Scheme != SchemeProvince || punjab.Name("ur") != "پنجاب" {
		t.Fatalf("PK-PB: %+v %v %v", punjab.Names, ok, err)
	}
	if !planar.MultiPolygonContains(punjab.Geometry, orb.Point{74.34, 31.55}) {
		t.Fatal("Lahore not in Punjab")
	}
	pk, ok, _ := RegionByCode("PK")
	if !ok || pk.Scheme != SchemeCountry {
		t.Fatal("no Pakistan")
	}
	provs, _ := ProvincesOf("PK")
	if len(provs) != 7 {
		t.Fatalf("%d Pakistani provinces", len(provs))
	}
	var res Resolver
	for _, c := range []struct {
		scheme, code string
		want         bool
	}{{SchemeProvince, "PK-SD", true}, {SchemeCountry, "PK", true}, {SchemeCountry, "PK-SD", false}, {SchemeProvince, "PK-TA", false}} {
		if got, _ := res.KnownGeocode(context.Background(), c.scheme, c.code); got != c.want {
			t.Errorf("KnownGeocode(%s, %s) = %v", c.scheme, c.code, got)
		}
	}
}
