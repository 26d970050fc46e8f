package cap

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
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
	for _, f := range strings.Fields(s) {
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
	lat, err1 := strconv.ParseFloat(la, 64)
	lon, err2 := strconv.ParseFloat(lo, 64)
	if err1 != nil || err2 != nil {
		return Point{}, fmt.Errorf("point %q is not two numbers: %w", short(s), ErrGeometry)
	}
	if !(lat >= -90 && lat <= 90) || !(lon >= -180 && lon <= 180) {
		return Point{}, fmt.Errorf("point %q out of range: %w", short(s), ErrGeometry)
	}
	return Point{Lat: lat, Lon: lon}, nil
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
