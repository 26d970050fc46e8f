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
	if pts, ok := parsePlainPolygon(s); ok {
		return pts, nil
	}
	return parsePolygonFields(s)
}

// parsePlainPolygon reads, in one pass, the form polygons are nearly always
// written in: plain decimals, pairs separated by single spaces. ok is false
// for anything else, valid or not, which parsePolygonFields then reads and,
// when it is wrong, explains; what it accepts, parsePolygonFields reads the
// same.
func parsePlainPolygon(s string) (pts []Point, ok bool) {
	n := strings.Count(s, " ") + 1
	if n < 4 || n > MaxPolygonPoints {
		return nil, false
	}
	pts = make([]Point, 0, n)
	for i := 0; ; {
		lat, comma, ok1 := scanDecimal(s, i)
		if !ok1 || comma == len(s) || s[comma] != ',' {
			return nil, false
		}
		lon, end, ok2 := scanDecimal(s, comma+1)
		if !ok2 || !(lat >= -90 && lat <= 90) || !(lon >= -180 && lon <= 180) {
			return nil, false
		}
		pts = append(pts, Point{Lat: lat, Lon: lon})
		if end == len(s) {
			return pts, pts[0] == pts[len(pts)-1]
		}
		if s[end] != ' ' {
			return nil, false
		}
		i = end + 1
	}
}

// parsePolygonFields is ParsePolygon for any white space and number form.
func parsePolygonFields(s string) ([]Point, error) {
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
// plain decimals coordinates are written in (see plainDecimal).
func parseDecimal(s string) (float64, error) {
	if f, ok := plainDecimal(s); ok {
		return f, nil
	}
	return strconv.ParseFloat(s, 64)
}

// plainDecimal reads a plain decimal ("-12.345678") exactly as
// strconv.ParseFloat(s, 64) does; ok is false for every other form.
func plainDecimal(s string) (f float64, ok bool) {
	f, end, ok := scanDecimal(s, 0)
	return f, ok && end == len(s)
}

// scanDecimal reads the plain decimal that starts at s[i]: an optional
// minus sign, 1 to 15 digits, and a point followed by at least one of
// them. end is the index of the first byte that cannot continue it. With at
// most 15 digits the mantissa and the power of ten are exact in a float64,
// so one division gives the correctly rounded value, as strconv.ParseFloat
// computes it in that case too. ok is false when what is there is not of
// that form.
func scanDecimal(s string, i int) (f float64, end int, ok bool) {
	neg := i < len(s) && s[i] == '-'
	if neg {
		i++
	}
	var mant uint64
	digits, frac, dot := 0, 0, false
	for ; i < len(s); i++ {
		c := s[i]
		if d := c - '0'; d <= 9 {
			mant = mant*10 + uint64(d)
			digits++
			if dot {
				frac++
			}
			continue
		}
		if c != '.' || dot || digits == 0 {
			break
		}
		dot = true
	}
	if digits == 0 || digits > 15 || dot && frac == 0 {
		return 0, i, false
	}
	f = float64(mant) / pow10[frac]
	if neg {
		f = -f
	}
	return f, i, true
}

// nextField returns the first field of s and what follows it, splitting
// around white space exactly as strings.Fields does, without allocating;
// field is "" when none is left. ASCII bytes are told apart without
// decoding; only other bytes are decoded as runes.
func nextField(s string) (field, rest string) {
	start := skipSpace(s, 0, true)
	end := skipSpace(s, start, false)
	return s[start:end], s[end:]
}

// skipSpace returns the index of the first byte from i on that does not
// start white space (space true) or that does (space false).
func skipSpace(s string, i int, space bool) int {
	for i < len(s) {
		if c := s[i]; c < utf8.RuneSelf {
			if isASCIISpace(c) != space {
				return i
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if unicode.IsSpace(r) != space {
			return i
		}
		i += size
	}
	return i
}

// isASCIISpace is unicode.IsSpace for the ASCII range: tab, line feed,
// vertical tab, form feed, carriage return and space.
func isASCIISpace(c byte) bool { return c == ' ' || c-'\t' <= '\r'-'\t' }

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
