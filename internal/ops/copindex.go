package ops

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/maphash"
	"log/slog"
	"math"
	"slices"
	"sync"
	"time"
	"unsafe"

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
// an answer is a walk over a few cells, a visibility check per record and a concatenation. The
// index holds no Go pointers per record (copGrid): the collector marks the live heap at every
// cycle, and marking a pointer-rich index of a hundred thousand records took hundreds of
// milliseconds of each cycle, paid by the answers made meanwhile.
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
	// hits holds *[]uint32 lists of an answer's records, reused from answer to answer.
	hits sync.Pool
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

func compareCells(a, b cellKey) int { return cmp.Or(cmp.Compare(a.x, b.x), cmp.Compare(a.y, b.y)) }

// copSpan is a range of the grid's arena (bytes) or of its shares (organisation numbers).
type copSpan struct{ off, n uint32 }

// copRec is one record as the picture needs it. It holds no pointers: its texts are spans of
// the grid's arena, its organisation and status numbers in the grid's tables. A slice of such
// records is one object the collector does not look into, however many records it holds.
type copRec struct {
	box store.BBox
	// home is the cell of the box's south-west corner; with the query's first cell it decides
	// which of the record's cells reports it, so that no answer lists a record twice.
	home cellKey
	// feature is the record's GeoJSON feature, encoded; id and incident are its id and its
	// incident's id.
	feature, id, incident copSpan
	shares                copSpan // organisations the record is shared with, in copGrid.shares
	org, status           uint32
	// next is the record (plus one) after this one with the same hash of its id; 0 ends it.
	next  uint32
	layer uint8
	wide  bool
	// gone: replaced or removed since the record was filed; skipped until the next rebuild.
	gone bool
}

// cellsOf calls fn for each cell r is filed under.
func (r *copRec) cellsOf(fn func(cellKey)) {
	hi := cellKey{cellOf(r.box.MaxLon), cellOf(r.box.MaxLat)}
	for x := r.home.x; x <= hi.x; x++ {
		for y := r.home.y; y <= hi.y; y++ {
			fn(cellKey{x, y})
		}
	}
}

// copCells files one layer's records by cell: those of the build in one array sorted by cell
// (keys[j]'s records are items[start[j]:start[j+1]]), those filed since in extra, and those over
// more than copMaxCells cells in wide.
type copCells struct {
	keys         []cellKey
	start, items []uint32
	extra        map[cellKey][]uint32
	wide         []uint32
}

// copGrid is the index's content. Records are only ever added: a change files the record
// again and marks the old one gone, and bytes once in the arena never change, so that answers
// may keep features that point into it after the lock is released. Rebuilds compact.
type copGrid struct {
	arena  []byte
	recs   []copRec
	shares []uint32
	// orgs and statuses number the organisation ids and statuses the records name.
	orgs, statuses map[string]uint32
	// byID maps the hash of a live record's id to it (plus one), then copRec.next.
	byID map[uint64]uint32
	seed maphash.Seed
	// hashMask keeps the bits of the hash byID uses: all of them, but for tests that make ids
	// share a hash.
	hashMask uint64
	layers   []copCells
	built    bool
}

func newCOPGrid() *copGrid {
	return &copGrid{orgs: map[string]uint32{}, statuses: map[string]uint32{}, byID: map[uint64]uint32{}, seed: maphash.MakeSeed(),
		hashMask: math.MaxUint64, layers: make([]copCells, len(COPLayers))}
}

// copFeature encodes r's feature for the picture, or returns nil for a record it does not draw.
func copFeature(r store.OpsRecord) ([]byte, error) {
	if !slices.Contains(COPLayers, r.Kind) || len(r.Geometry) == 0 || r.Box == nil {
		return nil, nil
	}
	raw, err := json.Marshal(plainFeature(Feature{Type: "Feature", ID: r.ID, Geometry: r.Geometry, Properties: properties(r)}))
	if err != nil {
		return nil, fmt.Errorf("ops: encode %s %s for the picture: %w", r.Kind, r.ID, err)
	}
	return raw, nil
}

// number returns s's number in table, numbering it if new.
func number(table map[string]uint32, s string) uint32 {
	n, ok := table[s]
	if !ok {
		n = uint32(len(table))
		table[s] = n
	}
	return n
}

// keep appends b to the arena and returns its span.
func keep[T string | []byte](g *copGrid, b T) copSpan {
	s := copSpan{uint32(len(g.arena)), uint32(len(b))}
	g.arena = append(g.arena, b...)
	return s
}

// text is the arena's span s as a string. The string shares the arena's bytes, which never
// change (copGrid), so that an id costs no copy per answer.
func (g *copGrid) text(s copSpan) string {
	if s.n == 0 {
		return ""
	}
	return unsafe.String(&g.arena[s.off], s.n)
}

