package cap

import (
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"

	"pgregory.net/rapid"
)

// TestParseDecimal requires parseDecimal to give exactly what
// strconv.ParseFloat gives, value and verdict, on coordinates and on
// strings that leave its fast path.
func TestParseDecimal(t *testing.T) {
	check := func(t interface{ Fatalf(string, ...any) }, s string) {
		got, gerr := parseDecimal(s)
		want, werr := strconv.ParseFloat(s, 64)
		if (gerr == nil) != (werr == nil) || math.Float64bits(got) != math.Float64bits(want) && !(math.IsNaN(got) && math.IsNaN(want)) {
			t.Fatalf("parseDecimal(%q) = %v, %v; strconv %v, %v", s, got, gerr, want, werr)
		}
	}
	for _, s := range []string{"0", "-0", "0.0", "-0.0", "12.5", "-12.345678", "90", "-180.000000", "123456789012345", "1234567890123456",
		"0.000000000000001", "1.", ".5", "-", "", "1e5", "+1", "1_0", "0x10", "inf", "NaN", "1.2.3", "--1", "１"} {
		check(t, s)
	}
	rapid.Check(t, func(rt *rapid.T) {
		check(rt, rapid.StringMatching(`-?[0-9]{0,12}(\.[0-9]{0,10})?`).Draw(rt, "s"))
	})
}

// TestNextField requires nextField to split like strings.Fields, also
// around Unicode white space and invalid UTF-8.
func TestNextField(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		parts := rapid.SliceOfN(rapid.SampledFrom([]string{"1,2", "-3.5,4", " ", "\t", "\n", "\r", "\v", "\f",
			"\u0085", "\u00a0", "\u2003", "\u3000", "é", "\xff", "x"}), 0, 20).Draw(rt, "parts")
		s := strings.Join(parts, "")
		var got []string
		for f, rest := nextField(s); f != ""; f, rest = nextField(rest) {
			got = append(got, f)
		}
		if want := strings.Fields(s); !slices.Equal(got, want) {
			rt.Fatalf("nextField splits %q into %q, strings.Fields into %q", s, got, want)
		}
	})
}
