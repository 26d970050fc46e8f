package cap_test

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
	"github.com/taawun/taawun/internal/cap/internal/captest"
)

// TestStrictCoversSchema: whatever the OASIS schema rejects (xmllint, an
// independent validator), the strict profile rejects too. Mutations of the
// real CAP 1.2 samples give schema-invalid documents of many kinds.
func TestStrictCoversSchema(t *testing.T) {
	xmllint := captest.Tool(t, "xmllint", "libxml2-utils")
	dir := captest.Dir(t)
	var schema string
	var samples [][]string
	for _, r := range captest.Manifest(t, dir) {
		switch {
		case r.Kind == "schema" && strings.HasSuffix(r.Path, "/cap12.xsd"):
			schema = filepath.Join(dir, r.Path)
		case r.Kind == "cap" && r.Expected == "valid":
			src, err := os.ReadFile(filepath.Join(dir, r.Path))
			if err != nil {
				t.Fatal(err)
			}
			a, err := cap.ParseBytes(src)
			if err != nil {
				t.Fatal(err)
			}
			enc, err := cap.EncodeBytes(a)
			if err != nil {
				t.Fatal(err)
			}
			samples = append(samples, strings.Split(string(enc), "\n"))
		}
	}
	rng := rand.New(rand.NewPCG(7, 11))
	out := t.TempDir()
	const n = 400
	var files []string
	what := map[string]string{}
	for i := range n {
		lines, desc := captest.MutateLines(samples[i%len(samples)], rng, "")
		f := filepath.Join(out, fmt.Sprintf("m%03d.xml", i))
		if err := os.WriteFile(f, []byte(strings.Join(lines, "\n")), 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
		what[f] = desc
	}
	msg, _ := exec.Command(xmllint, append([]string{"--noout", "--schema", schema}, files...)...).CombinedOutput()
	schemaInvalid := map[string]bool{}
	for _, l := range strings.Split(string(msg), "\n") {
		if f, ok := strings.CutSuffix(l, " fails to validate"); ok {
			schemaInvalid[f] = true
		}
	}
	stricter := 0
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		_, rep := cap.Check(context.Background(), bytes.NewReader(src), cap.Options{})
		switch {
		case schemaInvalid[f] && rep.Valid():
			t.Errorf("%s (%s): schema-invalid, strict says valid", filepath.Base(f), what[f])
		case !schemaInvalid[f] && !rep.Valid():
			stricter++
		}
	}
	if len(schemaInvalid) < n/4 {
		t.Errorf("only %d of %d mutations were schema-invalid; the test lost its power", len(schemaInvalid), n)
	}
	t.Logf("%d of %d mutations schema-invalid; strict rejected %d more (spec rules beyond the schema)", len(schemaInvalid), n, stricter)
}
