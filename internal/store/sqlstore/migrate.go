package sqlstore

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"

	"github.com/taawun/taawun/internal/store"
)

//go:embed migrations
var migrationFiles embed.FS

// migration is one numbered schema step.
type migration struct {
	version int
	name    string
	sql     string
}

// migrations returns the dialect's steps in order. Files are named NNNN_description.sql and
// numbered from 1 without gaps.
func migrations(dialectName string) ([]migration, error) {
	dir := path.Join("migrations", dialectName)
	entries, err := fs.ReadDir(migrationFiles, dir)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: read migrations: %w", err)
	}
	var ms []migration
	for _, e := range entries {
		num, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || !strings.HasSuffix(e.Name(), ".sql") {
			return nil, fmt.Errorf("sqlstore: migration file %q is not NNNN_name.sql", e.Name())
		}
		body, err := fs.ReadFile(migrationFiles, path.Join(dir, e.Name()))
		if err != nil {
			return nil, fmt.Errorf("sqlstore: read migration %s: %w", e.Name(), err)
		}
		ms = append(ms, migration{version: v, name: e.Name(), sql: string(body)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].version < ms[j].version })
	for i, m := range ms {
		if m.version != i+1 {
			return nil, fmt.Errorf("sqlstore: migrations of %s are not numbered 1..n: %s", dialectName, m.name)
		}
	}
	return ms, nil
}

// LatestVersion is the schema version this program migrates to.
func (db *DB) LatestVersion() (int, error) {
	ms, err := migrations(db.dialect.name())
	return len(ms), err
}

const createVersionTable = `CREATE TABLE IF NOT EXISTS schema_migrations (
    version    INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    applied_at TEXT NOT NULL
)`

// SchemaVersion reports the version the database is migrated to; 0 for an empty database.
func (db *DB) SchemaVersion(ctx context.Context) (int, error) {
	var v sql.NullInt64
	err := db.reader.QueryRowContext(ctx, "SELECT MAX(version) FROM schema_migrations").Scan(&v)
	if err != nil {
		if isMissingTable(err) {
			return 0, nil
		}
		return 0, fmt.Errorf("sqlstore: read schema version: %w", err)
	}
	return int(v.Int64), nil
}

func isMissingTable(err error) bool {
	s := err.Error()
	return strings.Contains(s, "no such table") || strings.Contains(s, "does not exist")
}

// CheckSchema refuses a database that is not fully migrated or is newer than this program.
func (db *DB) CheckSchema(ctx context.Context) error {
	latest, err := db.LatestVersion()
	if err != nil {
		return err
	}
	have, err := db.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	switch {
	case have > latest:
		return fmt.Errorf("%w: database is at version %d, this program knows up to %d; upgrade taawun", store.ErrSchemaTooNew, have, latest)
	case have < latest:
		return fmt.Errorf("%w: database is at version %d of %d; run taawun migrate", store.ErrNotInitialised, have, latest)
	}
	return db.checkNode(ctx)
}

// Migrate applies the missing migrations, each in its own transaction, and records the node id
// on first use. It refuses a database whose schema is newer than this program.
func (db *DB) Migrate(ctx context.Context) (applied int, err error) {
	ms, err := migrations(db.dialect.name())
	if err != nil {
		return 0, err
	}
	if _, err := db.writer.ExecContext(ctx, createVersionTable); err != nil {
		return 0, fmt.Errorf("sqlstore: create schema_migrations: %w", err)
	}
	have, err := db.SchemaVersion(ctx)
	if err != nil {
		return 0, err
	}
	if have > len(ms) {
		return 0, fmt.Errorf("%w: database is at version %d, this program knows up to %d; upgrade taawun", store.ErrSchemaTooNew, have, len(ms))
	}
	for _, m := range ms {
		done, err := db.applyMigration(ctx, m)
		if err != nil {
			return applied, err
		}
		if done {
			applied++
			db.log.Info("applied migration", "dialect", db.dialect.name(), "version", m.version, "name", m.name)
		}
	}
	if err := db.claimNode(ctx); err != nil {
		return applied, err
	}
	return applied, nil
}

// applyMigration runs m unless another server already has; the version check happens under the
// migration lock so that servers starting together apply each step once.
func (db *DB) applyMigration(ctx context.Context, m migration) (bool, error) {
	sqlTx, err := db.writer.BeginTx(ctx, nil)
	if err != nil {
		return false, fmt.Errorf("sqlstore: migration %s: begin: %w", m.name, err)
	}
	defer sqlTx.Rollback() //nolint:errcheck // a no-op after Commit
	if err := db.dialect.lockMigrations(ctx, sqlTx); err != nil {
		return false, fmt.Errorf("sqlstore: migration %s: lock: %w", m.name, err)
	}
	var n int
	if err := sqlTx.QueryRowContext(ctx, db.dialect.rebind("SELECT COUNT(*) FROM schema_migrations WHERE version = ?"), m.version).Scan(&n); err != nil {
		return false, fmt.Errorf("sqlstore: migration %s: %w", m.name, err)
	}
	if n > 0 {
		return false, nil
	}
	if _, err := sqlTx.ExecContext(ctx, m.sql); err != nil {
		return false, fmt.Errorf("sqlstore: migration %s: %w", m.name, err)
	}
	if _, err := sqlTx.ExecContext(ctx, db.dialect.rebind("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)"),
		m.version, m.name, db.clock.Now().UTC().Format(store.AuditTimeFormat)); err != nil {
		return false, fmt.Errorf("sqlstore: migration %s: record version: %w", m.name, err)
	}
	if err := sqlTx.Commit(); err != nil {
		return false, fmt.Errorf("sqlstore: migration %s: commit: %w", m.name, err)
	}
	return true, nil
}

// claimNode records this node's id in a fresh database, and checks it in an existing one.
func (db *DB) claimNode(ctx context.Context) error {
	_, err := db.writer.ExecContext(ctx, db.dialect.rebind("INSERT INTO node_meta (key, value) VALUES ('node_id', ?) ON CONFLICT (key) DO NOTHING"), db.node)
	if err != nil {
		return fmt.Errorf("sqlstore: record node id: %w", err)
	}
	return db.checkNode(ctx)
}

func (db *DB) checkNode(ctx context.Context) error {
	var owner string
	err := db.reader.QueryRowContext(ctx, "SELECT value FROM node_meta WHERE key = 'node_id'").Scan(&owner)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("%w: node id not recorded; run taawun migrate", store.ErrNotInitialised)
	}
	if err != nil {
		return fmt.Errorf("sqlstore: read node id: %w", err)
	}
	if owner != db.node {
		return fmt.Errorf("%w: it was created by node %q and this is node %q", store.ErrNodeMismatch, owner, db.node)
	}
	return nil
}
