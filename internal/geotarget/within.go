package geotarget

import (
	"fmt"
	"math"
	"slices"
	"sync/atomic"

	"github.com/paulmach/orb"
)

// Territory is a multipolygon (lon, lat) made ready for many "inside, or within a tolerance of
// the border" tests: an indexed Area answers containment, a grid of its edges the distance to the
// border. Organisations' jurisdictions are checked this way on every draft, approval and trigger,
// so a province's thousands of vertices are indexed once instead of walked per point.
type Territory struct {
	area *Area
	grid edgeGrid
	// cells remembers, for the cells of the grid that no edge crosses, whether they lie inside
	// (cellIn) or not (cellOut): every point of such a cell is on the same side of the border, so
	// one containment test answers for the whole cell. Filled as points are tested.
	cells []atomic.Uint32
}

// Verdicts of a cell no edge crosses.
const (
	cellUnknown = iota
	cellIn
	cellOut
)

// NewTerritory prepares mp.
func NewTerritory(mp orb.MultiPolygon) (*Territory, error) {
	area, err := NewArea(MultiPolygon(mp))
	if err != nil {
		return nil, fmt.Errorf("geotarget: territory: %w", err)
	}
	t := &Territory{area: area, grid: newEdgeGrid(mp)}
	t.cells = make([]atomic.Uint32, t.grid.nx*t.grid.ny)
	return t, nil
}

// Covers reports whether p lies inside the territory or within tolKm of its border. The border
// is tried first: areas clipped to a territory put many points exactly on it, where the exact
// containment test is slowest.
func (t *Territory) Covers(p orb.Point, tolKm float64) bool {
	c, ok := t.grid.cellAt(p)
	if !ok {
		// Beyond the bounding box: outside, unless near the border.
		return t.grid.near(p, tolKm)
	}
	if t.grid.start[c] == t.grid.start[c+1] {
		return t.cellInside(c) || t.grid.near(p, tolKm)
	}
	return t.grid.near(p, tolKm) || t.area.Contains(Point{Lat: p[1], Lon: p[0]})
}

// cellInside reports whether the cell c, which no edge crosses, lies inside, testing its centre
// once.
func (t *Territory) cellInside(c int) bool {
	slot := &t.cells[c]
	switch slot.Load() {
	case cellIn:
		return true
	case cellOut:
		return false
	}
	ctr := t.grid.centre(c)
	in := t.area.Contains(Point{Lat: ctr[1], Lon: ctr[0]})
	if in {
		slot.Store(cellIn)
	} else {
		slot.Store(cellOut)
	}
	return in
}

// knownInside reports whether c is a cell no edge crosses that has been found inside: every point
// of it is covered.
func (t *Territory) knownInside(c int) bool {
	return t.grid.start[c] == t.grid.start[c+1] && t.cells[c].Load() == cellIn
}

// FirstOutside returns the first of ring's border samples (its vertices and points every step
// degrees along its edges) that the territory does not cover within tolKm; ok is false when it
// covers them all. A ring whose border lies inside a territory without crossing it lies inside it
// too, unless it surrounds a hole, which jurisdictions do not have. The territory's own edges,
// which an area clipped to it copies, are skipped: every point of one lies on the border.
func (t *Territory) FirstOutside(ring orb.Ring, step, tolKm float64) (p orb.Point, ok bool) {
	for i := 0; i+1 < len(ring); i++ {
		a, b := ring[i], ring[i+1]
		if t.grid.isEdge(a, b) {
			continue
		}
		n := max(1, int(math.Ceil(math.Hypot(b[0]-a[0], b[1]-a[1])/step)))
		for k := range n {
			f := float64(k) / float64(n)
			q := orb.Point{a[0] + f*(b[0]-a[0]), a[1] + f*(b[1]-a[1])}
			if c, ok := t.grid.cellAt(q); ok && t.knownInside(c) {
				continue // what Covers answers, without the call
			}
			if !t.Covers(q, tolKm) {
				return q, true
			}
		}
	}
	return orb.Point{}, false
}

// edgeGrid files a multipolygon's edges under the cells of a grid over its bounding box that
// their own bounding boxes cover, so that "is this point near the border" looks at a few edges
// instead of a province's thousands. The cells are numbered row by row (x fastest); the edges of
// cell c are edges[start[c]:start[c+1]], so those of a run of cells in a row are one slice.
type edgeGrid struct {
	// size is the side of a cell in degrees: edgeCell, or a multiple of it for a territory
	// whose bounding box would need more than maxGridCells.
	size float64
	// lo is the cell of the bounding box's lower left corner, counting cells from 0°, 0°.
	lo     [2]float64
	nx, ny int
	start  []int32
	edges  [][2]orb.Point
}

// edgeCell is the grid's cell size in degrees (about 11 km, twice the usual border tolerance).
const edgeCell = 0.1

