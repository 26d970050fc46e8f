package cap

import (
	"context"
	"errors"
	"io"

	"github.com/taawun/taawun/internal/cap/xmltree"
)

// Check parses and validates one message. A document that cannot be
// parsed yields a nil Alert and a report with one error: RuleNotCAP when
// the root is not a CAP alert, RuleXML otherwise (malformed, DTD, limits).
func Check(ctx context.Context, r io.Reader, opts Options) (*Alert, Report) {
	a, err := Parse(r)
	if err != nil {
		return nil, ParseErrorReport(err, opts.Profile)
	}
	return a, Validate(ctx, a, opts)
}

// ParseErrorReport turns a parse error into a report with one error
// issue, positioned where the parser stopped when that is known.
func ParseErrorReport(err error, p Profile) Report {
	if p == "" {
		p = ProfileStrict
	}
	code := RuleXML
	if errors.Is(err, ErrNotCAP) {
		code = RuleNotCAP
	}
	var pos Position
	if xe := (*xmltree.Error)(nil); errors.As(err, &xe) {
		pos = xe.Pos
	}
	return Report{Profile: p, Issues: []Issue{{Code: code, Severity: SevError, Pos: pos, Message: err.Error()}}}
}
