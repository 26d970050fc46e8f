package ops

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geo"

	"github.com/taawun/taawun/internal/auth"
	"github.com/taawun/taawun/internal/store"
)

// Units items are counted in. Quantities are whole numbers of the unit.
var Units = []string{"piece", "kit", "bag", "carton", "box", "kg", "tonne", "litre", "tent", "blanket", "tarpaulin", "dose", "pack"}

// MaxQuantity bounds one movement: larger numbers are typing mistakes, not relief.
const MaxQuantity = 1_000_000_000

// ItemInput describes a new catalogue item.
type ItemInput struct {
	Code    string            `json:"code"`
	Cluster store.ItemCluster `json:"cluster"`
	Unit    string            `json:"unit"`
	Names   map[string]string `json:"names"`
}

// CreateItem adds an item to the catalogue.
func (s *Service) CreateItem(ctx context.Context, p *auth.Principal, in ItemInput) (store.Item, error) {
	if err := need(p, auth.PermOperate, "changing the catalogue"); err != nil {
		return store.Item{}, err
	}
	if !slices.Contains(Units, in.Unit) {
		return store.Item{}, invalid("unit", "unknown unit %q (one of %s)", in.Unit, strings.Join(Units, ", "))
	}
	if !slices.Contains([]store.ItemCluster{store.ClusterFood, store.ClusterShelterNFI, store.ClusterWASH, store.ClusterHealth}, in.Cluster) {
		return store.Item{}, invalid("cluster", "unknown cluster %q (food, shelter_nfi, wash, health)", in.Cluster)
	}
	if in.Code = strings.TrimSpace(in.Code); in.Code == "" || len(in.Code) > 64 {
		return store.Item{}, invalid("code", "give a code of 1 to 64 characters")
	}
	if strings.TrimSpace(in.Names["en"]) == "" {
		return store.Item{}, invalid("names", "an item needs at least an English name")
	}
	it := store.Item{Code: in.Code, Cluster: in.Cluster, Unit: in.Unit, Names: in.Names}
	err := s.Store.WithTx(ctx, func(tx store.Tx) error {
		if err := tx.Relief().CreateItem(ctx, &it); err != nil {
			if errors.Is(err, store.ErrConflict) {
				return invalid("code", "an item with code %q exists", in.Code)
			}
			return err
		}
		return record(ctx, tx, p, "item.created", "item", it.ID, nil, it)
	})
	return it, err
}

// Movement is a stock change as a caller asks for it.
type Movement struct {
	Kind        store.MoveKind `json:"kind"` // receive, dispatch, transfer or adjust
	WarehouseID string         `json:"warehouse_id"`
	// ToWarehouseID is the destination of a transfer.
	ToWarehouseID string `json:"to_warehouse_id,omitempty"`
	ItemID        string `json:"item_id"`
	// Quantity is positive; an adjustment may be negative (a count found less than the books).
	Quantity int64 `json:"quantity"`
	// RequestID links a dispatch to the request it fulfils.
	RequestID string `json:"request_id,omitempty"`
	Note      string `json:"note,omitempty"`
}

// MoveTransfer is the kind a caller names for a transfer; the ledger records it as two lines.
const MoveTransfer store.MoveKind = "transfer"

