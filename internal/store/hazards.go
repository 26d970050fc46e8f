package store

import (
	"context"
	"encoding/json"
	"time"
)

// SourceKind names the format of a hazard source.
type SourceKind string

// Hazard source kinds.
const (
	SourceUSGS  SourceKind = "usgs"  // USGS GeoJSON summary feed
	SourceGDACS SourceKind = "gdacs" // GDACS RSS with gdacs: and geo: elements
	SourceCAP   SourceKind = "cap"   // Atom or RSS feed of CAP alerts, index or embedded
)

// Valid reports whether k is a known kind.
func (k SourceKind) Valid() bool { return k == SourceUSGS || k == SourceGDACS || k == SourceCAP }

// HazardSource is a feed the node polls for hazard events, with the state its poller keeps
// (conditional GET validators, back-off) and its health.
type HazardSource struct {
	Meta
	Name     string
	Kind     SourceKind
	URL      string
	Interval time.Duration
	Enabled  bool
	// ETag and LastModified are the validators of the last full response, sent back as
	// If-None-Match and If-Modified-Since.
	ETag         string
	LastModified string
	// NextPoll is when the source is due; failures push it back exponentially.
	NextPoll time.Time
	// Failures counts consecutive failed polls.
	Failures    int
	LastPoll    time.Time
	LastSuccess time.Time
	LastErrorAt time.Time
	LastError   string
	// Counters since the source was added.
	ItemsSeen     int64
	ItemsSkipped  int64
	EventsNew     int64
	EventsUpdated int64
	// LastSkips lists why items of the last poll were skipped (at most a few dozen).
	LastSkips []string
}

// HazardSources stores hazard sources.
type HazardSources interface {
	Create(ctx context.Context, s *HazardSource) error
	Get(ctx context.Context, id string) (HazardSource, error)
	// List returns the sources of the context's mode by name.
	List(ctx context.Context) ([]HazardSource, error)
	// Update changes the configuration (name, URL, interval, enabled) and makes the source due.
	Update(ctx context.Context, s *HazardSource) error
	Delete(ctx context.Context, id string) error
	// Claim leases up to limit enabled sources that are due at now to holder until until, so
	// that of several servers only one polls a source at a time; a poller that dies leaves
	// its sources to be claimed again when the lease ends.
	Claim(ctx context.Context, holder string, now, until time.Time, limit int) ([]HazardSource, error)
	// RecordPoll stores the poll state and health of s and releases holder's lease. It fails
	// with ErrNotFound when the lease is no longer holder's.
	RecordPoll(ctx context.Context, holder string, s *HazardSource) error
}

// HazardEvent is one natural hazard as the node knows it: recognised once across sources and
// updates by its keys.
type HazardEvent struct {
	Meta
	// Type is earthquake, flood, cyclone, drought, volcano, wildfire, tsunami, storm, heat,
	// landslide or other.
	Type     string
	Title    string
	SourceID string
	// Time is when the hazard began (origin time, onset); Updated is the source's version time.
	Time    time.Time
	Updated time.Time
	Expires time.Time
	// Lat, Lon is the epicentre or a representative point.
	Lat, Lon   float64
	DepthKm    *float64
	Magnitude  *float64
	Severity   string // CAP severity: Extreme, Severe, Moderate, Minor, Unknown or ""
	AlertLevel string // green, yellow, orange, red or "" (PAGER, GDACS)
	Tsunami    bool
	Cancelled  bool
	// Geometry is GeoJSON (RFC 7946): a point, or the areas of a warning.
	Geometry json.RawMessage
	// Regions are ISO 3166 codes of a warning's areas given by geocode rather than drawn.
	Regions  []string
	AreaDesc string
	Country  string
	// Keys identify the event across sources: "usgs:us7000abcd", "gdacs:EQ:1234567",
	// "cap:<sender>,<identifier>". Links point to the sources' pages or documents.
	Keys     []string
	Links    []string
	Revision int
}

// HazardRevision is one version of an event as a source reported it.
type HazardRevision struct {
	EventID  string
	Seq      int
	SourceID string
	Updated  time.Time
	At       time.Time
	Data     json.RawMessage
}

