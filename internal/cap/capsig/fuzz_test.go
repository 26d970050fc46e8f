package capsig_test

import (
	"testing"

	"github.com/taawun/taawun/internal/cap/capsig"
	"github.com/taawun/taawun/internal/cap/internal/captest"
)

// FuzzVerify: Verify never panics on hostile signatures, and without
// pinned certificates nothing is ever trusted.
func FuzzVerify(f *testing.F) {
	for _, b := range captest.Seeds(f, "cap") {
		f.Add(b)
	}
	f.Add([]byte(`<a><Signature xmlns="http://www.w3.org/2000/09/xmldsig#"><SignedInfo><Reference URI=""/></SignedInfo></Signature></a>`))
	f.Fuzz(func(t *testing.T, doc []byte) {
		rs, err := capsig.Verify(doc, nil)
		if err != nil {
			return
		}
		if capsig.Authentic(rs) {
			t.Fatalf("trusted without pinned certificates: %+v", rs)
		}
	})
}
