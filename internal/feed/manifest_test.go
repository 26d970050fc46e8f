package feed

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// sharedTestdata is the shared real-world test data beside the project.
const sharedTestdata = "../../../shared/testdata"

// manifestRow is one line of MANIFEST.tsv.
type manifestRow struct {
	Path, Kind, Verdict, Note string
}

// manifest returns the rows of the given kinds, skipping the test when the data is absent.
func manifest(t testing.TB, kinds ...string) []manifestRow {
	t.Helper()
	f, err := os.Open(filepath.Join(sharedTestdata, "MANIFEST.tsv"))
	if err != nil {
		t.Skipf("shared test data not present: %v", err)
	}
	defer f.Close()
	var rows []manifestRow
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		cols := strings.Split(sc.Text(), "\t")
		if len(cols) < 4 {
			continue
		}
		for _, k := range kinds {
			if cols[1] == k {
				rows = append(rows, manifestRow{cols[0], cols[1], cols[2], cols[3]})
			}
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return rows
}

func readShared(t testing.TB, rel string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(sharedTestdata, rel))
	if err != nil {
		t.Fatal(err)
	}
	return b
}
