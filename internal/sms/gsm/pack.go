package gsm

import (
	"errors"
	"fmt"
)

// ErrShortPacked reports packed input too short for the number of septets asked for.
var ErrShortPacked = errors.New("gsm: packed data too short")

// Pack packs septets (values 0..0x7F) eight to seven octets, least significant bit first, as
// they travel over the air. Bits above the seventh are ignored.
func Pack(septets []byte) []byte {
	out := make([]byte, (len(septets)*7+7)/8)
	for i, s := range septets {
		bit := i * 7
		idx, shift := bit/8, uint(bit%8)
		v := uint16(s&0x7F) << shift
		out[idx] |= byte(v)
		if shift > 1 {
			out[idx+1] |= byte(v >> 8)
		}
	}
	return out
}

// Unpack returns the first n septets of packed data, one per byte.
func Unpack(packed []byte, n int) ([]byte, error) {
	if n < 0 || (n*7+7)/8 > len(packed) {
		return nil, fmt.Errorf("gsm: unpack %d septets from %d octets: %w", n, len(packed), ErrShortPacked)
	}
	out := make([]byte, n)
	for i := range out {
		bit := i * 7
		idx, shift := bit/8, uint(bit%8)
		v := uint16(packed[idx])
		if idx+1 < len(packed) {
			v |= uint16(packed[idx+1]) << 8
		}
		out[i] = byte(v>>shift) & 0x7F
	}
	return out, nil
}
