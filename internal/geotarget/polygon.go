package geotarget

import "fmt"

// Polygon is an outer ring with optional holes, each a list of vertices in
// latitude/longitude. A ring may be closed (first == last, as CAP requires)
// or open; it is closed implicitly. Orientation does not matter: containment
// uses the even-odd rule over all rings, so a hole is any ring inside the
// outer one.
type Polygon struct {
	Outer []Point
	Holes [][]Point
}

// edge is one ring segment in (lon, lat) = (x, y) degrees.
type edge struct {
	ax, ay, bx, by float64
}

func (e edge) box() rect {
	return rect{min(e.ax, e.bx), min(e.ay, e.by), max(e.ax, e.bx), max(e.ay, e.by)}
}

// polygon is a compiled Polygon: its edges, bounding box, and a slab index
// that lists, for each horizontal band of the box, the edges whose latitude
// range meets the band, so a point test reads only the edges near its
// latitude instead of all of them.
type polygon struct {
	edges []edge
	box   rect
	y0    float64 // box.minY
	dy    float64 // slab height
	nslab int
	start []int32 // slab s holds slabEdges[start[s]:start[s+1]]
	slab  []int32
}

// compilePolygon builds a polygon from rings of (x, y) vertices.
func compilePolygon(rings [][][2]float64) (*polygon, error) {
	p := &polygon{box: emptyRect}
	for i, ring := range rings {
		if len(ring) > 1 && ring[0] == ring[len(ring)-1] {
			ring = ring[:len(ring)-1]
		}
		if len(ring) < 3 {
			return nil, fmt.Errorf("geotarget: polygon ring %d has %d distinct vertices, need 3", i, len(ring))
		}
		for j, v := range ring {
			if !(v[1] >= -90 && v[1] <= 90) || !(v[0] >= -180 && v[0] <= 180) {
				return nil, fmt.Errorf("geotarget: polygon ring %d vertex %d (lat %v, lon %v): %w", i, j, v[1], v[0], ErrInvalidPoint)
			}
			w := ring[(j+1)%len(ring)]
			if v == w {
				continue // a repeated vertex adds no edge
			}
			e := edge{v[0], v[1], w[0], w[1]}
			p.edges = append(p.edges, e)
			p.box = p.box.union(e.box())
		}
	}
	if len(p.edges) < 3 {
		return nil, fmt.Errorf("geotarget: polygon has %d edges, need 3", len(p.edges))
	}
	p.buildSlabs()
	return p, nil
}

func (p *polygon) slabOf(y float64) int {
	s := int((y - p.y0) / p.dy)
	return min(max(s, 0), p.nslab-1)
}

// buildSlabs assigns each edge to every slab its latitude range meets.
// slabOf is monotone in y (subtraction and division by a positive number
// are monotone in floating point), so a point whose latitude lies in an
// edge's range always finds that edge in its own slab.
func (p *polygon) buildSlabs() {
	p.y0 = p.box.minY
	p.nslab = max(1, min(len(p.edges), 1<<14))
	h := p.box.maxY - p.box.minY
	if h <= 0 {
		p.nslab, h = 1, 1
	}
	p.dy = h / float64(p.nslab)
	count := make([]int32, p.nslab+1)
	for _, e := range p.edges {
		b := e.box()
		for s := p.slabOf(b.minY); s <= p.slabOf(b.maxY); s++ {
			count[s+1]++
		}
	}
	for s := 1; s <= p.nslab; s++ {
		count[s] += count[s-1]
	}
	p.start = count
	p.slab = make([]int32, count[p.nslab])
	fill := make([]int32, p.nslab)
	copy(fill, count[:p.nslab])
	for i, e := range p.edges {
		b := e.box()
		for s := p.slabOf(b.minY); s <= p.slabOf(b.maxY); s++ {
			p.slab[fill[s]] = int32(i)
			fill[s]++
		}
	}
}

// contains reports whether (x, y) is inside the polygon or on its boundary,
// exactly. It casts a ray towards +x and counts crossings with the half-open
// rule (an edge counts when exactly one end is above y), which is the even-odd
// rule; a point on an edge returns true at once.
func (p *polygon) contains(x, y float64) bool {
	if !p.box.contains(x, y) {
		return false
	}
	s := p.slabOf(y)
	in := false
	for _, i := range p.slab[p.start[s]:p.start[s+1]] {
		e := &p.edges[i]
		if (e.ay > y) == (e.by > y) {
			// Both ends on one side of the ray's line: no crossing. The
			// point can still lie on the edge if the edge is horizontal at y
			// or ends at y.
			if (e.ay == y || e.by == y) && onSegment(e, x, y) {
				return true
			}
			continue
		}
		o := orient(e.ax, e.ay, e.bx, e.by, x, y)
		if o == 0 {
			return true // on the edge: y is strictly inside its range
		}
		if (e.by > e.ay) == (o > 0) {
			in = !in
		}
	}
	return in
}

// onSegment reports whether (x, y) lies on e, given that y equals one end's
// latitude.
func onSegment(e *edge, x, y float64) bool {
	if x < min(e.ax, e.bx) || x > max(e.ax, e.bx) || y < min(e.ay, e.by) || y > max(e.ay, e.by) {
		return false
	}
	return orient(e.ax, e.ay, e.bx, e.by, x, y) == 0
}

// crossesRect reports whether e may touch the closed box r. It never
// answers false for a segment that touches r; it may answer true for one
// that passes within rounding distance, which only costs a finer look.
func (e *edge) crossesRect(r rect) bool {
	if !e.box().intersects(r) {
		return false
	}
	s1 := sideSure(e.ax, e.ay, e.bx, e.by, r.minX, r.minY)
	if s1 == 0 {
		return true
	}
	for _, c := range [3][2]float64{{r.maxX, r.minY}, {r.minX, r.maxY}, {r.maxX, r.maxY}} {
		if sideSure(e.ax, e.ay, e.bx, e.by, c[0], c[1]) != s1 {
			return true
		}
	}
	return false
}

// rings converts a Polygon to (x, y) rings.
func (pg Polygon) rings() [][][2]float64 {
	out := make([][][2]float64, 0, 1+len(pg.Holes))
	conv := func(pts []Point) [][2]float64 {
		r := make([][2]float64, len(pts))
		for i, p := range pts {
			r[i] = [2]float64{p.Lon, p.Lat}
		}
		return r
	}
	out = append(out, conv(pg.Outer))
	for _, h := range pg.Holes {
		out = append(out, conv(h))
	}
	return out
}
