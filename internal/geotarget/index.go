package geotarget

import (
	"fmt"
	"slices"
	"sync"
)

// RecipientID is the caller's handle for a recipient (for example a row
// number or a hash of its UUID). Location ids are not stored: the index
// answers with recipients, and a recipient's locations are replaced as a set.
type RecipientID uint64

// Index holds recipient locations and answers area queries. The zero value
// is not usable; make one with New or a Builder.
type Index struct {
	mu sync.RWMutex

	// The sorted part: Morton keys ascending, the recipient slot of each,
	// and a bitmap of entries removed since the last merge.
	keys  []uint64
	slots []uint32
	dead  []uint64
	ndead int

	// The delta: locations added since the last merge, unsorted.
	dkeys  []uint64
	dslots []uint32

	// Per recipient slot: its id, its first location key, and the other
	// keys of recipients with several locations. A slot is reused after
	// Remove; slotOf is the source of truth for which slots are live.
	ids    []RecipientID
	first  []uint64
	more   map[uint32][]uint64
	slotOf slotTable
	free   []uint32
	nlocs  int

	// maxPending overrides the merge threshold (tests); 0 means the default.
	maxPending int
}

// New returns an empty Index. To load many recipients at once, a Builder is
// several times faster than Upsert.
func New() *Index {
	return &Index{more: map[uint32][]uint64{}, slotOf: newSlotTable(0)}
}

// Count returns the number of recipients with at least one location.
func (ix *Index) Count() int {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return ix.slotOf.n
}

// Locations returns the number of distinct stored locations.
func (ix *Index) Locations() int {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return ix.nlocs
}

// locationKeys validates locs and appends their distinct Morton keys to
// keys[:0].
func locationKeys(keys []uint64, r RecipientID, locs []Point) ([]uint64, error) {
	keys = keys[:0]
	for i, p := range locs {
		if err := p.validate(); err != nil {
			return nil, fmt.Errorf("geotarget: recipient %d location %d: %w", r, i, err)
		}
		keys = append(keys, keyOf(p))
	}
	if len(keys) > 1 {
		// Two locations that round to the same stored point are one.
		slices.Sort(keys)
		keys = slices.Compact(keys)
	}
	return keys, nil
}

// Upsert sets the locations of recipient r, replacing any it had. Locations
// that round to the same stored point count once. Upsert with no locations
// is Remove.
func (ix *Index) Upsert(r RecipientID, locs []Point) error {
	keys, err := locationKeys(nil, r, locs)
	if err != nil {
		return err
	}
	ix.mu.Lock()
	defer ix.mu.Unlock()
	slot, ok := ix.slotOf.find(ix.ids, r)
	if ok {
		ix.dropLocations(slot)
	}
	if len(keys) == 0 {
		if ok {
			ix.releaseSlot(r, slot)
		}
		return nil
	}
	if !ok {
		slot = ix.newSlot(r)
	}
	ix.setLocations(slot, keys)
	for _, k := range keys {
		ix.dkeys = append(ix.dkeys, k)
		ix.dslots = append(ix.dslots, slot)
	}
	ix.maybeMerge()
	return nil
}

// Remove deletes recipient r and reports whether it was present.
func (ix *Index) Remove(r RecipientID) bool {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	slot, ok := ix.slotOf.find(ix.ids, r)
	if !ok {
		return false
	}
	ix.dropLocations(slot)
	ix.releaseSlot(r, slot)
	ix.maybeMerge()
	return true
}

func (ix *Index) newSlot(r RecipientID) uint32 {
	var slot uint32
	if n := len(ix.free); n > 0 {
		slot = ix.free[n-1]
		ix.free = ix.free[:n-1]
		ix.ids[slot] = r
	} else {
		slot = uint32(len(ix.ids))
		ix.ids = append(ix.ids, r)
		ix.first = append(ix.first, 0)
	}
	ix.slotOf.insert(ix.ids, r, slot)
	return slot
}

