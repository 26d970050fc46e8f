package sqlstore_test

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/taawun/taawun/internal/clock"
	"github.com/taawun/taawun/internal/store"
	"github.com/taawun/taawun/internal/store/sqlstore/sqltest"
)

// TestLogCheckpointedInBackground: committed pages reach the database file without any commit
// crossing SQLite's automatic checkpoint threshold (kept at 10,000 pages as a backstop): the
// checkpointer copies them beside the writer, and the log starts over.
func TestLogCheckpointedInBackground(t *testing.T) {
	ctx := context.Background()
	u := sqltest.SQLiteURL(t)
	path := strings.TrimPrefix(u, "sqlite:")
	db := sqltest.Open(t, u, "pk-test", clock.System{})
	size := func(p string) int64 {
		fi, err := os.Stat(p)
		if err != nil {
			return 0
		}
		return fi.Size()
	}
	before := size(path)
	// About 1,000 pages of audit entries: far below the backstop.
	big := strings.Repeat("x", 3000)
	for i := range 10 {
		err := db.WithTx(ctx, func(tx store.Tx) error {
			for range 100 {
				if err := tx.Record(ctx, store.Change{Actor: "test", Action: "test.written", EntityType: "test", EntityID: big[:i+1], After: map[string]string{"pad": big}}); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	for deadline := time.Now().Add(10 * time.Second); size(path) < before+3<<20; time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("database file %d bytes (was %d), log %d bytes: nothing checkpointed", size(path), before, size(path+"-wal"))
		}
	}
}