// maxGridCells bounds the grid's memory (8 bytes a cell with the remembered verdicts): Russia's
// bounding box at 0.1° is 1.4 million cells, at 0.2° a quarter of that.
const maxGridCells = 1 << 20

func newEdgeGrid(mp orb.MultiPolygon) edgeGrid {
	b := mp.Bound()
	g := edgeGrid{size: edgeCell}
	for b.Min[0] <= b.Max[0] { // an empty multipolygon has an empty grid
		g.lo = [2]float64{math.Floor(b.Min[0] / g.size), math.Floor(b.Min[1] / g.size)}
		g.nx = int(math.Floor(b.Max[0]/g.size)-g.lo[0]) + 1
		g.ny = int(math.Floor(b.Max[1]/g.size)-g.lo[1]) + 1
		if g.nx*g.ny <= maxGridCells {
			break
		}
		g.size *= 2
	}
	// Two passes: count the edges of each cell, then file them.
	g.start = make([]int32, g.nx*g.ny+1)
	g.eachEdgeCell(mp, func(c int, _ [2]orb.Point) { g.start[c+1]++ })
	for c := range g.nx * g.ny {
		g.start[c+1] += g.start[c]
	}
	g.edges = make([][2]orb.Point, g.start[g.nx*g.ny])
	next := slices.Clone(g.start[:g.nx*g.ny])
	g.eachEdgeCell(mp, func(c int, e [2]orb.Point) {
		g.edges[next[c]] = e
		next[c]++
	})
	return g
}

// eachEdgeCell calls fn with every edge of mp and every cell its bounding box covers.
func (g *edgeGrid) eachEdgeCell(mp orb.MultiPolygon, fn func(c int, e [2]orb.Point)) {
	for _, poly := range mp {
		for _, ring := range poly {
			for i := 0; i+1 < len(ring); i++ {
				a, b := ring[i], ring[i+1]
				x0, x1, okx := g.span(min(a[0], b[0]), max(a[0], b[0]), 0)
				y0, y1, oky := g.span(min(a[1], b[1]), max(a[1], b[1]), 1)
				if !okx || !oky {
					continue
				}
				for y := y0; y <= y1; y++ {
					for x := x0; x <= x1; x++ {
						fn(y*g.nx+x, [2]orb.Point{a, b})
					}
				}
			}
		}
	}
}

// span returns the cells, along axis (0 for x, 1 for y), from the one of lo to the one of hi, cut
// to the grid; ok is false when none of them is in it.
func (g *edgeGrid) span(lo, hi float64, axis int) (from, to int, ok bool) {
	n := float64(g.nx)
	if axis == 1 {
		n = float64(g.ny)
	}
	a, b := math.Floor(lo/g.size)-g.lo[axis], math.Floor(hi/g.size)-g.lo[axis]
	if !(b >= 0 && a < n && a <= b) { // also false for NaN
		return 0, 0, false
	}
	return int(max(a, 0)), int(min(b, n-1)), true
}

// cellAt returns the cell p lies in; ok is false beyond the grid.
func (g *edgeGrid) cellAt(p orb.Point) (c int, ok bool) {
	x, y := math.Floor(p[0]/g.size)-g.lo[0], math.Floor(p[1]/g.size)-g.lo[1]
	if !(x >= 0 && x < float64(g.nx) && y >= 0 && y < float64(g.ny)) { // also false for NaN
		return 0, false
	}
	return int(y)*g.nx + int(x), true
}

// centre is the centre of cell c.
func (g *edgeGrid) centre(c int) orb.Point {
	x, y := float64(c%g.nx)+g.lo[0], float64(c/g.nx)+g.lo[1]
	return orb.Point{(x + 0.5) * g.size, (y + 0.5) * g.size}
}

// isEdge reports whether ab is an edge of the multipolygon, either way round; it is filed under
// the cell of a, among others.
func (g *edgeGrid) isEdge(a, b orb.Point) bool {
	c, ok := g.cellAt(a)
	if !ok {
		return false
	}
	for _, e := range g.edges[g.start[c]:g.start[c+1]] {
		if e[0] == a && e[1] == b || e[0] == b && e[1] == a {
			return true
		}
	}
	return false
}

// near reports whether p lies within km of an edge, with degrees of longitude shortened by the
// cosine of the latitude.
func (g *edgeGrid) near(p orb.Point, km float64) bool {
	kx := cosLat(p)
	dy := km / KmPerDegree
	dx := dy / max(kx, 1e-6)
	x0, x1, okx := g.span(p[0]-dx, p[0]+dx, 0)
	y0, y1, oky := g.span(p[1]-dy, p[1]+dy, 1)
	if !okx || !oky {
		return false
	}
	for y := y0; y <= y1; y++ {
		for _, e := range g.edges[g.start[y*g.nx+x0]:g.start[y*g.nx+x1+1]] {
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
