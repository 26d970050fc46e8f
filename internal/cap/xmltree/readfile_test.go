package xmltree_test

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/taawun/taawun/internal/cap/xmltree"
)

// TestReadFile reads files of several sizes through one buffer, and
// checks the refusals: a directory, a missing file, a file over the limit.
func TestReadFile(t *testing.T) {
	dir := t.TempDir()
	var buf []byte
	for _, n := range []int{0, 1, 511, 512, 513, 5000, 100, 70000, 3} {
		want := strings.Repeat("x", n)
		name := filepath.Join(dir, "f.xml")
		if err := os.WriteFile(name, []byte(want), 0o600); err != nil {
			t.Fatal(err)
		}
		got, err := xmltree.ReadFile(name, buf, xmltree.Limits{})
		if err != nil || string(got) != want {
			t.Fatalf("size %d: got %d bytes, %v", n, len(got), err)
		}
		buf = got
	}
	if _, err := xmltree.ReadFile(dir, buf, xmltree.Limits{}); err == nil || !strings.Contains(err.Error(), "is a directory") {
		t.Errorf("directory: %v", err)
	}
	if _, err := xmltree.ReadFile(filepath.Join(dir, "missing"), buf, xmltree.Limits{}); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
	big := filepath.Join(dir, "big.xml")
	if err := os.WriteFile(big, make([]byte, 101), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := xmltree.ReadFile(big, buf, xmltree.Limits{MaxBytes: 100}); !errors.Is(err, xmltree.ErrTooLarge) {
		t.Errorf("over the limit: %v", err)
	}
	if got, err := xmltree.ReadFile(big, buf, xmltree.Limits{MaxBytes: 101}); err != nil || len(got) != 101 {
		t.Errorf("at the limit: %d bytes, %v", len(got), err)
	}
}
