package dissemtest

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
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// PushService is a Web Push service in the test process (RFC 8030): it accepts a push message
// for a subscription only with a valid VAPID token (RFC 8292) for the key the subscription was
// made with, decrypts it (RFC 8291, aes128gcm) with the browser's private key as a browser would,
// and keeps the plaintext. It can be told to answer 410, 429 with Retry-After, or 500.
// It is written independently of the sending side, from the RFCs.
type PushService struct {
	srv *httptest.Server
	now func() time.Time

	mu        sync.Mutex
	browsers  map[string]*Browser // by endpoint path
	delivered []PushDelivery
	requests  int
	answers   map[string][]Answer // by endpoint path: answers to give before accepting
}

// Browser is a push subscription made by a simulated browser: the key pair and authentication
// secret a browser generates, bound to the application server key it subscribed with.
type Browser struct {
	Endpoint  string
	P256dh    string // base64url public key
	Auth      string // base64url secret
	private   *ecdh.PrivateKey
	auth      []byte
	serverKey string // the VAPID public key given to PushManager.subscribe
	path      string
	gone      bool
}

// PushDelivery is one accepted push message.
type PushDelivery struct {
	Endpoint  string
	Plaintext []byte
	TTL       int
	Urgency   string
	Topic     string
	Audience  string
	Subject   string
	Expiry    time.Time
}

// Answer is a scripted response.
type Answer struct {
	Status     int
	RetryAfter string
}

// NewPushService starts a push service over TLS (push services are https); Client trusts it.
// now is the clock the VAPID expiry is checked against (time.Now when nil).
func NewPushService(t testing.TB, now func() time.Time) *PushService {
	t.Helper()
	if now == nil {
		now = time.Now
	}
	p := &PushService{now: now, browsers: map[string]*Browser{}, answers: map[string][]Answer{}}
	p.srv = httptest.NewTLSServer(http.HandlerFunc(p.serve))
	t.Cleanup(p.srv.Close)
	return p
}

// Client is an HTTP client that trusts the service's certificate.
func (p *PushService) Client() *http.Client { return p.srv.Client() }

// Subscribe makes a subscription as a browser does for an application server key (base64url).
func (p *PushService) Subscribe(t testing.TB, serverKey string) *Browser {
	t.Helper()
	priv, err := ecdh.P256().GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	auth := make([]byte, 16)
	_, _ = rand.Read(auth)
	id := make([]byte, 12)
	_, _ = rand.Read(id)
	path := "/push/" + base64.RawURLEncoding.EncodeToString(id)
	b := &Browser{Endpoint: p.srv.URL + path, P256dh: base64.RawURLEncoding.EncodeToString(priv.PublicKey().Bytes()),
		Auth: base64.RawURLEncoding.EncodeToString(auth), private: priv, auth: auth, serverKey: serverKey, path: path}
	p.mu.Lock()
	p.browsers[path] = b
	p.mu.Unlock()
	return b
}

// Script makes the service give these answers to the browser's next requests, in order, before
// accepting again. A 410 also forgets the subscription for good.
func (p *PushService) Script(b *Browser, answers ...Answer) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.answers[b.path] = append(p.answers[b.path], answers...)
}

// Delivered returns the accepted messages.
func (p *PushService) Delivered() []PushDelivery {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]PushDelivery(nil), p.delivered...)
}

// Requests counts every request received, accepted or not.
func (p *PushService) Requests() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.requests
}

func (p *PushService) serve(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.requests++
	b, ok := p.browsers[r.URL.Path]
	if r.Method != http.MethodPost || !ok {
		http.Error(w, "no such subscription", http.StatusNotFound)
		return
	}
	if b.gone {
		http.Error(w, "subscription expired", http.StatusGone)
		return
	}
	if q := p.answers[r.URL.Path]; len(q) > 0 {
		a := q[0]
		p.answers[r.URL.Path] = q[1:]
		if a.RetryAfter != "" {
			w.Header().Set("Retry-After", a.RetryAfter)
		}
		if a.Status == http.StatusGone {
			b.gone = true
		}
		http.Error(w, http.StatusText(a.Status), a.Status)
		return
	}
	d := PushDelivery{Endpoint: b.Endpoint, Urgency: r.Header.Get("Urgency"), Topic: r.Header.Get("Topic")}
	var err error
	if d.TTL, err = strconv.Atoi(r.Header.Get("TTL")); err != nil || d.TTL < 0 {
		http.Error(w, "TTL header missing or invalid", http.StatusBadRequest) // RFC 8030 §5.2
		return
	}
	if d.Urgency != "" && !strings.Contains(" very-low low normal high ", " "+d.Urgency+" ") {
		http.Error(w, "bad Urgency", http.StatusBadRequest)
		return
	}
	if len(d.Topic) > 32 || strings.Trim(d.Topic, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") != "" {
		http.Error(w, "bad Topic", http.StatusBadRequest) // RFC 8030 §5.4
		return
	}
	if d.Audience, d.Subject, d.Expiry, err = p.checkVAPID(r.Header.Get("Authorization"), b); err != nil {
		http.Error(w, err.Error(), http.StatusForbidden)
		return
	}
	if r.Header.Get("Content-Encoding") != "aes128gcm" {
		http.Error(w, "Content-Encoding must be aes128gcm", http.StatusBadRequest)
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 4097))
	if err != nil || len(body) > 4096 {
		http.Error(w, "payload too large", http.StatusRequestEntityTooLarge)
		return
	}
	if d.Plaintext, err = b.decrypt(body); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	p.delivered = append(p.delivered, d)
	w.Header().Set("Location", b.Endpoint+"/message/"+strconv.Itoa(len(p.delivered)))
	w.WriteHeader(http.StatusCreated)
}