// put adds r, encoded as feature (copFeature), shared with shares; once the grid is built it
// files r in its cells too.
func (g *copGrid) put(r store.OpsRecord, feature []byte, shares []string) error {
	if len(g.arena)+len(feature)+len(r.ID)+len(r.IncidentID) > math.MaxUint32 || len(g.recs) == math.MaxUint32-1 {
		return fmt.Errorf("ops: the picture's index is full (%d records, %d bytes)", len(g.recs), len(g.arena))
	}
	rec := copRec{box: *r.Box, home: cellKey{cellOf(r.Box.MinLon), cellOf(r.Box.MinLat)}, layer: uint8(slices.Index(COPLayers, r.Kind)),
		feature: keep(g, feature), id: keep(g, r.ID), incident: keep(g, r.IncidentID),
		shares: copSpan{uint32(len(g.shares)), uint32(len(shares))}, org: number(g.orgs, r.OrgID), status: number(g.statuses, r.Status)}
	hi := cellKey{cellOf(r.Box.MaxLon), cellOf(r.Box.MaxLat)}
	rec.wide = (int64(hi.x)-int64(rec.home.x)+1)*(int64(hi.y)-int64(rec.home.y)+1) > copMaxCells
	for _, org := range shares {
		g.shares = append(g.shares, number(g.orgs, org))
	}
	i, h := uint32(len(g.recs)), g.hash(r.ID)
	rec.next, g.byID[h] = g.byID[h], i+1
	g.recs = append(g.recs, rec)
	if g.built {
		g.file(i)
	}
	return nil
}

// build files the records read so far in their cells, sorted by cell.
func (g *copGrid) build() {
	type filed struct {
		cell cellKey
		rec  uint32
	}
	perLayer := make([][]filed, len(COPLayers))
	for i := range g.recs {
		r := &g.recs[i]
		switch {
		case r.gone:
		case r.wide:
			g.layers[r.layer].wide = append(g.layers[r.layer].wide, uint32(i))
		default:
			r.cellsOf(func(k cellKey) { perLayer[r.layer] = append(perLayer[r.layer], filed{k, uint32(i)}) })
		}
	}
	for layer, all := range perLayer {
		slices.SortFunc(all, func(a, b filed) int { return cmp.Or(compareCells(a.cell, b.cell), cmp.Compare(a.rec, b.rec)) })
		c := &g.layers[layer]
		c.items = make([]uint32, len(all))
		for j, f := range all {
			if j == 0 || f.cell != all[j-1].cell {
				c.keys = append(c.keys, f.cell)
				c.start = append(c.start, uint32(j))
			}
			c.items[j] = f.rec
		}
		c.start = append(c.start, uint32(len(all)))
	}
	g.built = true
}

// file files record i, added after the build, in its cells.
func (g *copGrid) file(i uint32) {
	r := &g.recs[i]
	c := &g.layers[r.layer]
	if r.wide {
		c.wide = append(c.wide, i)
		return
	}
	if c.extra == nil {
		c.extra = map[cellKey][]uint32{}
	}
	r.cellsOf(func(k cellKey) { c.extra[k] = append(c.extra[k], i) })
}

func (g *copGrid) hash(id string) uint64 { return maphash.String(g.seed, id) & g.hashMask }

// remove marks the live record id gone, if there is one.
func (g *copGrid) remove(id string) {
	h := g.hash(id)
	var prev uint32 // the record (plus one) before, in the chain of h
	for at := g.byID[h]; at != 0; prev, at = at, g.recs[at-1].next {
		r := &g.recs[at-1]
		if g.text(r.id) != id {
			continue
		}
		switch {
		case prev != 0:
			g.recs[prev-1].next = r.next
		case r.next != 0:
			g.byID[h] = r.next
		default:
			delete(g.byID, h)
		}
		r.gone = true
		return
	}
}

// visit calls fn for each record of a layer whose box may meet box (every record when box is
// nil), once each, until fn returns false.
func (g *copGrid) visit(layer int, box *store.BBox, fn func(uint32) bool) {
	lo, hi := cellKey{math.MinInt32, math.MinInt32}, cellKey{math.MaxInt32, math.MaxInt32}
	if box != nil {
		lo, hi = cellKey{cellOf(box.MinLon), cellOf(box.MinLat)}, cellKey{cellOf(box.MaxLon), cellOf(box.MaxLat)}
	}
	inside := func(k cellKey) bool { return k.x >= lo.x && k.x <= hi.x && k.y >= lo.y && k.y <= hi.y }
	walk := func(k cellKey, items []uint32) bool {
		for _, i := range items {
			r := &g.recs[i]
			// A record filed under several cells of the window is reported by the first.
			if !r.gone && max(r.home.x, lo.x) == k.x && max(r.home.y, lo.y) == k.y && !fn(i) {
				return false
			}
		}
		return true
	}
	c := &g.layers[layer]
	w, h := int64(hi.x)-int64(lo.x)+1, int64(hi.y)-int64(lo.y)+1
	if w > int64(len(c.keys)) {
		// A window wider than the filled cells are many: walk those instead of its columns.
		for j, k := range c.keys {
			if inside(k) && !walk(k, c.items[c.start[j]:c.start[j+1]]) {
				return
			}
		}
	} else {
		for x := int64(lo.x); x <= int64(hi.x); x++ {
			j, _ := slices.BinarySearchFunc(c.keys, cellKey{int32(x), lo.y}, compareCells)
			for ; j < len(c.keys) && int64(c.keys[j].x) == x && c.keys[j].y <= hi.y; j++ {
				if !walk(c.keys[j], c.items[c.start[j]:c.start[j+1]]) {
					return
				}
			}
		}
	}
	if filled := int64(len(c.extra)); filled > 0 {
		if w > filled || h > filled || w*h > filled {
			for k, items := range c.extra {
				if inside(k) && !walk(k, items) {
					return
				}
			}
		} else {
			for x := lo.x; x <= hi.x; x++ {
				for y := lo.y; y <= hi.y; y++ {
					if items, ok := c.extra[cellKey{x, y}]; ok && !walk(cellKey{x, y}, items) {
						return
					}
				}
			}
		}
	}
	for _, i := range c.wide {
		if !g.recs[i].gone && !fn(i) {
			return
		}
	}
}

