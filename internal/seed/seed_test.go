package seed

import (
	"context"
	"testing"

	"github.com/taawun/taawun/internal/auth"
	"github.com/taawun/taawun/internal/clock"
	"github.com/taawun/taawun/internal/store"
	"github.com/taawun/taawun/internal/store/sqlstore/sqltest"
)

func TestDemoSeedsOnceWithHierarchyAndRoles(t *testing.T) {
	ctx := context.Background()
	s := sqltest.Open(t, sqltest.SQLiteURL(t), "pk-ndma", clock.System{})
	svc, err := auth.NewService(s, clock.System{}, auth.HashParams{MemoryKiB: 64, Time: 1, Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	res, err := Demo(ctx, s, svc, "demo password 1")
	if err != nil {
		t.Fatal(err)
	}
	if res.Orgs != len(orgs) || len(res.Users) != len(auth.Roles()) {
		t.Fatalf("seeded %+v", res)
	}
	all, _ := s.Orgs().List(ctx)
	tree := auth.NewOrgTree(all)
	byShort := map[string]store.Org{}
	countries := map[string]bool{}
	for _, o := range all {
		byShort[o.ShortName] = o
		if o.ParentID == "" {
			countries[o.Country] = true
		}
	}
	for _, c := range []string{"PK", "RU", "CN", "IN", "IR", "KZ", "KG", "TJ", "UZ", "BY"} {
		if !countries[c] {
			t.Errorf("no top-level authority for %s", c)
		}
	}
	ndma := byShort["NDMA"]
	for _, short := range []string{"PDMA Punjab", "PDMA Sindh", "PDMA KP", "PDMA Balochistan", "GBDMA", "SDMA AJK"} {
		o := byShort[short]
		if o.Tier != store.TierProvincial || o.ParentID != ndma.ID || len(o.Jurisdiction) == 0 {
			t.Errorf("%s: tier %s, parent %s, jurisdiction %d bytes", short, o.Tier, o.ParentID, len(o.Jurisdiction))
		}
	}
	if !tree.Within(byShort["DDMA Lahore"].ID, byShort["PDMA Punjab"].ID) || byShort["DDMA Lahore"].Tier != store.TierDistrict {
		t.Error("DDMA Lahore is not a district under PDMA Punjab")
	}
	roles := map[string]bool{}
	us, _ := s.Users().List(ctx, nil)
	for _, u := range us {
		roles[u.Role] = true
	}
	for _, r := range auth.Roles() {
		if !roles[r] {
			t.Errorf("no demo user with role %s", r)
		}
	}
	if _, _, err := svc.Login(ctx, "admin", "demo password 1", "127.0.0.1"); err != nil {
		t.Fatalf("demo admin cannot log in: %v", err)
	}
	again, err := Demo(ctx, s, svc, "other")
	if err != nil || again.Orgs != 0 {
		t.Fatalf("second seed: %+v, %v", again, err)
	}
	if n, _ := s.Orgs().Count(ctx); n != len(orgs) {
		t.Fatalf("%d organisations after seeding twice", n)
	}
}
