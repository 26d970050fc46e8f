package capfeed_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/taawun/taawun/internal/cap"
	"github.com/taawun/taawun/internal/cap/capfeed"
	"github.com/taawun/taawun/internal/cap/internal/captest"
)

// FuzzFeed: parsing and validating containers never panics, and every
// issue carries a known rule code.
func FuzzFeed(f *testing.F) {
	for _, b := range captest.Seeds(f, "feed", "edxlde") {
		f.Add(b)
	}
	f.Add([]byte(`<rss version="2.0"><channel><item><alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"/></item></channel></rss>`))
	known := map[string]bool{}
	for _, r := range append(cap.Rules(), capfeed.Rules()...) {
		known[r.Code] = true
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		feed, rep := capfeed.Check(context.Background(), bytes.NewReader(src), cap.Options{})
		if feed == nil && rep.Valid() {
			t.Fatal("unparsed input reported valid")
		}
		for _, is := range rep.Issues {
			if !known[is.Code] {
				t.Fatalf("undocumented rule code %s", is.Code)
			}
		}
	})
}
