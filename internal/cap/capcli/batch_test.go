package capcli_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestValidateBatch validates more files than one batch holds, valid and
// invalid ones each with its own findings, CAP 1.0 ones, feeds and
// documents that are not CAP, with 1 to 3 workers: the output must be,
// in input order, exactly what validating each file on its own prints.
// Workers read every file into one buffer and reuse the decoder's and
// the parser's memory (an alert reuses the previous one's lists), so a
// report that kept a reference into either, or an alert left with
// something of the one before, would show here.
func TestValidateBatch(t *testing.T) {
	good, err := os.ReadFile("../testdata/full.xml")
	if err != nil {
		t.Fatal(err)
	}
	bad, err := os.ReadFile("../testdata/errors.xml")
	if err != nil {
		t.Fatal(err)
	}
	v10, err := os.ReadFile("../testdata/v10.xml")
	if err != nil {
		t.Fatal(err)
	}
	feed := []byte(`<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title></feed>`)
	other := []byte(`<html><body>not CAP</body></html>`)
	dir := t.TempDir()
	var names []string
	for i := range 45 {
		src := good
		switch {
		case i%3 == 1:
			// Each invalid file names itself in the values the findings quote.
			src = bytes.ReplaceAll(bad, []byte("<sender>"), fmt.Appendf(nil, "<sender>file %d ", i))
		case i%10 == 5:
			src = v10
		case i%10 == 9:
			src = feed
		case i%10 == 8:
			src = other
		}
		if i%7 == 3 {
			src = append(bytes.Clone(src), fmt.Appendf(nil, "<junk%d/>", i)...)
		}
		name := filepath.Join(dir, fmt.Sprintf("f%02d.xml", i))
		if err := os.WriteFile(name, src, 0o644); err != nil {
			t.Fatal(err)
		}
		names = append(names, name)
	}
	var want strings.Builder
	for _, name := range names {
		want.WriteString(run(t, "", "validate", "--format", "text", name).stdout)
	}
	for _, jobs := range []string{"1", "2", "3"} {
		r := run(t, "", append([]string{"validate", "--jobs", jobs}, names...)...)
		if r.code != 1 || r.stdout != want.String() {
			t.Errorf("--jobs %s: exit %d, output differs from one run per file:\n%s\nwant:\n%s", jobs, r.code, r.stdout, want.String())
		}
	}
}
