package capcli

import (
	"crypto/x509"
	"fmt"
	"os"

	"github.com/taawun/taawun/internal/cap"
	"github.com/taawun/taawun/internal/cap/capsig"
	"github.com/taawun/taawun/internal/cap/xmltree"
)

func runSign(e *env, args []string) int {
	fs := newFlags(e, "sign", "FILE|-",
		"Append an enveloped XML signature (exclusive C14N, SHA-256; RSA-SHA256 for an\nRSA key, ECDSA-SHA256 for a P-256 key) and write the signed message to\nstandard output or --out. The input must be a CAP alert that passes strict\nvalidation (see --allow-invalid). Exit 1 when it is not.")
	keyPath := fs.String("key", "", "PEM private key (PKCS#8, PKCS#1 or SEC 1) (required)")
	certPath := fs.String("cert", "", "PEM certificate to embed in KeyInfo (optional)")
	out := fs.String("out", "", "write to this file instead of standard output")
	allowInvalid := fs.Bool("allow-invalid", false, "sign even when the message fails strict validation")
	if code, done := parseFlags(e, fs, args); done {
		return code
	}
	if *keyPath == "" || fs.NArg() != 1 {
		fmt.Fprintln(e.stderr, "taawun cap sign: need --key and exactly one input")
		return ExitUsage
	}
	keyPEM, err := os.ReadFile(*keyPath)
	if err != nil {
		fmt.Fprintf(e.stderr, "taawun cap sign: %v\n", err)
		return ExitUsage
	}
	key, err := capsig.ParseSigner(keyPEM)
	if err != nil {
		fmt.Fprintf(e.stderr, "taawun cap sign: %s: %v\n", *keyPath, err)
		return ExitUsage
	}
	var cert *x509.Certificate
	if *certPath != "" {
		cs, err := capsig.LoadCertificates(*certPath)
		if err != nil {
			fmt.Fprintf(e.stderr, "taawun cap sign: %v\n", err)
			return ExitUsage
		}
		cert = cs[0]
	}
	doc, err := e.readInput(fs.Arg(0), xmltree.DefaultMaxBytes)
	if err != nil {
		fmt.Fprintf(e.stderr, "taawun cap sign: %v\n", err)
		return ExitUsage
	}
	a, err := cap.ParseBytes(doc)
	if err != nil {
		fmt.Fprintf(e.stderr, "taawun cap sign: %s: %v\n", fs.Arg(0), err)
		return ExitCheck
	}
	if rep := cap.Validate(e.ctx, a, cap.Options{}); !rep.Valid() {
		fmt.Fprintf(e.stderr, "taawun cap sign: %s: invalid CAP (%d errors; first: %s)\n", fs.Arg(0), rep.Count(cap.SevError), firstError(rep))
		if !*allowInvalid {
			return ExitCheck
		}
	}
	signed, err := capsig.Sign(doc, key, cert)
	if err != nil {
		fmt.Fprintf(e.stderr, "taawun cap sign: %s: %v\n", fs.Arg(0), err)
		return ExitCheck
	}
	if *out != "" {
		if err := os.WriteFile(*out, signed, 0o644); err != nil {
			fmt.Fprintf(e.stderr, "taawun cap sign: %v\n", err)
			return ExitUsage
		}
		return ExitOK
	}
	if _, err := e.stdout.Write(signed); err != nil {
		fmt.Fprintf(e.stderr, "taawun cap sign: %v\n", err)
		return ExitUsage
	}
	return ExitOK
}

func firstError(r cap.Report) string {
	for _, is := range r.Issues {
		if is.Severity == cap.SevError {
			return is.String()
		}
	}
	return ""
}

func runVerify(e *env, args []string) int {
	fs := newFlags(e, "verify", "FILE...|-",
		"Verify the XML signatures of each input against the pinned certificates.\nExit 0 when every input has a signature made by a pinned certificate's key;\n1 when any input is unsigned, tampered, or signed only by a key it carries\nitself (\"valid but signer untrusted\"); 2 on usage or I/O errors.")
	var certs stringList
	fs.Var(&certs, "cert", "PEM file of trusted (pinned) certificates; repeatable")
	if code, done := parseFlags(e, fs, args); done {
		return code
	}
	if fs.NArg() == 0 {
		fmt.Fprintln(e.stderr, "taawun cap verify: no input")
		return ExitUsage
	}
	pinned, err := capsig.LoadCertificates(certs...)
	if err != nil {
		fmt.Fprintf(e.stderr, "taawun cap verify: %v\n", err)
		return ExitUsage
	}
	code := ExitOK
	for _, name := range fs.Args() {
		doc, err := e.readInput(name, xmltree.DefaultMaxBytes)
		if err != nil {
			fmt.Fprintf(e.stderr, "taawun cap verify: %v\n", err)
			code = ExitUsage
			continue
		}
		rs, err := capsig.Verify(doc, pinned)
		if err != nil {
			fmt.Fprintf(e.stdout, "%s: not verified: %v\n", name, err)
			code = max(code, ExitCheck)
			continue
		}
		verdict := "trusted"
		if !capsig.Authentic(rs) {
			verdict = "NOT trusted"
			code = max(code, ExitCheck)
		}
		fmt.Fprintf(e.stdout, "%s: %s (%d signatures)\n", name, verdict, len(rs))
		for _, r := range rs {
			line := fmt.Sprintf("  signature %d", r.Index)
			if r.ID != "" {
				line += fmt.Sprintf(" %q", r.ID)
			}
			line += ": " + r.Status.String()
			if r.Certificate != nil {
				line += ", signer " + r.Certificate.Subject.String()
			}
			if r.Weak {
				line += ", weak (SHA-1)"
			}
			if r.Err != nil {
				line += ": " + r.Err.Error()
			}
			fmt.Fprintln(e.stdout, line)
		}
	}
	return code
}
