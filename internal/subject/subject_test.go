package subject

import (
	"errors"
	"regexp"
	"testing"

	"pgregory.net/rapid"

	"github.com/taawun/taawun/internal/mode"
)

func TestForAndParse(t *testing.T) {
	ex, _ := mode.Exercise("indus26")
	tests := []struct {
		node string
		m    mode.Mode
		kind string
		want string
	}{
		{"pk-ndma", mode.Live, "alert.issued", "taawun.pk-ndma.live.alert.issued"},
		{"kz-mchs", ex, "org.created", "taawun.kz-mchs.x-indus26.org.created"},
	}
	for _, tt := range tests {
		got, err := For(tt.node, tt.m, tt.kind)
		if err != nil || got != tt.want {
			t.Fatalf("For = %q, %v; want %q", got, err, tt.want)
		}
		p, err := Parse(got)
		if err != nil || p.Node != tt.node || p.Mode != tt.m || p.Kind != tt.kind {
			t.Fatalf("Parse(%q) = %+v, %v", got, p, err)
		}
	}
}

func TestRejects(t *testing.T) {
	if _, err := For("pk-ndma", mode.Live, "Alert Issued"); !errors.Is(err, ErrInvalid) {
		t.Errorf("bad kind accepted: %v", err)
	}
	if _, err := For("pk.ndma", mode.Live, "a"); !errors.Is(err, ErrInvalid) {
		t.Errorf("bad node accepted: %v", err)
	}
	for _, s := range []string{"nats.pk.live.a", "taawun.pk.sim.a", "taawun.pk.live"} {
		if _, err := Parse(s); !errors.Is(err, ErrInvalid) {
			t.Errorf("Parse(%q) accepted", s)
		}
	}
}

// TestValidKindMatchesPattern checks the byte-by-byte kind check against the regular expression
// that states the rule.
func TestValidKindMatchesPattern(t *testing.T) {
	pattern := regexp.MustCompile(`^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$`)
	for _, k := range []string{"", ".", "a", "a.", ".a", "a..b", "org.created", "alert.issued", "hazard.event.new", "x_1.y2", "1a", "a.1", "A", "a-b", "a.b_", "_a", "a._b", "é"} {
		if got, want := validKind(k), pattern.MatchString(k); got != want {
			t.Errorf("validKind(%q) = %v, want %v", k, got, want)
		}
	}
	rapid.Check(t, func(t *rapid.T) {
		k := rapid.StringMatching(`[a-z0-9_.A\-]{0,12}`).Draw(t, "kind")
		if got, want := validKind(k), pattern.MatchString(k); got != want {
			t.Fatalf("validKind(%q) = %v, want %v", k, got, want)
		}
	})
}
