package dissem

import (
	"bytes"
	"context"
	"crypto/ecdh"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/taawun/taawun/internal/cap"
	"github.com/taawun/taawun/internal/clock"
	"github.com/taawun/taawun/internal/dispatch"
	"github.com/taawun/taawun/internal/store"
)

// PushSubscription is what a browser's PushManager.subscribe gives: the push service URL for this
// browser, the browser's P-256 public key and its authentication secret (both base64url).
// A recipient keeps the endpoint in WebhookURL and the two keys in WebhookSecret, as
// "<p256dh>.<auth>": '.' is not in the base64url alphabet.
type PushSubscription struct {
	Endpoint string `json:"endpoint"`
	P256dh   string `json:"p256dh"`
	Auth     string `json:"auth"`
}

// ErrBadSubscription is returned for a push subscription that cannot be used.
var ErrBadSubscription = errors.New("dissem: bad push subscription")

// Check names what is wrong with a subscription: the endpoint must be an https URL (every push
// service is), the key a point on P-256 and the secret 16 bytes.
func (s PushSubscription) Check() error {
	u, err := url.Parse(s.Endpoint)
	if err != nil || u.Scheme != "https" || u.Host == "" || len(s.Endpoint) > 2048 {
		return fmt.Errorf("%w: endpoint must be an https URL", ErrBadSubscription)
	}
	if _, _, err := s.keys(); err != nil {
		return err
	}
	return nil
}

func (s PushSubscription) keys() (uaPublic, auth []byte, err error) {
	uaPublic, err = decodeB64URL(s.P256dh)
	if err == nil {
		_, err = ecdh.P256().NewPublicKey(uaPublic)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("%w: p256dh is not a base64url P-256 public key", ErrBadSubscription)
	}
	auth, err = decodeB64URL(s.Auth)
	if err != nil || len(auth) != 16 {
		return nil, nil, fmt.Errorf("%w: auth is not a base64url 16-byte secret", ErrBadSubscription)
	}
	return uaPublic, auth, nil
}

// Apply puts the subscription on a recipient and adds the push channel.
func (s PushSubscription) Apply(r *store.Recipient) {
	r.WebhookURL, r.WebhookSecret = s.Endpoint, s.P256dh+"."+s.Auth
	r.Channels = append(r.Channels, store.ChannelPush)
}

// PushSubscriptionOf reads the subscription Apply put on a recipient.
func PushSubscriptionOf(r store.Recipient) PushSubscription {
	return subscriptionOf(dispatch.Message{Recipient: r.WebhookURL, Secret: r.WebhookSecret})
}

// subscriptionOf reads a message's subscription back: the endpoint from its recipient address
// and the keys from its secret.
func subscriptionOf(m dispatch.Message) PushSubscription {
	p256dh, auth, _ := strings.Cut(m.Secret, ".")
	return PushSubscription{Endpoint: m.Recipient, P256dh: p256dh, Auth: auth}
}

// PushPayload is the JSON a push message carries; the service worker (internal/web) shows it as
// a notification. Urgency, Expires and Tag also give the request's headers.
type PushPayload struct {
	Title string `json:"title"`
	Body  string `json:"body"`
	// URL is opened when the notification is clicked: the warning's public page.
	URL  string `json:"url"`
	Lang string `json:"lang"`
	Dir  string `json:"dir"` // rtl for Urdu
	// Tag groups messages of one warning: an update replaces the earlier notification on the
	// screen and, through the Topic header, an earlier message the push service still holds.
	Tag string `json:"tag"`
	// Urgency is the RFC 8030 urgency: very-low, low, normal or high.
	Urgency string `json:"urgency,omitempty"`
	// Expires ends the message's usefulness: it gives the TTL.
	Expires time.Time `json:"expires,omitzero"`
	// Code confirms a new subscription (see internal/web's subscription flow).
	Code string `json:"code,omitempty"`
}

