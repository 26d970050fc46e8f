package geotarget

import (
	"math"
	"math/big"
)

// ccwErrBound is Shewchuk's bound (3 + 16ε)ε on the relative error of the
// floating-point orientation determinant, differences included.
const ccwErrBound = (3.0 + 16.0*epsilon) * epsilon

const epsilon = 1.0 / (1 << 53)

// orient returns the sign of the cross product (b-a)×(c-a): +1 when c is to
// the left of a→b, -1 to the right, 0 when collinear. It is exact: the fast
// floating-point result is used only when its error bound proves the sign.
func orient(ax, ay, bx, by, cx, cy float64) int {
	l := (bx - ax) * (cy - ay)
	r := (by - ay) * (cx - ax)
	det := l - r
	bound := ccwErrBound * (math.Abs(l) + math.Abs(r))
	switch {
	case det > bound:
		return 1
	case -det > bound:
		return -1
	}
	return orientExact(ax, ay, bx, by, cx, cy)
}

// orientExact evaluates the determinant in rational arithmetic; float64
// values are exact rationals, so the sign is exact. It runs only for points
// within a few ulps of the line, which is rare.
func orientExact(ax, ay, bx, by, cx, cy float64) int {
	rat := func(f float64) *big.Rat { return new(big.Rat).SetFloat64(f) }
	dx1 := new(big.Rat).Sub(rat(bx), rat(ax))
	dy2 := new(big.Rat).Sub(rat(cy), rat(ay))
	dy1 := new(big.Rat).Sub(rat(by), rat(ay))
	dx2 := new(big.Rat).Sub(rat(cx), rat(ax))
	l := dx1.Mul(dx1, dy2)
	r := dy1.Mul(dy1, dx2)
	return l.Cmp(r)
}

// sideSure reports which side of the line a→b the point c is on, +1 or -1,
// or 0 when the floating-point value is too close to zero to be sure. It is
// the cheap conservative test used to prune cells.
func sideSure(ax, ay, bx, by, cx, cy float64) int {
	l := (bx - ax) * (cy - ay)
	r := (by - ay) * (cx - ax)
	det := l - r
	bound := 4 * ccwErrBound * (math.Abs(l) + math.Abs(r))
	switch {
	case det > bound:
		return 1
	case -det > bound:
		return -1
	}
	return 0
}
