package store

import (
	"context"
	"encoding/json"
	"errors"
	"time"
)

// ErrInsufficientStock is returned by a stock movement that would take a balance below zero.
var ErrInsufficientStock = errors.New("store: not enough stock")

// OpsKind names a kind of operational record kept in the shared record table.
type OpsKind string

// Kinds of operational records.
const (
	OpsIncident     OpsKind = "incident"
	OpsTask         OpsKind = "task"
	OpsShelter      OpsKind = "shelter"
	OpsTeam         OpsKind = "team"
	OpsWarehouse    OpsKind = "warehouse"
	OpsRequest      OpsKind = "request"
	OpsOffer        OpsKind = "offer"
	OpsDistribution OpsKind = "distribution"
)

// OpsKinds lists every kind, in the order the operating picture draws them.
func OpsKinds() []OpsKind {
	return []OpsKind{OpsIncident, OpsTask, OpsShelter, OpsTeam, OpsWarehouse, OpsRequest, OpsOffer, OpsDistribution}
}

// BBox is a bounding box in degrees: west, south, east, north.
type BBox struct {
	MinLon, MinLat, MaxLon, MaxLat float64
}

// OpsRecord is one operational record. The store keeps the fields every kind shares in columns
// (for visibility, lists and the map) and the kind's own fields in Data; internal/ops gives Data
// its shape.
type OpsRecord struct {
	Meta
	Kind OpsKind
	// OrgID owns the record: it, its ancestors and the organisations the record is shared with
	// see it.
	OrgID      string
	IncidentID string
	Status     string
	Title      string
	// Geometry is a GeoJSON geometry (RFC 7946) or empty; Box is its bounding box (nil when
	// there is no geometry).
	Geometry json.RawMessage
	Box      *BBox
	Data     json.RawMessage
}

// Viewer is who reads: the organisation and the organisations the reader acts in (its
// subtree). A record is visible to a viewer when its owner is within Scope, or it is shared
// with OrgID itself.
type Viewer struct {
	OrgID string
	Scope []string
}

// OpsFilter selects operational records.
type OpsFilter struct {
	// Viewer restricts the list to what that viewer may see; nil lists everything (system use).
	Viewer     *Viewer
	Kinds      []OpsKind
	IncidentID string
	Statuses   []string
	// Box keeps records whose bounding box intersects it; records found by box come in no
	// particular order (List orders by id only without Box).
	Box *BBox
	// AfterID continues a list ordered by id; Limit bounds it (0: no bound).
	AfterID string
	Limit   int
	// PerKind bounds how many records of each kind are returned (0: no bound), so that one
	// query serves every layer of a map without one layer crowding out the others.
	PerKind int
}

// OpsRecords stores operational records and their shares.
type OpsRecords interface {
	Create(ctx context.Context, r *OpsRecord) error
	Get(ctx context.Context, id string) (OpsRecord, error)
	// Update stores the record's status, title, incident, geometry and data.
	Update(ctx context.Context, r *OpsRecord) error
	// List returns records in id (creation) order, or, with a Box, in no particular order.
	List(ctx context.Context, f OpsFilter) ([]OpsRecord, error)
	// Count counts the records List would return without Limit, per kind and status.
	Count(ctx context.Context, f OpsFilter) (map[OpsKind]map[string]int, error)
	// Share makes a record visible to one more organisation; sharing twice is not an error.
	Share(ctx context.Context, recordID, orgID string) error
	// Shares lists the organisations a record is shared with.
	Shares(ctx context.Context, recordID string) ([]string, error)
	// SharesOf returns the organisations each of the records is shared with (records shared
	// with none are absent), for building a read model a page of records at a time.
	SharesOf(ctx context.Context, recordIDs []string) (map[string][]string, error)
	// Visible reports whether v may see the record.
	Visible(ctx context.Context, recordID string, v Viewer) (bool, error)
}

// LogState is where an entry of the significant-events log stands.
type LogState string

// Log entry states: written, vetted onto the shared log, or turned back.
const (
	LogPending  LogState = "pending"
	LogVetted   LogState = "vetted"
	LogRejected LogState = "rejected"
)

// LogEntry is one entry of an incident's significant-events log.
type LogEntry struct {
	Meta
	IncidentID string
	OrgID      string
	AuthorID   string
	Body       string
	OccurredAt time.Time
	State      LogState
	VettedBy   string
	VettedAt   time.Time
	Reason     string
}

// Attachment is a photo or document of a log entry, kept in the database so that every server
// of a scaled-out node can serve it.
type Attachment struct {
	ID          string
	EntryID     string
	Name        string
	ContentType string
	Size        int64
	Content     []byte // empty in lists
	CreatedAt   time.Time
}

