// Package captest gives the tests of internal/cap and its subpackages the
// shared test data (MANIFEST.tsv and the files it lists), read in place.
package captest

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/taawun/taawun/internal/testenv"
)

// Row is one line of MANIFEST.tsv.
type Row struct {
	Path, Kind, Expected, What string
}

// Dir returns the shared test data folder: $TAAWUN_SHARED_TESTDATA, or
// shared/testdata beside the repository (../shared/testdata from its
// root). It skips the test, naming the path, when the folder is absent.
func Dir(t testing.TB) string {
	t.Helper()
	dir, err := Lookup()
	if err != nil {
		t.Skipf("shared test data not found at %s (set TAAWUN_SHARED_TESTDATA to its folder): %v", dir, err)
	}
	return dir
}

// Tool returns the path of an external program a test checks against (xmllint, xmlsec1). It
// skips the test when the program is missing, and fails it in CI (TAAWUN_REQUIRE_ALL=1), where
// .ci/run installs the Debian package named.
func Tool(t testing.TB, name, debianPackage string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	testenv.Need(t, err == nil, name+" not installed (apt-get install "+debianPackage+")")
	return p
}

// Lookup returns the shared test data folder and an error when it has
// no MANIFEST.tsv (for fuzz seeding, which goes on without it).
func Lookup() (string, error) {
	dir := os.Getenv("TAAWUN_SHARED_TESTDATA")
	if dir == "" {
		dir = defaultDir()
	}
	_, err := os.Stat(filepath.Join(dir, "MANIFEST.tsv"))
	return dir, err
}

// Seeds returns the contents of the shared files of the given kinds, or
// nothing when the shared test data is absent. It never skips.
func Seeds(t testing.TB, kinds ...string) [][]byte {
	t.Helper()
	dir, err := Lookup()
	if err != nil {
		t.Logf("fuzz seeds: shared test data not found at %s: %v", dir, err)
		return nil
	}
	var out [][]byte
	for _, r := range Manifest(t, dir) {
		for _, k := range kinds {
			if r.Kind != k {
				continue
			}
			b, err := os.ReadFile(filepath.Join(dir, r.Path))
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, b)
		}
	}
	return out
}

// defaultDir resolves ../shared/testdata from the repository root, which
// is found from this source file so that it works from any package.
func defaultDir() string {
	_, file, _, ok := runtime.Caller(0)
	if !ok || !filepath.IsAbs(file) {
		return filepath.Join("..", "..", "..", "shared", "testdata")
	}
	// file is <repo>/internal/cap/internal/captest/captest.go
	repo := filepath.Join(filepath.Dir(file), "..", "..", "..", "..")
	return filepath.Join(repo, "..", "shared", "testdata")
}

// Manifest reads dir/MANIFEST.tsv.
func Manifest(t testing.TB, dir string) []Row {
	t.Helper()
	f, err := os.Open(filepath.Join(dir, "MANIFEST.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var rows []Row
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		cols := strings.SplitN(line, "\t", 4)
		if len(cols) < 3 {
			t.Fatalf("MANIFEST.tsv: bad line %q", line)
		}
		r := Row{Path: cols[0], Kind: cols[1], Expected: cols[2]}
		if len(cols) == 4 {
			r.What = cols[3]
		}
		rows = append(rows, r)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return rows
}

// Files returns the absolute paths of the manifest rows of the given kinds.
func Files(t testing.TB, kinds ...string) []string {
	dir := Dir(t)
	var out []string
	for _, r := range Manifest(t, dir) {
		for _, k := range kinds {
			if r.Kind == k {
				out = append(out, filepath.Join(dir, r.Path))
			}
		}
	}
	return out
}
