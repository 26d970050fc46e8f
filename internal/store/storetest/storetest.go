// Package storetest is the conformance suite every store.Store back end passes. Each back end's
// tests call Run with a function that opens a fresh, migrated store.
package storetest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/taawun/taawun/internal/clock"
	"github.com/taawun/taawun/internal/mode"
	"github.com/taawun/taawun/internal/store"
)

// Node is the node id the suite opens stores as.
const Node = "pk-test"

// Opener opens a fresh, migrated store for node reading the given clock.
type Opener func(t *testing.T, clk clock.Clock) store.Store

// Start is the time the suite's clock starts at.
var Start = time.Date(2026, 8, 20, 5, 30, 0, 0, time.UTC)

// Run runs the whole suite.
func Run(t *testing.T, open Opener) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s store.Store, clk *clock.Manual)
	}{
		{"OrgsCreateGetListUpdate", testOrgs},
		{"OrgsRejectInvalid", testOrgsInvalid},
		{"ModeFiltersReads", testModeFilter},
		{"UsersUniqueAndListByOrg", testUsers},
		{"SessionsExpire", testSessions},
		{"TokensByHashAndExpiry", testTokens},
		{"LoginAttempts", testLoginAttempts},
		{"TxRollbackLeavesNothing", testRollback},
		{"RecordChainsAuditAndQueuesEvent", testRecord},
		{"ConcurrentRecordsKeepChain", testConcurrentRecords},
		{"AlertsVersionsMessages", testAlerts},
		{"RecipientsAndNotifications", testRecipientsAndNotifications},
		{"SubscriptionConfirm", testSubscriptionConfirm},
		{"RecipientRemoveChannel", testRemoveChannel},
		{"RecipientUnsubscribeByAddress", testUnsubscribeByAddress},
		{"DeliveryBatchesPlanClaimAdvance", testDeliveryBatches},
		{"ContactGroupsAndOfficials", testContactGroupsAndOfficials},
		{"HandsetReceiptsMeetInEitherOrder", testHandsetReceipts},
		{"HazardSourcesLeaseAndHealth", testHazardSources},
		{"HazardEventsKeysRevisions", testHazardEvents},
		{"TriggerRulesAndDrafts", testTriggerRulesAndDrafts},
		{"GeographyLayersReplaceAndLimits", testGeography},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clk := clock.NewManual(Start)
			tt.fn(t, open(t, clk), clk)
		})
	}
}

func mustOrg(t *testing.T, ctx context.Context, s store.Store, name string, parent string) store.Org {
	t.Helper()
	o := store.Org{Name: name, Country: "PK", Tier: store.TierProvincial, ParentID: parent, Names: map[string]string{"ur": "پنجاب"}}
	if parent == "" {
		o.Tier = store.TierNational
	}
	if err := s.WithTx(ctx, func(tx store.Tx) error { return tx.Orgs().Create(ctx, &o) }); err != nil {
		t.Fatalf("create org %q: %v", name, err)
	}
	return o
}

func testOrgs(t *testing.T, s store.Store, clk *clock.Manual) {
	ctx := context.Background()
	ndma := mustOrg(t, ctx, s, "NDMA", "")
	if u, err := uuid.Parse(ndma.ID); err != nil || u.Version() != 7 {
		t.Fatalf("org id %q is not a UUIDv7", ndma.ID)
	}
	if ndma.OriginNode != Node || !ndma.Mode.IsLive() || !ndma.CreatedAt.Equal(Start) {
		t.Fatalf("metadata not stamped: %+v", ndma.Meta)
	}
	punjab := mustOrg(t, ctx, s, "PDMA Punjab", ndma.ID)
	got, err := s.Orgs().Get(ctx, punjab.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Name != "PDMA Punjab" || got.ParentID != ndma.ID || got.Names["ur"] != "پنجاب" || got.Tier != store.TierProvincial || !got.CreatedAt.Equal(Start) {
		t.Fatalf("round trip: %+v", got)
	}
	list, err := s.Orgs().List(ctx)
	if err != nil || len(list) != 2 || list[0].ID != ndma.ID {
		t.Fatalf("List = %v, %v; want national first", list, err)
	}
	clk.Advance(time.Hour)
	got.Jurisdiction = json.RawMessage(`{"type":"Point","coordinates":[74.3,31.5]}`)
	if err := s.WithTx(ctx, func(tx store.Tx) error { return tx.Orgs().Update(ctx, &got) }); err != nil {
		t.Fatal(err)
	}
	again, _ := s.Orgs().Get(ctx, punjab.ID)
	if string(again.Jurisdiction) != string(got.Jurisdiction) || !again.UpdatedAt.Equal(Start.Add(time.Hour)) {
		t.Fatalf("update not stored: %+v", again)
	}
	if _, err := s.Orgs().Get(ctx, uuid.Must(uuid.NewV7()).String()); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("Get missing: %v, want ErrNotFound", err)
	}
	if n, err := s.Orgs().Count(ctx); err != nil || n != 2 {
		t.Fatalf("Count = %d, %v", n, err)
	}
}

