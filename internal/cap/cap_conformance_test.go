package cap_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/taawun/taawun/internal/cap"
	"github.com/taawun/taawun/internal/cap/internal/captest"
)

func TestConformanceCAP(t *testing.T) {
	dir := captest.Dir(t)
	n := 0
	for _, row := range captest.Manifest(t, dir) {
		if row.Kind != "cap" {
			continue
		}
		n++
		t.Run(row.Path, func(t *testing.T) {
			f, err := os.Open(filepath.Join(dir, row.Path))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			a, rep := cap.Check(context.Background(), f, cap.Options{})
			want, ver, _ := strings.Cut(row.Expected, "-")
			switch want {
			case "valid":
				if !rep.Valid() {
					t.Errorf("%s (%s): want valid, got:\n%s", row.Path, row.What, issues(rep))
				}
				if ver == "" {
					ver = "1.2"
				}
				if a != nil && string(a.Version) != ver {
					t.Errorf("version %s, want %s", a.Version, ver)
				}
			case "invalid":
				if rep.Valid() {
					t.Errorf("%s (%s): want invalid, got valid:\n%s", row.Path, row.What, issues(rep))
				}
			default:
				t.Fatalf("unknown verdict %q", row.Expected)
			}
			t.Logf("%s", issues(rep))
		})
	}
	if n == 0 {
		t.Fatal("MANIFEST.tsv has no cap rows")
	}
}

func issues(r cap.Report) string {
	var b strings.Builder
	for _, i := range r.Issues {
		b.WriteString("  " + i.String() + "\n")
	}
	return b.String()
}

// TestPublicProfileRejectsNoInfo: the minimal alert without info is
// schema-valid (strict) but a public-alert profile rejects it.
func TestPublicProfileRejectsNoInfo(t *testing.T) {
	dir := captest.Dir(t)
	src, err := os.ReadFile(filepath.Join(dir, "google-cap-library", "testdata", "no_optional_fields.cap"))
	if err != nil {
		t.Fatal(err)
	}
	a, err := cap.ParseBytes(src)
	if err != nil {
		t.Fatal(err)
	}
	if rep := cap.Validate(context.Background(), a, cap.Options{}); !rep.Valid() {
		t.Errorf("strict: %v", rep.Issues)
	}
	for _, p := range []cap.Profile{cap.ProfileGoogle, cap.ProfilePK} {
		rep := cap.Validate(context.Background(), a, cap.Options{Profile: p})
		if rep.Valid() {
			t.Errorf("%s accepted an alert without info", p)
		}
	}
}

// TestCanadianProfile: the real Canadian messages pass the cap-cp profile.
func TestCanadianProfile(t *testing.T) {
	dir := captest.Dir(t)
	for _, rel := range []string{"google-cap-library/testdata/canada.cap", "tannerryan-cap/PelmorexNAADS_WindWarning.xml"} {
		src, err := os.ReadFile(filepath.Join(dir, rel))
		if err != nil {
			t.Fatal(err)
		}
		a, err := cap.ParseBytes(src)
		if err != nil {
			t.Fatal(err)
		}
		if rep := cap.Validate(context.Background(), a, cap.Options{Profile: cap.ProfileCAPCP}); !rep.Valid() {
			t.Errorf("%s under cap-cp:\n%s", rel, issues(rep))
		}
	}
}

// TestIPAWSProfile: a real IPAWS alert passes the ipaws profile.
func TestIPAWSProfile(t *testing.T) {
	dir := captest.Dir(t)
	src, err := os.ReadFile(filepath.Join(dir, "willglynn-oasiscap", "ipaws-5e7e0fc5023f1930efcf3deb.xml"))
	if err != nil {
		t.Fatal(err)
	}
	a, err := cap.ParseBytes(src)
	if err != nil {
		t.Fatal(err)
	}
	if rep := cap.Validate(context.Background(), a, cap.Options{Profile: cap.ProfileIPAWS}); !rep.Valid() {
		t.Errorf("ipaws:\n%s", issues(rep))
	}
}
