package ops_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/taawun/taawun/internal/auth"
	"github.com/taawun/taawun/internal/clock"
	"github.com/taawun/taawun/internal/ops"
	"github.com/taawun/taawun/internal/store"
	"github.com/taawun/taawun/internal/store/sqlstore/sqltest"
)

var start = time.Date(2026, 8, 20, 6, 0, 0, 0, time.UTC)

// fixture is a node with NDMA over PDMA Punjab (over DDMA Lahore) and PDMA Sindh (over DDMA
// Karachi), and one principal per organisation and role the tests ask for.
type fixture struct {
	t    *testing.T
	ctx  context.Context
	db   store.Store
	clk  *clock.Manual
	svc  *ops.Service
	orgs map[string]store.Org
	tree *auth.OrgTree
}

func newFixture(t *testing.T) *fixture {
	return newFixtureOn(t, sqltest.SQLiteURL(t))
}

func newFixtureOn(t *testing.T, url string) *fixture {
	t.Helper()
	f := &fixture{t: t, ctx: context.Background(), clk: clock.NewManual(start), orgs: map[string]store.Org{}}
	f.db = sqltest.Open(t, url, "pk-test", f.clk)
	f.svc = ops.New(f.db, f.clk)
	for _, o := range []struct{ name, parent string }{
		{"NDMA", ""}, {"PDMA Punjab", "NDMA"}, {"PDMA Sindh", "NDMA"}, {"DDMA Lahore", "PDMA Punjab"}, {"DDMA Karachi", "PDMA Sindh"},
	} {
		org := store.Org{Name: o.name, ShortName: o.name, Country: "PK", Tier: store.TierProvincial, ParentID: f.orgs[o.parent].ID}
		if o.parent == "" {
			org.Tier = store.TierNational
		}
		if err := f.db.WithTx(f.ctx, func(tx store.Tx) error { return tx.Orgs().Create(f.ctx, &org) }); err != nil {
			t.Fatal(err)
		}
		f.orgs[o.name] = org
	}
	all, _ := f.db.Orgs().List(f.ctx)
	f.tree = auth.NewOrgTree(all)
	return f
}

// as returns a principal of org with role.
func (f *fixture) as(org, role string) *auth.Principal {
	o := f.orgs[org]
	return &auth.Principal{User: store.User{Meta: store.Meta{ID: "user-" + org + "-" + role}, Username: org + "/" + role, OrgID: o.ID, Role: role},
		Org: o, Scope: f.tree.Subtree(o.ID)}
}

func (f *fixture) ops(org string) *auth.Principal { return f.as(org, auth.RoleOperationsOfficer) }

// must returns v, or stops the test with err (as a panic, which the test reports as a failure
// with the stack: a setup step that fails makes the rest meaningless).
func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func raw(format string, args ...any) json.RawMessage {
	return json.RawMessage(fmt.Sprintf(format, args...))
}

func pointAt(lon, lat float64) json.RawMessage {
	return raw(`{"type":"Point","coordinates":[%g,%g]}`, lon, lat)
}

// incident creates a flood incident of org around Sukkur.
func (f *fixture) incident(org string, share ...string) store.OpsRecord {
	f.t.Helper()
	return must(f.svc.Create(f.ctx, f.ops(org), store.OpsIncident, ops.Input{Title: "Indus flood", Geometry: pointAt(68.86, 27.7),
		Data: raw(`{"hazard":"riverine_flood"}`), ShareWith: share}))
}

// item adds a catalogue item.
func (f *fixture) item(code, unit string) store.Item {
	f.t.Helper()
	return must(f.svc.CreateItem(f.ctx, f.ops("NDMA"), ops.ItemInput{Code: code, Cluster: store.ClusterShelterNFI, Unit: unit,
		Names: map[string]string{"en": code}}))
}

// warehouse creates a warehouse of org with qty of item received.
func (f *fixture) warehouse(org string, lon, lat float64, it store.Item, qty int64) store.OpsRecord {
	f.t.Helper()
	w := must(f.svc.Create(f.ctx, f.ops(org), store.OpsWarehouse, ops.Input{Title: org + " depot", Geometry: pointAt(lon, lat)}))
	if qty > 0 {
		must(f.svc.Move(f.ctx, f.ops(org), ops.Movement{Kind: store.MoveReceive, WarehouseID: w.ID, ItemID: it.ID, Quantity: qty}))
	}
	return w
}
