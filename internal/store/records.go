package store

import (
	"encoding/json"
	"time"

	"github.com/taawun/taawun/internal/mode"
)

// Meta is carried by every record: its id, the node it was created on, its mode and times.
type Meta struct {
	ID         string
	OriginNode string
	Mode       mode.Mode
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// Tier is the level of an organisation in the disaster-management hierarchy.
type Tier string

// Tiers of organisations.
const (
	TierNational   Tier = "national"
	TierProvincial Tier = "provincial"
	TierDistrict   Tier = "district"
)

// Valid reports whether t is a known tier.
func (t Tier) Valid() bool {
	return t == TierNational || t == TierProvincial || t == TierDistrict
}

// Org is an organisation: a disaster-management authority (NDMA, a PDMA, a DDMA) or a partner
// authority of another country.
type Org struct {
	Meta
	// Name is the English name; Names holds the name in other languages keyed by language tag.
	Name      string
	Names     map[string]string
	ShortName string
	// Country is the ISO 3166-1 alpha-2 code, upper case.
	Country  string
	Tier     Tier
	ParentID string
	// Jurisdiction is a GeoJSON geometry (RFC 7946); empty when not yet drawn.
	Jurisdiction json.RawMessage
}

// User is a person (or a machine account) who acts in one organisation with one role.
type User struct {
	Meta
	Username     string
	DisplayName  string
	Email        string
	PasswordHash string
	OrgID        string
	Role         string
	// Language is the preferred interface language ("en", "ur", "ru", "zh"); "" means not chosen.
	Language string
	Disabled bool
}

// Session is a logged-in browser. Only a hash of the session cookie is stored.
type Session struct {
	IDHash    string
	UserID    string
	CSRFToken string
	CreatedAt time.Time
	ExpiresAt time.Time
}

// Token is an API token for machines. Only a hash of the secret is stored.
type Token struct {
	Meta
	Hash      string
	UserID    string
	Name      string
	ExpiresAt time.Time // zero: does not expire
	LastUsed  time.Time
}

// AuditEntry is one change in the hash-chained, append-only audit log.
type AuditEntry struct {
	Seq        int64
	ID         string
	At         time.Time
	Actor      string // user id, "system", or "cli:<os user>"
	OrgID      string
	Action     string // e.g. "org.create"
	EntityType string
	EntityID   string
	Mode       mode.Mode
	Before     json.RawMessage
	After      json.RawMessage
	PrevHash   string
	Hash       string
}

// Event is a message for the bus, stored in the outbox in the same transaction as its change.
type Event struct {
	Seq       int64
	ID        string
	Subject   string
	Kind      string
	Mode      mode.Mode
	Payload   json.RawMessage
	CreatedAt time.Time
}

// Change describes one change for Tx.Record: the audit entry and, when Kind is set, the event.
type Change struct {
	Actor      string
	OrgID      string
	Action     string // also the event kind, e.g. "org.created"
	EntityType string
	EntityID   string
	Before     any // marshalled to JSON; nil for creations
	After      any // marshalled to JSON; nil for deletions
	// NoEvent suppresses the bus event (for changes nobody listens to, such as a session).
	NoEvent bool
}