// Move records a stock movement. Nothing is written when any part fails: a dispatch beyond
// stock, an unknown item, a warehouse the caller cannot see.
func (s *Service) Move(ctx context.Context, p *auth.Principal, m Movement) ([]store.LedgerLine, error) {
	if err := need(p, auth.PermOperate, "moving stock"); err != nil {
		return nil, err
	}
	if m.Quantity == 0 || m.Quantity > MaxQuantity || m.Quantity < -MaxQuantity {
		return nil, invalid("quantity", "quantity must be non-zero and at most %d", MaxQuantity)
	}
	if m.Quantity < 0 && m.Kind != store.MoveAdjust {
		return nil, invalid("quantity", "a %s quantity cannot be negative (%d); only adjustments go down by a negative number", m.Kind, m.Quantity)
	}
	if len(m.Note) > 500 {
		return nil, invalid("note", "longer than 500 characters")
	}
	var lines []store.LedgerLine
	err := s.Store.WithTx(ctx, func(tx store.Tx) error {
		if err := ownWarehouse(ctx, tx, p, "warehouse_id", m.WarehouseID); err != nil {
			return err
		}
		if _, err := tx.Relief().Item(ctx, m.ItemID); err != nil {
			return invalid("item_id", "no item %q in the catalogue", m.ItemID)
		}
		line := func(wh string, kind store.MoveKind, delta int64) error {
			l := store.LedgerLine{WarehouseID: wh, ItemID: m.ItemID, Kind: kind, Delta: delta, RefID: m.RequestID, Actor: p.User.ID, Note: m.Note}
			if err := tx.Relief().Move(ctx, &l); err != nil {
				if errors.Is(err, store.ErrInsufficientStock) {
					return shortfall(ctx, tx, "quantity", wh, m.ItemID, -delta)
				}
				return err
			}
			lines = append(lines, l)
			return nil
		}
		var err error
		switch m.Kind {
		case store.MoveReceive:
			err = line(m.WarehouseID, store.MoveReceive, m.Quantity)
		case store.MoveAdjust:
			err = line(m.WarehouseID, store.MoveAdjust, m.Quantity)
		case store.MoveDispatch:
			if err = line(m.WarehouseID, store.MoveDispatch, -m.Quantity); err == nil && m.RequestID != "" {
				err = s.fulfil(ctx, tx, p, m.RequestID, m.ItemID, m.Quantity, 0)
			}
		case MoveTransfer:
			if m.ToWarehouseID == m.WarehouseID {
				return invalid("to_warehouse_id", "a transfer goes to another warehouse")
			}
			if _, err := visible(ctx, tx, p, store.OpsWarehouse, m.ToWarehouseID); err != nil {
				return invalid("to_warehouse_id", "no warehouse %s visible to you", m.ToWarehouseID)
			}
			if err = line(m.WarehouseID, store.MoveTransferOut, -m.Quantity); err == nil {
				err = line(m.ToWarehouseID, store.MoveTransferIn, m.Quantity)
			}
		default:
			return invalid("kind", "%q is not receive, dispatch, transfer or adjust", m.Kind)
		}
		if err != nil {
			return err
		}
		return record(ctx, tx, p, "stock.moved", "warehouse", m.WarehouseID, nil, lines)
	})
	if err != nil {
		return nil, err
	}
	return lines, nil
}

// ownWarehouse checks that p's organisations hold the warehouse: stock is moved by the
// warehouse's own chain; an organisation it is only shared with sees the stock (and may receive
// transfers into it from its own).
func ownWarehouse(ctx context.Context, tx store.Tx, p *auth.Principal, field, id string) error {
	wh, err := visible(ctx, tx, p, store.OpsWarehouse, id)
	if err != nil {
		return invalid(field, "no warehouse %s visible to you", id)
	}
	if !p.InScope(wh.OrgID) {
		return fmt.Errorf("%w: warehouse %s belongs to another organisation; ask it to move the stock", ErrForbidden, wh.Title)
	}
	return nil
}

// shortfall explains a refused movement: what the warehouse holds of the item and what was
// asked for.
func shortfall(ctx context.Context, tx store.Tx, field, warehouseID, itemID string, asked int64) error {
	var have int64
	levels, err := tx.Relief().Stock(ctx, []string{warehouseID})
	if err != nil {
		return err
	}
	for _, l := range levels {
		if l.ItemID == itemID {
			have = l.Quantity
		}
	}
	name := itemID
	if it, err := tx.Relief().Item(ctx, itemID); err == nil {
		name = it.Code
	}
	return invalid(field, "not enough stock: the warehouse holds %d of %s, %d asked for", have, name, asked)
}

// fulfil adds dispatched and delivered quantities to a request and moves its status along
// request → dispatched → delivered.
func (s *Service) fulfil(ctx context.Context, tx store.Tx, p *auth.Principal, requestID, itemID string, dispatched, delivered int64) error {
	rec, err := visible(ctx, tx, p, store.OpsRequest, requestID)
	if err != nil {
		return invalid("request_id", "no request %s visible to you", requestID)
	}
	d, err := Decode[RequestData](rec)
	if err != nil {
		return err
	}
	if itemID != "" && d.ItemID != itemID {
		return invalid("item_id", "the request is for item %s, not %s", d.ItemID, itemID)
	}
	if rec.Status == "closed" {
		return fmt.Errorf("%w: the request is closed", ErrWrongState)
	}
	before := rec
	d.Dispatched += dispatched
	d.Delivered += delivered
	if d.Delivered > d.Dispatched {
		return invalid("quantity", "delivered (%d) would exceed dispatched (%d)", d.Delivered, d.Dispatched)
	}
	switch {
	case d.Delivered >= d.Quantity:
		rec.Status = "delivered"
	case d.Dispatched > 0:
		rec.Status = "dispatched"
	}
	if rec.Data, err = json.Marshal(d); err != nil {
		return err
	}
	if err := tx.OpsRecords().Update(ctx, &rec); err != nil {
		return err
	}
	return record(ctx, tx, p, "request.fulfilment", "request", rec.ID, before, rec)
}