// HazardEventFilter selects events for lists.
type HazardEventFilter struct {
	Types []string
	Since time.Time // events whose Time is at or after Since; zero for any
	Limit int
}

// HazardEvents stores hazard events, their keys and revisions.
type HazardEvents interface {
	// Create stores a new event with its keys and its first revision.
	Create(ctx context.Context, e *HazardEvent, rev HazardRevision) error
	// Update replaces the event, adds keys it did not have and a revision.
	Update(ctx context.Context, e *HazardEvent, rev HazardRevision) error
	Get(ctx context.Context, id string) (HazardEvent, error)
	// GetMany returns the events of ids that exist, in no particular order, without their keys:
	// what a batch of bus events needs to be handled.
	GetMany(ctx context.Context, ids []string) ([]HazardEvent, error)
	// FindByKeys returns the event holding any of keys, or ErrNotFound.
	FindByKeys(ctx context.Context, keys []string) (HazardEvent, error)
	// KeyHolders returns, of keys, those held by an event, with the event's id: one lookup for
	// a feed's batch instead of one per item.
	KeyHolders(ctx context.Context, keys []string) (map[string]string, error)
	// List returns events newest first.
	List(ctx context.Context, f HazardEventFilter) ([]HazardEvent, error)
	// Revisions returns the event's revisions, oldest first.
	Revisions(ctx context.Context, id string) ([]HazardRevision, error)
}

// TriggerRule is an organisation's rule that turns matching hazard events into draft warnings.
type TriggerRule struct {
	Meta
	OrgID       string
	Name        string
	HazardTypes []string // event types; empty matches every type
	// Minimums; zero values do not restrict.
	MinMagnitude  float64
	MinSeverity   string // CAP severity: Minor < Moderate < Severe < Extreme
	MinPopulation int64
	// Regions are ISO 3166-2 province codes of concern; Polygon a GeoJSON polygon of concern.
	// When both are empty the organisation's jurisdiction is the region of concern.
	Regions []string
	Polygon json.RawMessage
	// Languages are written beside English and Urdu (ru, zh).
	Languages []string
	Enabled   bool
	CreatedBy string
}

// TriggerRules stores trigger rules.
type TriggerRules interface {
	Create(ctx context.Context, r *TriggerRule) error
	Get(ctx context.Context, id string) (TriggerRule, error)
	// List returns the rules of the given organisations (all when orgIDs is nil), by name.
	List(ctx context.Context, orgIDs []string) ([]TriggerRule, error)
	Update(ctx context.Context, r *TriggerRule) error
	Delete(ctx context.Context, id string) error
}

// TriggerState is where the draft of one event under one rule stands.
type TriggerState string

// Trigger states.
const (
	TriggerPending TriggerState = "pending" // claimed by a server that is drafting
	TriggerDrafted TriggerState = "drafted" // a draft warning exists (AlertID)
	TriggerSkipped TriggerState = "skipped" // the rule matched but no draft was possible (Reason)
)

// TriggerDraft links an event and a rule to the warning drafted for them: one per pair, which
// makes drafting idempotent.
type TriggerDraft struct {
	EventID       string
	RuleID        string
	OrgID         string
	AlertID       string
	State         TriggerState
	Reason        string
	EventRevision int
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// TriggerDrafts stores the links between events, rules and drafts.
type TriggerDrafts interface {
	// Claim inserts d, in state pending unless it has a state (a link written with its outcome
	// at once); ErrConflict when the pair already has a link.
	Claim(ctx context.Context, d *TriggerDraft) error
	Get(ctx context.Context, eventID, ruleID string) (TriggerDraft, error)
	Update(ctx context.Context, d *TriggerDraft) error
	// ForEvent returns the links of one event.
	ForEvent(ctx context.Context, eventID string) ([]TriggerDraft, error)
	// ForEvents returns the links of several events, in no particular order.
	ForEvents(ctx context.Context, eventIDs []string) ([]TriggerDraft, error)
}
