package cap

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxPolygonPoints bounds the points ParsePolygon accepts. Real polygons
// have at most a few thousand points; IPAWS allows 100.
const MaxPolygonPoints = 100_000

// ErrGeometry is wrapped by ParsePolygon and ParseCircle errors.
var ErrGeometry = errors.New("malformed geometry")

// Point is a WGS 84 coordinate pair as CAP writes it (latitude first).
type Point struct {
	Lat, Lon float64
}

// Circle is a CAP circle: a centre and a radius in kilometres.
type Circle struct {
	Center   Point
	RadiusKM float64
}

// ParsePolygon parses a CAP polygon: at least four space-separated
// "lat,lon" pairs, the first equal to the last, coordinates in range.
// It refuses more than MaxPolygonPoints points before allocating them.
func ParsePolygon(s string) ([]Point, error) {
	s = strings.TrimSpace(s)
	n := countFields(s)
	if n > MaxPolygonPoints {
		return nil, fmt.Errorf("cap: parse polygon: %d points, at most %d allowed: %w", n, MaxPolygonPoints, ErrGeometry)
	}
	if n < 4 {
		return nil, fmt.Errorf("cap: parse polygon %q: %d points, at least 4 needed: %w", short(s), n, ErrGeometry)
	}
	pts := make([]Point, 0, n)
	for f, rest := nextField(s); f != ""; f, rest = nextField(rest) {
		p, err := parsePoint(f)
		if err != nil {
			return nil, fmt.Errorf("cap: parse polygon %q: %w", short(s), err)
		}
		pts = append(pts, p)
	}
	if pts[0] != pts[len(pts)-1] {
		return nil, fmt.Errorf("cap: parse polygon %q: first and last points differ: %w", short(s), ErrGeometry)
	}
	return pts, nil
}

// ParseCircle parses a CAP circle "lat,lon radius" (radius in km, ≥ 0).
func ParseCircle(s string) (Circle, error) {
	f := strings.Fields(s)
	if len(f) != 2 {
		return Circle{}, fmt.Errorf("cap: parse circle %q: want \"lat,lon radius\": %w", short(s), ErrGeometry)
	}
	c, err := parsePoint(f[0])
	if err != nil {
		return Circle{}, fmt.Errorf("cap: parse circle %q: %w", short(s), err)
	}
	r, err := strconv.ParseFloat(f[1], 64)
	if err != nil || r < 0 || math.IsNaN(r) || math.IsInf(r, 0) {
		return Circle{}, fmt.Errorf("cap: parse circle %q: bad radius %q: %w", short(s), f[1], ErrGeometry)
	}
	return Circle{Center: c, RadiusKM: r}, nil
}

func parsePoint(s string) (Point, error) {
	la, lo, ok := strings.Cut(s, ",")
	if !ok {
		return Point{}, fmt.Errorf("point %q is not lat,lon: %w", short(s), ErrGeometry)
	}
	lat, err1 := parseDecimal(la)
	lon, err2 := parseDecimal(lo)
	if err1 != nil || err2 != nil {
		return Point{}, fmt.Errorf("point %q is not two numbers: %w", short(s), ErrGeometry)
	}
	if !(lat >= -90 && lat <= 90) || !(lon >= -180 && lon <= 180) {
		return Point{}, fmt.Errorf("point %q out of range: %w", short(s), ErrGeometry)
	}
	return Point{Lat: lat, Lon: lon}, nil
}

// pow10 holds the powers of ten that float64 represents exactly.
var pow10 = [...]float64{1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15}

// parseDecimal is strconv.ParseFloat(s, 64) with a fast path for the
// plain decimals coordinates are written in ("-12.345678"): with at most
// 15 digits the mantissa and the power of ten are exact in a float64, so
// one division gives the correctly rounded value, as strconv computes it
// in that case too. Everything else goes to strconv.
func parseDecimal(s string) (float64, error) {
	i, neg := 0, false
	if len(s) > 0 && s[0] == '-' {
		i, neg = 1, true
	}
	var mant uint64
	digits, frac, dot := 0, 0, false
	for ; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			mant = mant*10 + uint64(c-'0')
			digits++
			if dot {
				frac++
			}
		case c == '.' && !dot && digits > 0:
			dot = true
		default:
			return strconv.ParseFloat(s, 64)
		}
	}
	if digits == 0 || digits > 15 || dot && frac == 0 {
		return strconv.ParseFloat(s, 64)
	}
	f := float64(mant) / pow10[frac]
	if neg {
		f = -f
	}
	return f, nil
}

// nextField returns the first field of s and what follows it, splitting
// around white space exactly as strings.Fields does, without allocating;
// field is "" when none is left.
func nextField(s string) (field, rest string) {
	at := func(i int) (rune, int) {
		if c := s[i]; c < utf8.RuneSelf {
			return rune(c), 1
		}
		return utf8.DecodeRuneInString(s[i:])
	}
	i := 0
	for i < len(s) {
		r, size := at(i)
		if !unicode.IsSpace(r) {
			break
		}
		i += size
	}
	start := i
	for i < len(s) {
		r, size := at(i)
		if unicode.IsSpace(r) {
			break
		}
		i += size
	}
	return s[start:i], s[i:]
}

// countFields counts white-space separated fields without allocating.
func countFields(s string) int {
	n, in := 0, false
	for i := 0; i < len(s); i++ {
		sp := s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r'
		if !sp && !in {
			n++
		}
		in = !sp
	}
	return n
}

// short abbreviates s for error messages.
func short(s string) string {
	if len(s) > 60 {
		return s[:57] + "..."
	}
	return s
}
