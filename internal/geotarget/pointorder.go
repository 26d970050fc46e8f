package geotarget

import (
	"fmt"
	"math"
	"math/bits"
)

// PointOrder is a fixed set of points kept in the order an Index built from them (point i as
// recipient i, by a Builder) stores them: by Morton key, equal keys in the order given. A caller
// that keeps its own per-point data in that order (population's places and grid cells) finds the
// points near a centre with NearRuns, which tests only integer boxes per quadtree cell — no
// haversine per cell as a circle Area needs, no []RecipientID, no lock — and visits the points
// in the same order as Index.Query, so that sums over them come out bit for bit the same.
type PointOrder struct {
	keys []uint64 // ascending
}

// NewPointOrder sorts pts into that order; perm[i] is the index in pts of the i-th point.
func NewPointOrder(pts []Point) (*PointOrder, []int, error) {
	keys := make([]uint64, len(pts))
	slots := make([]uint32, len(pts))
	for i, p := range pts {
		if err := p.validate(); err != nil {
			return nil, nil, fmt.Errorf("geotarget: point %d: %w", i, err)
		}
		keys[i], slots[i] = keyOf(p), uint32(i)
	}
	radixSort(keys, slots) // stable, as Build's: equal keys keep their order
	perm := make([]int, len(pts))
	for i, s := range slots {
		perm[i] = int(s)
	}
	return &PointOrder{keys: keys}, perm, nil
}

// NearRuns calls fn(lo, hi) for ascending, disjoint runs of positions lo..hi-1 that together
// hold every point within c (boundary included), and points around it: the caller tests each
// point of a run with its own measure, so the runs need only be a cheap superset. They are the
// quadtree cells that meet the circle's latitude/longitude bounding box (two boxes across the
// antimeridian), widened so that neither the rounding of the stored coordinates nor that of a
// caller's distance can leave out a point within c.
func (o *PointOrder) NearRuns(c Circle, fn func(lo, hi int)) error {
	if _, err := c.compile(); err != nil {
		return err
	}
	if len(o.keys) == 0 {
		return nil
	}
	w := runWalker{keys: o.keys, fn: fn}
	w.nbox = circleBoxes(c, &w.boxes)
	// Start at the smallest quadtree cell that holds the boxes' lowest and highest keys (every
	// key inside a box lies between them, the Morton key growing with either coordinate),
	// rather than descending to it from the root with a binary search per level.
	var kmin, kmax uint64 = math.MaxUint64, 0
	for _, b := range w.boxes[:w.nbox] {
		kmin, kmax = min(kmin, interleave(b.x0, b.y0)), max(kmax, interleave(b.x1, b.y1))
	}
	d := bits.LeadingZeros64(kmin^kmax) / 2
	lo, hi := 0, len(o.keys)
	var kb uint64
	if d > 0 {
		span := uint64(1) << (64 - 2*d)
		kb = kmin &^ (span - 1)
		lo = searchFrom(o.keys, 0, len(o.keys), kb)
		if kb+span != 0 { // the last cell of the key space ends at the end of the array
			hi = searchFrom(o.keys, lo, len(o.keys), kb+span)
		}
	}
	if lo < hi {
		x0, y0 := deinterleave(kb)
		w.visit(d, kb, uint64(x0), uint64(y0), lo, hi)
	}
	w.flush()
	return nil
}

// ubox is a closed box in biased fixed-point units (the Morton key's coordinates).
type ubox struct{ x0, y0, x1, y1 uint32 }

// boxMarginUnits widens a box by 2e-7°: a stored coordinate is rounded by up to half a unit,
// and the box's own edges are rounded outwards to whole units.
const boxMarginUnits = 2

// boxAngleMargin (radians, about 6 mm) is added to the circle's radius: it absorbs the rounding
// of a caller's distance, which may call a point a few ulps inside the radius.
const boxAngleMargin = 1e-9

