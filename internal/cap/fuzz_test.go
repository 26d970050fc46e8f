package cap_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/taawun/taawun/internal/cap"
	"github.com/taawun/taawun/internal/cap/internal/captest"
)

// addSeeds seeds f with the shared CAP files (read in place) and the local
// testdata/*.xml.
func addSeeds(f *testing.F, kinds ...string) {
	for _, b := range captest.Seeds(f, kinds...) {
		f.Add(b)
	}
	local, _ := filepath.Glob(filepath.Join("testdata", "*.xml"))
	for _, name := range local {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
}

// FuzzParse: Parse never panics; whatever it accepts encodes, re-parses
// and re-encodes to the same bytes.
func FuzzParse(f *testing.F) {
	addSeeds(f, "cap")
	f.Fuzz(func(t *testing.T, src []byte) {
		a, err := cap.ParseWithLimits(bytes.NewReader(src), cap.Limits{MaxBytes: 1 << 20, MaxElements: 10_000})
		if err != nil {
			if a != nil {
				t.Fatal("alert returned with an error")
			}
			return
		}
		e1, err := cap.EncodeBytes(a)
		if err != nil {
			t.Fatal(err)
		}
		a2, err := cap.ParseBytes(e1)
		if err != nil {
			t.Fatalf("re-parse of encoded alert: %v\n%s", err, e1)
		}
		e2, err := cap.EncodeBytes(a2)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(e1, e2) {
			t.Fatalf("encoding not stable:\n%s\n---\n%s", e1, e2)
		}
	})
}

// FuzzValidate: Validate never panics under any profile, issues are
// sorted by position, and every code is a documented rule.
func FuzzValidate(f *testing.F) {
	addSeeds(f, "cap")
	known := map[string]bool{}
	for _, r := range cap.Rules() {
		known[r.Code] = true
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		a, err := cap.ParseWithLimits(bytes.NewReader(src), cap.Limits{MaxBytes: 1 << 20, MaxElements: 10_000})
		if err != nil {
			return
		}
		for _, p := range cap.Profiles() {
			rep := cap.Validate(context.Background(), a, cap.Options{Profile: p})
			if !slices.IsSortedFunc(rep.Issues, func(x, y cap.Issue) int {
				if x.Pos.Line != y.Pos.Line {
					return x.Pos.Line - y.Pos.Line
				}
				return x.Pos.Col - y.Pos.Col
			}) {
				t.Fatalf("issues not sorted: %v", rep.Issues)
			}
			for _, is := range rep.Issues {
				if !known[is.Code] {
					t.Fatalf("undocumented rule code %s", is.Code)
				}
			}
		}
	})
}
