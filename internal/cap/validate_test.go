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
		{"nil resolver warns", nil, func(a *cap.Alert) { a.Infos[1].SenderName = "NDMA" }, true, []string{"warning:CAP111"}},
		{"known geocode", fakeGazetteer{"ISO3166-2=PK-PB": true}, func(a *cap.Alert) { a.Infos[1].SenderName = "NDMA" }, true, nil},
		{"no urdu", fakeGazetteer{"ISO3166-2=PK-PB": true}, func(a *cap.Alert) { a.Infos[1].Language = "en" }, false, []string{"error:CAP103"}},
		{"no sender name", fakeGazetteer{"ISO3166-2=PK-PB": true}, func(a *cap.Alert) { a.Infos[1].SenderName = "" }, false, []string{"error:CAP101"}},
		{"unknown geocode", fakeGazetteer{}, nil, false, []string{"error:CAP110"}},
		{"resolver error", nil, func(a *cap.Alert) {
			a.Infos[0].Areas[0].Geocodes[0].ValueName = "broken"
			a.Infos[1].SenderName = "NDMA"
		}, true, []string{"warning:CAP111"}},
		{"no english or urdu", fakeGazetteer{"ISO3166-2=PK-PB": true}, func(a *cap.Alert) {
			a.Infos[0].Language, a.Infos[1].Language = "fr", "de"
		}, false, []string{"error:CAP103"}},
		{"unlocated area", fakeGazetteer{"ISO3166-2=PK-PB": true}, func(a *cap.Alert) {
			a.Infos[1].Areas[0].Circles = nil
		}, false, []string{"error:CAP104"}},
		{"no expires", fakeGazetteer{"ISO3166-2=PK-PB": true}, func(a *cap.Alert) { a.Infos[1].Expires = "" }, false, []string{"error:CAP101"}},
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

// TestSemanticRules mutates the valid full.xml one rule at a time.
func TestSemanticRules(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(a *cap.Alert)
		want   string // "severity:code"
	}{
		{"restriction with public scope", func(a *cap.Alert) { a.Restriction = "staff only" }, "error:CAP022"},
		{"update without references", func(a *cap.Alert) { a.References = ""; a.Meta = cap.Meta{} }, "error:CAP023"},
		{"self reference", func(a *cap.Alert) {
			a.References = "ndma@example.gov.pk,PK-NDMA-2026-0001,2026-08-14T09:30:00+05:00"
		}, "error:CAP023"},
		{"expires before sent", func(a *cap.Alert) { a.Infos[0].Expires = "2026-08-14T09:00:00+05:00" }, "error:CAP024"},
		{"expires equals sent", func(a *cap.Alert) { a.Infos[0].Expires, a.Infos[0].Effective, a.Infos[0].Onset = a.Sent, "", "" }, "warning:CAP024"},
		{"effective after expires", func(a *cap.Alert) { a.Infos[0].Effective = "2026-08-16T09:30:00+05:00" }, "error:CAP024"},
		{"categories differ", func(a *cap.Alert) { a.Infos[1].Categories = []string{"Met"} }, "error:CAP025"},
		{"event codes differ", func(a *cap.Alert) { a.Infos[1].EventCodes = nil }, "error:CAP025"},
		{"bad mime type", func(a *cap.Alert) { a.Infos[0].Resources[0].MimeType = "png" }, "error:CAP041"},
		{"deref size mismatch", func(a *cap.Alert) {
			r := &a.Infos[0].Resources[0]
			r.DerefURI, r.Size, r.Digest = "aGVsbG8=", "6", ""
		}, "error:CAP042"},
		{"deref digest mismatch", func(a *cap.Alert) {
			r := &a.Infos[0].Resources[0]
			r.DerefURI, r.Size = "aGVsbG8=", "5" // digest is that of the empty string
		}, "error:CAP042"},
		{"bow-tie polygon", func(a *cap.Alert) {
			a.Infos[0].Areas[0].Polygons = []string{"0,0 1,1 0,1 1,0 0,0"}
		}, "error:CAP053"},
		{"ceiling without altitude", func(a *cap.Alert) { a.Infos[0].Areas[0].Altitude = ""; a.Infos[0].Areas[0].Meta = cap.Meta{} }, "error:CAP052"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := loadAlert(t, "full.xml")
			if rep := cap.Validate(context.Background(), a, cap.Options{}); !rep.Valid() {
				t.Fatalf("full.xml not valid: %v", rep.Issues)
			}
			tt.mutate(a)
			rep := cap.Validate(context.Background(), a, cap.Options{})
			if got := codes(rep); !slices.Contains(got, tt.want) {
				t.Errorf("want %s, got %v", tt.want, rep.Issues)
			}
		})
	}
	// A valid derefUri with matching size and digest passes.
	a := loadAlert(t, "full.xml")
	r := &a.Infos[0].Resources[0]
	r.DerefURI, r.Size, r.Digest = "aGVs\nbG8=", "5", "aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d"
	if rep := cap.Validate(context.Background(), a, cap.Options{}); !rep.Valid() {
		t.Errorf("consistent derefUri: %v", rep.Issues)
	}
}

func TestSelfIntersection(t *testing.T) {
	tests := []struct {
		poly string
		want bool
	}{
		{"0,0 0,1 1,1 1,0 0,0", false},
		{"0,0 1,1 0,1 1,0 0,0", true},
		{"0,0 0,2 1,1 2,2 2,0 0,0", false},   // concave
		{"0,0 0,2 2,2 2,0 1,3 0,0", true},    // spike across the top edge
		{"0,0 0,1 1,1 1,0 0,0.5 0,0", true},  // touches its own first edge
		{"0,0 0,1 0.5,1 1,1 1,0 0,0", false}, // collinear vertex
		{"10,10 10,20 20,20 20,10 10,10", false},
	}
	for _, tt := range tests {
		pts, err := cap.ParsePolygon(tt.poly)
		if err != nil {
			t.Fatal(err)
		}
		if _, _, got := cap.SelfIntersection(pts); got != tt.want {
			t.Errorf("%s: got %v, want %v", tt.poly, got, tt.want)
		}
	}
}
