package geotarget

import (
	"math"
	"math/big"
	"slices"
)

// This file holds the brute-force reference the index is checked against:
// exact rational arithmetic for polygons, the textbook haversine for
// circles, and a plain scan over every location.

// refRing is a ring of (x, y) = (lon, lat) vertices, implicitly closed.
type refRing [][2]float64

func ratOf(f float64) *big.Rat { return new(big.Rat).SetFloat64(f) }

// refCross returns the exact sign of (b-a)×(c-a). A loose float filter
// (a million times Shewchuk's bound) skips the rational arithmetic when the
// sign is obvious, which keeps the reference fast enough to run often.
func refCross(a, b, c [2]float64) int {
	l, r := (b[0]-a[0])*(c[1]-a[1]), (b[1]-a[1])*(c[0]-a[0])
	if d := l - r; math.Abs(d) > 1e-9*(math.Abs(l)+math.Abs(r)) {
		if d > 0 {
			return 1
		}
		return -1
	}
	dx1 := new(big.Rat).Sub(ratOf(b[0]), ratOf(a[0]))
	dy1 := new(big.Rat).Sub(ratOf(b[1]), ratOf(a[1]))
	dx2 := new(big.Rat).Sub(ratOf(c[0]), ratOf(a[0]))
	dy2 := new(big.Rat).Sub(ratOf(c[1]), ratOf(a[1]))
	return new(big.Rat).Mul(dx1, dy2).Cmp(new(big.Rat).Mul(dy1, dx2))
}

// refPolygonContains is the even-odd rule over all rings, with a point on
// any edge inside, computed exactly and without any index.
func refPolygonContains(rings []refRing, p [2]float64) bool {
	in := false
	for _, ring := range rings {
		for i := range ring {
			a, b := ring[i], ring[(i+1)%len(ring)]
			if a == b {
				continue
			}
			if refCross(a, b, p) == 0 &&
				p[0] >= min(a[0], b[0]) && p[0] <= max(a[0], b[0]) &&
				p[1] >= min(a[1], b[1]) && p[1] <= max(a[1], b[1]) {
				return true
			}
			if (a[1] > p[1]) != (b[1] > p[1]) {
				// x of the crossing > p.x, decided exactly: for an upward
				// edge p is to the left, for a downward one to the right.
				if s := refCross(a, b, p); (b[1] > a[1]) == (s > 0) {
					in = !in
				}
			}
		}
	}
	return in
}

// refCircle classifies p against a circle with the asin form of the
// haversine distance; ambiguous is true within a micrometre of the rim,
// where two correct float evaluations may disagree.
func refCircle(c Circle, p Point) (in, ambiguous bool) {
	φ1, φ2 := c.Center.Lat*math.Pi/180, p.Lat*math.Pi/180
	dφ := φ2 - φ1
	dλ := (p.Lon - c.Center.Lon) * math.Pi / 180
	h := math.Pow(math.Sin(dφ/2), 2) + math.Cos(φ1)*math.Cos(φ2)*math.Pow(math.Sin(dλ/2), 2)
	d := 2 * EarthRadiusKM * math.Asin(math.Sqrt(min(1, h)))
	return d <= c.RadiusKM, math.Abs(d-c.RadiusKM) < 1e-9
}

// refArea is an area as the reference sees it.
type refArea struct {
	polys   [][]refRing
	circles []Circle
}

func (a refArea) contains(p Point) (in, ambiguous bool) {
	for _, rings := range a.polys {
		if refPolygonContains(rings, [2]float64{p.Lon, p.Lat}) {
			return true, false
		}
	}
	for _, c := range a.circles {
		in, amb := refCircle(c, p)
		if in && !amb {
			return true, false
		}
		ambiguous = ambiguous || amb
	}
	return false, ambiguous
}

// stored returns p as the index stores it.
func stored(p Point) Point {
	lat, lon := fixed(p)
	return Point{degrees(lat), degrees(lon)}
}

// refQuery scans every location of every recipient. It returns the
// recipients surely inside, sorted, and those too close to a circle's rim
// to call.
func refQuery(a refArea, model map[RecipientID][]Point) (ids, ambiguous []RecipientID) {
	for r, locs := range model {
		in, amb := false, false
		for _, p := range locs {
			i, m := a.contains(stored(p))
			in, amb = in || i, amb || m
		}
		switch {
		case in:
			ids = append(ids, r)
		case amb:
			ambiguous = append(ambiguous, r)
		}
	}
	slices.Sort(ids)
	return ids, ambiguous
}
