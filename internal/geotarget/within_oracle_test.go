package geotarget

import (
	"fmt"
	"math"
	"sync/atomic"

	"github.com/paulmach/orb"
)

// mapTerritory is Territory as it was before its grid became one dense array and its border
// edges a look-up in that grid: maps of cells and of edges. It stays as the oracle of the
// property tests in within_test.go.

// mapTerritory is a multipolygon (lon, lat) made ready for many "inside, or within a tolerance of
// the border" tests: an indexed Area answers containment, a grid of its edges the distance to the
// border. Organisations' jurisdictions are checked this way on every draft, approval and trigger,
// so a province's thousands of vertices are indexed once instead of walked per point.
type mapTerritory struct {
	area  *Area
	edges mapEdgeGrid
	// cells remembers, for the cells of the edge grid inside the bounding box that no edge
	// crosses, whether they lie inside (mapCellIn) or not (mapCellOut): every point of such a cell is
	// on the same side of the border, so one containment test answers for the whole cell.
	// Filled as points are tested.
	cells          []atomic.Uint32
	cellLo         [2]int32
	cellsX, cellsY int32
	// borderEdges holds the territory's own edges, both ways round: an area clipped to the
	// territory copies them, and every point of one lies on the border.
	borderEdges map[[2]orb.Point]struct{}
}

// mapMaxBorderEdges bounds the memory of borderEdges (about 80 bytes an edge each way).
const mapMaxBorderEdges = 200_000

// Verdicts of a cell no edge crosses.
const (
	mapCellUnknown = iota
	mapCellIn
	mapCellOut
)

// mapMaxRememberedCells bounds the memory of remembered cells (4 bytes each): Russia's bounding
// box at 0.1° is 1.4 million cells.
const mapMaxRememberedCells = 4 << 20

// newMapTerritory prepares mp.
func newMapTerritory(mp orb.MultiPolygon) (*mapTerritory, error) {
	area, err := NewArea(MultiPolygon(mp))
	if err != nil {
		return nil, fmt.Errorf("geotarget: territory: %w", err)
	}
	t := &mapTerritory{area: area, edges: newMapEdgeGrid(mp)}
	if n := mapVertexCount(mp); n <= mapMaxBorderEdges {
		t.borderEdges = make(map[[2]orb.Point]struct{}, 2*n)
		for _, poly := range mp {
			for _, ring := range poly {
				for i := 0; i+1 < len(ring); i++ {
					t.borderEdges[[2]orb.Point{ring[i], ring[i+1]}] = struct{}{}
					t.borderEdges[[2]orb.Point{ring[i+1], ring[i]}] = struct{}{}
				}
			}
		}
	}
	b := mp.Bound()
	lo, hi := mapCellOf(b.Min[0], b.Min[1]), mapCellOf(b.Max[0], b.Max[1])
	if n := int64(hi[0]-lo[0]+1) * int64(hi[1]-lo[1]+1); n <= mapMaxRememberedCells {
		t.cells, t.cellLo, t.cellsX, t.cellsY = make([]atomic.Uint32, n), lo, hi[0]-lo[0]+1, hi[1]-lo[1]+1
	}
	return t, nil
}

// Covers reports whether p lies inside the territory or within tolKm of its border. The border
// is tried first: areas clipped to a territory put many points exactly on it, where the exact
// containment test is slowest.
func (t *mapTerritory) Covers(p orb.Point, tolKm float64) bool {
	c := mapCellOf(p[0], p[1])
	if _, crossed := t.edges[c]; !crossed {
		return t.cellInside(c) || t.edges.near(p, tolKm)
	}
	return t.edges.near(p, tolKm) || t.area.Contains(Point{Lat: p[1], Lon: p[0]})
}

// cellInside reports whether the cell c, which no edge crosses, lies inside.
func (t *mapTerritory) cellInside(c [2]int32) bool {
	if t.cells == nil {
		return t.cellContains(c)
	}
	x, y := c[0]-t.cellLo[0], c[1]-t.cellLo[1]
	if x < 0 || y < 0 || x >= t.cellsX || y >= t.cellsY {
		return false // beyond the bounding box
	}
	slot := &t.cells[int64(y)*int64(t.cellsX)+int64(x)]
	switch slot.Load() {
	case mapCellIn:
		return true
	case mapCellOut:
		return false
	}
	in := t.cellContains(c)
	if in {
		slot.Store(mapCellIn)
	} else {
		slot.Store(mapCellOut)
	}
	return in
}