func testOrgsInvalid(t *testing.T, s store.Store, _ *clock.Manual) {
	ctx := context.Background()
	for _, o := range []store.Org{
		{Name: "", Country: "PK", Tier: store.TierNational},
		{Name: "X", Country: "Pakistan", Tier: store.TierNational},
		{Name: "X", Country: "PK", Tier: "federal"},
		{Name: "X", Country: "PK", Tier: store.TierNational, Jurisdiction: json.RawMessage(`{broken`)},
	} {
		err := s.WithTx(ctx, func(tx store.Tx) error { return tx.Orgs().Create(ctx, &o) })
		if !errors.Is(err, store.ErrInvalidRecord) {
			t.Errorf("Create(%+v) = %v, want ErrInvalidRecord", o, err)
		}
	}
	if n, _ := s.Orgs().Count(ctx); n != 0 {
		t.Fatalf("%d invalid organisations stored", n)
	}
}

func testModeFilter(t *testing.T, s store.Store, _ *clock.Manual) {
	live := context.Background()
	ex, _ := mode.Exercise("indus-drill")
	exCtx := mode.With(live, ex)
	liveOrg := mustOrg(t, live, s, "NDMA", "")
	exOrg := mustOrg(t, exCtx, s, "Simulated NDMA", "")
	if exOrg.Mode != ex {
		t.Fatalf("exercise org stamped %v", exOrg.Mode)
	}
	for _, c := range []struct {
		ctx     context.Context
		see     string
		notSeen string
	}{{live, liveOrg.ID, exOrg.ID}, {exCtx, exOrg.ID, liveOrg.ID}} {
		list, err := s.Orgs().List(c.ctx)
		if err != nil || len(list) != 1 || list[0].ID != c.see {
			t.Fatalf("List in %v = %v, %v", mode.From(c.ctx), list, err)
		}
		if _, err := s.Orgs().Get(c.ctx, c.notSeen); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("record of another mode visible in %v: %v", mode.From(c.ctx), err)
		}
	}
}

func testUsers(t *testing.T, s store.Store, _ *clock.Manual) {
	ctx := context.Background()
	a := mustOrg(t, ctx, s, "NDMA", "")
	b := mustOrg(t, ctx, s, "PDMA Sindh", a.ID)
	create := func(u store.User) error {
		return s.WithTx(ctx, func(tx store.Tx) error { return tx.Users().Create(ctx, &u) })
	}
	if err := create(store.User{Username: "amina", OrgID: a.ID, Role: "admin", Language: "ur"}); err != nil {
		t.Fatal(err)
	}
	if err := create(store.User{Username: "bilal", OrgID: b.ID, Role: "viewer"}); err != nil {
		t.Fatal(err)
	}
	if err := create(store.User{Username: "amina", OrgID: b.ID, Role: "viewer"}); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("duplicate username: %v, want ErrConflict", err)
	}
	if err := create(store.User{Username: "nobody", Role: "viewer"}); !errors.Is(err, store.ErrInvalidRecord) {
		t.Fatalf("user without org: %v", err)
	}
	u, err := s.Users().GetByUsername(ctx, "amina")
	if err != nil || u.Language != "ur" || u.OrgID != a.ID {
		t.Fatalf("GetByUsername = %+v, %v", u, err)
	}
	list, err := s.Users().List(ctx, []string{b.ID})
	if err != nil || len(list) != 1 || list[0].Username != "bilal" {
		t.Fatalf("List(sindh) = %v, %v", list, err)
	}
	if all, _ := s.Users().List(ctx, nil); len(all) != 2 {
		t.Fatalf("List(all) = %d users", len(all))
	}
	u.Disabled, u.Language = true, "zh"
	if err := s.WithTx(ctx, func(tx store.Tx) error { return tx.Users().Update(ctx, &u) }); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Users().Get(ctx, u.ID); !got.Disabled || got.Language != "zh" {
		t.Fatalf("update lost: %+v", got)
	}
}

