package capcli_test

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/taawun/taawun/internal/cap/capcli"
)

type result struct {
	code           int
	stdout, stderr string
}

func run(t *testing.T, stdin string, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	code := capcli.Run(context.Background(), args, strings.NewReader(stdin), &out, &errb)
	return result{code, out.String(), errb.String()}
}

// keyPair writes a P-256 key and a self-signed certificate as PEM files.
func keyPair(t *testing.T, dir, name string) (keyFile, certFile string) {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(7), Subject: pkix.Name{CommonName: name},
		NotBefore: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), NotAfter: time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &k.PublicKey, k)
	if err != nil {
		t.Fatal(err)
	}
	p8, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		t.Fatal(err)
	}
	keyFile, certFile = filepath.Join(dir, name+".key"), filepath.Join(dir, name+".pem")
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: p8}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644); err != nil {
		t.Fatal(err)
	}
	return keyFile, certFile
}

func TestRun(t *testing.T) {
	const (
		good   = "../testdata/full.xml"
		errors = "../testdata/errors.xml"
	)
	dir := t.TempDir()
	key, cert := keyPair(t, dir, "signer")
	_, otherCert := keyPair(t, dir, "other")
	signed := filepath.Join(dir, "signed.xml")
	if r := run(t, "", "sign", "--key", key, "--cert", cert, "--out", signed, good); r.code != 0 {
		t.Fatalf("sign: %+v", r)
	}
	signedBytes, err := os.ReadFile(signed)
	if err != nil {
		t.Fatal(err)
	}
	tampered := filepath.Join(dir, "tampered.xml")
	if err := os.WriteFile(tampered, bytes.Replace(signedBytes, []byte("Lahore low-lying"), []byte("Karachi low-lying"), 1), 0o644); err != nil {
		t.Fatal(err)
	}
	rss := `<rss version="2.0"><channel><title>t</title><link>http://x</link><description>d</description><item><title>a</title><link>http://x/a.cap</link></item></channel></rss>`

	tests := []struct {
		name   string
		stdin  string
		args   []string
		code   int
		stdout []string // substrings expected on stdout
		stderr []string // substrings expected on stderr
	}{
		{"no args", "", nil, 2, nil, []string{"Usage: taawun cap"}},
		{"help", "", []string{"--help"}, 0, []string{"validate", "sign", "verify", "convert"}, nil},
		{"unknown command", "", []string{"frobnicate"}, 2, nil, []string{`unknown command "frobnicate"`}},
		{"validate help", "", []string{"validate", "--help"}, 0, []string{"Usage: taawun cap validate", "-profile", "-format"}, nil},
		{"sign help", "", []string{"sign", "-h"}, 0, []string{"Usage: taawun cap sign", "-key"}, nil},
		{"verify help", "", []string{"verify", "--help"}, 0, []string{"-cert"}, nil},
		{"convert help", "", []string{"convert", "--help"}, 0, []string{"-to"}, nil},
		{"rules help", "", []string{"rules", "--help"}, 0, []string{"rules"}, nil},
		{"validate valid", "", []string{"validate", good}, 0, []string{good + ": valid (alert 1.2, profile strict, 0 errors"}, nil},
		{"validate invalid", "", []string{"validate", errors}, 1, []string{"invalid", "errors.xml:3:3: error CAP020"}, nil},
		{"validate mixed", "", []string{"validate", good, errors}, 1, []string{": valid", ": invalid"}, nil},
		{"validate quiet", "", []string{"validate", "--quiet", good, errors}, 1, []string{"errors.xml: invalid"}, nil},
		{"validate missing file", "", []string{"validate", filepath.Join(dir, "nope.xml")}, 2, nil, []string{"no such file"}},
		{"validate directory", "", []string{"validate", dir}, 2, nil, []string{"directory"}},
		{"validate no input", "", []string{"validate"}, 2, nil, []string{"no input"}},
		{"validate bad profile", "", []string{"validate", "--profile", "mars", good}, 2, nil, []string{"unknown profile"}},
		{"validate bad format", "", []string{"validate", "--format", "xml", good}, 2, nil, []string{"--format"}},
		{"validate bad flag", "", []string{"validate", "--nope", good}, 2, nil, []string{"flag provided but not defined"}},
		{"validate stdin", mustRead(t, good), []string{"validate", "-"}, 0, []string{"-: valid"}, nil},
		{"validate garbage", "\x00\x01garbage", []string{"validate", "-"}, 1, []string{"-: invalid (unreadable", "CAP001"}, nil},
		{"validate DTD", `<!DOCTYPE alert [<!ENTITY a "b">]><alert/>`, []string{"validate", "-"}, 1, []string{"CAP001", "DTD"}, nil},
		{"validate not cap", `<html/>`, []string{"validate", "-"}, 1, []string{"CAP002"}, nil},
		{"validate rss", rss, []string{"validate", "-"}, 0, []string{"-: valid (rss"}, nil},
		{"validate pk profile", "", []string{"validate", "--profile", "pk", good}, 0, []string{"warning CAP111"}, nil},
		{"validate ipaws profile", "", []string{"validate", "--profile=ipaws", good}, 1, []string{"CAP102", "CAP120"}, nil},
		{"sign stdout", mustRead(t, good), []string{"sign", "--key", key, "-"}, 0, []string{"<Signature xmlns=\"http://www.w3.org/2000/09/xmldsig#\">", "ecdsa-sha256"}, nil},
		{"sign no key", "", []string{"sign", good}, 2, nil, []string{"need --key"}},
		{"sign bad key", "", []string{"sign", "--key", cert, good}, 2, nil, []string{"no PEM private key"}},
		{"sign DTD", `<!DOCTYPE a><a/>`, []string{"sign", "--key", key, "-"}, 1, nil, []string{"DTD"}},
		{"sign not cap", `<a/>`, []string{"sign", "--key", key, "-"}, 1, nil, []string{"not a CAP alert"}},
		{"sign invalid cap", "", []string{"sign", "--key", key, errors}, 1, nil, []string{"invalid CAP", "CAP0"}},
		{"sign invalid cap allowed", "", []string{"sign", "--allow-invalid", "--key", key, errors}, 0, []string{"<SignatureValue>"}, []string{"invalid CAP"}},
		{"verify trusted", "", []string{"verify", "--cert", cert, signed}, 0, []string{"signed.xml: trusted (1 signatures)", "signature 0: trusted, signer CN=signer"}, nil},
		{"verify untrusted", "", []string{"verify", "--cert", otherCert, signed}, 1, []string{"NOT trusted", "valid but signer untrusted"}, nil},
		{"verify tampered", "", []string{"verify", "--cert", cert, tampered}, 1, []string{"NOT trusted", "digest mismatch"}, nil},
		{"verify unsigned", "", []string{"verify", "--cert", cert, good}, 1, []string{"no XML signature"}, nil},
		{"verify bad cert file", "", []string{"verify", "--cert", key, signed}, 2, nil, []string{"no PEM CERTIFICATE"}},
		{"signed still valid", "", []string{"validate", signed}, 0, []string{"valid"}, nil},
		{"convert json", "", []string{"convert", good}, 0, []string{`"identifier": "PK-NDMA-2026-0001"`, `"areaDesc": "Lahore low-lying areas"`}, nil},
		{"convert geojson", "", []string{"convert", "--to", "geojson", good}, 0, []string{`"type": "FeatureCollection"`, "74.3"}, nil},
		{"convert bad target", "", []string{"convert", "--to", "kml", good}, 2, nil, []string{"--to"}},
		{"convert garbage", "nonsense", []string{"convert", "-"}, 1, nil, []string{"malformed XML"}},
		{"rules", "", []string{"rules"}, 0, []string{"CAP001", "FEED001", "EDXL001"}, nil},
		{"rules extra arg", "", []string{"rules", "x"}, 2, nil, []string{"no arguments"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := run(t, tt.stdin, tt.args...)
			if r.code != tt.code {
				t.Errorf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", r.code, tt.code, r.stdout, r.stderr)
			}
			for _, s := range tt.stdout {
				if !strings.Contains(r.stdout, s) {
					t.Errorf("stdout lacks %q:\n%s", s, r.stdout)
				}
			}
			for _, s := range tt.stderr {
				if !strings.Contains(r.stderr, s) {
					t.Errorf("stderr lacks %q:\n%s", s, r.stderr)
				}
			}
		})
	}
}

func mustRead(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestValidateJSON(t *testing.T) {
	r := run(t, "", "validate", "--format", "json", "../testdata/full.xml", "../testdata/errors.xml")
	if r.code != 1 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	var got []struct {
		File    string `json:"file"`
		Kind    string `json:"kind"`
		Version string `json:"version"`
		Valid   bool   `json:"valid"`
		Errors  int    `json:"errors"`
		Profile string `json:"profile"`
		Issues  []struct {
			Code     string `json:"code"`
			Severity string `json:"severity"`
			Pos      struct{ Line, Col int }
		} `json:"issues"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
		t.Fatalf("%v\n%s", err, r.stdout)
	}
	if len(got) != 2 || !got[0].Valid || got[1].Valid || got[0].Kind != "alert" || got[0].Version != "1.2" || got[0].Profile != "strict" {
		t.Fatalf("unexpected report: %+v", got)
	}
	if got[1].Errors == 0 || got[1].Issues[0].Severity != "error" || got[1].Issues[0].Pos.Line == 0 {
		t.Errorf("issues: %+v", got[1].Issues)
	}
}
