// Package subject builds and reads bus subjects of the form taawun.<node>.<mode>.<kind…>, so
// that federation and exercises can select traffic by origin, mode and kind with NATS wildcards.
package subject

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/taawun/taawun/internal/mode"
)

// Root is the first token of every Taawun subject.
const Root = "taawun"

// ErrInvalid is returned for a subject or kind that does not follow the scheme.
var ErrInvalid = errors.New("subject: invalid")

// kindPattern: dot-separated lower-case words such as "org.created" or "alert.issued".
var kindPattern = regexp.MustCompile(`^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$`)

// For returns the subject of an event of kind on node in mode m.
func For(node string, m mode.Mode, kind string) (string, error) {
	if !kindPattern.MatchString(kind) {
		return "", fmt.Errorf("%w: kind %q must be dot-separated lower-case words", ErrInvalid, kind)
	}
	if node == "" || strings.ContainsAny(node, ".*> \t") {
		return "", fmt.Errorf("%w: node %q", ErrInvalid, node)
	}
	return Root + "." + node + "." + m.String() + "." + kind, nil
}

// Parts is a subject taken apart.
type Parts struct {
	Node string
	Mode mode.Mode
	Kind string
}

// Parse takes a subject made by For apart.
func Parse(s string) (Parts, error) {
	tokens := strings.SplitN(s, ".", 4)
	if len(tokens) != 4 || tokens[0] != Root {
		return Parts{}, fmt.Errorf("%w: %q is not taawun.<node>.<mode>.<kind>", ErrInvalid, s)
	}
	m, err := mode.Parse(tokens[2])
	if err != nil {
		return Parts{}, fmt.Errorf("%w: %q: %w", ErrInvalid, s, err)
	}
	if !kindPattern.MatchString(tokens[3]) {
		return Parts{}, fmt.Errorf("%w: kind in %q", ErrInvalid, s)
	}
	return Parts{Node: tokens[1], Mode: m, Kind: tokens[3]}, nil
}

// Filter returns a NATS subject filter for all events of node in mode m ("*" node for any).
func Filter(node string, m mode.Mode) string {
	return Root + "." + node + "." + m.String() + ".>"
}
