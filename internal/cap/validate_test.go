package cap_test

import (
	"context"
	"errors"
	"os"
	"slices"
	"testing"

	"github.com/taawun/taawun/internal/cap"
)

type fakeGazetteer map[string]bool

func (g fakeGazetteer) KnownGeocode(_ context.Context, name, value string) (bool, error) {
	if name == "broken" {
		return false, errors.New("gazetteer offline")
	}
	return g[name+"="+value], nil
}

func loadAlert(t *testing.T, name string) *cap.Alert {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	a, err := cap.ParseBytes(b)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func codes(r cap.Report) []string {
	var out []string
	for _, i := range r.Issues {
		out = append(out, i.Severity.String()+":"+i.Code)
	}
	return out
}

func TestValidatePK(t *testing.T) {
	tests := []struct {
		name     string
		resolver cap.GeocodeResolver
		mutate   func(a *cap.Alert)
		valid    bool
		want     []string
	}{
		{"nil resolver warns", nil, nil, true, []string{"warning:CAP111"}},
		{"known geocode", fakeGazetteer{"ISO3166-2=PK-PB": true}, func(a *cap.Alert) { a.Infos[1].SenderName = "NDMA" }, true, nil},
		{"unknown geocode", fakeGazetteer{}, nil, false, []string{"error:CAP110"}},
		{"resolver error", nil, func(a *cap.Alert) { a.Infos[0].Areas[0].Geocodes[0].ValueName = "broken" }, true, []string{"warning:CAP111"}},
		{"no english or urdu", fakeGazetteer{"ISO3166-2=PK-PB": true}, func(a *cap.Alert) {
			a.Infos[0].Language, a.Infos[1].Language = "fr", "de"
		}, false, []string{"error:CAP103"}},
		{"unlocated area", fakeGazetteer{"ISO3166-2=PK-PB": true}, func(a *cap.Alert) {
			a.Infos[1].Areas[0].Circles = nil
		}, false, []string{"error:CAP104"}},
		{"no headline", fakeGazetteer{"ISO3166-2=PK-PB": true}, func(a *cap.Alert) { a.Infos[1].Headline = "" }, false, []string{"error:CAP101"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := loadAlert(t, "full.xml")
			if tt.name == "resolver error" {
				tt.resolver = fakeGazetteer{}
			}
			if tt.mutate != nil {
				tt.mutate(a)
			}
			rep := cap.Validate(context.Background(), a, cap.Options{Profile: cap.ProfilePK, Resolver: tt.resolver})
			if rep.Valid() != tt.valid {
				t.Errorf("valid=%v, want %v: %v", rep.Valid(), tt.valid, rep.Issues)
			}
			got := codes(rep)
			for _, w := range tt.want {
				if !slices.Contains(got, w) {
					t.Errorf("missing %s in %v", w, got)
				}
			}
			if tt.want == nil && len(got) != 0 {
				t.Errorf("unexpected issues %v", rep.Issues)
			}
		})
	}
}

func TestParseProfile(t *testing.T) {
	for _, p := range cap.Profiles() {
		got, err := cap.ParseProfile(string(p))
		if err != nil || got != p {
			t.Errorf("ParseProfile(%q) = %q, %v", p, got, err)
		}
	}
	if p, err := cap.ParseProfile(""); err != nil || p != cap.ProfileStrict {
		t.Errorf("empty profile: %q, %v", p, err)
	}
	if _, err := cap.ParseProfile("nope"); !errors.Is(err, cap.ErrUnknownProfile) {
		t.Errorf("unknown profile: %v", err)
	}
}

func TestRulesUnique(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range cap.Rules() {
		if seen[r.Code] || r.Summary == "" {
			t.Errorf("rule %s duplicated or undocumented", r.Code)
		}
		seen[r.Code] = true
	}
}

func TestPositions(t *testing.T) {
	a := loadAlert(t, "full.xml")
	if got := a.Meta.FieldPos("sent", 0); got != (cap.Position{Line: 5, Col: 3}) {
		t.Errorf("sent at %v, want 5:3", got)
	}
	if got := a.Infos[1].Meta.Pos; got.Line != 63 {
		t.Errorf("second info at %v, want line 63", got)
	}
}