// NewPushMessage makes the outbound message of payload p to subscription sub.
func NewPushMessage(ctx context.Context, sub PushSubscription, key string, p PushPayload) (dispatch.Message, error) {
	var body bytes.Buffer
	enc := json.NewEncoder(&body)
	enc.SetEscapeHTML(false) // "<" as \u003c would take six of the payload's few bytes
	if err := enc.Encode(p); err != nil {
		return dispatch.Message{}, err
	}
	m := dispatch.NewMessage(ctx, sub.Endpoint, key)
	m.Body, m.ContentType, m.Language, m.Secret = bytes.TrimSpace(body.Bytes()), "application/json", p.Lang, sub.P256dh+"."+sub.Auth
	return m, nil
}

// Lengths that keep a payload within MaxPushPayload in any script (three bytes a character).
const (
	pushTitleRunes = 160
	pushBodyRunes  = 900
)

// pushMessage is a warning (CAP message messageID of warning alertID) to recipient r as a
// notification: headline, then where and what to do, in the recipient's language, opening the
// warning's public page. key is the delivery's notification key.
func pushMessage(ctx context.Context, a *cap.Alert, r store.Recipient, key, messageID, alertID string) (dispatch.Message, error) {
	in := infoFor(a, r.Language)
	var body []string
	for _, ar := range in.Areas {
		body = append(body, ar.AreaDesc)
	}
	text := strings.Join(body, "; ")
	if s := strings.TrimSpace(in.Instruction); s != "" {
		text = strings.TrimSpace(text + "\n" + s)
	} else if s := strings.TrimSpace(in.Description); s != "" {
		text = strings.TrimSpace(text + "\n" + s)
	}
	p := PushPayload{Title: clip(strings.TrimSpace(in.Headline), pushTitleRunes), Body: clip(text, pushBodyRunes), URL: "/alerts/" + messageID,
		Lang: in.Language, Dir: TextDirection(in.Language), Tag: alertID, Urgency: PushUrgency(a.MsgType, in)}
	if t, err := time.Parse(time.RFC3339, in.Expires); err == nil {
		p.Expires = t
	}
	return NewPushMessage(ctx, PushSubscriptionOf(r), key, p)
}

// TextDirection is "rtl" for the languages written right to left (Urdu), else "ltr".
func TextDirection(lang string) string {
	if lang == "ur" {
		return "rtl"
	}
	return "ltr"
}

func clip(s string, runes int) string {
	r := []rune(s)
	if len(r) <= runes {
		return s
	}
	return string(r[:runes-1]) + "…"
}

// PushUrgency maps a warning to RFC 8030 §5.3 urgency, which lets a phone save its battery by
// deferring messages: act-now and severe warnings are high (delivered even on a low battery),
// a warning about the past low (held until the phone is on power or Wi-Fi), the rest — an
// all-clear among them, which people on mobile data need too — normal.
func PushUrgency(msgType string, in cap.Info) string {
	switch {
	case msgType == "Cancel":
		return "normal"
	case in.Urgency == "Past":
		return "low"
	case in.Urgency == "Immediate" || in.Urgency == "Expected" || in.Severity == "Extreme" || in.Severity == "Severe":
		return "high"
	}
	return "normal"
}

// Push TTL bounds: a message without an expiry is kept a day; push services keep none longer
// than four weeks.
const (
	defaultPushTTL = 24 * time.Hour
	maxPushTTL     = 28 * 24 * time.Hour
)

// ErrPushGone is the final error of a subscription the push service no longer knows (404, 410):
// the browser unsubscribed or the subscription expired.
var ErrPushGone = errors.New("dissem: push subscription gone")

// RetryAfterError is a retryable failure whose peer said when to come back (Retry-After); the
// sender waits at least that long. Any channel may return it.
type RetryAfterError struct {
	Wait time.Duration
	Err  error
}

