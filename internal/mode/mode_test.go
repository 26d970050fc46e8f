package mode

import (
	"context"
	"errors"
	"testing"
)

func TestParseRoundTrip(t *testing.T) {
	ex, err := Exercise("indus-2026")
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range []Mode{Live, ex} {
		got, err := Parse(m.String())
		if err != nil || got != m {
			t.Fatalf("Parse(%q) = %v, %v; want %v", m.String(), got, err, m)
		}
	}
}

func TestParseRejects(t *testing.T) {
	for _, s := range []string{"", "LIVE", "x-", "x-a.b", "x-a b", "exercise"} {
		if _, err := Parse(s); !errors.Is(err, ErrInvalid) {
			t.Errorf("Parse(%q) err = %v, want ErrInvalid", s, err)
		}
	}
}

func TestContextDefaultsToLive(t *testing.T) {
	if !From(context.Background()).IsLive() {
		t.Fatal("empty context is not live")
	}
	ex, _ := Exercise("e1")
	if got := From(With(context.Background(), ex)); got != ex {
		t.Fatalf("From = %v, want %v", got, ex)
	}
}
