package cap

import (
	"fmt"
	"regexp"
	"testing"
	"time"

	"pgregory.net/rapid"
)

// The regular expressions that isDateTimeForm and isLanguageTag replace,
// kept as their oracles.
var (
	dateTimeOracle = regexp.MustCompile(`^\d\d\d\d-\d\d-\d\dT\d\d:\d\d:\d\d[-+]\d\d:\d\d$`)
	languageOracle = regexp.MustCompile(`^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$`)
)

// TestFormatMatchers requires the hand-written matchers to agree with
// the regular expressions on strings near and far from the forms.
func TestFormatMatchers(t *testing.T) {
	for _, s := range []string{"", "2024-01-02T03:04:05+05:00", "2024-01-02T03:04:05-00:00", "2024-01-02T03:04:05Z",
		"2024-01-02T03:04:05+05:00\n", " 2024-01-02T03:04:05+05:00", "2024-01-02T03:04:05.1+05:00", "२०२४-01-02T03:04:05+05:00",
		"en", "en-US", "ur-PK", "zh-Hans-CN", "x-klingon", "en-", "-en", "en--US", "e1", "abcdefghi", "en-123456789", "en_US", "é"} {
		if got, want := isDateTimeForm(s), dateTimeOracle.MatchString(s); got != want {
			t.Errorf("isDateTimeForm(%q) = %v, regexp %v", s, got, want)
		}
		if got, want := isLanguageTag(s), languageOracle.MatchString(s); got != want {
			t.Errorf("isLanguageTag(%q) = %v, regexp %v", s, got, want)
		}
	}
	rapid.Check(t, func(rt *rapid.T) {
		// A valid date-time with one byte changed, or anything.
		dt := []byte("2024-01-02T03:04:05+05:00")
		dt[rapid.IntRange(0, len(dt)-1).Draw(rt, "at")] = rapid.SampledFrom([]byte("0129-+:TZ x")).Draw(rt, "to")
		if rapid.Bool().Draw(rt, "free") {
			dt = []byte(rapid.StringMatching(`[0-9]{3,5}[-+:T0-9]{0,3}[0-9]{1,3}[-:T+Z ]?[0-9-+:T]{0,16}`).Draw(rt, "dt"))
		}
		if got, want := isDateTimeForm(string(dt)), dateTimeOracle.Match(dt); got != want {
			rt.Fatalf("isDateTimeForm(%q) = %v, regexp %v", dt, got, want)
		}
		lang := rapid.StringMatching(`[A-Za-z0-9_ -]{0,20}`).Draw(rt, "lang")
		if got, want := isLanguageTag(lang), languageOracle.MatchString(lang); got != want {
			rt.Fatalf("isLanguageTag(%q) = %v, regexp %v", lang, got, want)
		}
	})
}

// TestParseDateTime requires parseDateTime to refuse what time.Parse
// refuses and to return the same instant otherwise, on date-times of the
// CAP form with random (also out of range) numbers.
func TestParseDateTime(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		two := func(label string, max int) int { return rapid.IntRange(0, max).Draw(rt, label) }
		s := fmt.Sprintf("%04d-%02d-%02dT%02d:%02d:%02d%s%02d:%02d", rapid.IntRange(0, 9999).Draw(rt, "year"),
			two("month", 13), two("day", 32), two("hour", 25), two("minute", 61), two("second", 61),
			rapid.SampledFrom([]string{"+", "-"}).Draw(rt, "sign"), two("zoneHour", 26), two("zoneMinute", 62))
		if rapid.Bool().Draw(rt, "leap day") {
			s = fmt.Sprintf("%04d-02-29T12:00:00+05:00", rapid.IntRange(0, 9999).Draw(rt, "leap year"))
		}
		if !isDateTimeForm(s) {
			rt.Fatalf("%q is not of the form", s)
		}
		got, ok := parseDateTime(s)
		want, err := time.Parse("2006-01-02T15:04:05-07:00", s)
		if ok != (err == nil) || ok && !got.Equal(want) {
			rt.Fatalf("parseDateTime(%q) = %v, %v; time.Parse %v, %v", s, got, ok, want, err)
		}
	})
}