// checkVAPID verifies "vapid t=<JWT>, k=<key>": the key is the one the subscription was made
// with, the ES256 signature verifies under it, aud is the endpoint's origin and exp is in the
// future but at most 24 hours ahead.
func (p *PushService) checkVAPID(h string, b *Browser) (aud, sub string, exp time.Time, err error) {
	rest, ok := strings.CutPrefix(h, "vapid ")
	if !ok {
		return "", "", exp, errors.New("Authorization is not vapid")
	}
	params := map[string]string{}
	for _, part := range strings.Split(rest, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		params[k] = v
	}
	if params["k"] != b.serverKey {
		return "", "", exp, errors.New("k is not the key the subscription was made with")
	}
	kb, err := base64.RawURLEncoding.DecodeString(params["k"])
	if err != nil || len(kb) != 65 || kb[0] != 4 {
		return "", "", exp, errors.New("k is not an uncompressed P-256 point")
	}
	pub, err := ecdsa.ParseUncompressedPublicKey(elliptic.P256(), kb)
	if err != nil {
		return "", "", exp, fmt.Errorf("k: %w", err)
	}
	parts := strings.Split(params["t"], ".")
	if len(parts) != 3 {
		return "", "", exp, errors.New("t is not a JWT")
	}
	var header struct{ Alg string }
	if hb, err := base64.RawURLEncoding.DecodeString(parts[0]); err != nil || json.Unmarshal(hb, &header) != nil || header.Alg != "ES256" {
		return "", "", exp, errors.New("JWT header is not ES256")
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	digest := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if err != nil || len(sig) != 64 || !ecdsa.Verify(pub, digest[:], new(big.Int).SetBytes(sig[:32]), new(big.Int).SetBytes(sig[32:])) {
		return "", "", exp, errors.New("JWT signature does not verify")
	}
	var claims struct {
		Aud string `json:"aud"`
		Exp int64  `json:"exp"`
		Sub string `json:"sub"`
	}
	cb, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil || json.Unmarshal(cb, &claims) != nil {
		return "", "", exp, errors.New("JWT claims unreadable")
	}
	if claims.Aud != p.srv.URL {
		return "", "", exp, fmt.Errorf("aud %q is not the push service's origin %q", claims.Aud, p.srv.URL)
	}
	exp, now := time.Unix(claims.Exp, 0), p.now()
	if !exp.After(now) || exp.After(now.Add(24*time.Hour)) {
		return "", "", exp, fmt.Errorf("exp %s is not within 24 hours after %s", exp, now)
	}
	return claims.Aud, claims.Sub, exp, nil
}

// decrypt opens an aes128gcm body as the browser does (RFC 8291 §3.4, RFC 8188 §2).
func (b *Browser) decrypt(body []byte) ([]byte, error) {
	if len(body) < 21 {
		return nil, errors.New("body shorter than the aes128gcm header")
	}
	salt, rs, idlen := body[:16], binary.BigEndian.Uint32(body[16:20]), int(body[20])
	if idlen != 65 || len(body) < 21+idlen {
		return nil, errors.New("key id is not a P-256 public key")
	}
	asPublic, ciphertext := body[21:21+idlen], body[21+idlen:]
	if rs < 18 || len(ciphertext) > int(rs) {
		return nil, fmt.Errorf("one record of %d bytes expected within record size %d", len(ciphertext), rs)
	}
	as, err := ecdh.P256().NewPublicKey(asPublic)
	if err != nil {
		return nil, err
	}
	shared, err := b.private.ECDH(as)
	if err != nil {
		return nil, err
	}
	ua := b.private.PublicKey().Bytes()
	prk, err := hkdf.Extract(sha256.New, shared, b.auth)
	if err != nil {
		return nil, err
	}
	ikm, err := hkdf.Expand(sha256.New, prk, "WebPush: info\x00"+string(ua)+string(asPublic), 32)
	if err != nil {
		return nil, err
	}
	prk, err = hkdf.Extract(sha256.New, ikm, salt)
	if err != nil {
		return nil, err
	}
	cek, err := hkdf.Expand(sha256.New, prk, "Content-Encoding: aes128gcm\x00", 16)
	if err != nil {
		return nil, err
	}
	nonce, err := hkdf.Expand(sha256.New, prk, "Content-Encoding: nonce\x00", 12)
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
	plain, err := gcm.Open(nil, nonce, ciphertext, nil)
	if err != nil {
		return nil, fmt.Errorf("aes128gcm record does not decrypt: %w", err)
	}
	// Strip the padding: zeros after the last record's delimiter 0x02.
	end := len(plain) - 1
	for end >= 0 && plain[end] == 0 {
		end--
	}
	if end < 0 || plain[end] != 0x02 {
		return nil, errors.New("record lacks the last-record delimiter")
	}
	return plain[:end], nil
}

// DecryptWith opens an aes128gcm body with a given browser key pair and secret (base64url), for
// checking against published test vectors.
func DecryptWith(body []byte, uaPrivate, auth string) ([]byte, error) {
	pb, err := base64.RawURLEncoding.DecodeString(uaPrivate)
	if err != nil {
		return nil, err
	}
	priv, err := ecdh.P256().NewPrivateKey(pb)
	if err != nil {
		return nil, err
	}
	ab, err := base64.RawURLEncoding.DecodeString(auth)
	if err != nil {
		return nil, err
	}
	return (&Browser{private: priv, auth: ab}).decrypt(body)
}
