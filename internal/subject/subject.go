// Package subject builds and reads bus subjects of the form taawun.<node>.<mode>.<kind…>, so
// that federation and exercises can select traffic by origin, mode and kind with NATS wildcards.
package subject

import (
	"errors"
	"fmt"
	"strings"

	"github.com/taawun/taawun/internal/mode"
)

// Root is the first token of every Taawun subject.
const Root = "taawun"

// ErrInvalid is returned for a subject or kind that does not follow the scheme.
var ErrInvalid = errors.New("subject: invalid")

// validKind reports whether kind is dot-separated lower-case words such as "org.created" or
// "alert.issued": words of a-z, 0-9 and _, each beginning with a letter. (Every recorded change
// names its subject, so this is checked byte by byte rather than with a regular expression.)
func validKind(kind string) bool {
	wordStart := true
	for i := 0; i < len(kind); i++ {
		c := kind[i]
		switch {
		case c >= 'a' && c <= 'z':
		case wordStart:
			return false
		case c >= '0' && c <= '9', c == '_':
		case c == '.':
			wordStart = true
			continue
		default:
			return false
		}
		wordStart = false
	}
	return len(kind) > 0 && !wordStart
}

// For returns the subject of an event of kind on node in mode m.
func For(node string, m mode.Mode, kind string) (string, error) {
	if !validKind(kind) {
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
	if !validKind(tokens[3]) {
		return Parts{}, fmt.Errorf("%w: kind in %q", ErrInvalid, s)
	}
	return Parts{Node: tokens[1], Mode: m, Kind: tokens[3]}, nil
}

// Filter returns a NATS subject filter for all events of node in mode m ("*" node for any).
func Filter(node string, m mode.Mode) string {
	return Root + "." + node + "." + m.String() + ".>"
}
