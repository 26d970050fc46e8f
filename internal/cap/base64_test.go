package cap

import (
	"encoding/base64"
	"fmt"
	"strings"
	"testing"

	"pgregory.net/rapid"
)

func TestCheckBase64(t *testing.T) {
	for _, s := range []string{"", "QQ==", "QUI=", "QUJD", "QUJD\nREVG", " QU JD ", "SGVsbG8sIHdvcmxkIQ=="} {
		if err := checkBase64(s); err != nil {
			t.Errorf("%q: %v", s, err)
		}
		if _, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(s), "")); err != nil {
			t.Errorf("stdlib disagrees on %q", s)
		}
	}
	for _, s := range []string{"Q", "QQ=", "QQ===", "Q=Q=", "!!!!", "QUJD-", "QQ==QQ=="} {
		if err := checkBase64(s); err == nil {
			t.Errorf("%q accepted", s)
		}
	}
}

// checkBase64Bytewise is checkBase64 before its eight-byte fast path,
// kept as the oracle of TestCheckBase64FastPath.
func checkBase64Bytewise(s string) error {
	n, pad := 0, 0
	for i := 0; i < len(s); i++ {
		switch base64Class[s[i]] {
		case 1:
			if pad > 0 {
				return fmt.Errorf("data after padding at byte %d", i)
			}
		case 2:
			pad++
			if pad > 2 {
				return fmt.Errorf("too much padding at byte %d", i)
			}
		case 3:
			continue
		default:
			return fmt.Errorf("illegal character %q at byte %d", s[i], i)
		}
		n++
	}
	if n%4 != 0 {
		return fmt.Errorf("length %d is not a multiple of 4", n)
	}
	return nil
}

// TestCheckBase64FastPath requires the same verdict and message as the
// byte-by-byte check on random mixes of alphabet, padding, white space
// and stray bytes.
func TestCheckBase64FastPath(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		var b strings.Builder
		for range rapid.IntRange(0, 60).Draw(rt, "runs") {
			switch rapid.IntRange(0, 5).Draw(rt, "kind") {
			case 0:
				b.WriteString(rapid.SampledFrom([]string{"=", "==", "\n", "\r\n", " ", "\t", "-", "_", "\x00", "é"}).Draw(rt, "special"))
			default:
				b.WriteString(rapid.StringMatching(`[A-Za-z0-9+/]{0,12}`).Draw(rt, "alphabet"))
			}
		}
		s := b.String()
		got, want := fmt.Sprint(checkBase64(s)), fmt.Sprint(checkBase64Bytewise(s))
		if got != want {
			rt.Fatalf("checkBase64(%q) = %s, byte by byte %s", s, got, want)
		}
	})
}
