package xmltree

import (
	"encoding/binary"
	"testing"

	"pgregory.net/rapid"
)

// TestPlain8 checks the eight-bytes-at-a-time test against the byte
// table it shortcuts, on words mixing plain and special bytes.
func TestPlain8(t *testing.T) {
	for pos := range 8 {
		for c := range 256 {
			b := []byte("abcdefgh")
			b[pos] = byte(c)
			want := charClass[c] == charPlain && c != '\t' && c != '\n'
			if got := plain8(binary.LittleEndian.Uint64(b)); got != want {
				t.Fatalf("plain8(%q) = %v, want %v", b, got, want)
			}
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
		want := true
		for _, c := range b {
			if charClass[c] != charPlain || c == '\t' || c == '\n' {
				want = false
			}
		}
		if got := plain8(binary.LittleEndian.Uint64(b[:])); got != want {
			rt.Fatalf("plain8(%q) = %v, want %v", b, got, want)
		}
	})
}
