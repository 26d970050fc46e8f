package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	_ "modernc.org/sqlite"             // registers the "sqlite" driver

	"github.com/taawun/taawun/internal/clock"
	"github.com/taawun/taawun/internal/store"
)

// Options configure Open.
type Options struct {
	// URL is "postgres://…" (or "postgresql://…") for PostgreSQL, or "sqlite:PATH" / a plain
	// file path for SQLite.
	URL string
	// NodeID is recorded in the database at first migration; a database of another node is
	// refused.
	NodeID string
	Clock  clock.Clock
	Logger *slog.Logger
}

// DB is a store.Store on SQLite or PostgreSQL.
type DB struct {
	dialect dialect
	writer  *sql.DB // the only connection that writes (SQLite) or the pool (PostgreSQL)
	reader  *sql.DB // a pool of read-only connections (SQLite) or the same pool (PostgreSQL)
	node    string
	clock   clock.Clock
	log     *slog.Logger
	// committed receives a token after each committed transaction that recorded an event, so the
	// outbox relay can publish at once instead of waiting for its next poll.
	committed chan struct{}
	// writerStmts and readerStmts keep SQLite's prepared statements (nil on PostgreSQL).
	writerStmts, readerStmts *stmtCache
	// checkpoints copies SQLite's log into the database file beside the writer (nil on
	// PostgreSQL).
	checkpoints *checkpointer
}

var _ store.Store = (*DB)(nil)

// IsPostgresURL reports whether u names a PostgreSQL database.
func IsPostgresURL(u string) bool {
	return strings.HasPrefix(u, "postgres://") || strings.HasPrefix(u, "postgresql://")
}

// Open connects to the database named by opts.URL. It does not migrate; call Migrate.
func Open(ctx context.Context, opts Options) (*DB, error) {
	if opts.NodeID == "" {
		return nil, errors.New("sqlstore: open: node id is empty")
	}
	db := &DB{node: opts.NodeID, clock: opts.Clock, log: opts.Logger, committed: make(chan struct{}, 1)}
	if db.clock == nil {
		db.clock = clock.System{}
	}
	if db.log == nil {
		db.log = slog.New(slog.DiscardHandler)
	}
	var err error
	if IsPostgresURL(opts.URL) {
		err = db.openPostgres(ctx, opts.URL)
	} else {
		err = db.openSQLite(ctx, strings.TrimPrefix(opts.URL, "sqlite:"))
	}
	if err != nil {
		return nil, err
	}
	return db, nil
}

func (db *DB) openPostgres(ctx context.Context, u string) error {
	db.dialect = postgresDialect{}
	pool, err := sql.Open("pgx", u)
	if err != nil {
		return fmt.Errorf("sqlstore: open postgres %s: %w", redactURL(u), err)
	}
	pool.SetMaxOpenConns(32)
	pool.SetMaxIdleConns(8)
	pool.SetConnMaxIdleTime(5 * time.Minute)
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := pool.PingContext(pctx); err != nil {
		pool.Close()
		return fmt.Errorf("sqlstore: connect to postgres %s: %w", redactURL(u), err)
	}
	db.writer, db.reader = pool, pool
	return nil
}

func (db *DB) openSQLite(ctx context.Context, path string) error {
	db.dialect = sqliteDialect{}
	if path == "" {
		return errors.New("sqlstore: open sqlite: empty path")
	}
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return fmt.Errorf("sqlstore: create folder for %s: %w", path, err)
		}
	}
	// _txlock=immediate makes every write transaction take the write lock at BEGIN, so two
	// transactions never deadlock upgrading from read to write.
	common := "_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)&_time_format=sqlite"
	w, err := sql.Open("sqlite", "file:"+path+"?_pragma=journal_mode(WAL)&_txlock=immediate&"+
		fmt.Sprintf("_pragma=wal_autocheckpoint(%d)&", backstopPages)+common)
	if err != nil {
		return fmt.Errorf("sqlstore: open sqlite %s: %w", path, err)
	}
	w.SetMaxOpenConns(1) // SQLite allows one writer; queueing here beats SQLITE_BUSY.
	w.SetConnMaxIdleTime(0)
	if err := w.PingContext(ctx); err != nil {
		w.Close()
		return fmt.Errorf("sqlstore: open sqlite %s: %w", path, err)
	}
	r, err := sql.Open("sqlite", "file:"+path+"?_pragma=query_only(1)&"+common)
	if err != nil {
		w.Close()
		return fmt.Errorf("sqlstore: open sqlite %s for reading: %w", path, err)
	}
	r.SetMaxOpenConns(8)
	cp, err := sql.Open("sqlite", "file:"+path+"?"+common)
	if err != nil {
		w.Close()
		r.Close()
		return fmt.Errorf("sqlstore: open sqlite %s for checkpoints: %w", path, err)
	}
	cp.SetMaxOpenConns(1)
	db.writer, db.reader = w, r
	db.writerStmts, db.readerStmts = newStmtCache(w), newStmtCache(r)
	db.checkpoints = startCheckpointer(cp, db.log)
	return nil
}

// redactURL hides the password in a database URL for messages and logs.
func redactURL(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return "(unparseable URL)"
	}
	return p.Redacted()
}

// Dialect names the back end.
func (db *DB) Dialect() string { return db.dialect.name() }

// NodeID returns the node the store writes as.
func (db *DB) NodeID() string { return db.node }

// Ping checks that the database answers.
func (db *DB) Ping(ctx context.Context) error {
	if err := db.writer.PingContext(ctx); err != nil {
		return fmt.Errorf("sqlstore: ping %s: %w", db.dialect.name(), err)
	}
	return nil
}

