package ops

import (
	"fmt"
	"maps"
	"slices"
	"testing"

	"pgregory.net/rapid"

	"github.com/taawun/taawun/internal/store"
)

// TestCOPGridFindsWhatMeetsTheBox: whatever records are filed before the build and changed or
// removed after it (points, boxes over a few cells, boxes over more than copMaxCells, on cell
// edges, ids that share a hash), a visit of any window reports each live record whose box meets it exactly once, with
// its id and encoding, and no record that was replaced or removed.
func TestCOPGridFindsWhatMeetsTheBox(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		g := newCOPGrid()
		if rapid.Bool().Draw(t, "ids share hashes") {
			g.hashMask = 3
		}
		live := map[string]store.BBox{}
		coord := func(label string, lo, hi int) float64 { return float64(rapid.IntRange(lo, hi).Draw(t, label)) * 0.05 }
		put := func() {
			id := fmt.Sprintf("rec-%d", rapid.IntRange(0, 30).Draw(t, "id"))
			w, s := coord("w", 0, 40), coord("s", 0, 40)
			b := store.BBox{MinLon: w, MinLat: s, MaxLon: w + coord("width", 0, 50), MaxLat: s + coord("height", 0, 50)}
			r := store.OpsRecord{Kind: store.OpsShelter, OrgID: "o", Status: "open", Box: &b}
			r.ID = id
			g.remove(id)
			if err := g.put(r, []byte(`{"id":"`+id+`"}`), nil); err != nil {
				t.Fatal(err)
			}
			live[id] = b
		}
		for range rapid.IntRange(0, 40).Draw(t, "before the build") {
			put()
		}
		g.build()
		for range rapid.IntRange(0, 40).Draw(t, "after the build") {
			if rapid.Bool().Draw(t, "remove") {
				id := fmt.Sprintf("rec-%d", rapid.IntRange(0, 30).Draw(t, "id"))
				g.remove(id)
				delete(live, id)
			} else {
				put()
			}
		}
		var box *store.BBox
		if rapid.Bool().Draw(t, "a window") {
			w, s := coord("window w", -10, 60), coord("window s", -10, 60)
			box = &store.BBox{MinLon: w, MinLat: s, MaxLon: w + coord("window width", 0, 60), MaxLat: s + coord("window height", 0, 60)}
		}
		var want, got []string
		for id, b := range live {
			if box == nil || meets(b, *box) {
				want = append(want, id)
			}
		}
		g.visit(slices.Index(COPLayers, store.OpsShelter), box, func(i uint32) bool {
			if box == nil || meets(g.recs[i].box, *box) {
				f := g.feature(i)
				if string(f.encoded) != `{"id":"`+f.ID+`"}` {
					t.Fatalf("record %s encoded as %s", f.ID, f.encoded)
				}
				got = append(got, f.ID)
			}
			return true
		})
		slices.Sort(want)
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Fatalf("window %v: visited %v, want %v (live %v)", box, got, want, slices.Sorted(maps.Keys(live)))
		}
	})
}
