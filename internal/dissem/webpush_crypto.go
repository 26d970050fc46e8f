package dissem

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// Web Push cryptography, written here on the standard library rather than taken from
// SherClockHolmes/webpush-go v1.4.0, which pads every message to 4 KiB, signs its VAPID token with
// a fixed 12-hour expiry from the wall clock whatever its options say, and works through the
// deprecated crypto/elliptic arithmetic. Both halves are checked against RFC 8291's worked example.

// pushRecordSize is the aes128gcm record size announced in the header: a push message is one
// record, and push services accept at most 4096 bytes of body.
const pushRecordSize = 4096

// pushHeaderLen is the aes128gcm header with a P-256 key: salt, record size, key length, key.
const pushHeaderLen = 16 + 4 + 1 + 65

// MaxPushPayload is the largest plaintext one push message carries: the record less the header,
// the AES-GCM tag and the padding delimiter.
const MaxPushPayload = pushRecordSize - pushHeaderLen - 16 - 1

// encryptPush seals plaintext for a browser (RFC 8291): an ECDH agreement between the
// application server's one-time key as and the browser's key uaPublic, mixed with the browser's
// authentication secret, keys AES-128-GCM over one aes128gcm record (RFC 8188) without padding.
func encryptPush(plaintext, uaPublic, authSecret []byte, as *ecdh.PrivateKey, salt []byte) ([]byte, error) {
	if len(plaintext) > MaxPushPayload {
		return nil, fmt.Errorf("push payload of %d bytes exceeds %d", len(plaintext), MaxPushPayload)
	}
	ua, err := ecdh.P256().NewPublicKey(uaPublic)
	if err != nil {
		return nil, fmt.Errorf("push subscription key p256dh: %w", err)
	}
	shared, err := as.ECDH(ua)
	if err != nil {
		return nil, err
	}
	asPublic := as.PublicKey().Bytes()
	cek, nonce, err := pushKeys(shared, authSecret, salt, uaPublic, asPublic)
	if err != nil {
		return nil, err
	}
	block, err := aes.NewCipher(cek)
	if err != nil {
		return nil, err
	}
	gcm, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	out := make([]byte, 0, pushHeaderLen+len(plaintext)+1+gcm.Overhead())
	out = append(out, salt...)
	out = binary.BigEndian.AppendUint32(out, pushRecordSize)
	out = append(out, byte(len(asPublic)))
	out = append(out, asPublic...)
	record := append(append(make([]byte, 0, len(plaintext)+1), plaintext...), 0x02) // last record, no padding
	return gcm.Seal(out, nonce, record, nil), nil
}

// pushKeys derives the content-encryption key and nonce (RFC 8291 §3.4, RFC 8188 §2.2).
func pushKeys(shared, authSecret, salt, uaPublic, asPublic []byte) (cek, nonce []byte, err error) {
	info := "WebPush: info\x00" + string(uaPublic) + string(asPublic)
	ikm, err := hkdf.Key(sha256.New, shared, authSecret, info, 32)
	if err != nil {
		return nil, nil, err
	}
	if cek, err = hkdf.Key(sha256.New, ikm, salt, "Content-Encoding: aes128gcm\x00", 16); err != nil {
		return nil, nil, err
	}
	nonce, err = hkdf.Key(sha256.New, ikm, salt, "Content-Encoding: nonce\x00", 12)
	return cek, nonce, err
}

// VAPID identifies this node to push services (RFC 8292): browsers subscribe with its public
// key, and every push request carries a token signed with its private key, so that a
// subscription can only be used by the node it was made for.
type VAPID struct {
	key *ecdsa.PrivateKey
	// Subject is a contact for the push service's operators: a mailto: or https: URI.
	Subject string
}

// NewVAPID wraps a P-256 key.
func NewVAPID(key *ecdsa.PrivateKey, subject string) (*VAPID, error) {
	if key == nil || key.Curve != elliptic.P256() {
		return nil, errors.New("dissem: a VAPID key must be a P-256 key")
	}
	return &VAPID{key: key, Subject: subject}, nil
}

// ParseVAPIDKey reads a VAPID private key in the usual form: the raw 32-byte P-256 scalar in
// base64url (what web-push tools print).
func ParseVAPIDKey(s string) (*ecdsa.PrivateKey, error) {
	b, err := decodeB64URL(s)
	if err != nil {
		return nil, fmt.Errorf("dissem: VAPID key is not base64url: %w", err)
	}
	k, err := ecdsa.ParseRawPrivateKey(elliptic.P256(), b)
	if err != nil {
		return nil, fmt.Errorf("dissem: VAPID key: %w", err)
	}
	return k, nil
}

// DeriveVAPIDKey makes the node's VAPID key from its identity seed, so that the key is made once
// with the node, kept where the node key is, and shared by every server of a scaled-out node
// without another secret to distribute. HKDF with its own label keeps the two keys independent.
func DeriveVAPIDKey(seed []byte) (*ecdsa.PrivateKey, error) {
	for i := range 8 { // a 32-byte string is not a valid scalar with probability about 2^-32
		b, err := hkdf.Key(sha256.New, seed, nil, fmt.Sprintf("taawun web push VAPID key %d", i), 32)
		if err != nil {
			return nil, err
		}
		if k, err := ecdsa.ParseRawPrivateKey(elliptic.P256(), b); err == nil {
			return k, nil
		}
	}
	return nil, errors.New("dissem: could not derive a VAPID key")
}

// EncodeVAPIDKey returns the private key in the form ParseVAPIDKey reads.
func EncodeVAPIDKey(k *ecdsa.PrivateKey) (string, error) {
	b, err := k.Bytes()
	if err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// PublicKey is the applicationServerKey browsers subscribe with: the uncompressed point, base64url.
func (v *VAPID) PublicKey() string {
	b, _ := v.key.PublicKey.Bytes() // cannot fail for a P-256 key
	return base64.RawURLEncoding.EncodeToString(b)
}

// vapidLifetime is how long a token is valid; RFC 8292 §2 allows at most 24 hours.
const vapidLifetime = 12 * time.Hour

// authorization returns the Authorization header value for push requests to audience (the
// push service's origin) valid until exp: "vapid t=<JWT>, k=<public key>".
func (v *VAPID) authorization(audience string, exp time.Time) (string, error) {
	header := base64.RawURLEncoding.EncodeToString([]byte(`{"typ":"JWT","alg":"ES256"}`))
	claims := map[string]any{"aud": audience, "exp": exp.Unix()}
	if v.Subject != "" {
		claims["sub"] = v.Subject
	}
	cb, err := json.Marshal(claims)
	if err != nil {
		return "", err
	}
	signed := header + "." + base64.RawURLEncoding.EncodeToString(cb)
	digest := sha256.Sum256([]byte(signed))
	r, s, err := ecdsa.Sign(rand.Reader, v.key, digest[:])
	if err != nil {
		return "", fmt.Errorf("dissem: sign VAPID token: %w", err)
	}
	sig := make([]byte, 64) // JWS ES256: r and s, 32 bytes each (RFC 7518 §3.4)
	r.FillBytes(sig[:32])
	s.FillBytes(sig[32:])
	return "vapid t=" + signed + "." + base64.RawURLEncoding.EncodeToString(sig) + ", k=" + v.PublicKey(), nil
}

// decodeB64URL reads base64url with or without padding, as browsers and tools differ.
func decodeB64URL(s string) ([]byte, error) {
	for len(s)%4 != 0 {
		s += "="
	}
	return base64.URLEncoding.DecodeString(s)
}
