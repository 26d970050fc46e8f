package alert

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/taawun/taawun/internal/cap"
	"github.com/taawun/taawun/internal/geodata"
	"github.com/taawun/taawun/internal/geotarget"
)

// TestCheckParsesOnceForWithin: checking a content names the same problems as the check that
// parsed its areas without keeping them (checkOracle), and the jurisdiction check on the areas
// as check parsed them gives what it gives parsing them itself, error for error: for random
// warnings around Punjab and beyond, with polygons, circles and regions good and bad.
func TestCheckParsesOnceForWithin(t *testing.T) {
	ctx := context.Background()
	regions := geodata.LookupOr(nil)
	punjab, ok, err := geodata.RegionByCode("PK-PB")
	if err != nil || !ok {
		t.Fatalf("PK-PB: %v %v", ok, err)
	}
	juris, err := geotarget.NewTerritory(punjab.Geometry)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 8, 14, 3, 0, 0, 0, time.UTC)
	known := func(code string) bool { _, ok, _ := regions.Region(ctx, code); return ok }
	coordinate := func(t *rapid.T, label string, lo, hi float64) string {
		return strconv.FormatFloat(rapid.Float64Range(lo, hi).Draw(t, label), 'f', rapid.IntRange(0, 5).Draw(t, label+" decimals"), 64)
	}
	polygon := func(t *rapid.T, bad bool) string {
		switch rapid.IntRange(0, 5).Draw(t, "polygon kind") {
		case 0:
			if !bad {
				break
			}
			return rapid.SampledFrom([]string{"", "31,72 32,72 31,72", "31,72 32,72 32,73 31,73", "x", "91,72 32,72 32,73 91,72"}).Draw(t, "bad polygon")
		case 1: // a box in Punjab, written with any white space
			lat, lon := rapid.Float64Range(29, 33).Draw(t, "box lat"), rapid.Float64Range(70, 74.5).Draw(t, "box lon")
			return fmt.Sprintf("%g,%g\n %g,%g\t%g,%g  %g,%g %g,%g", lat, lon, lat+0.3, lon, lat+0.3, lon+0.3, lat, lon+0.3, lat, lon)
		}
		first := coordinate(t, "lat", 27, 35) + "," + coordinate(t, "lon", 68, 76)
		pts := []string{first}
		for range rapid.IntRange(2, 8).Draw(t, "vertices") {
			pts = append(pts, coordinate(t, "lat", 27, 35)+","+coordinate(t, "lon", 68, 76))
		}
		return strings.Join(append(pts, first), " ")
	}
	circle := func(t *rapid.T, bad bool) string {
		if bad && rapid.IntRange(0, 4).Draw(t, "bad circle") == 0 {
			return rapid.SampledFrom([]string{"", "31,72", "31,72 -1", "31;72 5"}).Draw(t, "circle")
		}
		return coordinate(t, "centre lat", 27, 35) + "," + coordinate(t, "centre lon", 68, 76) + " " + coordinate(t, "km", 0, 60)
	}
	rapid.Check(t, func(t *rapid.T) {
		// Most contents are sound but for their areas, so that their areas are checked
		// against the jurisdiction too.
		c := Content{Texts: map[string]Text{"en": {Headline: "Flood", Description: "Water rising."}, "ur": {Headline: "سیلاب", Description: "پانی چڑھ رہا ہے۔"}},
			Urgency: "Expected", Severity: "Severe", Certainty: "Likely", Expires: now.Add(time.Hour)}
		if rapid.IntRange(0, 3).Draw(t, "unsound") == 0 {
			c.Texts = map[string]Text{}
			for _, l := range rapid.SliceOfDistinct(rapid.SampledFrom([]string{"en", "ur", "ru", "fr"}), rapid.ID[string]).Draw(t, "languages") {
				c.Texts[l] = Text{Headline: rapid.SampledFrom([]string{"", " ", "Flood"}).Draw(t, "headline"), Description: "Water rising."}
			}
			c.Severity = rapid.SampledFrom(append(slices.Clone(severities), "severe")).Draw(t, "severity")
			c.Expires = now.Add(time.Duration(rapid.IntRange(-2, 48).Draw(t, "hours")) * time.Hour)
		}
		bad := rapid.IntRange(0, 3).Draw(t, "bad areas") == 0
		for range rapid.IntRange(0, 3).Draw(t, "areas") {
			a := Area{Desc: "Jhang"}
			if bad {
				a.Desc = rapid.SampledFrom([]string{"", "Jhang"}).Draw(t, "desc")
			}
			for range rapid.IntRange(0, 2).Draw(t, "polygons") {
				a.Polygons = append(a.Polygons, polygon(t, bad))
			}
			for range rapid.IntRange(0, 2).Draw(t, "circles") {
				a.Circles = append(a.Circles, circle(t, bad))
			}
			codes := []string{"PK-PB", "PK-IS", "PK-SD", "PK"}
			if bad {
				codes = append(codes, "XX-YY")
			}
			a.Regions = rapid.SliceOfN(rapid.SampledFrom(codes), 0, 2).Draw(t, "regions")
			c.Areas = append(c.Areas, a)
		}
		ps, parsed := c.check(now, known)
		if want := checkOracle(c, now, known); !reflect.DeepEqual(ps, want) {
			t.Fatalf("problems %v, oracle %v", ps, want)
		}
		if len(ps) > 0 {
			return
		}
		got, want := checkWithin(ctx, regions, c.Areas, parsed, juris, "PDMA Punjab"), checkWithin(ctx, regions, c.Areas, nil, juris, "PDMA Punjab")
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("within, parsed once: %v\nparsing again: %v", got, want)
		}
	})
}

// checkOracle is Content.Check as it was first written, parsing the areas and keeping nothing.
func checkOracle(c Content, now time.Time, regionKnown func(string) bool) Problems {
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
	for i, a := range c.Areas {
		field := fmt.Sprintf("areas[%d]", i)
		if strings.TrimSpace(a.Desc) == "" {
			add(field+".desc", "the area needs a description (place names)")
		}
		if len(a.Polygons)+len(a.Circles)+len(a.Regions) == 0 {
			add(field, "draw a polygon or circle or pick a district or province")
		}
		for j, p := range a.Polygons {
			if _, err := cap.ParsePolygon(p); err != nil {
				add(fmt.Sprintf("%s.polygons[%d]", field, j), "%v", err)
			}
		}
		for j, cc := range a.Circles {
			if _, err := cap.ParseCircle(cc); err != nil {
				add(fmt.Sprintf("%s.circles[%d]", field, j), "%v", err)
			}
		}
		for j, r := range a.Regions {
			if !regionKnown(r) {
				add(fmt.Sprintf("%s.regions[%d]", field, j), "region %q is not in the gazetteer", r)
			}
		}
	}
	return ps
}
