package web

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/taawun/taawun/internal/alert"
	"github.com/taawun/taawun/internal/auth"
	"github.com/taawun/taawun/internal/bus"
	"github.com/taawun/taawun/internal/clock"
	"github.com/taawun/taawun/internal/i18n"
	"github.com/taawun/taawun/internal/live"
	"github.com/taawun/taawun/internal/node"
	"github.com/taawun/taawun/internal/seed"
	"github.com/taawun/taawun/internal/store"
	"github.com/taawun/taawun/internal/store/sqlstore"
	"github.com/taawun/taawun/internal/store/sqlstore/sqltest"
	"github.com/taawun/taawun/internal/testenv"
)

const demoPassword = "demo password for tests"

// demoUsers maps each role to the seeded demo user holding it.
var demoUsers = map[string]string{
	auth.RoleAdmin: "admin", auth.RoleDutyOfficer: "duty.officer", auth.RoleApprover: "approver",
	auth.RoleOperationsOfficer: "ops.punjab", auth.RolePartnerLiaison: "liaison", auth.RoleViewer: "viewer.lahore",
}

// testNode is a web server over a real SQLite store and an embedded NATS server, seeded with the
// demo data.
type testNode struct {
	srv  *Server
	http *httptest.Server
	db   *sqlstore.DB
	bus  *bus.Bus
	orgs map[string]store.Org // by short name
}

type nodeOption func(*Options)

func newTestNode(t *testing.T, opts ...nodeOption) *testNode {
	t.Helper()
	ctx := context.Background()
	db := sqltest.Open(t, sqltest.SQLiteURL(t), "pk-ndma", clock.System{})
	b, err := bus.Open(ctx, bus.Options{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(b.Close)
	svc, err := auth.NewService(db, clock.System{}, auth.HashParams{MemoryKiB: 64, Time: 1, Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := seed.Demo(ctx, db, svc, demoPassword); err != nil {
		t.Fatal(err)
	}
	hub, err := live.Start(b.Conn, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(hub.Stop)
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	o := Options{Store: db, Auth: svc, Bus: b, Live: hub, Node: node.Identity{ID: "pk-ndma"}, Catalog: cat, MaxBody: 64 << 10,
		Alerts: &alert.Service{Store: db, Clock: clock.System{}, Node: "pk-ndma"}}
	for _, f := range opts {
		f(&o)
	}
	srv, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	relayCtx, cancel := context.WithCancel(ctx)
	relay := &bus.Relay{Store: db, JS: b.JS, Wake: db.Committed()}
	done := make(chan struct{})
	go func() { defer close(done); _ = relay.Run(relayCtx) }()
	hs := httptest.NewServer(srv)
	t.Cleanup(func() { hs.Close(); cancel(); <-done })
	// Let the relay publish the seeding's events, so tests see only their own.
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		pending, err := db.Outbox().Pending(ctx, 1)
		if err != nil {
			t.Fatal(err)
		}
		if len(pending) == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("outbox relay did not publish the seed events within 10s")
		}
	}
	n := &testNode{srv: srv, http: hs, db: db, bus: b, orgs: map[string]store.Org{}}
	all, _ := db.Orgs().List(ctx)
	for _, o := range all {
		n.orgs[o.ShortName] = o
	}
	return n
}

// client adds web-specific helpers to the shared test client.
type client struct {
	*testenv.Client
}

func (n *testNode) anon(t *testing.T) *client {
	return &client{testenv.NewClient(t, n.http.URL)}
}

// login logs username in through the login form and returns its client.
func (n *testNode) login(t *testing.T, username string) *client {
	t.Helper()
	c := n.anon(t)
	c.Login(username, demoPassword)
	return c
}

// problem decodes a problem+json response, failing when it is not one.
func (c *client) problem(resp *http.Response) Problem {
	c.T.Helper()
	if ct := resp.Header.Get("Content-Type"); ct != "application/problem+json" {
		c.T.Fatalf("Content-Type %q, want application/problem+json", ct)
	}
	var p Problem
	if err := json.NewDecoder(resp.Body).Decode(&p); err != nil {
		c.T.Fatal(err)
	}
	return p
}