// Close closes the connections.
func (db *DB) Close() error {
	if db.writerStmts != nil {
		db.writerStmts.close()
		db.readerStmts.close()
	}
	err := db.writer.Close()
	if db.reader != db.writer {
		err = errors.Join(err, db.reader.Close())
	}
	if db.checkpoints != nil {
		err = errors.Join(err, db.checkpoints.close())
	}
	return err
}

// Committed delivers a token after a transaction that recorded an event commits.
func (db *DB) Committed() <-chan struct{} { return db.committed }

// WithTx runs fn in a transaction on the writer.
func (db *DB) WithTx(ctx context.Context, fn func(store.Tx) error) error {
	if db.writerStmts != nil {
		db.writerStmts.prepareWanted(ctx)
	}
	sqlTx, err := db.writer.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlstore: begin: %w", err)
	}
	var txq queryer = sqlTx
	if db.writerStmts != nil {
		txq = newCachedTx(sqlTx, db.writerStmts)
	}
	t := &tx{q: q{db: db, read: txq, write: txq}}
	err = fn(t)
	if err == nil {
		err = t.flushRecords(ctx)
	}
	if err != nil {
		if rbErr := sqlTx.Rollback(); rbErr != nil && !errors.Is(rbErr, sql.ErrTxDone) {
			db.log.Error("rollback failed", "err", rbErr)
		}
		return err
	}
	if err := sqlTx.Commit(); err != nil {
		return fmt.Errorf("sqlstore: commit: %w", err)
	}
	if db.checkpoints != nil {
		db.checkpoints.written()
	}
	if t.recordedEvent {
		select {
		case db.committed <- struct{}{}:
		default:
		}
	}
	return nil
}

// queryer is what *sql.DB and *sql.Tx have in common.
type queryer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// q runs queries: reads on read, writes on write (both the transaction inside WithTx).
type q struct {
	db    *DB
	read  queryer
	write queryer
}

func (q q) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return q.write.ExecContext(ctx, q.db.dialect.rebind(query), args...)
}

func (q q) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return q.read.QueryContext(ctx, q.db.dialect.rebind(query), args...)
}

func (q q) queryRow(ctx context.Context, query string, args ...any) *sql.Row {
	return q.read.QueryRowContext(ctx, q.db.dialect.rebind(query), args...)
}

// collect runs a read query and scans every row with scan; what names the query in errors.
func collect[T any](ctx context.Context, q q, what string, scan func(scanner) (T, error), query string, args ...any) ([]T, error) {
	rows, err := q.query(ctx, query, args...)
	if err != nil {
		return nil, q.wrap(err, "sqlstore: %s", what)
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, q.wrap(err, "sqlstore: %s", what)
		}
		out = append(out, v)
	}
	return out, q.wrap(rows.Err(), "sqlstore: %s", what)
}

// wrap maps driver errors to the store's sentinel errors and adds context.
func (q q) wrap(err error, format string, args ...any) error {
	if err == nil {
		return nil
	}
	what := fmt.Sprintf(format, args...)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return fmt.Errorf("%s: %w", what, store.ErrNotFound)
	case q.db.dialect.isUniqueViolation(err):
		return fmt.Errorf("%s: %w", what, store.ErrConflict)
	case q.db.dialect.isAppendOnlyViolation(err):
		return fmt.Errorf("%s: %w", what, store.ErrAppendOnly)
	}
	return fmt.Errorf("%s: %w", what, err)
}

func (q q) Orgs() store.Orgs                   { return orgs{q} }
func (q q) Users() store.Users                 { return users{q} }
func (q q) Sessions() store.Sessions           { return sessions{q} }
func (q q) Tokens() store.Tokens               { return tokens{q} }
func (q q) LoginAttempts() store.LoginAttempts { return loginAttempts{q} }
func (q q) Audit() store.AuditLog              { return auditLog{q} }
func (q q) Outbox() store.Outbox               { return outbox{q} }

// Orgs and the other accessors outside a transaction read on the reader pool and write on the
// writer.
func (db *DB) Orgs() store.Orgs                   { return db.direct().Orgs() }
func (db *DB) Users() store.Users                 { return db.direct().Users() }
func (db *DB) Sessions() store.Sessions           { return db.direct().Sessions() }
func (db *DB) Tokens() store.Tokens               { return db.direct().Tokens() }
func (db *DB) LoginAttempts() store.LoginAttempts { return db.direct().LoginAttempts() }
func (db *DB) Audit() store.AuditLog              { return db.direct().Audit() }
func (db *DB) Outbox() store.Outbox               { return db.direct().Outbox() }

func (db *DB) direct() q {
	if db.writerStmts == nil {
		return q{db: db, read: db.reader, write: db.writer}
	}
	return q{db: db, read: cachedPool{DB: db.reader, cache: db.readerStmts}, write: cachedPool{DB: db.writer, cache: db.writerStmts}}
}

// tx is a store.Tx.
type tx struct {
	q
	recordedEvent bool
	// head is the last audit entry this transaction appended (seq 0 before the first): the
	// chain is locked for the rest of the transaction, so later entries follow it without
	// reading it back.
	head struct {
		seq  int64
		hash string
	}
	// audit and outbox are the rows Record keeps until flushRecords writes them.
	audit, outbox [][]any
}

// ts normalises a time for storage: UTC, microsecond precision (PostgreSQL's).
func ts(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

// nullTS stores the zero time as NULL.
func nullTS(t time.Time) sql.NullTime {
	if t.IsZero() {
		return sql.NullTime{}
	}
	return sql.NullTime{Time: ts(t), Valid: true}
}

// fromNull reads a nullable time; NULL becomes the zero time.
func fromNull(n sql.NullTime) time.Time {
	if !n.Valid {
		return time.Time{}
	}
	return n.Time.UTC()
}
