package ops

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"slices"
	"sync"
	"time"
	"unique"

	"github.com/nats-io/nats.go"

	"github.com/taawun/taawun/internal/mode"
	"github.com/taawun/taawun/internal/store"
	"github.com/taawun/taawun/internal/subject"
)

// COPIndex is one server's in-memory read model of the operating picture's live records: a
// cache built from the store, not a source of truth, so servers stay stateless. Follow keeps it
// current from the operations events on the bus and rebuilds it every Reconcile, so that a
// missed event heals. Until its first build, and for exercises, the picture comes from the
// store.
//
// Each record is kept with its feature already encoded, in a grid of cells per layer, so that
// an answer is a walk over a few cells, a visibility check per record and a concatenation.
type COPIndex struct {
	Store store.Store
	Log   *slog.Logger
	// Reconcile is how often Follow rebuilds the index from the store (default 5 minutes).
	Reconcile time.Duration

	mu   sync.RWMutex
	grid *copGrid // nil until loaded
	// touched collects the records changed while a rebuild reads the store, to be read again
	// once it is swapped in; nil when no rebuild runs.
	touched map[string]bool
	// loading serialises rebuilds; refreshing serialises the read and apply of single records,
	// so that the last applied is the last read.
	loading, refreshing sync.Mutex
}

// copCellSize is the side of a grid cell in degrees: a district-sized map window touches a few
// cells, a division-sized one a few dozen.
const copCellSize = 0.1

// copMaxCells bounds the cells one record is filed under; larger records (a province-wide
// incident) are kept in a list every answer checks.
const copMaxCells = 64

const copDefaultReconcile = 5 * time.Minute

// copPage is how many records a rebuild reads at a time.
const copPage = 2000

type cellKey struct{ x, y int32 }

func cellOf(deg float64) int32 { return int32(math.Floor(deg / copCellSize)) }

// copEntry is one record as the operating picture needs it; filters read the feature's
// properties. Entries are never changed once filed: an update files a new one, so readers may
// hold them without the lock.
type copEntry struct {
	layer  int // index in COPLayers
	shares []string
	box    store.BBox
	// home is the cell of the box's south-west corner; with the query's first cell it decides
	// which of the record's cells reports it, so that no answer lists a record twice.
	home    cellKey
	wide    bool
	feature Feature
	// props are the feature's properties, kept in the entry: one object less per record.
	props Properties
}

type copGrid struct {
	byID  map[string]*copEntry
	cells []map[cellKey][]*copEntry // per layer
	wide  [][]*copEntry             // per layer
}

func newCOPGrid() *copGrid {
	g := &copGrid{byID: map[string]*copEntry{}, cells: make([]map[cellKey][]*copEntry, len(COPLayers)), wide: make([][]*copEntry, len(COPLayers))}
	for i := range g.cells {
		g.cells[i] = map[cellKey][]*copEntry{}
	}
	return g
}

// newCOPEntry files r, or returns nil for a record the picture does not draw.
func newCOPEntry(r store.OpsRecord, shares []string) (*copEntry, error) {
	layer := slices.Index(COPLayers, r.Kind)
	if layer < 0 || len(r.Geometry) == 0 || r.Box == nil {
		return nil, nil
	}
	// The codes and organisation ids that most records repeat are kept once: a smaller heap
	// with fewer objects is less for the collector to walk while answers are made.
	p := properties(r)
	for _, s := range []*string{&p.Status, &p.OrgID, &p.IncidentID, &p.Hazard, &p.Type, &p.Urgency, &p.ItemID} {
		*s = unique.Make(*s).Value()
	}
	p.Kind = COPLayers[layer]
	for i := range shares {
		shares[i] = unique.Make(shares[i]).Value()
	}
	e := &copEntry{layer: layer, shares: shares, box: *r.Box, home: cellKey{cellOf(r.Box.MinLon), cellOf(r.Box.MinLat)}, props: *p}
	e.feature = Feature{Type: "Feature", ID: r.ID, Geometry: r.Geometry, Properties: &e.props}
	hi := cellKey{cellOf(r.Box.MaxLon), cellOf(r.Box.MaxLat)}
	e.wide = (int64(hi.x)-int64(e.home.x)+1)*(int64(hi.y)-int64(e.home.y)+1) > copMaxCells
	raw, err := json.Marshal(plainFeature(e.feature))
	if err != nil {
		return nil, fmt.Errorf("ops: encode %s %s for the picture: %w", r.Kind, r.ID, err)
	}
	e.feature.encoded = raw
	return e, nil
}

