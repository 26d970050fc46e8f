package geotarget

import (
	"fmt"
	"math"
	"sync/atomic"

	"github.com/paulmach/orb"
)

// Territory is a multipolygon (lon, lat) made ready for many "inside, or within a tolerance of
// the border" tests: an indexed Area answers containment, a grid of its edges the distance to the
// border. Organisations' jurisdictions are checked this way on every draft, approval and trigger,
// so a province's thousands of vertices are indexed once instead of walked per point.
type Territory struct {
	area  *Area
	edges edgeGrid
	// cells remembers, for the cells of the edge grid inside the bounding box that no edge
	// crosses, whether they lie inside (cellIn) or not (cellOut): every point of such a cell is
	// on the same side of the border, so one containment test answers for the whole cell.
	// Filled as points are tested.
	cells          []atomic.Uint32
	cellLo         [2]int32
	cellsX, cellsY int32
	// borderEdges holds the territory's own edges, both ways round: an area clipped to the
	// territory copies them, and every point of one lies on the border.
	borderEdges map[[2]orb.Point]struct{}
}

// maxBorderEdges bounds the memory of borderEdges (about 80 bytes an edge each way).
const maxBorderEdges = 200_000

// Verdicts of a cell no edge crosses.
const (
	cellUnknown = iota
	cellIn
	cellOut
)

// maxRememberedCells bounds the memory of remembered cells (4 bytes each): Russia's bounding
// box at 0.1° is 1.4 million cells.
const maxRememberedCells = 4 << 20

// NewTerritory prepares mp.
func NewTerritory(mp orb.MultiPolygon) (*Territory, error) {
	area, err := NewArea(MultiPolygon(mp))
	if err != nil {
		return nil, fmt.Errorf("geotarget: territory: %w", err)
	}
	t := &Territory{area: area, edges: newEdgeGrid(mp)}
	if n := vertexCount(mp); n <= maxBorderEdges {
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
	lo, hi := cellOf(b.Min[0], b.Min[1]), cellOf(b.Max[0], b.Max[1])
	if n := int64(hi[0]-lo[0]+1) * int64(hi[1]-lo[1]+1); n <= maxRememberedCells {
		t.cells, t.cellLo, t.cellsX, t.cellsY = make([]atomic.Uint32, n), lo, hi[0]-lo[0]+1, hi[1]-lo[1]+1
	}
	return t, nil
}

// Covers reports whether p lies inside the territory or within tolKm of its border. The border
// is tried first: areas clipped to a territory put many points exactly on it, where the exact
// containment test is slowest.
func (t *Territory) Covers(p orb.Point, tolKm float64) bool {
	c := cellOf(p[0], p[1])
	if _, crossed := t.edges[c]; !crossed {
		return t.cellInside(c) || t.edges.near(p, tolKm)
	}
	return t.edges.near(p, tolKm) || t.area.Contains(Point{Lat: p[1], Lon: p[0]})
}

// cellInside reports whether the cell c, which no edge crosses, lies inside.
func (t *Territory) cellInside(c [2]int32) bool {
	if t.cells == nil {
		return t.cellContains(c)
	}
	x, y := c[0]-t.cellLo[0], c[1]-t.cellLo[1]
	if x < 0 || y < 0 || x >= t.cellsX || y >= t.cellsY {
		return false // beyond the bounding box
	}
	slot := &t.cells[int64(y)*int64(t.cellsX)+int64(x)]
	switch slot.Load() {
	case cellIn:
		return true
	case cellOut:
		return false
	}
	in := t.cellContains(c)
	if in {
		slot.Store(cellIn)
	} else {
		slot.Store(cellOut)
	}
	return in
}

// cellContains tests the centre of cell c.
func (t *Territory) cellContains(c [2]int32) bool {
	return t.area.Contains(Point{Lat: (float64(c[1]) + 0.5) * edgeCell, Lon: (float64(c[0]) + 0.5) * edgeCell})
}

// FirstOutside returns the first of ring's border samples (its vertices and points every step
// degrees along its edges) that the territory does not cover within tolKm; ok is false when it
// covers them all. A ring whose border lies inside a territory without crossing it lies inside it
// too, unless it surrounds a hole, which jurisdictions do not have.
func (t *Territory) FirstOutside(ring orb.Ring, step, tolKm float64) (p orb.Point, ok bool) {
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

func vertexCount(mp orb.MultiPolygon) int {
	n := 0
	for _, poly := range mp {
		for _, ring := range poly {
			n += len(ring)
		}
	}
	return n
}

// edgeGrid files a multipolygon's edges under the grid cells their bounding boxes cover, so that
// "is this point near the border" looks at a few edges instead of a province's thousands.
type edgeGrid map[[2]int32][][2]orb.Point

// edgeCell is the grid's cell size in degrees (about 11 km, twice the usual border tolerance).
const edgeCell = 0.1

func cellOf(x, y float64) [2]int32 {
	return [2]int32{int32(math.Floor(x / edgeCell)), int32(math.Floor(y / edgeCell))}
}

func newEdgeGrid(mp orb.MultiPolygon) edgeGrid {
	g := edgeGrid{}
	for _, poly := range mp {
		for _, ring := range poly {
			for i := 0; i+1 < len(ring); i++ {
				a, b := ring[i], ring[i+1]
				lo, hi := cellOf(min(a[0], b[0]), min(a[1], b[1])), cellOf(max(a[0], b[0]), max(a[1], b[1]))
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
func (g edgeGrid) near(p orb.Point, km float64) bool {
	kx := cosLat(p)
	dy := km / KmPerDegree
	dx := dy / max(kx, 1e-6)
	lo, hi := cellOf(p[0]-dx, p[1]-dy), cellOf(p[0]+dx, p[1]+dy)
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

// cosLat is how much shorter a degree of longitude is than one of latitude at p.
func cosLat(p orb.Point) float64 { return math.Cos(p[1] * math.Pi / 180) }

// KmPerDegree is the length of a degree of latitude (and of longitude at the equator).
const KmPerDegree = 111.195

// segmentDistance is the distance in degrees of latitude from p to segment ab, longitudes
// shortened by kx.
func segmentDistance(p, a, b orb.Point, kx float64) float64 {
	ax, ay := (a[0]-p[0])*kx, a[1]-p[1]
	bx, by := (b[0]-p[0])*kx, b[1]-p[1]
	dx, dy := bx-ax, by-ay
	t := 0.0
	if l := dx*dx + dy*dy; l > 0 {
		t = math.Max(0, math.Min(1, -(ax*dx+ay*dy)/l))
	}
	return math.Hypot(ax+t*dx, ay+t*dy)
}
