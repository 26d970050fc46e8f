package cap_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/taawun/taawun/internal/cap"
	"github.com/taawun/taawun/internal/cap/internal/captest"
)

// TestEncodedSchemaValid checks with xmllint (Debian libxml2-utils), an
// independent validator, that the canonical encoding of every valid CAP
// 1.2 sample and of testdata/full.xml is valid against the OASIS schema.
func TestEncodedSchemaValid(t *testing.T) {
	xmllint := captest.Tool(t, "xmllint", "libxml2-utils")
	dir := captest.Dir(t)
	var schema string
	inputs := []string{filepath.Join("testdata", "full.xml")}
	for _, r := range captest.Manifest(t, dir) {
		switch {
		case r.Kind == "schema" && strings.HasSuffix(r.Path, "/cap12.xsd"):
			schema = filepath.Join(dir, r.Path)
		case r.Kind == "cap" && r.Expected == "valid":
			inputs = append(inputs, filepath.Join(dir, r.Path))
		}
	}
	if schema == "" {
		t.Fatal("MANIFEST.tsv has no cap12.xsd schema row")
	}
	out := t.TempDir()
	var files []string
	for i, in := range inputs {
		src, err := os.ReadFile(in)
		if err != nil {
			t.Fatal(err)
		}
		a, err := cap.ParseBytes(src)
		if err != nil {
			t.Fatalf("%s: %v", in, err)
		}
		enc, err := cap.EncodeBytes(a)
		if err != nil {
			t.Fatal(err)
		}
		f := filepath.Join(out, fmt.Sprintf("%03d-%s", i, filepath.Base(in)))
		if err := os.WriteFile(f, enc, 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	msg, err := exec.Command(xmllint, append([]string{"--noout", "--schema", schema}, files...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("xmllint rejects canonical encodings: %v\n%s", err, msg)
	}
}