func mustUser(t *testing.T, s store.Store) store.User {
	t.Helper()
	ctx := context.Background()
	o := mustOrg(t, ctx, s, "NDMA", "")
	u := store.User{Username: "duty", OrgID: o.ID, Role: "duty_officer"}
	if err := s.WithTx(ctx, func(tx store.Tx) error { return tx.Users().Create(ctx, &u) }); err != nil {
		t.Fatal(err)
	}
	return u
}

func testSessions(t *testing.T, s store.Store, clk *clock.Manual) {
	ctx := context.Background()
	u := mustUser(t, s)
	se := store.Session{IDHash: "h1", UserID: u.ID, CSRFToken: "c1", CreatedAt: clk.Now(), ExpiresAt: clk.Now().Add(time.Hour)}
	if err := s.Sessions().Create(ctx, se); err != nil {
		t.Fatal(err)
	}
	got, err := s.Sessions().Get(ctx, "h1", clk.Now())
	if err != nil || got.UserID != u.ID || got.CSRFToken != "c1" {
		t.Fatalf("Get = %+v, %v", got, err)
	}
	if _, err := s.Sessions().Get(ctx, "h1", clk.Now().Add(2*time.Hour)); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("expired session found: %v", err)
	}
	if n, err := s.Sessions().DeleteExpired(ctx, clk.Now().Add(2*time.Hour)); err != nil || n != 1 {
		t.Fatalf("DeleteExpired = %d, %v", n, err)
	}
}

func testTokens(t *testing.T, s store.Store, clk *clock.Manual) {
	ctx := context.Background()
	u := mustUser(t, s)
	forever := store.Token{Hash: "hash-a", UserID: u.ID, Name: "feed poller"}
	brief := store.Token{Hash: "hash-b", UserID: u.ID, Name: "one day", ExpiresAt: clk.Now().Add(24 * time.Hour)}
	for _, tok := range []*store.Token{&forever, &brief} {
		if err := s.Tokens().Create(ctx, tok); err != nil {
			t.Fatal(err)
		}
	}
	later := clk.Now().Add(48 * time.Hour)
	if got, err := s.Tokens().GetByHash(ctx, "hash-a", later); err != nil || got.ID != forever.ID {
		t.Fatalf("GetByHash(a) = %+v, %v", got, err)
	}
	if _, err := s.Tokens().GetByHash(ctx, "hash-b", later); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("expired token found: %v", err)
	}
	if err := s.Tokens().Touch(ctx, forever.ID, later); err != nil {
		t.Fatal(err)
	}
	list, err := s.Tokens().ListForUser(ctx, u.ID)
	if err != nil || len(list) != 2 || !list[0].LastUsed.Equal(later) {
		t.Fatalf("ListForUser = %+v, %v", list, err)
	}
	if err := s.Tokens().Delete(ctx, brief.ID); err != nil {
		t.Fatal(err)
	}
	if err := s.Tokens().Delete(ctx, brief.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("second delete: %v", err)
	}
}

func testLoginAttempts(t *testing.T, s store.Store, clk *clock.Manual) {
	ctx := context.Background()
	la := s.LoginAttempts()
	for range 3 {
		clk.Advance(time.Minute)
		if err := la.AddFailure(ctx, "user:amina", clk.Now()); err != nil {
			t.Fatal(err)
		}
	}
	if n, _ := la.CountSince(ctx, "user:amina", Start.Add(90*time.Second)); n != 2 {
		t.Fatalf("CountSince = %d, want 2", n)
	}
	if err := la.Clear(ctx, "user:amina"); err != nil {
		t.Fatal(err)
	}
	if n, _ := la.CountSince(ctx, "user:amina", Start); n != 0 {
		t.Fatalf("after Clear: %d", n)
	}
}

var errBoom = errors.New("boom")

func testRollback(t *testing.T, s store.Store, _ *clock.Manual) {
	ctx := context.Background()
	err := s.WithTx(ctx, func(tx store.Tx) error {
		o := store.Org{Name: "NDMA", Country: "PK", Tier: store.TierNational}
		if err := tx.Orgs().Create(ctx, &o); err != nil {
			return err
		}
		if err := tx.Record(ctx, store.Change{Actor: "system", Action: "org.created", EntityType: "org", EntityID: o.ID, After: o}); err != nil {
			return err
		}
		return errBoom
	})
	if !errors.Is(err, errBoom) {
		t.Fatalf("WithTx = %v", err)
	}
	n, _ := s.Orgs().Count(ctx)
	audit, _ := s.Audit().List(ctx, 0, 10)
	events, _ := s.Outbox().Pending(ctx, 10)
	if n != 0 || len(audit) != 0 || len(events) != 0 {
		t.Fatalf("rollback left %d orgs, %d audit entries, %d events", n, len(audit), len(events))
	}
}

