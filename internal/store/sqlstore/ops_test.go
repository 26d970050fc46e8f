package sqlstore_test

import (
	"context"
	"testing"

	"github.com/taawun/taawun/internal/clock"
	"github.com/taawun/taawun/internal/store"
	"github.com/taawun/taawun/internal/store/sqlstore/sqltest"
	"github.com/taawun/taawun/internal/store/storetest"
)

func TestOpsConformance(t *testing.T) {
	for _, b := range sqltest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			storetest.RunOps(t, func(t *testing.T, clk clock.Clock) store.Store {
				return sqltest.Open(t, b.URL(t), storetest.Node, clk)
			})
		})
	}
}

// TestStockLedgerIsAppendOnly: the database itself refuses to change or delete ledger lines,
// and refuses a negative balance even from SQL that skips the store.
func TestStockLedgerIsAppendOnly(t *testing.T) {
	for _, b := range sqltest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			ctx := context.Background()
			db := sqltest.Open(t, b.URL(t), "pk-test", clock.System{})
			for _, q := range []string{
				"INSERT INTO organisations (id, origin_node, mode, name, country, tier, created_at, updated_at) VALUES ('o', 'n', 'live', 'NDMA', 'PK', 'national', '2026-01-01 00:00:00', '2026-01-01 00:00:00')",
				"INSERT INTO ops_records (id, origin_node, mode, kind, org_id, status, title, created_at, updated_at) VALUES ('w', 'n', 'live', 'warehouse', 'o', 'open', 'W', '2026-01-01 00:00:00', '2026-01-01 00:00:00')",
				"INSERT INTO relief_items (id, origin_node, mode, code, cluster, unit, created_at) VALUES ('i', 'n', 'live', 'rice', 'food', 'kg', '2026-01-01 00:00:00')",
				"INSERT INTO relief_stock (warehouse_id, item_id, quantity) VALUES ('w', 'i', 5)",
				"INSERT INTO relief_ledger (id, mode, warehouse_id, item_id, kind, delta, balance, actor, at) VALUES ('l', 'live', 'w', 'i', 'receive', 5, 5, 'u', '2026-01-01 00:00:00')",
			} {
				execRaw(t, db, q)
			}
			for _, q := range []string{
				"UPDATE relief_ledger SET delta = 50",
				"DELETE FROM relief_ledger",
				"UPDATE relief_stock SET quantity = -1",
			} {
				if err := db.ExecForTest(ctx, q); err == nil {
					t.Errorf("%s succeeded", q)
				}
			}
		})
	}
}
