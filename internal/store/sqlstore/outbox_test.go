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
// every event was published and pruned and the table is empty.
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
	if err := db.ExecForTest(ctx, sqlstore.MigrationForTest("sqlite", 12)); err != nil {
		t.Fatalf("rebuilding the outbox: %v", err)
	}
	record()
	after, err := db.Outbox().Pending(ctx, 10)
	if err != nil || len(after) != 1 || after[0].Seq <= events[2].Seq {
		t.Fatalf("after the rebuild: pending %+v, %v; the last seq before was %d", after, err, events[2].Seq)
	}
}
