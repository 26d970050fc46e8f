package clock

import (
	"testing"
	"time"
)

func TestManualAdvances(t *testing.T) {
	start := time.Date(2026, 7, 1, 6, 0, 0, 0, time.UTC)
	m := NewManual(start)
	m.Advance(90 * time.Minute)
	if got, want := m.Now(), start.Add(90*time.Minute); !got.Equal(want) {
		t.Fatalf("Now = %v, want %v", got, want)
	}
}

func TestScaledRunsFasterAndPauses(t *testing.T) {
	base := NewManual(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	trialStart := time.Date(2030, 8, 15, 9, 0, 0, 0, time.UTC)
	s := NewScaled(base, trialStart, 10)
	base.Advance(time.Minute)
	if got, want := s.Now(), trialStart.Add(10*time.Minute); !got.Equal(want) {
		t.Fatalf("after 1 real minute at 10x: %v, want %v", got, want)
	}
	s.SetSpeed(0)
	base.Advance(time.Hour)
	if got, want := s.Now(), trialStart.Add(10*time.Minute); !got.Equal(want) {
		t.Fatalf("paused clock moved: %v, want %v", got, want)
	}
	s.SetSpeed(1)
	base.Advance(time.Minute)
	if got, want := s.Now(), trialStart.Add(11*time.Minute); !got.Equal(want) {
		t.Fatalf("resumed clock: %v, want %v", got, want)
	}
}
