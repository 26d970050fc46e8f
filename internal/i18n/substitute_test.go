package i18n

import (
	"fmt"
	"strings"
	"testing"

	"pgregory.net/rapid"
)

// named is a string type with a String method, which fmt calls and substitute must not bypass.
type named string

func (n named) String() string { return "named:" + string(n) }

// TestSubstituteIsSprintf: where substitute formats a message, it writes what fmt.Sprintf
// writes, for random messages made of text in every script, %s and %[n]s verbs, other verbs,
// stray and doubled percent signs and bad indexes, with random arguments of several types,
// too few or too many; and it formats the sentences of the catalogues that only place strings.
func TestSubstituteIsSprintf(t *testing.T) {
	pieces := []string{"a", " ", "زلزلہ", "Землетрясение", "地震", "\u2028", "\xff", "[", "]", "s", "1",
		"%s", "%s", "%[1]s", "%[2]s", "%[3]s", "%[9]s", "%[0]s", "%[10]s", "%[1]d", "%d", "%v", "%%", "%", "%[", "%[1", "%[1]", "%-5s", "%.2f"}
	rapid.Check(t, func(t *rapid.T) {
		var msg strings.Builder
		for _, i := range rapid.SliceOfN(rapid.IntRange(0, len(pieces)-1), 0, 10).Draw(t, "pieces") {
			msg.WriteString(pieces[i])
		}
		args := make([]any, rapid.IntRange(1, 4).Draw(t, "arguments"))
		for i := range args {
			switch rapid.IntRange(0, 5).Draw(t, "kind") {
			case 0:
				args[i] = 42
			case 1:
				args[i] = named("x")
			case 2:
				args[i] = 1.5
			default:
				args[i] = rapid.SampledFrom(pieces).Draw(t, "argument")
			}
		}
		if got, ok := substitute(msg.String(), args); ok {
			if want := fmt.Sprintf(msg.String(), args...); got != want {
				t.Fatalf("substitute(%q, %q) = %q, fmt.Sprintf %q", msg.String(), args, got, want)
			}
		}
	})
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	formatted := 0
	for l, msgs := range c.messages {
		for key, msg := range msgs {
			args := []any{"один", "二", "تین", "four", "5", "six", "7", "8", "9"}
			if n := strings.Count(msg, "%s"); n > 0 {
				args = args[:n]
			}
			if got, ok := substitute(msg, args); ok {
				formatted++
				if want := fmt.Sprintf(msg, args...); got != want {
					t.Errorf("%s %s: substitute %q, fmt.Sprintf %q", l, key, got, want)
				}
			}
		}
	}
	if formatted == 0 {
		t.Error("substitute formatted no sentence of the catalogues")
	}
}

// BenchmarkT formats the longest sentence of a drafted earthquake warning, in Urdu, by the
// catalogue and by fmt.Sprintf.
func BenchmarkT(b *testing.B) {
	c, err := Load()
	if err != nil {
		b.Fatal(err)
	}
	args := []any{"6.5", "15", "2026-08-14 03:00", "Khalabat سے 5 کلومیٹر", "VII", "8,160,658", "زرد"}
	b.Run("catalogue", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			c.T(Urdu, "hazards.draft.quake", args...)
		}
	})
	b.Run("fmt.Sprintf", func(b *testing.B) {
		msg := c.messages[Urdu]["hazards.draft.quake"]
		b.ReportAllocs()
		for b.Loop() {
			_ = fmt.Sprintf(msg, args...)
		}
	})
}
