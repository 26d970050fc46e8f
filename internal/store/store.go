package store

import (
	"context"
	"errors"
)

// Sentinel errors callers test with errors.Is.
var (
	ErrNotFound       = errors.New("store: not found")
	ErrConflict       = errors.New("store: already exists")
	ErrSchemaTooNew   = errors.New("store: database schema is newer than this program")
	ErrNodeMismatch   = errors.New("store: database belongs to another node")
	ErrAppendOnly     = errors.New("store: audit log is append-only")
	ErrInvalidRecord  = errors.New("store: invalid record")
	ErrNotInitialised = errors.New("store: database is not migrated")
)

// Reader gives read and write access to each aggregate. Outside a transaction (Store) each call
// runs on its own; inside WithTx (Tx) all calls share the transaction.
type Reader interface {
	Orgs() Orgs
	Users() Users
	Sessions() Sessions
	Tokens() Tokens
	LoginAttempts() LoginAttempts
	Audit() AuditLog
	Outbox() Outbox
	Alerts() Alerts
	Recipients() Recipients
	Notifications() Notifications
	DeliveryBatches() DeliveryBatches
	ContactGroups() ContactGroups
	HandsetReceipts() HandsetReceipts
	HazardSources() HazardSources
	HazardEvents() HazardEvents
	TriggerRules() TriggerRules
	TriggerDrafts() TriggerDrafts
	OpsRecords() OpsRecords
	OpsLog() OpsLog
	Sitreps() Sitreps
	Relief() Relief
	Geography() Geography
}

// Tx is a transaction. Changes made through it become visible together when WithTx's function
// returns nil, and vanish when it returns an error.
type Tx interface {
	Reader
	// Record appends the audit entry and the outbox event of one change. Domain code calls it
	// in the same transaction as the change itself.
	Record(ctx context.Context, c Change) error
}

// Store is a database holding one node's records.
type Store interface {
	Reader
	// WithTx runs fn in a transaction.
	WithTx(ctx context.Context, fn func(Tx) error) error
	// Ping checks that the database answers.
	Ping(ctx context.Context) error
	// Dialect names the back end: "sqlite" or "postgres".
	Dialect() string
	// SchemaVersion reports the version the database is migrated to.
	SchemaVersion(ctx context.Context) (int, error)
	Close() error
}
