package geotarget

import "math/bits"

// Query returns every recipient with a location inside a (boundary
// included), each once, in no particular order.
func (ix *Index) Query(a *Area) []RecipientID {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	s := ix.newSink(true)
	ix.walk(a, s)
	return s.out
}

// CountInside returns the number of recipients Query would return, without
// building the list: when no recipient has several locations, a cell inside
// the area costs two binary searches and a popcount of its tombstones.
func (ix *Index) CountInside(a *Area) int {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	s := ix.newSink(false)
	ix.walk(a, s)
	return s.count
}

// sink accumulates the answer of one query.
type sink struct {
	ix      *Index
	collect bool
	count   int
	out     []RecipientID
	seen    []uint64 // bitmap over slots; nil when no recipient has two locations
}

func (ix *Index) newSink(collect bool) *sink {
	s := &sink{ix: ix, collect: collect}
	if len(ix.more) > 0 {
		s.seen = make([]uint64, (len(ix.ids)+63)/64)
	}
	return s
}

func (s *sink) take(slot uint32) {
	if s.seen != nil {
		w, b := slot/64, uint64(1)<<(slot%64)
		if s.seen[w]&b != 0 {
			return
		}
		s.seen[w] |= b
	}
	s.count++
	if s.collect {
		s.out = append(s.out, s.ix.ids[slot])
	}
}

// takeRange accepts the live sorted entries lo..hi-1 wholesale.
func (s *sink) takeRange(lo, hi int) {
	ix := s.ix
	if !s.collect && s.seen == nil {
		s.count += hi - lo
		if ix.ndead > 0 {
			s.count -= deadIn(ix.dead, lo, hi)
		}
		return
	}
	for i := lo; i < hi; i++ {
		if ix.ndead == 0 || !isDead(ix.dead, i) {
			s.take(ix.slots[i])
		}
	}
}

// deadIn counts the set bits of dead in [lo, hi).
func deadIn(dead []uint64, lo, hi int) int {
	n := 0
	for lo < hi {
		w := dead[lo/64] >> (lo % 64)
		span := min(64-lo%64, hi-lo)
		if span < 64 {
			w &= 1<<span - 1
		}
		n += bits.OnesCount64(w)
		lo += span
	}
	return n
}

// act is a shape still undecided for a quadtree cell. For a polygon, lo:hi
// indexes the edges (in walker.edges at the cell's depth) that may touch
// the cell; lo < 0 means all of the polygon's edges.
type act struct {
	shape  int32
	lo, hi int32
}

// walker descends the implicit quadtree of the Morton-sorted keys.
type walker struct {
	ix    *Index
	area  *Area
	sink  *sink
	acts  [34][]act
	edges [34][]int32
}

// leafPoints is the size below which a cell across the boundary has its
// points tested rather than being split further.
const leafPoints = 16

func (ix *Index) walk(a *Area, s *sink) {
	w := &walker{ix: ix, area: a, sink: s}
	n := len(a.polys) + len(a.circles)
	root := make([]act, n)
	for i := range root {
		root[i] = act{shape: int32(i), lo: -1, hi: -1}
	}
	if n > 0 && len(ix.keys) > 0 {
		w.visit(0, 0, 0, 0, 0, len(ix.keys), root)
	}
	for i, k := range ix.dkeys {
		lat, lon := pointOf(k)
		if a.containsXY(lon, lat) {
			s.take(ix.dslots[i])
		}
	}
}

// visit handles the cell at depth d with Morton base kb and biased origin
// (x0, y0), whose entries are keys[lo:hi]; parent lists the shapes still
// undecided for the cell's parent.
func (w *walker) visit(d int, kb uint64, x0, y0 uint32, lo, hi int, parent []act) {
	side := uint64(1) << (32 - d)
	r := rect{
		minX: unbiasedDegrees(x0), maxX: unbiasedDegrees(uint32(uint64(x0) + side - 1)),
		minY: unbiasedDegrees(y0), maxY: unbiasedDegrees(uint32(uint64(y0) + side - 1)),
	}
	next, in := w.classify(d, r, parent)
	switch {
	case in:
		w.sink.takeRange(lo, hi)
		return
	case len(next) == 0:
		return
	case hi-lo <= leafPoints || d == 32:
		w.testPoints(lo, hi, next)
		return
	}
	keys := w.ix.keys
	span := uint64(1) << (2 * (31 - d))
	half := uint32(1) << (31 - d)
	start := lo
	for q := range uint64(4) {
		end := hi
		if q < 3 {
			end = searchFrom(keys, start, hi, kb+(q+1)*span)
		}
		if end > start {
			w.visit(d+1, kb+q*span, x0+uint32(q&1)*half, y0+uint32(q>>1)*half, start, end, next)
		}
		start = end
	}
}

// searchFrom returns the first index in [lo, hi) whose key is ≥ k, or hi.
func searchFrom(keys []uint64, lo, hi int, k uint64) int {
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if keys[m] < k {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo
}

// classify decides the cell r at depth d against the parent's undecided
// shapes. It reports in when some shape provably covers the whole closed
// cell; otherwise it returns the shapes still undecided (those provably
// disjoint from the cell are dropped).
func (w *walker) classify(d int, r rect, parent []act) ([]act, bool) {
	next := w.acts[d][:0]
	eb := w.edges[d][:0]
	defer func() { w.acts[d], w.edges[d] = next, eb }()
	npoly := int32(len(w.area.polys))
	for _, a := range parent {
		if a.shape >= npoly {
			switch w.area.circles[a.shape-npoly].classify(r) {
			case inside:
				return nil, true
			case across:
				next = append(next, act{shape: a.shape})
			}
			continue
		}
		p := w.area.polys[a.shape]
		if !p.box.intersects(r) {
			continue
		}
		start := len(eb)
		if a.lo < 0 {
			for i := range p.edges {
				if p.edges[i].crossesRect(r) {
					eb = append(eb, int32(i))
				}
			}
		} else {
			for _, i := range w.edges[d-1][a.lo:a.hi] {
				if p.edges[i].crossesRect(r) {
					eb = append(eb, i)
				}
			}
		}
		if len(eb) == start {
			// No edge touches the closed cell, so the cell is wholly on
			// one side of the boundary, and any corner tells which.
			if p.contains(r.minX, r.minY) {
				return nil, true
			}
			continue
		}
		next = append(next, act{shape: a.shape, lo: int32(start), hi: int32(len(eb))})
	}
	return next, false
}

// testPoints tests the live sorted entries lo..hi-1 against the undecided
// shapes one by one.
func (w *walker) testPoints(lo, hi int, acts []act) {
	ix := w.ix
	for i := lo; i < hi; i++ {
		if ix.ndead > 0 && isDead(ix.dead, i) {
			continue
		}
		lat, lon := pointOf(ix.keys[i])
		for _, a := range acts {
			if w.area.shapeContains(a.shape, lon, lat) {
				w.sink.take(ix.slots[i])
				break
			}
		}
	}
}
