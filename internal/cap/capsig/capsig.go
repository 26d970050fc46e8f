package capsig

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/beevik/etree"
	"github.com/taawun/taawun/internal/cap/xmltree"
	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/transform"
)

// The XML-DSig namespace and algorithm identifiers (XML-DSig, RFC 6931).
const (
	NSDSig          = "http://www.w3.org/2000/09/xmldsig#"
	AlgExcC14N      = "http://www.w3.org/2001/10/xml-exc-c14n#"
	AlgExcC14NComm  = "http://www.w3.org/2001/10/xml-exc-c14n#WithComments"
	AlgC14N         = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315"
	AlgC14NComm     = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments"
	AlgC14N11       = "http://www.w3.org/2006/12/xml-c14n11"
	AlgEnveloped    = "http://www.w3.org/2000/09/xmldsig#enveloped-signature"
	AlgRSASHA1      = "http://www.w3.org/2000/09/xmldsig#rsa-sha1"
	AlgRSASHA256    = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
	AlgRSASHA512    = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512"
	AlgECDSASHA256  = "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256"
	AlgDigestSHA1   = "http://www.w3.org/2000/09/xmldsig#sha1"
	AlgDigestSHA256 = "http://www.w3.org/2001/04/xmlenc#sha256"
	AlgDigestSHA512 = "http://www.w3.org/2001/04/xmlenc#sha512"
)

// Limits, PEM block types and XML-DSig element names.
const (
	maxSignatures    = 16
	maxCertsPerSig   = 8
	pemTypeCert      = "CERTIFICATE"
	pemTypePKCS8     = "PRIVATE KEY"
	pemTypeRSAKey    = "RSA PRIVATE KEY"
	pemTypeECKey     = "EC PRIVATE KEY"
	signatureTag     = "Signature"
	signedInfoTag    = "SignedInfo"
	signatureValTag  = "SignatureValue"
	referenceTag     = "Reference"
	digestValueTag   = "DigestValue"
	digestMethodTag  = "DigestMethod"
	transformTag     = "Transform"
	algorithmAttr    = "Algorithm"
	keyInfoTag       = "KeyInfo"
	x509CertTag      = "X509Certificate"
	canonMethodTag   = "CanonicalizationMethod"
	signatureMethTag = "SignatureMethod"
)

// Sentinel errors; test for them with errors.Is.
var (
	// ErrNoSignature means the document carries no XML signature.
	ErrNoSignature = errors.New("no XML signature")
	// ErrDigestMismatch means the signed content was changed after signing.
	ErrDigestMismatch = errors.New("digest mismatch: the signed content was altered")
	// ErrBadSignature means the signature value does not verify with any key.
	ErrBadSignature = errors.New("signature value does not verify")
	// ErrUnsupported means an algorithm or reference form is not supported.
	ErrUnsupported = errors.New("unsupported signature feature")
	// ErrMalformed means the Signature element lacks a required part.
	ErrMalformed = errors.New("malformed signature")
	// ErrKey means a key or certificate could not be read or used.
	ErrKey = errors.New("unusable key or certificate")
)

// readDocument parses doc with the safe reader first (limits, no DTD), then
// into an etree document for canonicalisation.
func readDocument(doc []byte) (*etree.Document, error) {
	if _, err := xmltree.Parse(bytes.NewReader(doc), xmltree.Limits{}); err != nil {
		return nil, fmt.Errorf("capsig: %w", err)
	}
	d := etree.NewDocument()
	d.ReadSettings.CharsetReader = func(label string, in io.Reader) (io.Reader, error) {
		enc, err := htmlindex.Get(label)
		if err != nil {
			return nil, fmt.Errorf("encoding %q: %w", label, xmltree.ErrEncoding)
		}
		return transform.NewReader(in, enc.NewDecoder()), nil
	}
	if err := d.ReadFromBytes(doc); err != nil {
		return nil, fmt.Errorf("capsig: read XML: %w", err)
	}
	if d.Root() == nil {
		return nil, fmt.Errorf("capsig: %w", xmltree.ErrEmpty)
	}
	return d, nil
}

// ParseCertificates reads every CERTIFICATE block of PEM data.
func ParseCertificates(pemData []byte) ([]*x509.Certificate, error) {
	var certs []*x509.Certificate
	for {
		var b *pem.Block
		b, pemData = pem.Decode(pemData)
		if b == nil {
			break
		}
		if b.Type != pemTypeCert {
			continue
		}
		c, err := x509.ParseCertificate(b.Bytes)
		if err != nil {
			return nil, fmt.Errorf("capsig: parse certificate: %w: %w", ErrKey, err)
		}
		certs = append(certs, c)
	}
	if len(certs) == 0 {
		return nil, fmt.Errorf("capsig: no PEM CERTIFICATE block: %w", ErrKey)
	}
	return certs, nil
}

// LoadCertificates reads the certificates of the PEM files at paths.
func LoadCertificates(paths ...string) ([]*x509.Certificate, error) {
	var out []*x509.Certificate
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			return nil, fmt.Errorf("capsig: %w", err)
		}
		cs, err := ParseCertificates(b)
		if err != nil {
			return nil, fmt.Errorf("%w (%s)", err, p)
		}
		out = append(out, cs...)
	}
	return out, nil
}

// ParseSigner reads an RSA or ECDSA private key (PKCS#8, PKCS#1 or SEC 1 PEM).
func ParseSigner(pemData []byte) (crypto.Signer, error) {
	for {
		var b *pem.Block
		b, pemData = pem.Decode(pemData)
		if b == nil {
			return nil, fmt.Errorf("capsig: no PEM private key block: %w", ErrKey)
		}
		var (
			k   any
			err error
		)
		switch b.Type {
		case pemTypePKCS8:
			k, err = x509.ParsePKCS8PrivateKey(b.Bytes)
		case pemTypeRSAKey:
			k, err = x509.ParsePKCS1PrivateKey(b.Bytes)
		case pemTypeECKey:
			k, err = x509.ParseECPrivateKey(b.Bytes)
		default:
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("capsig: parse private key: %w: %w", ErrKey, err)
		}
		switch k := k.(type) {
		case *rsa.PrivateKey:
			return k, nil
		case *ecdsa.PrivateKey:
			return k, nil
		}
		return nil, fmt.Errorf("capsig: private key type %T: %w", k, ErrUnsupported)
	}
}