// Deliver confirms that quantity of what was dispatched for a request arrived.
func (s *Service) Deliver(ctx context.Context, p *auth.Principal, requestID string, quantity int64) (store.OpsRecord, error) {
	if err := need(p, auth.PermOperate, "confirming a delivery"); err != nil {
		return store.OpsRecord{}, err
	}
	if quantity <= 0 || quantity > MaxQuantity {
		return store.OpsRecord{}, invalid("quantity", "quantity must be positive, not %d", quantity)
	}
	err := s.Store.WithTx(ctx, func(tx store.Tx) error { return s.fulfil(ctx, tx, p, requestID, "", 0, quantity) })
	if err != nil {
		return store.OpsRecord{}, err
	}
	return s.Get(ctx, p, store.OpsRequest, requestID)
}

// DistributionData records relief handed out at a site.
type DistributionData struct {
	WarehouseID string             `json:"warehouse_id"`
	Site        string             `json:"site"`
	Lines       []DistributionLine `json:"lines"`
	Households  int64              `json:"households"`
	People      int64              `json:"people"`
	Female      int64              `json:"female"`
	Male        int64              `json:"male"`
	Children    int64              `json:"children"`
}

// DistributionLine is one item of a distribution.
type DistributionLine struct {
	ItemID   string `json:"item_id"`
	Quantity int64  `json:"quantity"`
}

// Distribute records a distribution at a site and takes its items out of the warehouse, all
// or nothing.
func (s *Service) Distribute(ctx context.Context, p *auth.Principal, incidentID string, geometry json.RawMessage, d DistributionData) (store.OpsRecord, error) {
	if err := need(p, auth.PermOperate, "recording a distribution"); err != nil {
		return store.OpsRecord{}, err
	}
	if strings.TrimSpace(d.Site) == "" {
		return store.OpsRecord{}, invalid("site", "name the distribution site")
	}
	if len(d.Lines) == 0 || len(d.Lines) > 100 {
		return store.OpsRecord{}, invalid("lines", "a distribution has 1 to 100 lines")
	}
	for _, n := range []int64{d.Households, d.People, d.Female, d.Male, d.Children} {
		if n < 0 {
			return store.OpsRecord{}, invalid("people", "beneficiary counts cannot be negative")
		}
	}
	if d.Female+d.Male > d.People || d.Children > d.People {
		return store.OpsRecord{}, invalid("people", "women and men (%d) or children (%d) exceed the people counted (%d)", d.Female+d.Male, d.Children, d.People)
	}
	rec := store.OpsRecord{Kind: store.OpsDistribution, OrgID: p.Org.ID, IncidentID: incidentID, Status: "done", Title: d.Site}
	if len(geometry) > 0 {
		box, err := Bounds(geometry)
		if err != nil {
			return rec, invalid("geometry", "%v", err)
		}
		rec.Geometry, rec.Box = geometry, &box
	}
	err := s.Store.WithTx(ctx, func(tx store.Tx) error {
		if err := ownWarehouse(ctx, tx, p, "warehouse_id", d.WarehouseID); err != nil {
			return err
		}
		if incidentID != "" {
			if _, err := visible(ctx, tx, p, store.OpsIncident, incidentID); err != nil {
				return invalid("incident_id", "no incident %s visible to you", incidentID)
			}
		}
		var err error
		if rec.Data, err = json.Marshal(d); err != nil {
			return err
		}
		if err := tx.OpsRecords().Create(ctx, &rec); err != nil {
			return err
		}
		for i, l := range d.Lines {
			if l.Quantity <= 0 || l.Quantity > MaxQuantity {
				return invalid(fmt.Sprintf("lines[%d].quantity", i), "quantity must be positive, not %d", l.Quantity)
			}
			if _, err := tx.Relief().Item(ctx, l.ItemID); err != nil {
				return invalid(fmt.Sprintf("lines[%d].item_id", i), "no item %q in the catalogue", l.ItemID)
			}
			line := store.LedgerLine{WarehouseID: d.WarehouseID, ItemID: l.ItemID, Kind: store.MoveDispatch, Delta: -l.Quantity, RefID: rec.ID, Actor: p.User.ID, Note: d.Site}
			if err := tx.Relief().Move(ctx, &line); err != nil {
				if errors.Is(err, store.ErrInsufficientStock) {
					return shortfall(ctx, tx, fmt.Sprintf("lines[%d].quantity", i), d.WarehouseID, l.ItemID, l.Quantity)
				}
				return err
			}
		}
		return record(ctx, tx, p, "distribution.created", "distribution", rec.ID, nil, rec)
	})
	return rec, err
}

