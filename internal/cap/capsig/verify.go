package capsig

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"fmt"
	"math/big"
	"slices"
	"strings"

	"github.com/beevik/etree"
	dsig "github.com/russellhaering/goxmldsig"
	"github.com/russellhaering/goxmldsig/etreeutils"
)

// Status is the verdict on one signature.
type Status int

// Verdicts, from best to worst.
const (
	// Trusted: valid, and made with the key of a pinned certificate.
	Trusted Status = iota
	// Untrusted: valid, but only a key carried in the message vouches for
	// it ("valid but signer untrusted").
	Untrusted
	// Invalid: tampered content, a wrong key, or an unsupported form.
	Invalid
)

// String returns "trusted", "untrusted" or "invalid".
func (s Status) String() string {
	switch s {
	case Trusted:
		return "trusted"
	case Untrusted:
		return "valid but signer untrusted"
	}
	return "invalid"
}

// Result describes one Signature element of a document.
type Result struct {
	Index            int    // position among the document's signatures
	ID               string // the Signature's Id attribute, if any
	SignatureMethod  string
	DigestMethod     string
	Canonicalization string
	// Certificate is the pinned certificate that verified the signature
	// (Trusted), or the in-band one (Untrusted), or nil.
	Certificate *x509.Certificate
	// Weak is set when the signature relies on SHA-1.
	Weak   bool
	Status Status
	Err    error // why the signature is Invalid
}

// Verify checks every XML signature enveloped in doc's root element
// against the pinned certificates. It fails only when the document cannot
// be read or carries no signature; per-signature problems are in the
// results. A document is authentic when any result is Trusted.
func Verify(doc []byte, pinned []*x509.Certificate) ([]Result, error) {
	d, err := readDocument(doc)
	if err != nil {
		return nil, err
	}
	root := d.Root()
	var sigs []*etree.Element
	for _, c := range root.ChildElements() {
		if c.Tag == signatureTag && c.NamespaceURI() == NSDSig {
			sigs = append(sigs, c)
		}
	}
	if len(sigs) == 0 {
		return nil, fmt.Errorf("capsig: verify: %w", ErrNoSignature)
	}
	if len(sigs) > maxSignatures {
		return nil, fmt.Errorf("capsig: verify: %d signatures, at most %d: %w", len(sigs), maxSignatures, ErrUnsupported)
	}
	out := make([]Result, len(sigs))
	for i, s := range sigs {
		out[i] = verifyOne(d, s, i, pinned)
	}
	return out, nil
}

// Authentic reports whether any result is Trusted.
func Authentic(rs []Result) bool {
	for _, r := range rs {
		if r.Status == Trusted {
			return true
		}
	}
	return false
}

func verifyOne(d *etree.Document, sig *etree.Element, idx int, pinned []*x509.Certificate) Result {
	r := Result{Index: idx, ID: sig.SelectAttrValue("Id", ""), Status: Invalid}
	fail := func(err error) Result {
		r.Err = fmt.Errorf("capsig: signature %d: %w", idx, err)
		return r
	}
	si := child(sig, signedInfoTag)
	if si == nil {
		return fail(fmt.Errorf("no SignedInfo: %w", ErrMalformed))
	}
	r.Canonicalization = algorithm(child(si, canonMethodTag))
	r.SignatureMethod = algorithm(child(si, signatureMethTag))
	refs := children(si, referenceTag)
	if len(refs) != 1 {
		return fail(fmt.Errorf("%d References, want exactly 1: %w", len(refs), ErrUnsupported))
	}
	ref := refs[0]
	if uri := ref.SelectAttrValue("URI", ""); uri != "" {
		return fail(fmt.Errorf("reference URI %q: only the whole document (URI=\"\") is supported: %w", uri, ErrUnsupported))
	}
	r.DigestMethod = algorithm(child(ref, digestMethodTag))
	// 1. The reference digest over the document without this signature.
	if err := checkDigest(d, sig, ref, r.DigestMethod); err != nil {
		return fail(err)
	}
	// 2. The signature value over the canonical SignedInfo.
	signed, err := canonicalSignedInfo(si, r.Canonicalization)
	if err != nil {
		return fail(err)
	}
	sv := child(sig, signatureValTag)
	if sv == nil {
		return fail(fmt.Errorf("no SignatureValue: %w", ErrMalformed))
	}
	value, err := base64.StdEncoding.DecodeString(stripSpace(sv.Text()))
	if err != nil {
		return fail(fmt.Errorf("SignatureValue is not base64: %w", ErrMalformed))
	}
	h, weak, err := signatureHash(r.SignatureMethod)
	if err != nil {
		return fail(err)
	}
	r.Weak = weak || r.DigestMethod == AlgDigestSHA1
	for _, c := range pinned {
		if checkSignature(c.PublicKey, h, signed, value) == nil {
			r.Certificate, r.Status = c, Trusted
			return r
		}
	}
	inband, keys := inBandKeys(sig)
	for i, k := range keys {
		if checkSignature(k, h, signed, value) == nil {
			r.Status = Untrusted
			if i < len(inband) {
				r.Certificate = inband[i]
			}
			return r
		}
	}
	return fail(ErrBadSignature)
}