// cellsOf calls fn for each cell e is filed under.
func (e *copEntry) cellsOf(fn func(cellKey)) {
	hi := cellKey{cellOf(e.box.MaxLon), cellOf(e.box.MaxLat)}
	for x := e.home.x; x <= hi.x; x++ {
		for y := e.home.y; y <= hi.y; y++ {
			fn(cellKey{x, y})
		}
	}
}

func (g *copGrid) add(e *copEntry) {
	g.byID[e.feature.ID] = e
	if e.wide {
		g.wide[e.layer] = append(g.wide[e.layer], e)
		return
	}
	cells := g.cells[e.layer]
	e.cellsOf(func(k cellKey) { cells[k] = append(cells[k], e) })
}

func (g *copGrid) remove(id string) {
	e, ok := g.byID[id]
	if !ok {
		return
	}
	delete(g.byID, id)
	drop := func(list []*copEntry) []*copEntry {
		return slices.DeleteFunc(list, func(x *copEntry) bool { return x == e })
	}
	if e.wide {
		g.wide[e.layer] = drop(g.wide[e.layer])
		return
	}
	cells := g.cells[e.layer]
	e.cellsOf(func(k cellKey) {
		if rest := drop(cells[k]); len(rest) > 0 {
			cells[k] = rest
		} else {
			delete(cells, k)
		}
	})
}

// visit calls fn for each record of a layer whose box may meet box (every record when box is
// nil), once each, until fn returns false.
func (g *copGrid) visit(layer int, box *store.BBox, fn func(*copEntry) bool) {
	lo, hi := cellKey{math.MinInt32, math.MinInt32}, cellKey{math.MaxInt32, math.MaxInt32}
	if box != nil {
		lo, hi = cellKey{cellOf(box.MinLon), cellOf(box.MinLat)}, cellKey{cellOf(box.MaxLon), cellOf(box.MaxLat)}
	}
	cells := g.cells[layer]
	walk := func(k cellKey, list []*copEntry) bool {
		for _, e := range list {
			// A record filed under several cells of the window is reported by the first.
			if max(e.home.x, lo.x) == k.x && max(e.home.y, lo.y) == k.y && !fn(e) {
				return false
			}
		}
		return true
	}
	w, h, filled := int64(hi.x)-int64(lo.x)+1, int64(hi.y)-int64(lo.y)+1, int64(len(cells))
	if w > filled || h > filled || w*h > filled {
		// A window larger than the filled cells: walk those instead of the window's.
		for k, list := range cells {
			if k.x >= lo.x && k.x <= hi.x && k.y >= lo.y && k.y <= hi.y && !walk(k, list) {
				return
			}
		}
	} else {
		for x := lo.x; x <= hi.x; x++ {
			for y := lo.y; y <= hi.y; y++ {
				if list, ok := cells[cellKey{x, y}]; ok && !walk(cellKey{x, y}, list) {
					return
				}
			}
		}
	}
	for _, e := range g.wide[layer] {
		if !fn(e) {
			return
		}
	}
}

// meets reports whether two boxes share a point, as the store's box query does.
func meets(a, b store.BBox) bool {
	return a.MinLon <= b.MaxLon && a.MaxLon >= b.MinLon && a.MinLat <= b.MaxLat && a.MaxLat >= b.MinLat
}

// answer is the picture for viewer v from the index; ok is false until the index is loaded.
func (x *COPIndex) answer(v store.Viewer, f COPFilter, layers []store.OpsKind) (map[string]Layer, bool) {
	inScope := func(org string) bool { return slices.Contains(v.Scope, org) }
	if len(v.Scope) > 16 {
		scope := make(map[string]bool, len(v.Scope))
		for _, id := range v.Scope {
			scope[id] = true
		}
		inScope = func(org string) bool { return scope[org] }
	}
	x.mu.RLock()
	defer x.mu.RUnlock()
	g := x.grid
	if g == nil {
		return nil, false
	}
	out := make(map[string]Layer, len(layers))
	// Hits are gathered first so that each layer's features are allocated once, at their size:
	// garbage is what this server makes most of under load.
	hits := make([]*copEntry, 0, 64)
	for _, kind := range layers {
		l := Layer{Type: "FeatureCollection"}
		hits = hits[:0]
		g.visit(slices.Index(COPLayers, kind), f.Box, func(e *copEntry) bool {
			switch {
			case f.Box != nil && !meets(e.box, *f.Box),
				f.IncidentID != "" && e.feature.Properties.IncidentID != f.IncidentID,
				len(f.Statuses) > 0 && !slices.Contains(f.Statuses, e.feature.Properties.Status),
				!inScope(e.feature.Properties.OrgID) && !slices.Contains(e.shares, v.OrgID):
				return true
			case len(hits) == MaxFeaturesPerLayer:
				l.Truncated = true
				return false
			}
			hits = append(hits, e)
			return true
		})
		l.Features = make([]Feature, len(hits))
		for i, e := range hits {
			l.Features[i] = e.feature
		}
		out[string(kind)] = l
	}
	return out, true
}

