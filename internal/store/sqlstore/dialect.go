package sqlstore

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// dialect holds what differs between SQLite and PostgreSQL.
type dialect interface {
	name() string
	// rebind turns the '?' placeholders the queries are written with into the dialect's own.
	rebind(query string) string
	// lockAuditChain serialises appends to the audit chain within a transaction.
	lockAuditChain(ctx context.Context, x queryer) error
	// lockMigrations serialises migration runs of several servers starting at once.
	lockMigrations(ctx context.Context, x queryer) error
	// skipLocked is appended to a SELECT that claims rows several servers compete for.
	skipLocked() string
	// outboxCursor reports whether the relay's progress is one cursor (events visible in seq
	// order) rather than a mark on each event.
	outboxCursor() bool
	isUniqueViolation(err error) bool
	isAppendOnlyViolation(err error) bool
}

type sqliteDialect struct{}

func (sqliteDialect) name() string           { return "sqlite" }
func (sqliteDialect) rebind(q string) string { return q }

// SQLite has one writer and transactions begin IMMEDIATE, so the writer already holds the lock.
func (sqliteDialect) lockAuditChain(context.Context, queryer) error { return nil }
func (sqliteDialect) lockMigrations(context.Context, queryer) error { return nil }

// SQLite has a single writer, so a claim cannot race another.
func (sqliteDialect) skipLocked() string { return "" }

// SQLite commits one transaction at a time, so outbox events become visible in seq order and the
// relay's progress is one cursor (migration 0011).
func (sqliteDialect) outboxCursor() bool { return true }

func (sqliteDialect) isUniqueViolation(err error) bool {
	var e *sqlite.Error
	if errors.As(err, &e) {
		return e.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || e.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	}
	return false
}

func (sqliteDialect) isAppendOnlyViolation(err error) bool {
	return err != nil && strings.Contains(err.Error(), "audit log is append-only")
}

type postgresDialect struct{}

func (postgresDialect) name() string { return "postgres" }

func (postgresDialect) rebind(q string) string {
	var b strings.Builder
	b.Grow(len(q) + 8)
	n := 0
	for i := 0; i < len(q); i++ {
		if q[i] == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(q[i])
	}
	return b.String()
}

// Advisory lock keys: arbitrary constants private to Taawun.
const (
	auditLockKey     = 0x7461_6177_0001
	migrationLockKey = 0x7461_6177_0002
)

func (postgresDialect) lockAuditChain(ctx context.Context, x queryer) error {
	_, err := x.ExecContext(ctx, "SELECT pg_advisory_xact_lock($1)", int64(auditLockKey))
	return err
}

func (postgresDialect) lockMigrations(ctx context.Context, x queryer) error {
	_, err := x.ExecContext(ctx, "SELECT pg_advisory_xact_lock($1)", int64(migrationLockKey))
	return err
}

func (postgresDialect) skipLocked() string { return " FOR UPDATE SKIP LOCKED" }

// PostgreSQL commits concurrently: a lower seq can become visible after a higher one, so each
// outbox event is marked published.
func (postgresDialect) outboxCursor() bool { return false }

func (postgresDialect) isUniqueViolation(err error) bool {
	var e *pgconn.PgError
	return errors.As(err, &e) && e.Code == "23505"
}

func (postgresDialect) isAppendOnlyViolation(err error) bool {
	var e *pgconn.PgError
	return errors.As(err, &e) && strings.Contains(e.Message, "audit log is append-only")
}
