package xmltree

import (
	"encoding/binary"
	"math/bits"
	"testing"

	"pgregory.net/rapid"
)

// plainByte is the byte table special8 shortcuts: plain bytes are those
// of class charPlain other than tab.
func plainByte(c byte) bool { return charClass[c] == charPlain && c != '\t' }

// checkSpecial8 requires special8(b) to be zero exactly when every byte
// of b is plain, and its lowest bit set to mark the first byte that is
// not.
func checkSpecial8(t interface{ Fatalf(string, ...any) }, b [8]byte) {
	first := -1
	for i, c := range b {
		if !plainByte(c) {
			first = i
			break
		}
	}
	got := special8(binary.LittleEndian.Uint64(b[:]))
	switch {
	case first < 0 && got != 0:
		t.Fatalf("special8(%q) = %#x, want 0", b, got)
	case first >= 0 && (got == 0 || bits.TrailingZeros64(got)/8 != first):
		t.Fatalf("special8(%q) = %#x, want the lowest mark on byte %d", b, got, first)
	}
}

// TestSpecial8 checks the eight-bytes-at-a-time test against the byte
// table it shortcuts, exhaustively for one special byte at each place,
// then on words mixing plain and special bytes.
func TestSpecial8(t *testing.T) {
	for pos := range 8 {
		for c := range 256 {
			b := [8]byte{'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'}
			b[pos] = byte(c)
			checkSpecial8(t, b)
		}
	}
	special := []byte{0, 1, '\t', '\n', '\r', 0x1f, '&', ']', 0x7f, 0x80, 0xc3, 0xff, ' ', '%', '\'', '^', '\\', '[', '\''}
	rapid.Check(t, func(rt *rapid.T) {
		var b [8]byte
		for i := range b {
			if rapid.Bool().Draw(rt, "special") {
				b[i] = rapid.SampledFrom(special).Draw(rt, "b")
			} else {
				b[i] = rapid.Byte().Draw(rt, "b")
			}
		}
		checkSpecial8(rt, b)
	})
}
