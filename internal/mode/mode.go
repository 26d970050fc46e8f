// Package mode marks every record and event as live or as belonging to one exercise.
//
// A Mode travels in the context of a request and in every stored row and bus subject, so that
// reads can filter by it and the outbound dispatcher can refuse to let an exercise reach the
// public. The zero Mode is live.
package mode

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
)

// Mode is either live or the id of an exercise.
type Mode struct {
	exercise string
}

// Live is the mode of real-world operations.
var Live = Mode{}

// ErrInvalid is returned for a mode string that is neither "live" nor "x-<exercise id>".
var ErrInvalid = errors.New("mode: invalid")

// exerciseID restricts exercise ids to characters that are safe in a NATS subject token and a URL.
var exerciseID = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

// Exercise returns the mode of the exercise with the given id.
func Exercise(id string) (Mode, error) {
	if !exerciseID.MatchString(id) {
		return Mode{}, fmt.Errorf("%w: exercise id %q must be 1-64 letters, digits, '-' or '_'", ErrInvalid, id)
	}
	return Mode{exercise: id}, nil
}

// IsLive reports whether m is live.
func (m Mode) IsLive() bool { return m.exercise == "" }

// ExerciseID returns the exercise id, or "" when live.
func (m Mode) ExerciseID() string { return m.exercise }

// String returns "live" or "x-<exercise id>"; this is the form stored in rows and used as the
// mode token of bus subjects.
func (m Mode) String() string {
	if m.IsLive() {
		return "live"
	}
	return "x-" + m.exercise
}

// Parse reads the form written by String.
func Parse(s string) (Mode, error) {
	if s == "live" {
		return Live, nil
	}
	if id, ok := strings.CutPrefix(s, "x-"); ok {
		return Exercise(id)
	}
	return Mode{}, fmt.Errorf("%w: %q is neither \"live\" nor \"x-<exercise id>\"", ErrInvalid, s)
}

type ctxKey struct{}

// With returns a context that carries m.
func With(ctx context.Context, m Mode) context.Context {
	return context.WithValue(ctx, ctxKey{}, m)
}

// From returns the mode carried by ctx, live when none is.
func From(ctx context.Context) Mode {
	m, _ := ctx.Value(ctxKey{}).(Mode)
	return m
}
