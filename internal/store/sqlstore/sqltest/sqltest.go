// Package sqltest opens fresh, migrated databases for tests: SQLite in a temporary folder always,
// and PostgreSQL in a new schema when TAAWUN_TEST_POSTGRES names a server.
package sqltest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"github.com/taawun/taawun/internal/clock"
	"github.com/taawun/taawun/internal/store/sqlstore"
	"github.com/taawun/taawun/internal/testenv"
)

// PostgresEnv names the environment variable holding the PostgreSQL URL for tests.
const PostgresEnv = "TAAWUN_TEST_POSTGRES"

// Backend opens a fresh database of one kind.
type Backend struct {
	Name string
	// URL returns the URL of a fresh, empty database, removed when the test ends.
	URL func(t testing.TB) string
}

// Backends returns SQLite, and PostgreSQL when TAAWUN_TEST_POSTGRES is set. When it is not set
// the PostgreSQL backend is still returned, and skips saying why.
func Backends() []Backend {
	return []Backend{{Name: "sqlite", URL: SQLiteURL}, {Name: "postgres", URL: PostgresURL}}
}

// SQLiteURL returns the path of a new SQLite database in the test's temporary folder.
func SQLiteURL(t testing.TB) string {
	return "sqlite:" + filepath.Join(t.TempDir(), "taawun.db")
}

// PostgresURL creates a new schema on the server named by TAAWUN_TEST_POSTGRES and returns a URL
// whose search_path selects it; the schema is dropped when the test ends. It skips the test when
// the variable is not set.
func PostgresURL(t testing.TB) string {
	base := os.Getenv(PostgresEnv)
	testenv.Need(t, base != "", "PostgreSQL: set "+PostgresEnv+" to a postgres:// URL (CI does)")
	var b [6]byte
	_, _ = rand.Read(b[:])
	schema := "t_" + hex.EncodeToString(b[:])
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatalf("open %s: %v", PostgresEnv, err)
	}
	defer admin.Close()
	if _, err := admin.ExecContext(context.Background(), "CREATE SCHEMA "+schema); err != nil {
		t.Fatalf("create schema on %s: %v", PostgresEnv, err)
	}
	t.Cleanup(func() {
		admin, err := sql.Open("pgx", base)
		if err != nil {
			return
		}
		defer admin.Close()
		_, _ = admin.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("parse %s: %v", PostgresEnv, err)
	}
	qs := u.Query()
	qs.Set("search_path", schema)
	u.RawQuery = qs.Encode()
	return u.String()
}

// Open opens and migrates a database at u for node, closing it when the test ends.
func Open(t testing.TB, u, node string, clk clock.Clock) *sqlstore.DB {
	t.Helper()
	ctx := context.Background()
	db, err := sqlstore.Open(ctx, sqlstore.Options{URL: u, NodeID: node, Clock: clk})
	if err != nil {
		t.Fatalf("open %s: %v", u, err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	return db
}