// circleBoxes writes the bounding boxes of c (one, or two across the antimeridian) to out and
// returns how many. A spherical cap of angular radius θ around latitude φ spans latitudes
// φ ± θ and, if it holds no pole, longitudes λ ± asin(sin θ / cos φ).
func circleBoxes(c Circle, out *[2]ubox) int {
	theta := min(c.RadiusKM/EarthRadiusKM+boxAngleMargin, math.Pi)
	phi := c.Center.Lat * rad
	latMin, latMax := (phi-theta)/rad, (phi+theta)/rad
	lonMin, lonMax := -180.0, 180.0
	if latMin > -90 && latMax < 90 {
		dLon := math.Asin(min(1, math.Sin(theta)/math.Cos(phi))) / rad
		lonMin, lonMax = c.Center.Lon-dLon, c.Center.Lon+dLon
	} // else the cap holds a pole and every longitude
	latMin, latMax = max(latMin, -90), min(latMax, 90)
	switch {
	case lonMax-lonMin >= 360:
		out[0] = unitBox(latMin, -180, latMax, 180)
		return 1
	case lonMin < -180:
		out[0] = unitBox(latMin, -180, latMax, lonMax)
		out[1] = unitBox(latMin, lonMin+360, latMax, 180)
		return 2
	case lonMax > 180:
		out[0] = unitBox(latMin, lonMin, latMax, 180)
		out[1] = unitBox(latMin, -180, latMax, lonMax-360)
		return 2
	}
	out[0] = unitBox(latMin, lonMin, latMax, lonMax)
	return 1
}

// unitBox converts a box in degrees to biased fixed-point units, rounded outwards and widened
// by boxMarginUnits.
func unitBox(latMin, lonMin, latMax, lonMax float64) ubox {
	down := func(deg float64) uint32 { return biasedUnit(math.Floor(deg*fixedScale) - boxMarginUnits) }
	up := func(deg float64) uint32 { return biasedUnit(math.Ceil(deg*fixedScale) + boxMarginUnits) }
	return ubox{x0: down(lonMin), y0: down(latMin), x1: up(lonMax), y1: up(latMax)}
}

// biasedUnit biases a whole number of fixed-point units, clamped to the key's range.
func biasedUnit(v float64) uint32 { return uint32(min(max(v+bias, 0), math.MaxUint32)) }

// runWalker descends the implicit quadtree of sorted keys like walker, against boxes.
type runWalker struct {
	keys   []uint64
	boxes  [2]ubox
	nbox   int
	fn     func(lo, hi int)
	lo, hi int // the run not yet reported: adjacent cells are reported as one run
}

// visit handles the cell at depth d with Morton base kb and biased origin (x0, y0), whose
// entries are keys[lo:hi]: skipped when it misses every box, reported whole when it lies in
// one or is small, else split.
func (w *runWalker) visit(d int, kb, x0, y0 uint64, lo, hi int) {
	side := uint64(1) << (32 - d)
	x1, y1 := x0+side-1, y0+side-1
	meets, in := false, false
	for _, b := range w.boxes[:w.nbox] {
		if x0 > uint64(b.x1) || x1 < uint64(b.x0) || y0 > uint64(b.y1) || y1 < uint64(b.y0) {
			continue
		}
		meets = true
		if x0 >= uint64(b.x0) && x1 <= uint64(b.x1) && y0 >= uint64(b.y0) && y1 <= uint64(b.y1) {
			in = true
			break
		}
	}
	switch {
	case !meets:
		return
	case in || hi-lo <= leafPoints || d == 32:
		w.report(lo, hi)
		return
	}
	span := uint64(1) << (2 * (31 - d))
	half := side / 2
	start := lo
	for q := range uint64(4) {
		end := hi
		if q < 3 {
			end = searchFrom(w.keys, start, hi, kb+(q+1)*span)
		}
		if end > start {
			w.visit(d+1, kb+q*span, x0+(q&1)*half, y0+(q>>1)*half, start, end)
		}
		start = end
	}
}

func (w *runWalker) report(lo, hi int) {
	if lo == w.hi && w.hi > w.lo {
		w.hi = hi
		return
	}
	w.flush()
	w.lo, w.hi = lo, hi
}

func (w *runWalker) flush() {
	if w.hi > w.lo {
		w.fn(w.lo, w.hi)
	}
	w.lo, w.hi = 0, 0
}