func testRecord(t *testing.T, s store.Store, clk *clock.Manual) {
	ctx := context.Background()
	ex, _ := mode.Exercise("ex1")
	var ids []string
	for i, c := range []context.Context{ctx, mode.With(ctx, ex), ctx} {
		clk.Advance(time.Second)
		err := s.WithTx(c, func(tx store.Tx) error {
			o := store.Org{Name: fmt.Sprintf("Org %d", i), Country: "PK", Tier: store.TierNational}
			if err := tx.Orgs().Create(c, &o); err != nil {
				return err
			}
			ids = append(ids, o.ID)
			return tx.Record(c, store.Change{Actor: "u1", Action: "org.created", EntityType: "org", EntityID: o.ID, After: o})
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	entries, err := s.Audit().List(ctx, 0, 100)
	if err != nil || len(entries) != 3 {
		t.Fatalf("audit = %d entries, %v", len(entries), err)
	}
	if bad, why := store.VerifyChain("", entries); bad != nil {
		t.Fatalf("fresh chain broken at %d: %s", bad.Seq, why)
	}
	if entries[1].Mode != ex || entries[0].Before != nil || len(entries[0].After) == 0 {
		t.Fatalf("entry fields: %+v", entries[1])
	}
	tampered := append([]store.AuditEntry(nil), entries...)
	tampered[1].Actor = "someone else"
	if bad, _ := store.VerifyChain("", tampered); bad == nil || bad.Seq != entries[1].Seq {
		t.Fatalf("tampering not detected at entry 2: %v", bad)
	}
	byEntity, _ := s.Audit().ListForEntity(ctx, "org", ids[2])
	if len(byEntity) != 1 || byEntity[0].EntityID != ids[2] {
		t.Fatalf("ListForEntity = %+v", byEntity)
	}
	events, err := s.Outbox().Pending(ctx, 10)
	if err != nil || len(events) != 3 {
		t.Fatalf("outbox = %d, %v", len(events), err)
	}
	want := []string{"taawun." + Node + ".live.org.created", "taawun." + Node + ".x-ex1.org.created", "taawun." + Node + ".live.org.created"}
	for i, e := range events {
		if e.Subject != want[i] {
			t.Errorf("event %d subject %q, want %q", i, e.Subject, want[i])
		}
		var p struct {
			ID       string `json:"id"`
			EntityID string `json:"entity_id"`
		}
		if err := json.Unmarshal(e.Payload, &p); err != nil || p.ID != e.ID || p.EntityID != ids[i] {
			t.Errorf("event %d payload %s", i, e.Payload)
		}
	}
	// Events are marked oldest first, none left out: a store may keep the relay's progress as
	// one cursor, which could not leave an older event pending.
	for name, bad := range map[string][]store.Event{
		"an older one left out": events[1:2],
		"out of order":          {events[1], events[0]},
	} {
		if err := s.Outbox().MarkPublished(ctx, bad, clk.Now()); err == nil {
			t.Errorf("MarkPublished with %s: no error", name)
		}
	}
	if rest, _ := s.Outbox().Pending(ctx, 10); len(rest) != 3 {
		t.Fatalf("a refused MarkPublished marked events: %d pending", len(rest))
	}
	if err := s.Outbox().MarkPublished(ctx, events[:2], clk.Now()); err != nil {
		t.Fatal(err)
	}
	if rest, _ := s.Outbox().Pending(ctx, 10); len(rest) != 1 || rest[0].ID != events[2].ID {
		t.Fatalf("after MarkPublished: %+v", rest)
	}
	if n, err := s.Outbox().DeletePublishedBefore(ctx, clk.Now().Add(time.Second)); err != nil || n != 2 {
		t.Fatalf("DeletePublishedBefore = %d, %v", n, err)
	}
}

func testConcurrentRecords(t *testing.T, s store.Store, _ *clock.Manual) {
	ctx := context.Background()
	const workers, each = 8, 10
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				err := s.WithTx(ctx, func(tx store.Tx) error {
					return tx.Record(ctx, store.Change{Actor: fmt.Sprintf("w%d", w), Action: "test.touched", EntityType: "test", EntityID: fmt.Sprint(i), NoEvent: true})
				})
				if err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	entries, _ := s.Audit().List(ctx, 0, 1000)
	if len(entries) != workers*each {
		t.Fatalf("%d entries, want %d", len(entries), workers*each)
	}
	if bad, why := store.VerifyChain("", entries); bad != nil {
		t.Fatalf("chain forked under concurrency at %d: %s", bad.Seq, why)
	}
}
