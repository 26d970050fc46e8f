package hazard

import (
	"encoding/json"
	"errors"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
	"github.com/paulmach/orb/simplify"

	"github.com/taawun/taawun/internal/cap"
	"github.com/taawun/taawun/internal/geodata"
	"github.com/taawun/taawun/internal/geotarget"
)

// geometry reads a GeoJSON geometry as polygons; points and lines give none.
func geometry(raw json.RawMessage) (orb.MultiPolygon, error) {
	if len(raw) == 0 {
		return nil, errors.New("no geometry")
	}
	mp, err := geodata.ReadMultiPolygon(raw)
	if errors.Is(err, geodata.ErrNotPolygon) {
		return nil, nil
	}
	return mp, err
}

// convex reports whether ring turns the same way at every vertex.
func convex(ring orb.Ring) bool {
	sign := 0
	n := len(ring) - 1 // closed: last equals first
	for i := 0; i < n; i++ {
		a, b, c := ring[i], ring[(i+1)%n], ring[(i+2)%n]
		cross := (b[0]-a[0])*(c[1]-b[1]) - (b[1]-a[1])*(c[0]-b[0])
		switch {
		case cross > 0 && sign < 0, cross < 0 && sign > 0:
			return false
		case cross > 0:
			sign = 1
		case cross < 0:
			sign = -1
		}
	}
	return true
}

// clipToConvex returns the part of subject inside the convex ring clip (Sutherland–Hodgman).
// The subject may be concave; where the result falls apart in several pieces they stay joined
// along the clip's border, which the caller's jurisdiction check then refuses.
func clipToConvex(subject, clip orb.Ring) orb.Ring {
	// The passes, one for each edge of the clip, take turns between two buffers: each reads what
	// the one before wrote (the first reads the subject) and writes the other buffer. The
	// buffers are kept for the next clipping: the first passes over a jurisdiction's outline
	// need hundreds of points each.
	bufs := clipBuffers.Get().(*[2][]orb.Point)
	defer clipBuffers.Put(bufs)
	pts, turn := []orb.Point(subject[:len(subject)-1]), 0
	// passes clips pts to the convex ring by, an edge at a time; it reports whether a polygon
	// is left.
	passes := func(by orb.Ring) bool {
		ccw := planar.Area(by) > 0
		for i := 0; i+1 < len(by) && len(pts) > 0; i++ {
			bufs[turn] = clipPass(bufs[turn][:0], pts, by[i], by[i+1], ccw)
			pts, turn = bufs[turn], 1-turn
		}
		return len(pts) >= 3
	}
	if len(subject) > 4*len(clip) {
		// A jurisdiction's thousands of vertices are first cut to the clip's bounding box (four
		// passes over them), so the clip's own many edges pass over a few vertices only.
		b := clip.Bound()
		if !passes(orb.Ring{b.Min, {b.Max[0], b.Min[1]}, b.Max, {b.Min[0], b.Max[1]}, b.Min}) {
			return nil
		}
	}
	if !passes(clip) {
		return nil
	}
	ring := make(orb.Ring, len(pts)+1)
	copy(ring, pts)
	ring[len(pts)] = pts[0]
	return ring
}

// clipBuffers holds pairs of buffers for clipToConvex's passes.
var clipBuffers = sync.Pool{New: func() any { return new([2][]orb.Point) }}

// clipPass appends to out the part of the polygon in (its last point joined to its first) on
// the inside of the clip ring's edge ab: left of it when the ring turns counter-clockwise (ccw),
// right of it otherwise, or on it. Each point's side is worked out once, as the end of one edge
// of the polygon, and carried as the start of the next.
func clipPass(out, in []orb.Point, a, b orb.Point, ccw bool) []orb.Point {
	// Each point of in adds at most two to out: room is made once.
	out = slices.Grow(out, 2*len(in))
	// Right of ab is left of ba: negating the edge's direction turns the cross product's sign
	// exactly (rounding is symmetric), so one test, cross ≥ 0, serves both turns.
	dx, dy := b[0]-a[0], b[1]-a[1]
	if !ccw {
		dx, dy = -dx, -dy
	}
	inside := func(p orb.Point) bool { return dx*(p[1]-a[1])-dy*(p[0]-a[0]) >= 0 }
	// The line through ab is a2·x + b2·y = c2; intersect is where the line through p and q
	// meets it, q when they are parallel.
	a2, b2 := b[1]-a[1], a[0]-b[0]
	c2 := a2*a[0] + b2*a[1]
	intersect := func(p, q orb.Point) orb.Point {
		a1, b1 := q[1]-p[1], p[0]-q[0]
		c1 := a1*p[0] + b1*p[1]
		det := a1*b2 - a2*b1
		if det == 0 {
			return q
		}
		return orb.Point{(b2*c1 - b1*c2) / det, (a1*c2 - a2*c1) / det}
	}
	n := len(out)
	buf := out[:n+2*len(in)]
	p := in[len(in)-1]
	pIn := inside(p)
	for _, q := range in {
		qIn := inside(q)
		if qIn != pIn {
			buf[n] = intersect(p, q)
			n++
		}
		if qIn {
			buf[n] = q
			n++
		}
		p, pIn = q, qIn
	}
	return buf[:n]
}

