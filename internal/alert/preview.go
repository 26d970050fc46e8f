package alert

import (
	"context"
	"errors"
	"fmt"

	"github.com/taawun/taawun/internal/auth"
	"github.com/taawun/taawun/internal/cap"
	"github.com/taawun/taawun/internal/geodata"
	"github.com/taawun/taawun/internal/store"
)

// Preview is what the composer shows while an officer writes: the problems that would stop the
// draft, the pk profile's findings on the CAP message it would make, and that message.
type Preview struct {
	Problems Problems
	Report   cap.Report
	// CAP is the message as it would be issued now; nil when the content is too broken to build.
	CAP *cap.Alert
}

// Preview checks a content without storing anything.
func (s *Service) Preview(ctx context.Context, p *auth.Principal, hazard, capStatus string, c Content) (Preview, error) {
	h, ok := HazardByCode(hazard)
	if !ok {
		return Preview{Problems: Problems{{Field: "hazard", Message: fmt.Sprintf("unknown hazard %q", hazard)}}}, nil
	}
	var pv Preview
	if err := checkStatus(ctx, capStatus); err != nil {
		pv.Problems = append(pv.Problems, Problem{Field: "cap_status", Message: err.Error()})
	}
	err := s.checkContent(ctx, p.Org, c)
	var ps Problems
	switch {
	case errors.As(err, &ps):
		pv.Problems = append(pv.Problems, ps...)
	case errors.Is(err, ErrOutsideJurisdiction), errors.Is(err, ErrInvalid), errors.Is(err, ErrForbidden):
		pv.Problems = append(pv.Problems, Problem{Field: "areas", Message: err.Error()})
	case err != nil:
		return Preview{}, err
	}
	for _, a := range c.Areas {
		if _, err := areaGeometry(ctx, s.regions(), a); err != nil {
			return pv, nil // the areas cannot be drawn; the problems say why
		}
	}
	schemes, err := s.schemes(ctx, c)
	if err != nil {
		return Preview{}, err
	}
	pv.CAP = buildCAP(message{identifier: "preview", sender: s.Sender(), sent: s.Clock.Now(), status: capStatus,
		msgType: store.KindAlert, hazard: h, content: c, org: p.Org, schemes: schemes})
	pv.Report = cap.Validate(ctx, pv.CAP, cap.Options{Profile: cap.ProfilePK, Resolver: geodata.Resolver{Lookup: s.regions()}})
	return pv, nil
}