func child(el *etree.Element, tag string) *etree.Element {
	if el == nil {
		return nil
	}
	for _, c := range el.ChildElements() {
		if c.Tag == tag && c.NamespaceURI() == NSDSig {
			return c
		}
	}
	return nil
}

func children(el *etree.Element, tag string) []*etree.Element {
	var out []*etree.Element
	for _, c := range el.ChildElements() {
		if c.Tag == tag && c.NamespaceURI() == NSDSig {
			out = append(out, c)
		}
	}
	return out
}

func textOf(el *etree.Element) string {
	if el == nil {
		return ""
	}
	return el.Text()
}

func algorithm(el *etree.Element) string {
	if el == nil {
		return ""
	}
	return el.SelectAttrValue(algorithmAttr, "")
}

func stripSpace(s string) string {
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '\t' || r == '\n' || r == '\r' {
			return -1
		}
		return r
	}, s)
}

// canonicalizer returns the canonicaliser for a c14n algorithm URI.
func canonicalizer(alg, prefixes string) (dsig.Canonicalizer, error) {
	switch alg {
	case AlgExcC14N:
		return dsig.MakeC14N10ExclusiveCanonicalizerWithPrefixList(prefixes), nil
	case AlgExcC14NComm:
		return dsig.MakeC14N10ExclusiveWithCommentsCanonicalizerWithPrefixList(prefixes), nil
	case AlgC14N:
		return dsig.MakeC14N10RecCanonicalizer(), nil
	case AlgC14NComm:
		return dsig.MakeC14N10WithCommentsCanonicalizer(), nil
	case AlgC14N11:
		return dsig.MakeC14N11Canonicalizer(), nil
	}
	return nil, fmt.Errorf("canonicalization %q: %w", alg, ErrUnsupported)
}

func digestHash(alg string) (crypto.Hash, error) {
	switch alg {
	case AlgDigestSHA1:
		return crypto.SHA1, nil
	case AlgDigestSHA256:
		return crypto.SHA256, nil
	case AlgDigestSHA512:
		return crypto.SHA512, nil
	}
	return 0, fmt.Errorf("digest method %q: %w", alg, ErrUnsupported)
}

func signatureHash(alg string) (h crypto.Hash, weak bool, err error) {
	switch alg {
	case AlgRSASHA1:
		return crypto.SHA1, true, nil
	case AlgRSASHA256, AlgECDSASHA256:
		return crypto.SHA256, false, nil
	case AlgRSASHA512:
		return crypto.SHA512, false, nil
	}
	return 0, false, fmt.Errorf("signature method %q: %w", alg, ErrUnsupported)
}

// checkDigest applies the reference's transforms to a copy of the
// document (the enveloped transform removes sig) and compares the digest.
func checkDigest(d *etree.Document, sig, ref *etree.Element, digestAlg string) error {
	root := d.Root()
	h, err := digestHash(digestAlg)
	if err != nil {
		return err
	}
	want, err := base64.StdEncoding.DecodeString(stripSpace(textOf(child(ref, digestValueTag))))
	if err != nil || len(want) != h.Size() {
		return fmt.Errorf("DigestValue is not a base64 %s digest: %w", h, ErrMalformed)
	}
	idx := sig.Index()
	doc := root.Copy()
	var canon dsig.Canonicalizer
	enveloped := false
	for _, tr := range children(child(ref, "Transforms"), transformTag) {
		alg := algorithm(tr)
		if alg == AlgEnveloped {
			enveloped = true
			continue
		}
		prefixes := ""
		if inc := tr.FindElement("./InclusiveNamespaces"); inc != nil {
			prefixes = inc.SelectAttrValue("PrefixList", "")
		}
		if canon, err = canonicalizer(withoutComments(alg), prefixes); err != nil {
			return err
		}
	}
	if !enveloped {
		return fmt.Errorf("reference without the enveloped-signature transform: %w", ErrUnsupported)
	}
	if canon == nil {
		// XML-DSig: a node-set is turned into octets by inclusive C14N,
		// comments omitted for URI="".
		canon = dsig.MakeC14N10RecCanonicalizer()
	}
	// The enveloped transform removes the Signature that holds it. Senders
	// that add parallel signatures (the Canadian NAAD System) compute each
	// digest without any signature, so that form is accepted too: removing
	// other Signature elements never hides a change to the content.
	only := doc.Copy()
	only.RemoveChildAt(idx)
	variants := []*etree.Element{only}
	if others := len(children(doc, signatureTag)); others > 1 {
		for _, s := range children(doc, signatureTag) {
			doc.RemoveChild(s)
		}
		variants = append(variants, doc)
	}
	for _, v := range variants {
		data, err := canonicalDocument(d, v, canon)
		if err != nil {
			return err
		}
		hh := h.New()
		hh.Write(data)
		if bytes.Equal(hh.Sum(nil), want) {
			return nil
		}
	}
	return ErrDigestMismatch
}

