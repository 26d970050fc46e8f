package xmltree

import (
	"encoding/binary"
	"testing"

	"pgregory.net/rapid"
)

// TestCountLines checks the eight-bytes-at-a-time line count against a
// byte walk, on stretches of every length up to past the switch to
// bytes.Count, dense in line feeds and bytes next to it in value.
func TestCountLines(t *testing.T) {
	for c := range 256 {
		for at := range 8 {
			b := []byte("abcdefgh")
			b[at] = byte(c)
			want := uint64(0)
			if c == '\n' {
				want = 0x80 << (8 * at)
			}
			if got := newlines8(binary.LittleEndian.Uint64(b)); got != want {
				t.Fatalf("newlines8(%q) = %#x, want %#x", b, got, want)
			}
		}
	}
	rapid.Check(t, func(rt *rapid.T) {
		b := rapid.SliceOfN(rapid.SampledFrom([]byte{'\n', '\n', 'a', ' ', '\t', '\r', 0x0b, 0x09, 0x8a, 0x00, 0xff, 0x7f}), 0, 300).Draw(rt, "b")
		wantN, wantLast := 0, 0
		for i, c := range b {
			if c == '\n' {
				wantN, wantLast = wantN+1, i
			}
		}
		if n, last := countLines(b); n != wantN || (n > 0 && last != wantLast) {
			rt.Fatalf("countLines(%q) = %d, %d; want %d, %d", b, n, last, wantN, wantLast)
		}
	})
}
