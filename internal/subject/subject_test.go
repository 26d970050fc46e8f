package subject

import (
	"errors"
	"testing"

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
