package feed

import (
	"os"
	"path/filepath"
	"testing"
)

// seed adds the shared files of the given manifest kinds to f's corpus.
func seed(f *testing.F, kinds ...string) {
	rows := manifest(f, kinds...)
	for _, row := range rows {
		if b, err := os.ReadFile(filepath.Join(sharedTestdata, row.Path)); err == nil {
			f.Add(b)
		}
	}
}

// checkResult is what every parser promises whatever the input: no panic, and events only
// with possible values.
func checkResult(t *testing.T, r *Result, err error) {
	if err != nil {
		return
	}
	for _, e := range r.Events {
		if reason := e.check(); reason != "" {
			t.Fatalf("event with impossible values kept: %s (%+v)", reason, e)
		}
	}
}

func FuzzUSGS(f *testing.F) {
	seed(f, "usgs")
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := ParseUSGS(b, Limits{MaxBytes: 1 << 20, MaxItems: 1000})
		checkResult(t, r, err)
	})
}

func FuzzGDACS(f *testing.F) {
	seed(f, "gdacs")
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := ParseGDACS(b, Limits{MaxBytes: 1 << 20, MaxItems: 1000})
		checkResult(t, r, err)
	})
}

func FuzzCAP(f *testing.F) {
	seed(f, "feed")
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := ParseCAP(b, Limits{MaxBytes: 1 << 20, MaxItems: 1000})
		checkResult(t, r, err)
	})
}
