package hazard

import (
	"context"
	"testing"
	"time"

	"github.com/taawun/taawun/internal/alert"
	"github.com/taawun/taawun/internal/auth"
	"github.com/taawun/taawun/internal/clock"
	"github.com/taawun/taawun/internal/i18n"
	"github.com/taawun/taawun/internal/impact"
	"github.com/taawun/taawun/internal/seed"
	"github.com/taawun/taawun/internal/store"
	"github.com/taawun/taawun/internal/store/sqlstore/sqltest"
)

// fixture is a node's store seeded with the demo organisations, and the hazard services.
type fixture struct {
	db      store.Store
	clk     *clock.Manual // nil on the system clock
	now     clock.Clock
	orgs    map[string]store.Org // by short name
	alerts  *alert.Service
	trigger *Trigger
	ingest  *Ingester
	src     store.HazardSource
	// notified records the drafts the duty officers were told of.
	notified []string
}

var (
	estimatorOnce *impact.Estimator
	catalogOnce   *i18n.Catalog
)

func newFixture(t testing.TB) *fixture {
	t.Helper()
	clk := clock.NewManual(time.Date(2026, 8, 14, 3, 0, 0, 0, time.UTC))
	f := newFixtureClock(t, clk)
	f.clk = clk
	return f
}

// newFixtureClock is newFixture on clk (the system clock for measurements).
func newFixtureClock(t testing.TB, clk clock.Clock) *fixture {
	t.Helper()
	ctx := context.Background()
	db := sqltest.Open(t, sqltest.SQLiteURL(t), "pk-ndma", clk)
	as, err := auth.NewService(db, clk, auth.HashParams{MemoryKiB: 64, Time: 1, Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := seed.Demo(ctx, db, as, "hazard test password"); err != nil {
		t.Fatal(err)
	}
	if estimatorOnce == nil {
		if estimatorOnce, err = impact.Embedded(); err != nil {
			t.Fatal(err)
		}
		if catalogOnce, err = i18n.Load(); err != nil {
			t.Fatal(err)
		}
	}
	f := &fixture{db: db, now: clk, orgs: map[string]store.Org{}, alerts: &alert.Service{Store: db, Clock: clk, Node: "pk-ndma"}, ingest: &Ingester{Store: db}}
	os, _ := db.Orgs().List(ctx)
	for _, o := range os {
		f.orgs[o.ShortName] = o
	}
	f.trigger = &Trigger{Store: db, Alerts: f.alerts, Impact: estimatorOnce, Catalog: catalogOnce, Clock: clk,
		Notify: func(_ context.Context, _ store.Org, id string, _ alert.Content) { f.notified = append(f.notified, id) }}
	f.src = store.HazardSource{Name: "test", Kind: store.SourceUSGS, URL: "http://127.0.0.1/x", Interval: time.Minute}
	if err := db.HazardSources().Create(ctx, &f.src); err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *fixture) rule(t testing.TB, org string, r store.TriggerRule) store.TriggerRule {
	t.Helper()
	r.OrgID, r.Enabled = f.orgs[org].ID, true
	if r.Name == "" {
		r.Name = "rule of " + org
	}
	if err := f.db.TriggerRules().Create(context.Background(), &r); err != nil {
		t.Fatal(err)
	}
	return r
}