func (e *RetryAfterError) Error() string {
	return fmt.Sprintf("%v (retry after %s)", e.Err, e.Wait)
}

func (e *RetryAfterError) Unwrap() error { return e.Err }

// retryDelay is the pause before the next attempt: the backoff, or longer when the peer asked.
func retryDelay(attempt int, err error) time.Duration {
	d := backoff(attempt)
	var ra *RetryAfterError
	if errors.As(err, &ra) && ra.Wait > d {
		d = ra.Wait
	}
	return d
}

// WebPushChannel sends warnings to browsers through their push services (RFC 8030), encrypted
// for each browser (RFC 8291) and signed with the node's VAPID key (RFC 8292).
// Use a pointer: it keeps tokens and push services' Retry-After pauses.
type WebPushChannel struct {
	VAPID *VAPID
	// Store, when set, has subscriptions the push service reports gone taken off their
	// recipients.
	Store  store.Store
	Clock  clock.Clock
	Client *http.Client
	Log    *slog.Logger

	mu     sync.Mutex
	tokens map[string]vapidToken // by audience (a push service's origin)
	holds  map[string]time.Time  // push service origin → no request before
}

type vapidToken struct {
	header  string
	renewAt time.Time
}

// Send encrypts m's body for its subscription and posts it. 201 and 202 are delivered; 404 and
// 410 mean the subscription is gone (final, and it is taken off the recipient); 429 and 5xx are
// retried, not before the push service's Retry-After; 400, 403, 413 and the rest are final.
func (c *WebPushChannel) Send(ctx context.Context, m dispatch.Message) (bool, error) {
	sub := subscriptionOf(m)
	uaPublic, auth, err := sub.keys()
	if err != nil {
		return false, err
	}
	u, err := url.Parse(sub.Endpoint)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return false, fmt.Errorf("%w: endpoint %q", ErrBadSubscription, sub.Endpoint)
	}
	origin := u.Scheme + "://" + u.Host
	var p PushPayload
	if err := json.Unmarshal(m.Body, &p); err != nil {
		return false, fmt.Errorf("dissem: push body is not a payload: %w", err)
	}
	now := c.Clock.Now()
	ttl := defaultPushTTL
	if !p.Expires.IsZero() {
		ttl = p.Expires.Sub(now)
		if ttl < time.Second {
			return false, fmt.Errorf("dissem: push to %s: the message expired at %s before it could be sent", origin, p.Expires.Format(time.RFC3339))
		}
	}
	ttl = min(ttl, maxPushTTL)
	if wait := c.held(origin, now); wait > 0 {
		return true, &RetryAfterError{Wait: wait, Err: fmt.Errorf("dissem: push service %s asked to wait", origin)}
	}

	as, err := ecdh.P256().GenerateKey(rand.Reader)
	if err != nil {
		return true, err
	}
	salt := make([]byte, 16)
	_, _ = rand.Read(salt)
	body, err := encryptPush(m.Body, uaPublic, auth, as, salt)
	if err != nil {
		return false, fmt.Errorf("dissem: push to %s: %w", origin, err)
	}
	authz, err := c.authorization(origin, now)
	if err != nil {
		return false, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, sub.Endpoint, bytes.NewReader(body))
	if err != nil {
		return false, fmt.Errorf("dissem: push to %s: %w", origin, err)
	}
	req.Header.Set("Content-Type", "application/octet-stream")
	req.Header.Set("Content-Encoding", "aes128gcm")
	req.Header.Set("TTL", strconv.Itoa(int(ttl.Seconds())))
	req.Header.Set("Authorization", authz)
	if p.Urgency != "" {
		req.Header.Set("Urgency", p.Urgency)
	}
	if p.Tag != "" {
		req.Header.Set("Topic", pushTopic(p.Tag))
	}
	client := c.Client
	if client == nil {
		client = &http.Client{Timeout: 15 * time.Second}
	}
	resp, err := client.Do(req)
	if err != nil {
		return true, fmt.Errorf("dissem: push to %s: %w", origin, err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	switch code := resp.StatusCode; {
	case code >= 200 && code < 300:
		return false, nil
	case code == http.StatusNotFound || code == http.StatusGone:
		c.gone(ctx, m.Key, resp.Status)
		return false, fmt.Errorf("%w: %s answered %s", ErrPushGone, origin, resp.Status)
	case code == http.StatusTooManyRequests || code >= 500:
		err := fmt.Errorf("dissem: push service %s answered %s", origin, resp.Status)
		if wait, ok := retryAfter(resp.Header.Get("Retry-After"), now); ok {
			c.hold(origin, now.Add(wait))
			return true, &RetryAfterError{Wait: wait, Err: err}
		}
		return true, err
	}
	return false, fmt.Errorf("dissem: push service %s refused the message: %s", origin, resp.Status)
}

// pushTopic turns a tag into an RFC 8030 §5.4 topic: at most 32 base64url characters.
func pushTopic(tag string) string {
	sum := sha256.Sum256([]byte(tag))
	return base64.RawURLEncoding.EncodeToString(sum[:24])
}

// retryAfter reads a Retry-After value: seconds, or an HTTP date.
func retryAfter(v string, now time.Time) (time.Duration, bool) {
	if v == "" {
		return 0, false
	}
	if s, err := strconv.Atoi(strings.TrimSpace(v)); err == nil && s >= 0 {
		return min(time.Duration(s)*time.Second, time.Hour), true
	}
	if t, err := http.ParseTime(v); err == nil {
		return min(max(t.Sub(now), 0), time.Hour), true
	}
	return 0, false
}

// authorization returns a VAPID header for the origin, reusing a token until half its life.
func (c *WebPushChannel) authorization(origin string, now time.Time) (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if t, ok := c.tokens[origin]; ok && now.Before(t.renewAt) {
		return t.header, nil
	}
	h, err := c.VAPID.authorization(origin, now.Add(vapidLifetime))
	if err != nil {
		return "", err
	}
	if c.tokens == nil {
		c.tokens = map[string]vapidToken{}
	}
	c.tokens[origin] = vapidToken{header: h, renewAt: now.Add(vapidLifetime / 2)}
	return h, nil
}

// hold remembers that a push service asked for a pause, so that the rest of a batch to it waits
// too instead of being refused one by one.
func (c *WebPushChannel) hold(origin string, until time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.holds == nil {
		c.holds = map[string]time.Time{}
	}
	if until.After(c.holds[origin]) {
		c.holds[origin] = until
	}
}

func (c *WebPushChannel) held(origin string, now time.Time) time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	until, ok := c.holds[origin]
	if !ok {
		return 0
	}
	if !now.Before(until) {
		delete(c.holds, origin)
		return 0
	}
	return until.Sub(now)
}

// gone takes the push channel off the recipient of a warning's notification (its key names the
// recipient); a failure is logged, as the next warning will find the subscription gone again.
func (c *WebPushChannel) gone(ctx context.Context, key, status string) {
	parts := strings.Split(key, "/")
	if c.Store == nil || len(parts) != 3 || parts[2] != string(store.ChannelPush) {
		return
	}
	id := parts[1]
	err := c.Store.WithTx(ctx, func(tx store.Tx) error {
		if err := tx.Recipients().RemoveChannel(ctx, id, store.ChannelPush); err != nil {
			return err
		}
		return tx.Record(ctx, store.Change{Actor: "push-service", Action: "recipient.updated", EntityType: "recipient", EntityID: id,
			After: map[string]any{"removed_channel": store.ChannelPush, "reason": status}})
	})
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		c.log().Warn("dissem: forget a gone push subscription", "recipient", id, "err", err)
	}
}

func (c *WebPushChannel) log() *slog.Logger {
	if c.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return c.Log
}