// withoutComments maps a c14n algorithm to its comment-free form: the
// node-set of URI="" never holds comments (XML-DSig 4.4.3.3).
func withoutComments(alg string) string {
	switch alg {
	case AlgExcC14NComm:
		return AlgExcC14N
	case AlgC14NComm:
		return AlgC14N
	}
	return alg
}

// canonicalDocument canonicalises the whole document for URI="" with root
// standing for its element: processing instructions outside the root are
// kept (each followed, before the root, or preceded, after it, by a line
// feed), comments and the XML declaration are not (C14N 1.0 section 2.3).
func canonicalDocument(d *etree.Document, root *etree.Element, canon dsig.Canonicalizer) ([]byte, error) {
	body, err := canon.Canonicalize(root)
	if err != nil {
		return nil, fmt.Errorf("canonicalize: %w", err)
	}
	var before, after bytes.Buffer
	seenRoot := false
	for _, t := range d.Child {
		switch t := t.(type) {
		case *etree.Element:
			seenRoot = true
		case *etree.ProcInst:
			if t.Target == "xml" {
				continue
			}
			pi := "<?" + t.Target
			if t.Inst != "" {
				pi += " " + t.Inst
			}
			pi += "?>"
			if seenRoot {
				after.WriteString("\n" + pi)
			} else {
				before.WriteString(pi + "\n")
			}
		}
	}
	if before.Len() == 0 && after.Len() == 0 {
		return body, nil
	}
	return slices.Concat(before.Bytes(), body, after.Bytes()), nil
}

// canonicalSignedInfo canonicalises SignedInfo in its namespace context.
func canonicalSignedInfo(si *etree.Element, alg string) ([]byte, error) {
	ctx, err := etreeutils.NSBuildParentContext(si)
	if err != nil {
		return nil, fmt.Errorf("SignedInfo namespaces: %w", err)
	}
	detached, err := etreeutils.NSDetatch(ctx, si)
	if err != nil {
		return nil, fmt.Errorf("SignedInfo namespaces: %w", err)
	}
	c, err := canonicalizer(alg, "")
	if err != nil {
		return nil, err
	}
	return c.Canonicalize(detached)
}

// inBandKeys returns the certificates and public keys the Signature carries.
func inBandKeys(sig *etree.Element) ([]*x509.Certificate, []crypto.PublicKey) {
	var (
		certs []*x509.Certificate
		keys  []crypto.PublicKey
	)
	ki := child(sig, keyInfoTag)
	if ki == nil {
		return nil, nil
	}
	for _, xd := range children(ki, "X509Data") {
		for _, xc := range children(xd, x509CertTag) {
			if len(certs) >= maxCertsPerSig {
				break
			}
			der, err := base64.StdEncoding.DecodeString(stripSpace(xc.Text()))
			if err != nil {
				continue
			}
			c, err := x509.ParseCertificate(der)
			if err != nil {
				continue
			}
			certs = append(certs, c)
			keys = append(keys, c.PublicKey)
		}
	}
	for _, kv := range children(ki, "KeyValue") {
		if rk := child(kv, "RSAKeyValue"); rk != nil {
			n, err1 := base64.StdEncoding.DecodeString(stripSpace(textOf(child(rk, "Modulus"))))
			e, err2 := base64.StdEncoding.DecodeString(stripSpace(textOf(child(rk, "Exponent"))))
			if err1 == nil && err2 == nil && len(e) <= 4 && len(n) > 0 {
				keys = append(keys, &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: int(new(big.Int).SetBytes(e).Int64())})
			}
		}
	}
	return certs, keys
}

// checkSignature verifies value over data with key.
func checkSignature(key crypto.PublicKey, h crypto.Hash, data, value []byte) error {
	hh := h.New()
	hh.Write(data)
	sum := hh.Sum(nil)
	switch k := key.(type) {
	case *rsa.PublicKey:
		return rsa.VerifyPKCS1v15(k, h, sum, value)
	case *ecdsa.PublicKey:
		// XML-DSig ECDSA values are r || s, each the size of the curve order.
		size := (k.Curve.Params().BitSize + 7) / 8
		if len(value) != 2*size {
			return ErrBadSignature
		}
		r := new(big.Int).SetBytes(value[:size])
		s := new(big.Int).SetBytes(value[size:])
		if !ecdsa.Verify(k, sum, r, s) {
			return ErrBadSignature
		}
		return nil
	}
	return fmt.Errorf("key type %T: %w", key, ErrUnsupported)
}
