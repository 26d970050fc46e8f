package capsig_test

import (
	"bytes"
	"crypto/x509"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/taawun/taawun/internal/cap/capsig"
	"github.com/taawun/taawun/internal/cap/internal/captest"
)

func sharedFile(t *testing.T, rel string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(captest.Dir(t), rel))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func canadaCerts(t *testing.T) []*x509.Certificate {
	t.Helper()
	td := filepath.Join(captest.Dir(t), "google-cap-library", "testdata")
	pinned, err := capsig.LoadCertificates(filepath.Join(td, "naads_x509_cert.pem"), filepath.Join(td, "environment_canada_x509_cert.pem"))
	if err != nil {
		t.Fatal(err)
	}
	return pinned
}

// TestCanadaSigned: each of the two signatures verifies against one of
// the two pinned certificates; either certificate alone trusts one.
func TestCanadaSigned(t *testing.T) {
	doc := sharedFile(t, "google-cap-library/testdata/canada_signed.cap")
	pinned := canadaCerts(t)
	rs, err := capsig.Verify(doc, pinned)
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 2 {
		t.Fatalf("%d signatures, want 2", len(rs))
	}
	for _, r := range rs {
		if r.Status != capsig.Trusted {
			t.Errorf("signature %d %q: %s (%v)", r.Index, r.ID, r.Status, r.Err)
		}
	}
	for i, c := range pinned {
		rs, err := capsig.Verify(doc, []*x509.Certificate{c})
		if err != nil {
			t.Fatal(err)
		}
		trusted := 0
		for _, r := range rs {
			if r.Status == capsig.Trusted {
				trusted++
			}
		}
		if trusted != 1 {
			t.Errorf("certificate %d alone trusts %d signatures, want 1", i, trusted)
		}
	}
	bad := bytes.Replace(doc, []byte("snowfall warning"), []byte("snowfall watching"), 1)
	rs, err = capsig.Verify(bad, pinned)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rs {
		if r.Status != capsig.Invalid || !errors.Is(r.Err, capsig.ErrDigestMismatch) {
			t.Errorf("tampered: signature %d: %s %v", r.Index, r.Status, r.Err)
		}
	}
}

// TestInBandOnly: signatures whose key only the message carries are valid
// but untrusted.
func TestInBandOnly(t *testing.T) {
	pinned := canadaCerts(t)
	for _, rel := range []string{
		"google-cap-library/testdata/earthquake_signed.cap",
		"willglynn-oasiscap/ipaws-5e6dd9de023f1930ef6548d9.xml",
		"willglynn-oasiscap/ipaws-5e7e0fc5023f1930efcf3deb.xml",
		"willglynn-oasiscap/ipaws-5e6dd964023f1930ef638846.xml",
		"tannerryan-cap/PelmorexNAADS_WindWarning.xml",
	} {
		rs, err := capsig.Verify(sharedFile(t, rel), pinned)
		if err != nil {
			t.Fatalf("%s: %v", rel, err)
		}
		for _, r := range rs {
			if r.Status != capsig.Untrusted {
				t.Errorf("%s signature %d: %s (%v), want untrusted", rel, r.Index, r.Status, r.Err)
			}
		}
		if capsig.Authentic(rs) {
			t.Errorf("%s: in-band key counted as trusted", rel)
		}
	}
}
