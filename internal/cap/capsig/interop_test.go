package capsig_test

import (
	"crypto"
	"crypto/x509"
	"encoding/pem"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/taawun/taawun/internal/cap/capsig"
	"github.com/taawun/taawun/internal/cap/internal/captest"
)

// xmlsecTemplate is an XML-DSig template that xmlsec1 fills in.
const xmlsecTemplate = `<Signature xmlns="http://www.w3.org/2000/09/xmldsig#"><SignedInfo>` +
	`<CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/><SignatureMethod Algorithm="%ALG%"/>` +
	`<Reference URI=""><Transforms><Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/>` +
	`<Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/></Transforms>` +
	`<DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><DigestValue/></Reference></SignedInfo>` +
	`<SignatureValue/><KeyInfo><X509Data/></KeyInfo></Signature>`

// TestInteropXMLSec checks both directions against xmlsec1 (Debian
// package xmlsec1), an independent XML-DSig implementation: our
// signatures verify there, and its signatures verify here, with and
// without a processing instruction and a comment outside the root.
func TestInteropXMLSec(t *testing.T) {
	xmlsec := captest.Tool(t, "xmlsec1", "xmlsec1")
	src, err := os.ReadFile("../testdata/full.xml")
	if err != nil {
		t.Fatal(err)
	}
	withPI := strings.Replace(string(src), "<alert ", "<?xml-stylesheet type=\"text/xsl\" href=\"cap.xsl\"?>\n<!-- comment -->\n<alert ", 1)
	dir := t.TempDir()
	algs := map[string]string{"rsa": capsig.AlgRSASHA256, "ecdsa": capsig.AlgECDSASHA256}
	for name, key := range keys(t) {
		cert := newCert(t, key, "interop "+name)
		keyFile, certFile := writePEMs(t, dir, name, key, cert)
		for docName, doc := range map[string]string{"plain": string(src), "pi": withPI} {
			t.Run(name+"/"+docName+"/ours→xmlsec1", func(t *testing.T) {
				signed, err := capsig.Sign([]byte(doc), key, cert)
				if err != nil {
					t.Fatal(err)
				}
				f := filepath.Join(dir, name+docName+"-ours.xml")
				if err := os.WriteFile(f, signed, 0o644); err != nil {
					t.Fatal(err)
				}
				out, err := exec.Command(xmlsec, "--verify", "--pubkey-cert-pem", certFile, f).CombinedOutput()
				ok := strings.HasPrefix(string(out), "OK\n") || strings.Contains(string(out), "\nOK\n")
				if err != nil || !ok {
					t.Fatalf("xmlsec1 rejects our signature: %v\n%s", err, out)
				}
			})
			t.Run(name+"/"+docName+"/xmlsec1→ours", func(t *testing.T) {
				tmpl := strings.Replace(doc, "</alert>", strings.Replace(xmlsecTemplate, "%ALG%", algs[name], 1)+"</alert>", 1)
				in, out := filepath.Join(dir, name+docName+"-tmpl.xml"), filepath.Join(dir, name+docName+"-xmlsec.xml")
				if err := os.WriteFile(in, []byte(tmpl), 0o644); err != nil {
					t.Fatal(err)
				}
				if msg, err := exec.Command(xmlsec, "--sign", "--privkey-pem", keyFile+","+certFile, "--output", out, in).CombinedOutput(); err != nil {
					t.Fatalf("xmlsec1 --sign: %v\n%s", err, msg)
				}
				signed, err := os.ReadFile(out)
				if err != nil {
					t.Fatal(err)
				}
				rs, err := capsig.Verify(signed, []*x509.Certificate{cert})
				if err != nil || !capsig.Authentic(rs) {
					t.Fatalf("xmlsec1's signature: %v %+v", err, rs)
				}
			})
		}
	}
}

func writePEMs(t *testing.T, dir, name string, key crypto.Signer, cert *x509.Certificate) (keyFile, certFile string) {
	t.Helper()
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	keyFile, certFile = filepath.Join(dir, name+".key"), filepath.Join(dir, name+".pem")
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw}), 0o644); err != nil {
		t.Fatal(err)
	}
	return keyFile, certFile
}
