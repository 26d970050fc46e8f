package alert

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/taawun/taawun/internal/cap"
	"github.com/taawun/taawun/internal/cap/capgeo"
)

// Languages a warning may be written in; English and Urdu are required.
var (
	RequiredLanguages = []string{"en", "ur"}
	OptionalLanguages = []string{"ru", "zh"}
)

// Text is the wording of a warning in one language.
type Text struct {
	Headline    string `json:"headline"`
	Description string `json:"description"`
	Instruction string `json:"instruction"`
	// AreaDesc names the area in this language; the English one is used when empty.
	AreaDesc string `json:"area_desc,omitempty"`
}

// Area is one CAP area: polygons ("lat,lon lat,lon …") and circles ("lat,lon radius-km") as CAP
// writes them, and region geocodes (ISO 3166-2 provinces or ISO 3166-1 countries).
type Area struct {
	Desc     string   `json:"desc"`
	Polygons []string `json:"polygons,omitempty"`
	Circles  []string `json:"circles,omitempty"`
	Regions  []string `json:"regions,omitempty"`
}

// Content is what an officer writes; a version stores it as JSON.
type Content struct {
	Texts         map[string]Text `json:"texts"`
	Urgency       string          `json:"urgency"`
	Severity      string          `json:"severity"`
	Certainty     string          `json:"certainty"`
	ResponseTypes []string        `json:"response_types,omitempty"`
	Onset         time.Time       `json:"onset,omitzero"`
	Expires       time.Time       `json:"expires"`
	Areas         []Area          `json:"areas"`
	Web           string          `json:"web,omitempty"`
	Contact       string          `json:"contact,omitempty"`
	// Note explains an update or cancellation (CAP note).
	Note string `json:"note,omitempty"`
}

// ErrInvalid wraps every problem with a warning's content; the message names the field.
var ErrInvalid = errors.New("alert: invalid")

// Problem is one thing wrong with a content, named by field so forms can show it in place.
type Problem struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// Problems collects a content's problems.
type Problems []Problem

func (p Problems) Error() string {
	parts := make([]string, len(p))
	for i, x := range p {
		parts[i] = x.Field + ": " + x.Message
	}
	return "alert: invalid: " + strings.Join(parts, "; ")
}

// Unwrap lets errors.Is(err, ErrInvalid) match.
func (p Problems) Unwrap() error { return ErrInvalid }

var (
	urgencies   = []string{"Immediate", "Expected", "Future", "Past", "Unknown"}
	severities  = []string{"Extreme", "Severe", "Moderate", "Minor", "Unknown"}
	certainties = []string{"Observed", "Likely", "Possible", "Unlikely", "Unknown"}
	responses   = []string{"Shelter", "Evacuate", "Prepare", "Execute", "Avoid", "Monitor", "Assess", "AllClear", "None"}
)

// Check returns the problems of c for a warning issued at now; regionKnown tells whether a
// region code exists.
func (c Content) Check(now time.Time, regionKnown func(string) bool) Problems {
	ps, _ := c.check(now, regionKnown)
	return ps
}

// check is Check, also returning each area's polygons and circles as it parsed them, so that
// checkWithin does not parse them again.
func (c Content) check(now time.Time, regionKnown func(string) bool) (Problems, []shapes) {
	var ps Problems
	add := func(field, format string, args ...any) { ps = append(ps, Problem{field, fmt.Sprintf(format, args...)}) }
	for _, l := range RequiredLanguages {
		t := c.Texts[l]
		if strings.TrimSpace(t.Headline) == "" {
			add("texts."+l+".headline", "a headline in %s is required", l)
		}
		if strings.TrimSpace(t.Description) == "" {
			add("texts."+l+".description", "a description in %s is required", l)
		}
	}
	for l := range c.Texts {
		if !slices.Contains(RequiredLanguages, l) && !slices.Contains(OptionalLanguages, l) {
			add("texts."+l, "language %q is not one of en, ur, ru, zh", l)
		}
	}
	if !slices.Contains(urgencies, c.Urgency) {
		add("urgency", "%q is not a CAP urgency (%s)", c.Urgency, strings.Join(urgencies, ", "))
	}
	if !slices.Contains(severities, c.Severity) {
		add("severity", "%q is not a CAP severity (%s)", c.Severity, strings.Join(severities, ", "))
	}
	if !slices.Contains(certainties, c.Certainty) {
		add("certainty", "%q is not a CAP certainty (%s)", c.Certainty, strings.Join(certainties, ", "))
	}
	for _, r := range c.ResponseTypes {
		if !slices.Contains(responses, r) {
			add("response_types", "%q is not a CAP response type", r)
		}
	}
	switch {
	case c.Expires.IsZero():
		add("expires", "an expiry time is required")
	case !c.Expires.After(now):
		add("expires", "expiry %s is not in the future", c.Expires.UTC().Format(time.RFC3339))
	case !c.Onset.IsZero() && !c.Expires.After(c.Onset):
		add("expires", "expiry is not after the onset")
	}
	if len(c.Areas) == 0 {
		add("areas", "at least one area is required")
	}
	parsed := make([]shapes, len(c.Areas))
	for i, a := range c.Areas {
		// The field is named only for a problem: most areas have none.
		field := func() string { return "areas[" + strconv.Itoa(i) + "]" }
		if strings.TrimSpace(a.Desc) == "" {
			add(field()+".desc", "the area needs a description (place names)")
		}
		if len(a.Polygons)+len(a.Circles)+len(a.Regions) == 0 {
			add(field(), "draw a polygon or circle or pick a district or province")
		}
		sh := &parsed[i]
		for j, p := range a.Polygons {
			poly, err := capgeo.Polygon(p)
			if err != nil {
				add(fmt.Sprintf("%s.polygons[%d]", field(), j), "%v", err)
			}
			sh.polygons = append(sh.polygons, poly)
		}
		for j, cc := range a.Circles {
			circle, err := cap.ParseCircle(cc)
			if err != nil {
				add(fmt.Sprintf("%s.circles[%d]", field(), j), "%v", err)
			}
			sh.circles = append(sh.circles, circle)
		}
		for j, r := range a.Regions {
			if !regionKnown(r) {
				add(fmt.Sprintf("%s.regions[%d]", field(), j), "region %q is not in the gazetteer", r)
			}
		}
	}
	return ps, parsed
}
