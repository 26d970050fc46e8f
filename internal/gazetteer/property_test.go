package gazetteer

import (
	"strings"
	"testing"

	"pgregory.net/rapid"
)

// Folding is idempotent, so folding a query twice (as callers may) changes nothing.
func TestFoldIdempotent(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		s := rapid.String().Draw(t, "s")
		if f := Fold(s); Fold(f) != f {
			t.Fatalf("Fold(%q) = %q, Fold of that = %q", s, f, Fold(f))
		}
	})
}

// Every place is found by its own name, marked exact.
func TestEveryPlaceFindsItself(t *testing.T) {
	g := gaz(t)
	places := g.Places()
	rapid.Check(t, func(t *rapid.T) {
		e := places[rapid.IntRange(0, len(places)-1).Draw(t, "place")]
		name := e.Names["en"]
		found := false
		for _, m := range g.Search(name, "en", MaxResults, KindPlace) {
			if m.Entry == e {
				found = m.Exact
			}
		}
		if !found {
			t.Fatalf("%s (%s) not found as an exact match of its name", name, e.Code)
		}
		// And by its name in each other language it has, named in that language.
		for _, lang := range Languages[1:] {
			n := e.Names[lang]
			if n == "" {
				continue
			}
			found = false
			for _, m := range g.Search(n, lang, MaxResults, KindPlace) {
				found = found || (m.Entry == e && m.Exact && m.Name == n && m.Lang == lang)
			}
			if !found {
				t.Fatalf("%s (%s) not found as an exact match of its %s name %q", name, e.Code, lang, n)
			}
		}
		// Every result of a prefix search has a name, or a word of a name, starting with it.
		f := []rune(Fold(name))
		prefix := Fold(string(f[:rapid.IntRange(1, len(f)).Draw(t, "prefix")]))
		for _, m := range g.Search(prefix, "en", 20) {
			if n := Fold(m.Matched); !strings.HasPrefix(n, prefix) && !strings.Contains(n, " "+prefix) {
				t.Fatalf("%q found %q", prefix, m.Matched)
			}
		}
	})
}

// The bucketed nearest-place search finds what a scan of every place finds, anywhere on Earth.
func TestNearestPlaceMatchesScan(t *testing.T) {
	g := gaz(t)
	rapid.Check(t, func(t *rapid.T) {
		lat := rapid.Float64Range(-89, 89).Draw(t, "lat")
		lon := rapid.Float64Range(-180, 180).Draw(t, "lon")
		if rapid.Bool().Draw(t, "near the member states") {
			lat = rapid.Float64Range(20, 75).Draw(t, "lat2")
			lon = rapid.Float64Range(25, 140).Draw(t, "lon2")
		}
		got, gotD := g.nearestPlace(lat, lon, nil)
		bestD := 1e18
		for _, e := range g.Places() {
			if d := DistanceKm(lat, lon, e.Lat, e.Lon); d < bestD {
				bestD = d
			}
		}
		if got == nil || gotD > bestD+1e-6 {
			t.Fatalf("(%v, %v): nearest %v at %.1f km, a scan finds one at %.1f km", lat, lon, got, gotD, bestD)
		}
	})
}
