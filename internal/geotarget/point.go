package geotarget

import (
	"errors"
	"fmt"
	"math"
)

// ErrInvalidPoint is wrapped by errors for a latitude outside [-90, 90], a
// longitude outside [-180, 180], or a NaN.
var ErrInvalidPoint = errors.New("invalid point")

// Point is a location in degrees (WGS 84 latitude and longitude).
type Point struct {
	Lat, Lon float64
}

func (p Point) validate() error {
	if !(p.Lat >= -90 && p.Lat <= 90) || !(p.Lon >= -180 && p.Lon <= 180) {
		return fmt.Errorf("geotarget: point (%v, %v): %w", p.Lat, p.Lon, ErrInvalidPoint)
	}
	return nil
}

// fixedScale is the number of fixed-point units per degree.
const fixedScale = 1e7

// bias shifts a signed fixed-point coordinate into uint32, so that the
// unsigned order of the key follows the order of the coordinate.
const bias = 1 << 31

// fixed returns the stored (rounded) fixed-point coordinates of p.
func fixed(p Point) (lat, lon int32) {
	return int32(math.Round(p.Lat * fixedScale)), int32(math.Round(p.Lon * fixedScale))
}

// degrees converts one fixed-point coordinate back to degrees. Division (not
// multiplication by 1e-7) is correctly rounded, so the result is the same
// float64 as parsing the 7-decimal text of the coordinate: the index and a
// database fed that text see the same numbers.
func degrees(v int32) float64 { return float64(v) / fixedScale }

// unbiasedDegrees converts a biased key coordinate to degrees.
func unbiasedDegrees(u uint32) float64 { return float64(int64(u)-bias) / fixedScale }

// keyOf returns the Morton key of p: longitude in the even bits, latitude in
// the odd bits.
func keyOf(p Point) uint64 {
	lat, lon := fixed(p)
	return interleave(uint32(int64(lon)+bias), uint32(int64(lat)+bias))
}

// pointOf returns the stored coordinates of a key in degrees.
func pointOf(k uint64) (lat, lon float64) {
	x, y := deinterleave(k)
	return unbiasedDegrees(y), unbiasedDegrees(x)
}

func spread(v uint32) uint64 {
	x := uint64(v)
	x = (x | x<<16) & 0x0000FFFF0000FFFF
	x = (x | x<<8) & 0x00FF00FF00FF00FF
	x = (x | x<<4) & 0x0F0F0F0F0F0F0F0F
	x = (x | x<<2) & 0x3333333333333333
	x = (x | x<<1) & 0x5555555555555555
	return x
}

func compact(x uint64) uint32 {
	x &= 0x5555555555555555
	x = (x | x>>1) & 0x3333333333333333
	x = (x | x>>2) & 0x0F0F0F0F0F0F0F0F
	x = (x | x>>4) & 0x00FF00FF00FF00FF
	x = (x | x>>8) & 0x0000FFFF0000FFFF
	x = (x | x>>16) & 0x00000000FFFFFFFF
	return uint32(x)
}

func interleave(x, y uint32) uint64 { return spread(x) | spread(y)<<1 }

func deinterleave(k uint64) (x, y uint32) { return compact(k), compact(k >> 1) }
