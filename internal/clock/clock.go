// Package clock gives domain code the time through an interface, so that exercises can run on
// an accelerated or paused clock and tests are deterministic. Domain code never calls time.Now.
package clock

import (
	"sync"
	"time"
)

// Clock tells the current time.
type Clock interface {
	Now() time.Time
}

// System is the wall clock, in UTC.
type System struct{}

// Now returns the current wall-clock time in UTC.
func (System) Now() time.Time { return time.Now().UTC() }

// Manual is a clock that moves only when told to. It is safe for concurrent use.
type Manual struct {
	mu  sync.Mutex
	now time.Time
}

// NewManual returns a manual clock reading t.
func NewManual(t time.Time) *Manual { return &Manual{now: t.UTC()} }

// Now returns the clock's current reading.
func (m *Manual) Now() time.Time {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.now
}

// Advance moves the clock forward by d.
func (m *Manual) Advance(d time.Duration) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.now = m.now.Add(d)
}

// Set moves the clock to t.
func (m *Manual) Set(t time.Time) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.now = t.UTC()
}

// Scaled is an exercise clock: it starts at a chosen trial time and runs at a multiple of real
// time, and can be paused. Real time is read from the base clock.
type Scaled struct {
	mu        sync.Mutex
	base      Clock
	anchor    time.Time // base time at the last rescale
	trialTime time.Time // trial time at anchor
	speed     float64   // 0 means paused
}

// NewScaled returns a clock that reads start now and advances speed times as fast as base.
func NewScaled(base Clock, start time.Time, speed float64) *Scaled {
	return &Scaled{base: base, anchor: base.Now(), trialTime: start.UTC(), speed: speed}
}

// Now returns the current trial time.
func (s *Scaled) Now() time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.nowLocked()
}

func (s *Scaled) nowLocked() time.Time {
	elapsed := s.base.Now().Sub(s.anchor)
	return s.trialTime.Add(time.Duration(float64(elapsed) * s.speed))
}

// SetSpeed changes the rate; 0 pauses the clock. The trial time does not jump.
func (s *Scaled) SetSpeed(speed float64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.trialTime = s.nowLocked()
	s.anchor = s.base.Now()
	s.speed = speed
}