// capPolygon writes a ring as a CAP polygon ("lat,lon lat,lon …"), simplified to at most
// maxPolygonPoints however detailed the jurisdiction's border.
func capPolygon(ring orb.Ring) string {
	// Each round simplifies the last one's result, so the rounds after the first are cheap; the
	// points move at most the sum of the tolerances, under twice the last.
	if len(ring) > maxPolygonPoints {
		ring = ring.Clone()
	}
	for tol := 0.002; len(ring) > maxPolygonPoints && tol < 1; tol *= 2 {
		ring = simplify.DouglasPeucker(tol).Ring(ring)
	}
	// Rounded as written, without repeated points, so the check sees what CAP readers will.
	// A ring of a warning's size is made on the stack.
	var buf [maxPolygonPoints + 1]orb.Point
	r := orb.Ring(buf[:0])
	if len(ring) > len(buf) {
		r = make(orb.Ring, 0, len(ring))
	}
	for _, p := range ring {
		q := orb.Point{math.Round(p[0]*1e4) / 1e4, math.Round(p[1]*1e4) / 1e4}
		if len(r) == 0 || q != r[len(r)-1] {
			r = append(r, q)
		}
	}
	if len(r) < 4 || r[0] != r[len(r)-1] || !simple(r) {
		return ""
	}
	var sb strings.Builder
	sb.Grow(len(r) * len("-12.3456,-123.4567 "))
	var num [32]byte
	for i, p := range r {
		if i > 0 {
			sb.WriteByte(' ')
		}
		sb.Write(appendFixed4(num[:0], p[1]))
		sb.WriteByte(',')
		sb.Write(appendFixed4(num[:0], p[0]))
	}
	return sb.String()
}

// appendFixed4 is strconv.AppendFloat(b, v, 'f', 4, 64), written straight from the digits of
// m = v·10⁴ when v is m/10⁴ for a whole m, as capPolygon's rounded coordinates are: the nearest
// four-decimal number to such a v is m/10⁴ itself, far closer to v than v's own rounding error.
// Other values go to strconv.
func appendFixed4(b []byte, v float64) []byte {
	m := math.Round(v * 1e4)
	if !(math.Abs(m) < 1e15) || m/1e4 != v {
		return strconv.AppendFloat(b, v, 'f', 4, 64)
	}
	if math.Signbit(v) {
		b = append(b, '-')
	}
	u := uint64(math.Abs(m))
	b = strconv.AppendUint(b, u/10000, 10)
	f := u % 10000
	return append(b, '.', byte('0'+f/1000), byte('0'+f/100%10), byte('0'+f/10%10), byte('0'+f%10))
}

// maxPolygonPoints bounds a drafted warning's polygon: 100 is what the US Wireless Emergency
// Alerts accept, and some alert hubs and phones follow; a footprint needs no more.
const maxPolygonPoints = 100

// simple reports whether no two non-adjacent edges of the closed ring meet: clipping a concave
// outline, or simplifying it, can fold a ring onto itself, which CAP does not allow. It asks the
// CAP validator's own test, so what passes here passes there.
func simple(ring orb.Ring) bool {
	var buf [maxPolygonPoints + 1]cap.Point
	pts := buf[:0]
	if len(ring) > len(buf) {
		pts = make([]cap.Point, 0, len(ring))
	}
	for _, p := range ring {
		pts = append(pts, cap.Point{Lat: p[1], Lon: p[0]})
	}
	_, _, crossed := cap.SelfIntersection(pts)
	return !crossed
}

// touches reports whether the polygons of a and b overlap, by their vertices (enough for the
// regions of concern a rule names, which are far larger than the gaps this can miss).
func touches(a, b orb.MultiPolygon) bool {
	for _, pair := range [][2]orb.MultiPolygon{{a, b}, {b, a}} {
		for _, poly := range pair[0] {
			for _, p := range poly[0] {
				if planar.MultiPolygonContains(pair[1], p) {
					return true
				}
			}
		}
	}
	return false
}

// borderToleranceKm absorbs boundaries drawn at different scales (countries at 1:50m, provinces
// at 1:10m), a little stricter than the alert service's own check so that what passes here
// passes there.
const borderToleranceKm = 4.0

// prepared is a jurisdiction made ready for many ring tests, with its provinces' verdicts
// (inside or not) remembered.
type prepared struct {
	mp        orb.MultiPolygon
	bounds    []orb.Bound // of each polygon of mp
	territory *geotarget.Territory
	mu        sync.Mutex
	// inside remembers, by province code, whether the province lies inside the jurisdiction.
	inside map[string]bool
}

// prepare makes mp, whose territory t is, ready for the triggers' tests.
func prepare(mp orb.MultiPolygon, t *geotarget.Territory) *prepared {
	p := &prepared{mp: mp, territory: t, inside: map[string]bool{}}
	for _, poly := range mp {
		p.bounds = append(p.bounds, poly.Bound())
	}
	return p
}

// holds reports whether ring lies inside the jurisdiction: its vertices and points every 0.02°
// along its edges are inside or within borderToleranceKm of the border. This is the test a
// warning's area must pass.
func (j *prepared) holds(ring orb.Ring) bool {
	_, out := j.territory.FirstOutside(ring, 0.02, borderToleranceKm)
	return !out
}

// holdsProvince is holds for a province's outline, remembered.
func (j *prepared) holdsProvince(code string, ring orb.Ring) bool {
	j.mu.Lock()
	v, ok := j.inside[code]
	j.mu.Unlock()
	if ok {
		return v
	}
	v = j.holds(ring)
	j.mu.Lock()
	j.inside[code] = v
	j.mu.Unlock()
	return v
}