// cellContains tests the centre of cell c.
func (t *mapTerritory) cellContains(c [2]int32) bool {
	return t.area.Contains(Point{Lat: (float64(c[1]) + 0.5) * mapEdgeCell, Lon: (float64(c[0]) + 0.5) * mapEdgeCell})
}

// FirstOutside returns the first of ring's border samples (its vertices and points every step
// degrees along its edges) that the territory does not cover within tolKm; ok is false when it
// covers them all. A ring whose border lies inside a territory without crossing it lies inside it
// too, unless it surrounds a hole, which jurisdictions do not have.
func (t *mapTerritory) FirstOutside(ring orb.Ring, step, tolKm float64) (p orb.Point, ok bool) {
	for i := 0; i+1 < len(ring); i++ {
		a, b := ring[i], ring[i+1]
		if _, onBorder := t.borderEdges[[2]orb.Point{a, b}]; onBorder {
			continue
		}
		n := max(1, int(math.Ceil(math.Hypot(b[0]-a[0], b[1]-a[1])/step)))
		for k := range n {
			f := float64(k) / float64(n)
			q := orb.Point{a[0] + f*(b[0]-a[0]), a[1] + f*(b[1]-a[1])}
			if !t.Covers(q, tolKm) {
				return q, true
			}
		}
	}
	return orb.Point{}, false
}

func mapVertexCount(mp orb.MultiPolygon) int {
	n := 0
	for _, poly := range mp {
		for _, ring := range poly {
			n += len(ring)
		}
	}
	return n
}

// mapEdgeGrid files a multipolygon's edges under the grid cells their bounding boxes cover, so that
// "is this point near the border" looks at a few edges instead of a province's thousands.
type mapEdgeGrid map[[2]int32][][2]orb.Point

// mapEdgeCell is the grid's cell size in degrees (about 11 km, twice the usual border tolerance).
const mapEdgeCell = 0.1

func mapCellOf(x, y float64) [2]int32 {
	return [2]int32{int32(math.Floor(x / mapEdgeCell)), int32(math.Floor(y / mapEdgeCell))}
}

func newMapEdgeGrid(mp orb.MultiPolygon) mapEdgeGrid {
	g := mapEdgeGrid{}
	for _, poly := range mp {
		for _, ring := range poly {
			for i := 0; i+1 < len(ring); i++ {
				a, b := ring[i], ring[i+1]
				lo, hi := mapCellOf(min(a[0], b[0]), min(a[1], b[1])), mapCellOf(max(a[0], b[0]), max(a[1], b[1]))
				for x := lo[0]; x <= hi[0]; x++ {
					for y := lo[1]; y <= hi[1]; y++ {
						g[[2]int32{x, y}] = append(g[[2]int32{x, y}], [2]orb.Point{a, b})
					}
				}
			}
		}
	}
	return g
}

// near reports whether p lies within km of an edge, with degrees of longitude shortened by the
// cosine of the latitude.
func (g mapEdgeGrid) near(p orb.Point, km float64) bool {
	kx := cosLat(p)
	dy := km / KmPerDegree
	dx := dy / max(kx, 1e-6)
	lo, hi := mapCellOf(p[0]-dx, p[1]-dy), mapCellOf(p[0]+dx, p[1]+dy)
	for x := lo[0]; x <= hi[0]; x++ {
		for y := lo[1]; y <= hi[1]; y++ {
			for _, e := range g[[2]int32{x, y}] {
				// Most edges of a cell are farther than km from p in latitude or longitude
				// alone, which four comparisons tell.
				if p[1]+dy < min(e[0][1], e[1][1]) || p[1]-dy > max(e[0][1], e[1][1]) ||
					p[0]+dx < min(e[0][0], e[1][0]) || p[0]-dx > max(e[0][0], e[1][0]) {
					continue
				}
				if segmentDistance(p, e[0], e[1], kx)*KmPerDegree <= km {
					return true
				}
			}
		}
	}
	return false
}
