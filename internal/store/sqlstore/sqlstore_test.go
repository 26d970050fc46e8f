package sqlstore_test

import (
	"context"
	"errors"
	"testing"

	"github.com/taawun/taawun/internal/clock"
	"github.com/taawun/taawun/internal/store"
	"github.com/taawun/taawun/internal/store/sqlstore"
	"github.com/taawun/taawun/internal/store/sqlstore/sqltest"
	"github.com/taawun/taawun/internal/store/storetest"
)

func TestConformance(t *testing.T) {
	for _, b := range sqltest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			storetest.Run(t, func(t *testing.T, clk clock.Clock) store.Store {
				return sqltest.Open(t, b.URL(t), storetest.Node, clk)
			})
		})
	}
}

// TestRefusesNewerSchema: a database migrated by a later version of Taawun must not be used.
func TestRefusesNewerSchema(t *testing.T) {
	for _, b := range sqltest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			ctx := context.Background()
			u := b.URL(t)
			db := sqltest.Open(t, u, "pk-test", clock.System{})
			if err := db.CheckSchema(ctx); err != nil {
				t.Fatalf("fresh database: %v", err)
			}
			execRaw(t, db, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (9999, '9999_future.sql', 'x')")
			if err := db.CheckSchema(ctx); !errors.Is(err, store.ErrSchemaTooNew) {
				t.Fatalf("CheckSchema = %v, want ErrSchemaTooNew", err)
			}
			if _, err := db.Migrate(ctx); !errors.Is(err, store.ErrSchemaTooNew) {
				t.Fatalf("Migrate = %v, want ErrSchemaTooNew", err)
			}
		})
	}
}

func TestRefusesAnotherNodesDatabase(t *testing.T) {
	for _, b := range sqltest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			ctx := context.Background()
			u := b.URL(t)
			sqltest.Open(t, u, "pk-ndma", clock.System{}).Close()
			other, err := sqlstore.Open(ctx, sqlstore.Options{URL: u, NodeID: "kz-mchs"})
			if err != nil {
				t.Fatal(err)
			}
			defer other.Close()
			if _, err := other.Migrate(ctx); !errors.Is(err, store.ErrNodeMismatch) {
				t.Fatalf("Migrate as another node = %v, want ErrNodeMismatch", err)
			}
		})
	}
}

// TestAuditLogIsAppendOnly: the database itself refuses to change or delete audit entries.
func TestAuditLogIsAppendOnly(t *testing.T) {
	for _, b := range sqltest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			ctx := context.Background()
			db := sqltest.Open(t, b.URL(t), "pk-test", clock.System{})
			err := db.WithTx(ctx, func(tx store.Tx) error {
				return tx.Record(ctx, store.Change{Actor: "system", Action: "test.done", EntityType: "test", EntityID: "1"})
			})
			if err != nil {
				t.Fatal(err)
			}
			for _, q := range []string{"UPDATE audit_log SET actor = 'mallory'", "DELETE FROM audit_log"} {
				if err := db.ExecForTest(ctx, q); err == nil {
					t.Errorf("%s succeeded", q)
				}
			}
		})
	}
}

func execRaw(t *testing.T, db *sqlstore.DB, q string) {
	t.Helper()
	if err := db.ExecForTest(context.Background(), q); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}
