package sqlstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/taawun/taawun/internal/clock"
	"github.com/taawun/taawun/internal/store"
	"github.com/taawun/taawun/internal/store/sqlstore"
	"github.com/taawun/taawun/internal/store/sqlstore/sqltest"
)

// TestOutboxRebuildKeepsItsCounter: SQLite's relay keeps its progress as a cursor of seqs, so
// rebuilding the outbox (migration 0012) must not let a seq be handed out again, even when
// every event was published and pruned and the table is empty. The hazard tables the same
// migration rebuilds keep their rows.
func TestOutboxRebuildKeepsItsCounter(t *testing.T) {
	ctx := context.Background()
	clk := clock.NewManual(time.Date(2026, 8, 14, 0, 0, 0, 0, time.UTC))
	db := sqltest.Open(t, sqltest.SQLiteURL(t), "pk-test", clk)
	record := func() {
		t.Helper()
		err := db.WithTx(ctx, func(tx store.Tx) error {
			return tx.Record(ctx, store.Change{Actor: "system", Action: "test.happened", EntityType: "test", EntityID: "x"})
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	for range 3 {
		record()
	}
	events, err := db.Outbox().Pending(ctx, 10)
	if err != nil || len(events) != 3 {
		t.Fatalf("pending %d, %v", len(events), err)
	}
	if err := db.Outbox().MarkPublished(ctx, events, clk.Now()); err != nil {
		t.Fatal(err)
	}
	clk.Advance(time.Hour)
	if n, err := db.Outbox().DeletePublishedBefore(ctx, clk.Now()); err != nil || n != 3 {
		t.Fatalf("pruned %d, %v", n, err)
	}
	// Hazard rows the rebuild moves to WITHOUT ROWID tables.
	ev := store.HazardEvent{Type: "earthquake", Time: clk.Now(), Updated: clk.Now(), Lat: 34, Lon: 73, Keys: []string{"usgs:a", "usgs:b"}}
	err = db.WithTx(ctx, func(tx store.Tx) error {
		return tx.HazardEvents().Create(ctx, &ev, store.HazardRevision{SourceID: "src", Data: []byte(`{"mag":7}`)})
	})
	if err != nil {
		t.Fatal(err)
	}
	link := store.TriggerDraft{EventID: ev.ID, RuleID: "rule-1", OrgID: "org-1", AlertID: "alert-1", State: store.TriggerDrafted, EventRevision: 1}
	if err := db.TriggerDrafts().Claim(ctx, &link); err != nil {
		t.Fatal(err)
	}
	if err := db.ExecForTest(ctx, sqlstore.MigrationForTest("sqlite", 12)); err != nil {
		t.Fatalf("rebuilding the outbox: %v", err)
	}
	if found, err := db.HazardEvents().FindByKeys(ctx, []string{"usgs:b"}); err != nil || found.ID != ev.ID || len(found.Keys) != 2 {
		t.Errorf("event by key after the rebuild: %+v, %v", found, err)
	}
	if revs, err := db.HazardEvents().Revisions(ctx, ev.ID); err != nil || len(revs) != 1 || string(revs[0].Data) != `{"mag":7}` {
		t.Errorf("revisions after the rebuild: %+v, %v", revs, err)
	}
	if back, err := db.TriggerDrafts().Get(ctx, ev.ID, "rule-1"); err != nil || back.AlertID != "alert-1" || back.State != store.TriggerDrafted {
		t.Errorf("trigger link after the rebuild: %+v, %v", back, err)
	}
	record()
	after, err := db.Outbox().Pending(ctx, 10)
	if err != nil || len(after) != 1 || after[0].Seq <= events[2].Seq {
		t.Fatalf("after the rebuild: pending %+v, %v; the last seq before was %d", after, err, events[2].Seq)
	}
}
