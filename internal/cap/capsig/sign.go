package capsig

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/asn1"
	"encoding/base64"
	"fmt"
	"math/big"

	"github.com/beevik/etree"
)

// Sign returns doc with an enveloped XML signature appended to its root
// element: RSA-SHA256 for an RSA key, ECDSA-SHA256 for a P-256 key;
// exclusive C14N; SHA-256 digest; cert (if not nil) in KeyInfo. The output
// is UTF-8 whatever the input's declared encoding. Existing signatures are
// kept (the new one covers them).
func Sign(doc []byte, key crypto.Signer, cert *x509.Certificate) ([]byte, error) {
	method, err := signatureMethod(key)
	if err != nil {
		return nil, err
	}
	d, err := readDocument(doc)
	if err != nil {
		return nil, err
	}
	setUTF8Declaration(d)
	root := d.Root()
	canon, err := canonicalizer(AlgExcC14N, "")
	if err != nil {
		return nil, err
	}
	data, err := canonicalDocument(d, root.Copy(), canon)
	if err != nil {
		return nil, fmt.Errorf("capsig: sign: %w", err)
	}
	digest := sha256.Sum256(data)

	sig := root.CreateElement(signatureTag)
	sig.CreateAttr("xmlns", NSDSig)
	si := sig.CreateElement(signedInfoTag)
	si.CreateElement(canonMethodTag).CreateAttr(algorithmAttr, AlgExcC14N)
	si.CreateElement(signatureMethTag).CreateAttr(algorithmAttr, method)
	ref := si.CreateElement(referenceTag)
	ref.CreateAttr("URI", "")
	trs := ref.CreateElement("Transforms")
	trs.CreateElement(transformTag).CreateAttr(algorithmAttr, AlgEnveloped)
	trs.CreateElement(transformTag).CreateAttr(algorithmAttr, AlgExcC14N)
	ref.CreateElement(digestMethodTag).CreateAttr(algorithmAttr, AlgDigestSHA256)
	ref.CreateElement(digestValueTag).SetText(base64.StdEncoding.EncodeToString(digest[:]))

	signed, err := canonicalSignedInfo(si, AlgExcC14N)
	if err != nil {
		return nil, fmt.Errorf("capsig: sign: %w", err)
	}
	h := sha256.Sum256(signed)
	value, err := key.Sign(rand.Reader, h[:], crypto.SHA256)
	if err != nil {
		return nil, fmt.Errorf("capsig: sign: %w", err)
	}
	if pub, ok := key.Public().(*ecdsa.PublicKey); ok {
		if value, err = ecdsaRaw(value, pub); err != nil {
			return nil, err
		}
	}
	sig.CreateElement(signatureValTag).SetText(base64.StdEncoding.EncodeToString(value))
	if cert != nil {
		sig.CreateElement(keyInfoTag).CreateElement("X509Data").CreateElement(x509CertTag).SetText(base64.StdEncoding.EncodeToString(cert.Raw))
	}
	out, err := d.WriteToBytes()
	if err != nil {
		return nil, fmt.Errorf("capsig: sign: write: %w", err)
	}
	return out, nil
}

func signatureMethod(key crypto.Signer) (string, error) {
	switch pub := key.Public().(type) {
	case *rsa.PublicKey:
		if pub.N.BitLen() < 2048 {
			return "", fmt.Errorf("capsig: RSA key of %d bits, at least 2048 needed: %w", pub.N.BitLen(), ErrKey)
		}
		return AlgRSASHA256, nil
	case *ecdsa.PublicKey:
		if pub.Curve != elliptic.P256() {
			return "", fmt.Errorf("capsig: ECDSA curve %s, only P-256 is supported: %w", pub.Curve.Params().Name, ErrUnsupported)
		}
		return AlgECDSASHA256, nil
	}
	return "", fmt.Errorf("capsig: key type %T: %w", key.Public(), ErrUnsupported)
}

// ecdsaRaw converts an ASN.1 ECDSA signature to the XML-DSig r || s form.
func ecdsaRaw(der []byte, pub *ecdsa.PublicKey) ([]byte, error) {
	var rs struct{ R, S *big.Int }
	if _, err := asn1.Unmarshal(der, &rs); err != nil {
		return nil, fmt.Errorf("capsig: ECDSA signature: %w", err)
	}
	size := (pub.Curve.Params().BitSize + 7) / 8
	out := make([]byte, 2*size)
	rs.R.FillBytes(out[:size])
	rs.S.FillBytes(out[size:])
	return out, nil
}

// setUTF8Declaration makes the XML declaration say UTF-8, which is what
// etree writes.
func setUTF8Declaration(d *etree.Document) {
	for _, t := range d.Child {
		if pi, ok := t.(*etree.ProcInst); ok && pi.Target == "xml" {
			pi.Inst = `version="1.0" encoding="UTF-8"`
			return
		}
	}
}
