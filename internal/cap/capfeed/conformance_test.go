package capfeed_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/taawun/taawun/internal/cap"
	"github.com/taawun/taawun/internal/cap/capfeed"
	"github.com/taawun/taawun/internal/cap/internal/captest"
)

// TestConformance reaches the MANIFEST.tsv verdict for every feed and
// edxlde row of the shared test data.
func TestConformance(t *testing.T) {
	dir := captest.Dir(t)
	n := 0
	for _, row := range captest.Manifest(t, dir) {
		if row.Kind != "feed" && row.Kind != "edxlde" {
			continue
		}
		n++
		t.Run(row.Path, func(t *testing.T) {
			f, err := os.Open(filepath.Join(dir, row.Path))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			feed, rep := capfeed.Check(context.Background(), f, cap.Options{})
			var b strings.Builder
			for _, is := range rep.Issues {
				b.WriteString("  " + is.String() + "\n")
			}
			switch row.Expected {
			case "valid":
				if !rep.Valid() {
					t.Errorf("%s: want valid, got:\n%s", row.What, b.String())
				}
				if feed == nil {
					t.Fatal("no feed")
				}
				if row.Kind == "edxlde" && feed.Kind != capfeed.KindEDXLDE {
					t.Errorf("kind %s, want edxlde", feed.Kind)
				}
			case "invalid":
				if rep.Valid() {
					t.Errorf("%s: want invalid, got valid:\n%s", row.What, b.String())
				}
			default:
				t.Fatalf("unknown verdict %q", row.Expected)
			}
			t.Logf("%d entries\n%s", entries(feed), b.String())
		})
	}
	if n == 0 {
		t.Fatal("MANIFEST.tsv has no feed or edxlde rows")
	}
}

func entries(f *capfeed.Feed) int {
	if f == nil {
		return 0
	}
	return len(f.Entries)
}
