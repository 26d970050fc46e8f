package cap

import (
	"context"
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"

	"pgregory.net/rapid"
)

// samePolygonParse fails unless ParsePolygon, with its one-pass path for plain polygons, gives
// what the general field-by-field parser gives: the same points bit for bit, or the same error.
func samePolygonParse(t interface{ Fatalf(string, ...any) }, s string) {
	got, gerr := ParsePolygon(s)
	want, werr := parsePolygonFields(strings.TrimSpace(s))
	if (gerr == nil) != (werr == nil) || gerr != nil && gerr.Error() != werr.Error() {
		t.Fatalf("ParsePolygon(%q): error %v, the general parser's %v", s, gerr, werr)
	}
	if !slices.EqualFunc(got, want, func(a, b Point) bool {
		return math.Float64bits(a.Lat) == math.Float64bits(b.Lat) && math.Float64bits(a.Lon) == math.Float64bits(b.Lon)
	}) {
		t.Fatalf("ParsePolygon(%q) = %v, the general parser %v", s, got, want)
	}
}

// TestParsePolygonPlainPathMatchesFields: polygons written as CAP writers write them, and the
// same with the small faults and variations that must leave the one-pass path (other white
// space, exponents, signs, long mantissas, out of range, unclosed, too few points), parse as the
// general parser parses them.
func TestParsePolygonPlainPathMatchesFields(t *testing.T) {
	for _, s := range []string{"", " ", "1,1 2,2 3,3 1,1", "1,1 2,2 1,1", " 1,1 2,2 3,3 1,1 ", "1,1  2,2 3,3 1,1", "1,1\t2,2 3,3 1,1",
		"1,1 2,2 3,3 1,2", "91,1 2,2 3,3 91,1", "1,181 2,2 3,3 1,181", "1,1 2,2 3,3 1,1,", "1,1 2,2 ,3 1,1", "1,1 2,2 3, 1,1",
		"1.,1 2,2 3,3 1.,1", ".5,1 2,2 3,3 .5,1", "+1,1 2,2 3,3 +1,1", "1e1,1 2,2 3,3 1e1,1", "-0,-0 2,2 3,3 -0,-0", "1,1 2,2 3,3 0x1,1",
		"1.0000000000000001,1 2,2 3,3 1.0000000000000001,1", "1,1\u00a02,2 3,3 1,1", "1,1 2,2 3,3 1,1\u2003", "1,1 2..2,2 3,3 1,1", "--1,1 2,2 3,3 --1,1",
		"NaN,1 2,2 3,3 NaN,1", "1,1 2,2 3,3 1,1 "} {
		samePolygonParse(t, s)
	}
	coordinate := func(t *rapid.T, label string, limit float64) string {
		v := rapid.Float64Range(-limit-1, limit+1).Draw(t, label)
		switch rapid.IntRange(0, 9).Draw(t, label+" form") {
		case 0:
			return strconv.FormatFloat(v, 'g', -1, 64)
		case 1:
			return strconv.FormatFloat(v, 'e', 3, 64)
		case 2:
			return rapid.StringMatching(`[-+]?[0-9]{0,17}\.?[0-9]{0,3}`).Draw(t, label+" digits")
		default:
			return strconv.FormatFloat(v, 'f', rapid.IntRange(0, 8).Draw(t, label+" decimals"), 64)
		}
	}
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(0, 12).Draw(t, "points")
		var pairs []string
		for range n {
			pairs = append(pairs, coordinate(t, "lat", 90)+","+coordinate(t, "lon", 180))
		}
		if n > 0 && rapid.IntRange(0, 3).Draw(t, "closed") > 0 {
			pairs = append(pairs, pairs[0])
		}
		sep := rapid.SampledFrom([]string{" ", " ", " ", "  ", "\t", "\n", "\u00a0", " ,"}).Draw(t, "separator")
		s := strings.Join(pairs, sep)
		if rapid.IntRange(0, 5).Draw(t, "padded") == 0 {
			s = " " + s + "\n"
		}
		samePolygonParse(t, s)
	})
}

