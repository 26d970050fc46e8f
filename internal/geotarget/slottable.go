package geotarget

// slotTable maps a RecipientID to its slot with open addressing and linear
// probing. A cell holds slot+1 (0 is empty) and the id is read back from
// Index.ids, so the table costs 8–16 bytes per recipient where a Go map of
// uint64 to uint32 costs about 40 at ten million entries.
type slotTable struct {
	cells []uint32
	shift uint // 64 - log2(len(cells))
	n     int
}

func newSlotTable(hint int) slotTable {
	size, shift := 16, uint(60)
	for size < 2*hint {
		size, shift = size*2, shift-1
	}
	return slotTable{cells: make([]uint32, size), shift: shift}
}

// home is the first cell probed for r: Fibonacci hashing, which spreads
// sequential ids well.
func (t *slotTable) home(r RecipientID) int {
	return int((uint64(r) * 0x9E3779B97F4A7C15) >> t.shift)
}

func (t *slotTable) find(ids []RecipientID, r RecipientID) (slot uint32, ok bool) {
	mask := len(t.cells) - 1
	for i := t.home(r); ; i = (i + 1) & mask {
		c := t.cells[i]
		if c == 0 {
			return 0, false
		}
		if ids[c-1] == r {
			return c - 1, true
		}
	}
}

// insert adds r (not present) at slot; ids[slot] must already be r.
func (t *slotTable) insert(ids []RecipientID, r RecipientID, slot uint32) {
	if 2*(t.n+1) > len(t.cells) {
		t.grow(ids)
	}
	mask := len(t.cells) - 1
	i := t.home(r)
	for t.cells[i] != 0 {
		i = (i + 1) & mask
	}
	t.cells[i] = slot + 1
	t.n++
}

func (t *slotTable) grow(ids []RecipientID) {
	old := t.cells
	t.cells, t.shift, t.n = make([]uint32, 2*len(old)), t.shift-1, 0
	for _, c := range old {
		if c != 0 {
			t.insert(ids, ids[c-1], c-1)
		}
	}
}

// delete removes r (present) with backward-shift deletion, which keeps
// every remaining entry reachable from its home cell without tombstones.
func (t *slotTable) delete(ids []RecipientID, r RecipientID) {
	mask := len(t.cells) - 1
	i := t.home(r)
	for ids[t.cells[i]-1] != r {
		i = (i + 1) & mask
	}
	for j := (i + 1) & mask; t.cells[j] != 0; j = (j + 1) & mask {
		h := t.home(ids[t.cells[j]-1])
		// Move j back into the hole at i unless its home lies cyclically
		// in (i, j], where it is still reachable.
		if (j > i && (h <= i || h > j)) || (j < i && h <= i && h > j) {
			t.cells[i] = t.cells[j]
			i = j
		}
	}
	t.cells[i] = 0
	t.n--
}
