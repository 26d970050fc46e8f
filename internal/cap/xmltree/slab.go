package xmltree

// slabs hands out small blocks of T carved from larger slabs, so that a
// tree's nodes, child lists and joined texts cost a few allocations
// rather than one each. When reuse is set (see Parser) every slab is
// kept, and after reset the same slabs are handed out again, cleared.
type slabs[T any] struct {
	size  int   // elements per slab
	reuse bool  // keep slabs for the next document
	cur   []T   // what is left of the current slab
	kept  [][]T // every slab made, in order, when reuse is set
	next  int   // index in kept of the next slab to hand out again
}

// take returns n zero or overwritable elements whose capacity is n, so
// that appending to the block never writes into a neighbour's.
func (a *slabs[T]) take(n int) []T {
	if n > a.size/2 {
		return make([]T, n) // a big block gets its own allocation
	}
	if len(a.cur) < n {
		a.cur = a.slab()
	}
	b := a.cur[:n:n]
	a.cur = a.cur[n:]
	return b
}

func (a *slabs[T]) slab() []T {
	if a.next < len(a.kept) {
		s := a.kept[a.next]
		a.next++
		clear(s)
		return s
	}
	s := make([]T, a.size)
	if a.reuse {
		a.kept = append(a.kept, s)
		a.next++
	}
	return s
}

// reset makes every kept slab available again: nothing carved from them
// may be in use any more.
func (a *slabs[T]) reset() {
	a.cur, a.next = nil, 0
}