// Load (re)builds the index from the store's live records.
func (x *COPIndex) Load(ctx context.Context) error {
	x.loading.Lock()
	defer x.loading.Unlock()
	x.mu.Lock()
	x.touched = map[string]bool{}
	x.mu.Unlock()
	g, err := x.read(mode.With(ctx, mode.Live))
	x.mu.Lock()
	touched := x.touched
	x.touched = nil
	if err == nil {
		x.grid = g
	}
	x.mu.Unlock()
	if err != nil {
		return err
	}
	// Changes made while the store was read may be missing from what was read.
	for id := range touched {
		if err := x.refresh(ctx, id); err != nil {
			return err
		}
	}
	return nil
}

func (x *COPIndex) read(ctx context.Context) (*copGrid, error) {
	g := newCOPGrid()
	after := ""
	for {
		recs, err := x.Store.OpsRecords().List(ctx, store.OpsFilter{Kinds: COPLayers, AfterID: after, Limit: copPage})
		if err != nil {
			return nil, fmt.Errorf("ops: read the picture: %w", err)
		}
		ids := make([]string, len(recs))
		for i, r := range recs {
			ids[i] = r.ID
		}
		shares, err := x.Store.OpsRecords().SharesOf(ctx, ids)
		if err != nil {
			return nil, fmt.Errorf("ops: read the picture's shares: %w", err)
		}
		for _, r := range recs {
			e, err := newCOPEntry(r, shares[r.ID])
			if err != nil {
				return nil, err
			}
			if e != nil {
				g.add(e)
			}
		}
		if len(recs) < copPage {
			return g, nil
		}
		after = recs[len(recs)-1].ID
	}
}

// refresh reads one live record again and files it as it now is.
func (x *COPIndex) refresh(ctx context.Context, id string) error {
	x.refreshing.Lock()
	defer x.refreshing.Unlock()
	x.mu.Lock()
	if x.touched != nil {
		x.touched[id] = true
	}
	x.mu.Unlock()
	ctx = mode.With(ctx, mode.Live)
	var e *copEntry
	r, err := x.Store.OpsRecords().Get(ctx, id)
	switch {
	case errors.Is(err, store.ErrNotFound):
	case err != nil:
		return err
	default:
		shares, err := x.Store.OpsRecords().Shares(ctx, id)
		if err != nil {
			return err
		}
		if e, err = newCOPEntry(r, shares); err != nil {
			return err
		}
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.grid == nil {
		return nil
	}
	x.grid.remove(id)
	if e != nil {
		x.grid.add(e)
	}
	return nil
}

// Follow loads the index, keeps it current from the node's live operations events and rebuilds
// it every Reconcile, until ctx ends.
func (x *COPIndex) Follow(ctx context.Context, nc *nats.Conn, node string) error {
	events := make(chan string, 1024)
	reload := make(chan struct{}, 1)
	sub, err := nc.Subscribe(subject.Root+"."+node+".live.>", func(m *nats.Msg) {
		var ev struct {
			EntityType string `json:"entity_type"`
			EntityID   string `json:"entity_id"`
		}
		if json.Unmarshal(m.Data, &ev) != nil || !slices.Contains(COPLayers, store.OpsKind(ev.EntityType)) {
			return
		}
		select {
		case events <- ev.EntityID:
		default:
			// Too far behind to follow record by record: read everything again.
			select {
			case reload <- struct{}{}:
			default:
			}
		}
	})
	if err != nil {
		return fmt.Errorf("ops: follow the picture: %w", err)
	}
	defer sub.Unsubscribe()
	every := x.Reconcile
	if every <= 0 {
		every = copDefaultReconcile
	}
	// Rebuilds run beside the events, which meanwhile go on to the index being replaced and
	// are read again into the new one (Load).
	go func() {
		tick := time.NewTicker(every)
		defer tick.Stop()
		for {
			if err := x.Load(ctx); err != nil && ctx.Err() == nil {
				x.log().Error("ops: build the picture index", "err", err)
			}
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			case <-reload:
			}
		}
	}()
	for {
		select {
		case <-ctx.Done():
			return nil
		case id := <-events:
			if err := x.refresh(ctx, id); err != nil && ctx.Err() == nil {
				x.log().Warn("ops: picture index: read a changed record", "id", id, "err", err)
			}
		}
	}
}

func (x *COPIndex) log() *slog.Logger {
	if x.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return x.Log
}