// LogFilter selects log entries.
type LogFilter struct {
	IncidentID string
	States     []LogState
	// OrgIDs keeps entries written by these organisations (nil: any).
	OrgIDs  []string
	AfterID string
	Limit   int
}

// OpsLog stores the significant-events log.
type OpsLog interface {
	Create(ctx context.Context, e *LogEntry) error
	Get(ctx context.Context, id string) (LogEntry, error)
	// Decide records a vetting decision on a pending entry; ErrConflict when it is not pending.
	Decide(ctx context.Context, e *LogEntry) error
	List(ctx context.Context, f LogFilter) ([]LogEntry, error)
	// Stream calls fn for every entry List would return, without holding them all in memory.
	Stream(ctx context.Context, f LogFilter, fn func(LogEntry) error) error
	AddAttachment(ctx context.Context, a *Attachment) error
	// Attachments lists an entry's attachments without their content.
	Attachments(ctx context.Context, entryID string) ([]Attachment, error)
	Attachment(ctx context.Context, id string) (Attachment, error)
}

// Figures are the counts of a situation report.
type Figures struct {
	Dead            int64 `json:"dead"`
	Injured         int64 `json:"injured"`
	Missing         int64 `json:"missing"`
	Affected        int64 `json:"affected"`
	Displaced       int64 `json:"displaced"`
	Evacuated       int64 `json:"evacuated"`
	HousesDamaged   int64 `json:"houses_damaged"`
	HousesDestroyed int64 `json:"houses_destroyed"`
	LivestockLost   int64 `json:"livestock_lost"`
	RoadsDamagedKm  int64 `json:"roads_damaged_km"`
	BridgesDamaged  int64 `json:"bridges_damaged"`
}

// Sitrep is one situation report: the cumulative figures of one area of one incident as at
// one time.
type Sitrep struct {
	Meta
	IncidentID string
	OrgID      string
	AuthorID   string
	// AreaCode is an ISO 3166-1 country or ISO 3166-2 province code (or a district code below
	// one, when districts are imported).
	AreaCode string
	AsOf     time.Time
	Figures
	Needs string
}

// Sitreps stores situation reports.
type Sitreps interface {
	Create(ctx context.Context, r *Sitrep) error
	// List returns an incident's reports with AsOf at or before asOf (all when zero), by area
	// and time.
	List(ctx context.Context, incidentID string, asOf time.Time) ([]Sitrep, error)
}

// ItemCluster groups relief items the way the humanitarian clusters do.
type ItemCluster string

// Clusters of relief items.
const (
	ClusterFood       ItemCluster = "food"
	ClusterShelterNFI ItemCluster = "shelter_nfi"
	ClusterWASH       ItemCluster = "wash"
	ClusterHealth     ItemCluster = "health"
)

// Item is an entry of the relief item catalogue.
type Item struct {
	Meta
	Code    string
	Cluster ItemCluster
	Unit    string
	Names   map[string]string
}

// MoveKind is the kind of one stock ledger line.
type MoveKind string

// Ledger line kinds. A transfer writes two lines, out of one warehouse and into another.
const (
	MoveReceive     MoveKind = "receive"
	MoveDispatch    MoveKind = "dispatch"
	MoveTransferOut MoveKind = "transfer_out"
	MoveTransferIn  MoveKind = "transfer_in"
	MoveAdjust      MoveKind = "adjust"
)

// LedgerLine is one append-only stock movement.
type LedgerLine struct {
	ID          string
	WarehouseID string
	ItemID      string
	Kind        MoveKind
	Delta       int64
	// Balance is the warehouse's stock of the item after the line.
	Balance int64
	RefID   string
	Actor   string
	Note    string
	At      time.Time
}

// StockLevel is a warehouse's balance of one item.
type StockLevel struct {
	WarehouseID string
	ItemID      string
	Quantity    int64
}

// Relief stores the item catalogue, stock balances and the stock ledger.
type Relief interface {
	CreateItem(ctx context.Context, it *Item) error
	Item(ctx context.Context, id string) (Item, error)
	Items(ctx context.Context) ([]Item, error)
	// Move changes a balance by l.Delta and appends l with the new balance, in the caller's
	// transaction. A change that would take the balance below zero changes nothing and
	// returns ErrInsufficientStock.
	Move(ctx context.Context, l *LedgerLine) error
	// Stock lists balances of the given warehouses (all when nil).
	Stock(ctx context.Context, warehouseIDs []string) ([]StockLevel, error)
	// Ledger lists a warehouse's lines, oldest first.
	Ledger(ctx context.Context, warehouseID string, limit int) ([]LedgerLine, error)
	// LedgerByRef lists the lines made for one request or distribution.
	LedgerByRef(ctx context.Context, refID string) ([]LedgerLine, error)
}