// meets reports whether two boxes share a point, as the store's box query does.
func meets(a, b store.BBox) bool {
	return a.MinLon <= b.MaxLon && a.MaxLon >= b.MinLon && a.MinLat <= b.MaxLat && a.MaxLat >= b.MinLat
}

// copSight is what one viewer sees: the organisations of its scope, a bit each, and the
// records shared with its own organisation.
type copSight struct {
	scope []uint64
	org   uint32
	known bool // the viewer's organisation is numbered: some record is, or was, shared with it
}

func (g *copGrid) sight(v store.Viewer) copSight {
	s := copSight{scope: make([]uint64, (len(g.orgs)+63)/64)}
	for _, id := range v.Scope {
		if n, ok := g.orgs[id]; ok {
			s.scope[n/64] |= 1 << (n % 64)
		}
	}
	s.org, s.known = g.orgs[v.OrgID]
	return s
}

func (g *copGrid) sees(s copSight, r *copRec) bool {
	return s.scope[r.org/64]&(1<<(r.org%64)) != 0 || s.known && slices.Contains(g.shares[r.shares.off:r.shares.off+r.shares.n], s.org)
}

// feature is record i's feature for an answer: its id and encoding, both the arena's.
func (g *copGrid) feature(i uint32) Feature {
	r := &g.recs[i]
	end := r.feature.off + r.feature.n
	return Feature{Type: "Feature", ID: g.text(r.id), encoded: g.arena[r.feature.off:end:end]}
}

// answer is the picture for viewer v from the index; ok is false until the index is loaded.
func (x *COPIndex) answer(v store.Viewer, f COPFilter, layers []store.OpsKind) (map[string]Layer, bool) {
	x.mu.RLock()
	defer x.mu.RUnlock()
	g := x.grid
	if g == nil {
		return nil, false
	}
	sight := g.sight(v)
	var statuses []uint32
	for _, s := range f.Statuses {
		if n, ok := g.statuses[s]; ok {
			statuses = append(statuses, n)
		}
	}
	// Hits are gathered first so that each layer's features are allocated once, at their size:
	// garbage is what this server makes most of under load.
	hits, _ := x.hits.Get().(*[]uint32)
	if hits == nil {
		hits = new([]uint32)
	}
	defer x.hits.Put(hits)
	out := make(map[string]Layer, len(layers))
	for _, kind := range layers {
		l := Layer{Type: "FeatureCollection"}
		found := (*hits)[:0]
		g.visit(slices.Index(COPLayers, kind), f.Box, func(i uint32) bool {
			r := &g.recs[i]
			switch {
			case f.Box != nil && !meets(r.box, *f.Box),
				f.IncidentID != "" && g.text(r.incident) != f.IncidentID,
				len(f.Statuses) > 0 && !slices.Contains(statuses, r.status),
				!g.sees(sight, r):
				return true
			case len(found) == MaxFeaturesPerLayer:
				l.Truncated = true
				return false
			}
			found = append(found, i)
			return true
		})
		l.Features = make([]Feature, len(found))
		for j, i := range found {
			l.Features[j] = g.feature(i)
		}
		*hits = found
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
			feature, err := copFeature(r)
			if err != nil {
				return nil, err
			}
			if feature == nil {
				continue
			}
			if err := g.put(r, feature, shares[r.ID]); err != nil {
				return nil, err
			}
		}
		if len(recs) < copPage {
			g.build()
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
	var feature []byte
	var shares []string
	r, err := x.Store.OpsRecords().Get(ctx, id)
	switch {
	case errors.Is(err, store.ErrNotFound):
	case err != nil:
		return err
	default:
		if shares, err = x.Store.OpsRecords().Shares(ctx, id); err != nil {
			return err
		}
		if feature, err = copFeature(r); err != nil {
			return err
		}
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.grid == nil {
		return nil
	}
	x.grid.remove(id)
	if feature == nil {
		return nil
	}
	return x.grid.put(r, feature, shares)
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
