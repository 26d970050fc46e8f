package capsig_test

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"math/big"
	"os"
	"testing"
	"time"

	"github.com/taawun/taawun/internal/cap/capsig"
)

// newCert makes a self-signed certificate for key.
func newCert(t *testing.T, key crypto.Signer, cn string) *x509.Certificate {
	t.Helper()
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: cn},
		NotBefore:    time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
		NotAfter:     time.Date(2036, 1, 1, 0, 0, 0, 0, time.UTC),
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		t.Fatal(err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func keys(t *testing.T) map[string]crypto.Signer {
	rk, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	ek, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return map[string]crypto.Signer{"rsa": rk, "ecdsa": ek}
}

func TestSignVerify(t *testing.T) {
	src, err := os.ReadFile("../testdata/full.xml")
	if err != nil {
		t.Fatal(err)
	}
	for name, key := range keys(t) {
		t.Run(name, func(t *testing.T) {
			cert := newCert(t, key, "taawun test "+name)
			signed, err := capsig.Sign(src, key, cert)
			if err != nil {
				t.Fatal(err)
			}
			rs, err := capsig.Verify(signed, []*x509.Certificate{cert})
			if err != nil {
				t.Fatal(err)
			}
			if len(rs) != 1 || rs[0].Status != capsig.Trusted || !capsig.Authentic(rs) {
				t.Fatalf("pinned: %+v", rs)
			}
			// Not pinned: the in-band certificate still proves integrity.
			other := newCert(t, keys(t)["rsa"], "someone else")
			rs, err = capsig.Verify(signed, []*x509.Certificate{other})
			if err != nil {
				t.Fatal(err)
			}
			if rs[0].Status != capsig.Untrusted || capsig.Authentic(rs) || rs[0].Certificate == nil {
				t.Fatalf("unpinned: %+v", rs[0])
			}
			// Tampering with content is detected.
			bad := bytes.Replace(signed, []byte("Urban flooding expected"), []byte("Urban flooding unlikely"), 1)
			rs, err = capsig.Verify(bad, []*x509.Certificate{cert})
			if err != nil {
				t.Fatal(err)
			}
			if rs[0].Status != capsig.Invalid || !errors.Is(rs[0].Err, capsig.ErrDigestMismatch) {
				t.Fatalf("tampered content: %+v", rs[0])
			}
			// Tampering with the signed info is detected.
			bad = bytes.Replace(signed, []byte(`<Reference URI="">`), []byte(`<Reference URI="" Id="x">`), 1)
			rs, err = capsig.Verify(bad, []*x509.Certificate{cert})
			if err != nil {
				t.Fatal(err)
			}
			if rs[0].Status != capsig.Invalid || !errors.Is(rs[0].Err, capsig.ErrBadSignature) {
				t.Fatalf("tampered SignedInfo: %+v", rs[0])
			}
		})
	}
}

func TestSignRefusesWeakKeys(t *testing.T) {
	small, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := capsig.Sign([]byte(`<a/>`), small, nil); !errors.Is(err, capsig.ErrKey) {
		t.Errorf("1024-bit RSA: %v", err)
	}
	p384, err := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := capsig.Sign([]byte(`<a/>`), p384, nil); !errors.Is(err, capsig.ErrUnsupported) {
		t.Errorf("P-384: %v", err)
	}
}

func TestVerifyNoSignature(t *testing.T) {
	if _, err := capsig.Verify([]byte(`<a/>`), nil); !errors.Is(err, capsig.ErrNoSignature) {
		t.Errorf("got %v", err)
	}
	if _, err := capsig.Verify([]byte(`<!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>`), nil); err == nil {
		t.Error("DTD accepted")
	}
}

// TestTwoSignatures: a second signer countersigns; both verify, each
// against its own pinned certificate.
func TestTwoSignatures(t *testing.T) {
	src, err := os.ReadFile("../testdata/full.xml")
	if err != nil {
		t.Fatal(err)
	}
	ks := keys(t)
	c1, c2 := newCert(t, ks["rsa"], "first"), newCert(t, ks["ecdsa"], "second")
	once, err := capsig.Sign(src, ks["rsa"], c1)
	if err != nil {
		t.Fatal(err)
	}
	twice, err := capsig.Sign(once, ks["ecdsa"], c2)
	if err != nil {
		t.Fatal(err)
	}
	rs, err := capsig.Verify(twice, []*x509.Certificate{c1, c2})
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 2 || rs[0].Status != capsig.Trusted || rs[1].Status != capsig.Trusted ||
		rs[0].Certificate != c1 || rs[1].Certificate != c2 {
		t.Fatalf("%+v", rs)
	}
}
