package capfeed_test

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/taawun/taawun/internal/cap"
	"github.com/taawun/taawun/internal/cap/capfeed"
	"github.com/taawun/taawun/internal/cap/internal/captest"
)

// TestEDXLCoversSchema: whatever the EDXL-DE 1.0 schema rejects (checked
// by xmllint, an independent validator), our validator rejects too.
// Mutations of the real bushfire envelope give the schema-invalid inputs.
func TestEDXLCoversSchema(t *testing.T) {
	xmllint := captest.Tool(t, "xmllint", "libxml2-utils")
	dir := captest.Dir(t)
	var schema, sample string
	for _, r := range captest.Manifest(t, dir) {
		switch {
		case r.Kind == "schema" && strings.HasSuffix(r.Path, "/edxlde-1_0.xsd"):
			schema = filepath.Join(dir, r.Path)
		case r.Kind == "edxlde" && r.Expected == "valid":
			sample = filepath.Join(dir, r.Path)
		}
	}
	if schema == "" || sample == "" {
		t.Fatal("MANIFEST.tsv lacks the EDXL-DE schema or a valid envelope")
	}
	src, err := os.ReadFile(sample)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(src), "\n")
	rng := rand.New(rand.NewPCG(3, 5))
	out := t.TempDir()
	const n = 300
	var files []string
	what := map[string]string{}
	for i := range n {
		m, desc := captest.MutateLines(lines, rng, "edxlde:")
		f := filepath.Join(out, fmt.Sprintf("e%03d.xml", i))
		if err := os.WriteFile(f, []byte(strings.Join(m, "\n")), 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
		what[f] = desc
	}
	msg, _ := exec.Command(xmllint, append([]string{"--noout", "--schema", schema}, files...)...).CombinedOutput()
	schemaValid := map[string]bool{}
	for _, l := range strings.Split(string(msg), "\n") {
		if f, ok := strings.CutSuffix(l, " validates"); ok {
			schemaValid[f] = true
		}
	}
	invalid, stricter := 0, 0
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		_, rep := capfeed.Check(context.Background(), bytes.NewReader(b), cap.Options{})
		switch {
		case !schemaValid[f] && rep.Valid():
			t.Errorf("%s (%s): schema-invalid, we say valid", filepath.Base(f), what[f])
		case !schemaValid[f]:
			invalid++
		case !rep.Valid():
			stricter++
		}
	}
	if invalid < n/4 {
		t.Errorf("only %d of %d mutations were schema-invalid; the test lost its power", invalid, n)
	}
	t.Logf("%d of %d mutations schema-invalid; we rejected %d more (embedded CAP rules)", invalid, n, stricter)
}