// Match is a suggestion for meeting a request: an offer or a warehouse holding the item.
type Match struct {
	Kind string `json:"kind"` // "offer" or "warehouse"
	ID   string `json:"id"`
	// Title names the offer or warehouse.
	Title string `json:"title"`
	// Available is what the offer or warehouse can give; Covers whether it meets the open
	// quantity by itself.
	Available  int64   `json:"available"`
	Covers     bool    `json:"covers"`
	DistanceKm float64 `json:"distance_km"`
}

// Suggest ranks the offers and warehouse stocks that could meet a request: those that cover
// the open quantity first, then by distance.
func (s *Service) Suggest(ctx context.Context, p *auth.Principal, requestID string) ([]Match, error) {
	req, err := s.Get(ctx, p, store.OpsRequest, requestID)
	if err != nil {
		return nil, err
	}
	d, err := Decode[RequestData](req)
	if err != nil {
		return nil, err
	}
	open := d.Quantity - d.Dispatched
	if open <= 0 {
		return nil, nil
	}
	var out []Match
	offers, err := s.List(ctx, p, store.OpsFilter{Kinds: []store.OpsKind{store.OpsOffer}, Statuses: []string{"open"}})
	if err != nil {
		return nil, err
	}
	for _, o := range offers {
		od, err := Decode[OfferData](o)
		if err != nil || od.ItemID != d.ItemID {
			continue
		}
		out = append(out, Match{Kind: "offer", ID: o.ID, Title: o.Title, Available: od.Quantity, Covers: od.Quantity >= open, DistanceKm: distanceKm(req.Box, o.Box)})
	}
	warehouses, err := s.List(ctx, p, store.OpsFilter{Kinds: []store.OpsKind{store.OpsWarehouse}, Statuses: []string{"open"}})
	if err != nil {
		return nil, err
	}
	byID := map[string]store.OpsRecord{}
	var ids []string
	for _, w := range warehouses {
		byID[w.ID] = w
		ids = append(ids, w.ID)
	}
	stock, err := s.Store.Relief().Stock(ctx, ids)
	if err != nil {
		return nil, err
	}
	for _, st := range stock {
		if st.ItemID != d.ItemID || st.Quantity <= 0 {
			continue
		}
		w := byID[st.WarehouseID]
		out = append(out, Match{Kind: "warehouse", ID: w.ID, Title: w.Title, Available: st.Quantity, Covers: st.Quantity >= open, DistanceKm: distanceKm(req.Box, w.Box)})
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Covers != out[j].Covers {
			return out[i].Covers
		}
		return sortDistance(out[i].DistanceKm) < sortDistance(out[j].DistanceKm)
	})
	return out, nil
}

// distanceKm is the great-circle distance between the centres of two boxes; -1 when either
// has no location.
func distanceKm(a, b *store.BBox) float64 {
	if a == nil || b == nil {
		return -1
	}
	ca := orb.Point{(a.MinLon + a.MaxLon) / 2, (a.MinLat + a.MaxLat) / 2}
	cb := orb.Point{(b.MinLon + b.MaxLon) / 2, (b.MinLat + b.MaxLat) / 2}
	return math.Round(geo.Distance(ca, cb)/100) / 10
}

// StockOf returns the balances of the warehouses the principal sees.
func (s *Service) StockOf(ctx context.Context, p *auth.Principal) ([]store.StockLevel, error) {
	ws, err := s.List(ctx, p, store.OpsFilter{Kinds: []store.OpsKind{store.OpsWarehouse}})
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(ws))
	for i, w := range ws {
		ids[i] = w.ID
	}
	return s.Store.Relief().Stock(ctx, ids)
}

// sortDistance puts unknown distances last.
func sortDistance(d float64) float64 {
	if d < 0 {
		return math.MaxFloat64
	}
	return d
}