// FuzzParsePolygon: on any input the one-pass path agrees with the general parser.
func FuzzParsePolygon(f *testing.F) {
	for _, s := range []string{"33.5,73.1 33.6,73.2 33.4,73.3 33.5,73.1", "1,1 2,2 3,3 1,1", "1,1\t2,2 3,3 1,1", "-0.0001,179.9999 1,1 2,2 -0.0001,179.9999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) { samePolygonParse(t, s) })
}

// TestRepeatedPolygonReportedInEveryInfo: a polygon repeated in every language's info is
// parsed and swept once, and its fault is still reported at each place it occurs.
func TestRepeatedPolygonReportedInEveryInfo(t *testing.T) {
	bowtie, unclosed, good := "0,0 0,2 2,0 2,2 0,0", "0,0 0,2 2,2 2,0", "0,0 0,2 2,2 2,0 0,0"
	area := Area{AreaDesc: "x", Polygons: []string{bowtie, good, unclosed, bowtie}}
	info := Info{Language: "en", Categories: []string{"Met"}, Event: "x", Urgency: "Expected", Severity: "Minor", Certainty: "Likely", Areas: []Area{area}}
	a := &Alert{Version: V12, Identifier: "x", Sender: "x", Sent: "2026-08-14T03:00:00-00:00", Status: "Actual", MsgType: "Alert", Scope: "Public",
		Infos: []Info{info, info}}
	var got []string
	for _, is := range Validate(context.Background(), a, Options{}).Issues {
		got = append(got, is.Code+" "+is.Path+" "+is.Message)
	}
	want := []string{}
	for _, in := range []string{"alert/info[0]", "alert/info[1]"} {
		want = append(want,
			RuleSelfCross+" "+in+"/area[0]/polygon[0] polygon edges 1 and 3 cross",
			RulePolygon+" "+in+"/area[0]/polygon[2] cap: parse polygon \"0,0 0,2 2,2 2,0\": first and last points differ: malformed geometry",
			RuleSelfCross+" "+in+"/area[0]/polygon[3] polygon edges 1 and 3 cross")
	}
	if !slices.Equal(got, want) {
		t.Fatalf("issues:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestSelfIntersectionMatchesSweep: with the quick test of whether any edges meet in front of
// it, SelfIntersection reports exactly what the sweep alone reports, which pair included: on
// rings of points on a coarse grid (edges touching, overlapping, crossing at vertices), of
// points anywhere, unclosed rings, and rings with infinite or NaN latitudes.
func TestSelfIntersectionMatchesSweep(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(0, 40).Draw(t, "points")
		coarse := rapid.Bool().Draw(t, "coarse")
		pts := make([]Point, 0, n+1)
		for range n {
			var p Point
			if coarse {
				p = Point{Lat: float64(rapid.IntRange(-3, 3).Draw(t, "lat")), Lon: float64(rapid.IntRange(-3, 3).Draw(t, "lon"))}
			} else {
				p = Point{Lat: rapid.Float64Range(-90, 90).Draw(t, "lat"), Lon: rapid.Float64Range(-180, 180).Draw(t, "lon")}
			}
			if rapid.IntRange(0, 50).Draw(t, "odd") == 0 {
				p.Lat = rapid.SampledFrom([]float64{math.NaN(), math.Inf(1), math.Inf(-1), math.Copysign(0, -1), 1e-310}).Draw(t, "odd lat")
			}
			pts = append(pts, p)
		}
		if n > 0 && rapid.IntRange(0, 5).Draw(t, "open") > 0 {
			pts = append(pts, pts[0])
		}
		gi, gk, got := SelfIntersection(pts)
		wi, wk, want := 0, 0, false
		if len(pts) >= 4 {
			wi, wk, want = sweepIntersection(pts)
		}
		if gi != wi || gk != wk || got != want {
			t.Fatalf("SelfIntersection = %d, %d, %v; the sweep %d, %d, %v", gi, gk, got, wi, wk, want)
		}
	})
}
