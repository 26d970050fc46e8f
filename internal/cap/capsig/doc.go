// Package capsig signs CAP messages with enveloped XML signatures
// (RSA-SHA256 or ECDSA-P256-SHA256, exclusive canonicalisation) and
// verifies them against pinned certificates.
//
// Verification distinguishes three outcomes per signature: trusted (the
// signature is valid and made by a pinned certificate's key), untrusted
// (valid, but only a key carried in the message itself vouches for it) and
// invalid (tampered content, wrong key or unsupported algorithm). It reads
// the signature algorithms CAP senders use in practice, including the
// legacy RSA-SHA1 and inclusive C14N, and supports several signatures on
// one message (each enveloped transform removes only its own Signature).
//
// Canonicalisation comes from github.com/russellhaering/goxmldsig; the
// signature bookkeeping (several signatures, pinning, ECDSA) is ours.
package capsig