func (ix *Index) releaseSlot(r RecipientID, slot uint32) {
	ix.slotOf.delete(ix.ids, r)
	ix.free = append(ix.free, slot)
}

// setLocations records keys (distinct, non-empty) as slot's locations.
func (ix *Index) setLocations(slot uint32, keys []uint64) {
	ix.first[slot] = keys[0]
	if len(keys) > 1 {
		ix.more[slot] = slices.Clone(keys[1:])
	} else {
		delete(ix.more, slot)
	}
	ix.nlocs += len(keys)
}

// dropLocations removes every stored location of slot from the sorted part
// (as tombstones) or from the delta.
func (ix *Index) dropLocations(slot uint32) {
	drop := func(k uint64) {
		if !ix.killSorted(k, slot) {
			ix.removeDelta(k, slot)
		}
		ix.nlocs--
	}
	drop(ix.first[slot])
	for _, k := range ix.more[slot] {
		drop(k)
	}
	delete(ix.more, slot)
}

// killSorted tombstones the live sorted entry (k, slot), if there is one.
func (ix *Index) killSorted(k uint64, slot uint32) bool {
	i, _ := slices.BinarySearch(ix.keys, k)
	for ; i < len(ix.keys) && ix.keys[i] == k; i++ {
		if ix.slots[i] == slot && !isDead(ix.dead, i) {
			ix.dead[i/64] |= 1 << (i % 64)
			ix.ndead++
			return true
		}
	}
	return false
}

func (ix *Index) removeDelta(k uint64, slot uint32) {
	for i := range ix.dkeys {
		if ix.dkeys[i] == k && ix.dslots[i] == slot {
			last := len(ix.dkeys) - 1
			ix.dkeys[i], ix.dslots[i] = ix.dkeys[last], ix.dslots[last]
			ix.dkeys, ix.dslots = ix.dkeys[:last], ix.dslots[:last]
			return
		}
	}
	panic(fmt.Sprintf("geotarget: location %x of slot %d is in neither part", k, slot))
}

func isDead(dead []uint64, i int) bool { return dead[i/64]&(1<<(i%64)) != 0 }

// Merge thresholds: the delta is scanned by every query and by every
// removal, so it is kept small; a merge is a linear pass over the sorted
// part, so it is not done too often either.
const (
	minPending = 4096
	maxPending = 1 << 16
)

func (ix *Index) maybeMerge() {
	limit := ix.maxPending
	if limit == 0 {
		limit = min(max(len(ix.keys)/32, minPending), maxPending)
	}
	if len(ix.dkeys)+ix.ndead > limit {
		ix.merge()
	}
}

// merge folds the delta into the sorted part and drops tombstoned entries,
// in place: dead entries are squeezed out front to back, then the sorted
// delta is merged in back to front.
func (ix *Index) merge() {
	w := 0
	for i := range ix.keys {
		if !isDead(ix.dead, i) {
			ix.keys[w], ix.slots[w] = ix.keys[i], ix.slots[i]
			w++
		}
	}
	order := make([]int32, len(ix.dkeys))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(a, b int32) int {
		ka, kb := ix.dkeys[a], ix.dkeys[b]
		switch {
		case ka < kb:
			return -1
		case ka > kb:
			return 1
		}
		return 0
	})
	n := w + len(order)
	keys := slices.Grow(ix.keys[:w], len(order))[:n]
	slots := slices.Grow(ix.slots[:w], len(order))[:n]
	i, j := w-1, len(order)-1
	for out := n - 1; j >= 0; out-- {
		if i >= 0 && keys[i] > ix.dkeys[order[j]] {
			keys[out], slots[out] = keys[i], slots[i]
			i--
		} else {
			keys[out], slots[out] = ix.dkeys[order[j]], ix.dslots[order[j]]
			j--
		}
	}
	ix.keys, ix.slots = keys, slots
	ix.dead = make([]uint64, (n+63)/64)
	ix.ndead = 0
	ix.dkeys, ix.dslots = ix.dkeys[:0], ix.dslots[:0]
}
