package geotarget

import (
	"errors"
	"fmt"
)

// ErrDuplicateRecipient is wrapped by Builder.Build for a recipient added
// twice.
var ErrDuplicateRecipient = errors.New("duplicate recipient")

// Builder loads many recipients into a new Index in one sort, for start-up
// from the database. It is not safe for concurrent use.
type Builder struct {
	ix      *Index
	slots   []uint32
	keys    []uint64
	scratch []uint64
}

// NewBuilder returns a Builder; sizeHint is the expected number of
// locations (0 if unknown).
func NewBuilder(sizeHint int) *Builder {
	ix := New()
	ix.ids = make([]RecipientID, 0, sizeHint)
	ix.first = make([]uint64, 0, sizeHint)
	return &Builder{ix: ix, keys: make([]uint64, 0, sizeHint), slots: make([]uint32, 0, sizeHint)}
}

// Add adds recipient r with its locations. A recipient with no locations
// is skipped. Adding a recipient twice makes Build fail; the check is left
// to Build, where one sort does it for all, because a hash probe per Add
// was most of the cost of loading ten million recipients.
func (b *Builder) Add(r RecipientID, locs ...Point) error {
	keys, err := locationKeys(b.scratch, r, locs)
	if err != nil {
		return err
	}
	b.scratch = keys
	if len(keys) == 0 {
		return nil
	}
	ix := b.ix
	slot := uint32(len(ix.ids))
	ix.ids = append(ix.ids, r)
	ix.first = append(ix.first, 0)
	ix.setLocations(slot, keys)
	for _, k := range keys {
		b.keys = append(b.keys, k)
		b.slots = append(b.slots, slot)
	}
	return nil
}

// Build sorts the locations and returns the Index. The Builder must not be
// used afterwards.
func (b *Builder) Build() (*Index, error) {
	ix := b.ix
	sorted := make([]uint64, len(ix.ids))
	for i, r := range ix.ids {
		sorted[i] = uint64(r)
	}
	radixSort(sorted, nil)
	for i := 1; i < len(sorted); i++ {
		if sorted[i] == sorted[i-1] {
			return nil, fmt.Errorf("geotarget: build: recipient %d: %w", sorted[i], ErrDuplicateRecipient)
		}
	}
	radixSort(b.keys, b.slots)
	ix.keys, ix.slots = b.keys, b.slots
	ix.dead = make([]uint64, (len(ix.keys)+63)/64)
	renumberSlots(ix)
	ix.slotOf = newSlotTable(len(ix.ids))
	for s, r := range ix.ids {
		ix.slotOf.insert(ix.ids, r, uint32(s))
	}
	b.ix, b.keys, b.slots = nil, nil, nil
	return ix, nil
}

// renumberSlots numbers recipients in the order of their first location in
// the sorted array, so that a query, which reads the array in order, also
// reads ids in order instead of jumping about a large slice.
func renumberSlots(ix *Index) {
	const unset = ^uint32(0)
	perm := make([]uint32, len(ix.ids))
	for i := range perm {
		perm[i] = unset
	}
	next := uint32(0)
	for i, s := range ix.slots {
		if perm[s] == unset {
			perm[s] = next
			next++
		}
		ix.slots[i] = perm[s]
	}
	ids := make([]RecipientID, len(ix.ids))
	first := make([]uint64, len(ix.first))
	for old, s := range perm {
		ids[s], first[s] = ix.ids[old], ix.first[old]
	}
	more := make(map[uint32][]uint64, len(ix.more))
	for old, keys := range ix.more {
		more[perm[old]] = keys
	}
	ix.ids, ix.first, ix.more = ids, first, more
}

// radixSort sorts keys ascending, permuting slots (if not nil) alongside, with a least
// significant digit radix sort on 8-bit digits (256 buckets stay within the
// cache and TLB where 65,536 did not, at ten million keys). Digits that are
// equal in every key (the high bits of a country's keys) are skipped.
func radixSort(keys []uint64, slots []uint32) {
	if len(keys) < 2 {
		return
	}
	const bits = 8
	tk := make([]uint64, len(keys))
	var ts []uint32
	if slots != nil {
		ts = make([]uint32, len(slots))
	}
	srcK, srcS, dstK, dstS := keys, slots, tk, ts
	var count [1 << bits]int
	for shift := uint(0); shift < 64; shift += bits {
		clear(count[:])
		for _, k := range srcK {
			count[(k>>shift)&(1<<bits-1)]++
		}
		if count[(srcK[0]>>shift)&(1<<bits-1)] == len(srcK) {
			continue // every key has this digit
		}
		sum := 0
		for d, c := range count {
			count[d] = sum
			sum += c
		}
		for i, k := range srcK {
			d := (k >> shift) & (1<<bits - 1)
			dstK[count[d]] = k
			if srcS != nil {
				dstS[count[d]] = srcS[i]
			}
			count[d]++
		}
		srcK, srcS, dstK, dstS = dstK, dstS, srcK, srcS
	}
	if &srcK[0] != &keys[0] {
		copy(keys, srcK)
		copy(slots, srcS)
	}
}
