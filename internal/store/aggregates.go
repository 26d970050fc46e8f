package store

import (
	"context"
	"time"
)

// Orgs stores organisations.
type Orgs interface {
	Create(ctx context.Context, o *Org) error
	Get(ctx context.Context, id string) (Org, error)
	// List returns all organisations of the context's mode, ordered by tier, country and name.
	List(ctx context.Context) ([]Org, error)
	Update(ctx context.Context, o *Org) error
	Count(ctx context.Context) (int, error)
}

// Users stores users.
type Users interface {
	Create(ctx context.Context, u *User) error
	Get(ctx context.Context, id string) (User, error)
	GetByUsername(ctx context.Context, username string) (User, error)
	// List returns the users of the given organisations (all when orgIDs is nil), by username.
	List(ctx context.Context, orgIDs []string) ([]User, error)
	Update(ctx context.Context, u *User) error
}

// Sessions stores browser sessions; they live in the database so any server of a node can
// serve any request.
type Sessions interface {
	Create(ctx context.Context, s Session) error
	Get(ctx context.Context, idHash string, now time.Time) (Session, error)
	Delete(ctx context.Context, idHash string) error
	DeleteExpired(ctx context.Context, now time.Time) (int64, error)
}

// Tokens stores API tokens.
type Tokens interface {
	Create(ctx context.Context, t *Token) error
	GetByHash(ctx context.Context, hash string, now time.Time) (Token, error)
	Touch(ctx context.Context, id string, at time.Time) error
	ListForUser(ctx context.Context, userID string) ([]Token, error)
	Delete(ctx context.Context, id string) error
}

// LoginAttempts records failed logins for throttling across all servers of a node.
type LoginAttempts interface {
	AddFailure(ctx context.Context, key string, at time.Time) error
	CountSince(ctx context.Context, key string, since time.Time) (int, error)
	Clear(ctx context.Context, key string) error
}

// AuditLog reads the audit log; entries are appended only through Tx.Record.
type AuditLog interface {
	// List returns entries with Seq > afterSeq in order, at most limit of them.
	List(ctx context.Context, afterSeq int64, limit int) ([]AuditEntry, error)
	// ListForEntity returns the entries about one record, newest first.
	ListForEntity(ctx context.Context, entityType, entityID string) ([]AuditEntry, error)
}

// Outbox holds events until the relay has published them.
type Outbox interface {
	// Pending returns up to limit unpublished events in commit order.
	Pending(ctx context.Context, limit int) ([]Event, error)
	// MarkPublished marks events returned by Pending as published. They must be the oldest
	// pending events, in Pending's order: a store may keep the relay's progress as one cursor.
	MarkPublished(ctx context.Context, events []Event, at time.Time) error
	// DeletePublishedBefore removes published events older than t.
	DeletePublishedBefore(ctx context.Context, t time.Time) (int64, error)
}
