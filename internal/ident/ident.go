// Package ident makes the identifiers that let records travel between nodes without clashes:
// time-ordered UUIDv7 record ids and node ids of the form <country>-<name>.
package ident

import (
	"errors"
	"fmt"
	"regexp"

	"github.com/google/uuid"
)

// NewID returns a new UUIDv7 as a string. UUIDv7 ids sort by creation time, which keeps
// B-tree indexes compact and makes "newest first" cheap.
func NewID() string {
	return uuid.Must(uuid.NewV7()).String()
}

// ErrInvalidNodeID is returned for a node id that is not <iso2>-<name>.
var ErrInvalidNodeID = errors.New("ident: invalid node id")

// nodeIDPattern: a lower-case ISO 3166-1 alpha-2 country code, a dash and a short name. Node ids
// appear as a token in bus subjects, so dots, spaces and wildcards are excluded.
var nodeIDPattern = regexp.MustCompile(`^[a-z]{2}-[a-z0-9][a-z0-9-]{0,30}$`)

// CheckNodeID reports whether id is a valid node id such as "pk-ndma".
func CheckNodeID(id string) error {
	if !nodeIDPattern.MatchString(id) {
		return fmt.Errorf("%w: %q must be a lower-case ISO country code, '-', and a name of letters, digits and '-' (e.g. pk-ndma)", ErrInvalidNodeID, id)
	}
	return nil
}
