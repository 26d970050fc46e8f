package cap_test

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/taawun/taawun/internal/cap"
	"github.com/taawun/taawun/internal/cap/internal/captest"
)

var update = flag.Bool("update", false, "rewrite golden files under testdata/")

// golden compares got with testdata/name, rewriting it under -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from golden file (run go test -update after checking):\n--- got ---\n%s\n--- want ---\n%s", path, got, want)
	}
}

func reportText(r cap.Report) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "profile %s: valid=%v errors=%d warnings=%d\n", r.Profile, r.Valid(), r.Count(cap.SevError), r.Count(cap.SevWarning))
	for _, i := range r.Issues {
		fmt.Fprintln(&b, i.String())
	}
	return b.Bytes()
}

// TestGolden encodes each testdata/*.xml canonically and validates it under
// every profile; the outputs are compared with *.golden files.
func TestGolden(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.xml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no testdata: %v", err)
	}
	for _, f := range files {
		base := strings.TrimSuffix(filepath.Base(f), ".xml")
		t.Run(base, func(t *testing.T) {
			src, err := os.ReadFile(f)
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
			golden(t, base+".encoded.golden", enc)
			var reports bytes.Buffer
			for _, p := range cap.Profiles() {
				reports.Write(reportText(cap.Validate(context.Background(), a, cap.Options{Profile: p})))
			}
			golden(t, base+".report.golden", reports.Bytes())
			assertRoundTrip(t, src)
		})
	}
}

// assertRoundTrip checks parse → encode → parse → encode is stable and
// that the two parsed models agree on every field.
func assertRoundTrip(t *testing.T, src []byte) {
	t.Helper()
	a1, err := cap.ParseBytes(src)
	if err != nil {
		t.Fatalf("parse original: %v", err)
	}
	e1, err := cap.EncodeBytes(a1)
	if err != nil {
		t.Fatal(err)
	}
	a2, err := cap.ParseBytes(e1)
	if err != nil {
		t.Fatalf("parse encoded: %v\n%s", err, e1)
	}
	e2, err := cap.EncodeBytes(a2)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(e1, e2) {
		t.Fatalf("encoding is not stable:\n%s\n---\n%s", e1, e2)
	}
	if d := diffAlerts(cap.Upgrade(a1), a2); d != "" {
		t.Fatalf("round trip changed the model: %s", d)
	}
}

// diffAlerts compares two alerts ignoring parse metadata, signatures and
// structural findings (which the canonical form resolves).
func diffAlerts(a, b *cap.Alert) string {
	strip := func(x *cap.Alert) string {
		c := *x
		c.Meta, c.Structure, c.Signatures = cap.Meta{}, nil, 0
		c.Infos = append([]cap.Info(nil), x.Infos...)
		for i := range c.Infos {
			in := &c.Infos[i]
			in.Meta = cap.Meta{}
			in.EventCodes = stripNV(in.EventCodes)
			in.Parameters = stripNV(in.Parameters)
			in.Resources = append([]cap.Resource(nil), in.Resources...)
			for j := range in.Resources {
				in.Resources[j].Meta = cap.Meta{}
			}
			in.Areas = append([]cap.Area(nil), in.Areas...)
			for j := range in.Areas {
				in.Areas[j].Meta = cap.Meta{}
				in.Areas[j].Geocodes = stripNV(in.Areas[j].Geocodes)
			}
		}
		return fmt.Sprintf("%#v", c)
	}
	sa, sb := strip(a), strip(b)
	if sa != sb {
		return sa + "\n!=\n" + sb
	}
	return ""
}

func stripNV(nvs []cap.NamedValue) []cap.NamedValue {
	out := make([]cap.NamedValue, len(nvs))
	for i, nv := range nvs {
		out[i] = cap.NamedValue{ValueName: nv.ValueName, Value: nv.Value}
	}
	return out
}

// TestRoundTripShared round-trips every CAP file of the shared test data.
func TestRoundTripShared(t *testing.T) {
	dir := captest.Dir(t)
	for _, row := range captest.Manifest(t, dir) {
		if row.Kind != "cap" {
			continue
		}
		src, err := os.ReadFile(filepath.Join(dir, row.Path))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := cap.ParseBytes(src); err != nil {
			continue // refused documents (xee.cap) have nothing to round-trip
		}
		t.Run(row.Path, func(t *testing.T) { assertRoundTrip(t, src) })
	}
}
