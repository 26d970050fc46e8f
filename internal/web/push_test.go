package web

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/taawun/taawun/internal/clock"
	"github.com/taawun/taawun/internal/dispatch"
	"github.com/taawun/taawun/internal/dissem"
	"github.com/taawun/taawun/internal/dissem/dissemtest"
	"github.com/taawun/taawun/internal/store"
)

// pushNode is a test node whose dispatcher has the Web Push channel, sending to the test push
// service.
type pushNode struct {
	*testNode
	push  *dissemtest.PushService
	vapid *dissem.VAPID
}

func newPushNode(t *testing.T) *pushNode {
	t.Helper()
	key, err := dissem.DeriveVAPIDKey(bytes.Repeat([]byte{9}, 32))
	if err != nil {
		t.Fatal(err)
	}
	v, _ := dissem.NewVAPID(key, "mailto:warnings@ndma.test")
	svc := dissemtest.NewPushService(t, nil)
	d := dispatch.New()
	n := newTestNode(t, func(o *Options) { o.Dispatcher, o.PushPublicKey = d, v.PublicKey() })
	if err := d.AddLive(string(store.ChannelPush), &dissem.WebPushChannel{VAPID: v, Store: n.db, Clock: clock.System{}, Client: svc.Client()}); err != nil {
		t.Fatal(err)
	}
	return &pushNode{testNode: n, push: svc, vapid: v}
}

// waitPush waits for the push service to have accepted n messages and returns their payloads.
func (n *pushNode) waitPush(t *testing.T, count int) []dissem.PushPayload {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); len(n.push.Delivered()) < count; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%d push messages delivered, want %d", len(n.push.Delivered()), count)
		}
	}
	var out []dissem.PushPayload
	for _, d := range n.push.Delivered() {
		var p dissem.PushPayload
		if err := json.Unmarshal(d.Plaintext, &p); err != nil {
			t.Fatal(err)
		}
		out = append(out, p)
	}
	return out
}

// TestPushSubscriptionConfirmedByPushedCode: the page offers browser notifications with the
// node's key; a subscription posted with the form is stored unconfirmed and its code is pushed to
// that browser (encrypted for it, in Urdu, right to left); opening the notification's link
// confirms it, and the subscriber is then targeted on the push channel.
func TestPushSubscriptionConfirmedByPushedCode(t *testing.T) {
	n := newPushNode(t)
	v := n.anon(t)
	page := v.Body(v.Get("/subscribe?lang=ur"))
	if !strings.Contains(page, `value="push"`) || !strings.Contains(page, `data-push-key="`+n.vapid.PublicKey()+`"`) {
		t.Fatal("subscription page does not offer browser notifications with the node's key")
	}
	v.RefreshCSRF("/subscribe?lang=ur")
	browser := n.push.Subscribe(t, n.vapid.PublicKey())
	form := url.Values{"language": {"ur"}, "channel": {"push"}, "lat": {"31.55"}, "lon": {"74.34"},
		"push_endpoint": {browser.Endpoint}, "push_p256dh": {browser.P256dh}, "push_auth": {browser.Auth}}

	bad := url.Values{}
	for k, vs := range form {
		bad[k] = vs
	}
	bad.Set("push_endpoint", "http://169.254.169.254/latest")
	if resp := v.PostForm("/subscribe", bad); resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("plain-http endpoint accepted: %d", resp.StatusCode)
	}
	resp := v.PostForm("/subscribe", form)
	page = v.Body(resp)
	if resp.StatusCode != http.StatusOK || !strings.Contains(page, `data-channel="push"`) {
		t.Fatalf("subscribe: %d", resp.StatusCode)
	}
	id := regexp.MustCompile(`name="id" value="([^"]+)"`).FindStringSubmatch(page)[1]
	p := n.waitPush(t, 1)[0]
	cat := n.srv.Catalog
	if p.Title != cat.T("ur", "push.confirm_title") || p.Dir != "rtl" || p.Lang != "ur" || len(p.Code) != 6 ||
		!strings.Contains(p.Body, p.Code) || p.Tag != "confirm-"+id {
		t.Fatalf("code message %+v", p)
	}
	if all, _ := n.db.Recipients().All(context.Background()); len(all) != 0 {
		t.Fatal("unconfirmed push subscriber already targeted")
	}
	if resp := v.Get(p.URL); resp.StatusCode != http.StatusOK {
		t.Fatalf("confirmation link %s: %d", p.URL, resp.StatusCode)
	}
	all, _ := n.db.Recipients().All(context.Background())
	if len(all) != 1 || len(all[0].Channels) != 1 || all[0].Channels[0] != store.ChannelPush ||
		dissem.PushSubscriptionOf(all[0]) != (dissem.PushSubscription{Endpoint: browser.Endpoint, P256dh: browser.P256dh, Auth: browser.Auth}) {
		t.Fatalf("subscriber %+v", all)
	}
}

// TestPushSubscriptionNotSentIsReported: a push service that refuses the code message (the
// subscription is gone already) gives the visitor the "could not be sent" page.
func TestPushSubscriptionNotSentIsReported(t *testing.T) {
	n := newPushNode(t)
	v := n.anon(t)
	v.RefreshCSRF("/subscribe")
	browser := n.push.Subscribe(t, n.vapid.PublicKey())
	n.push.Script(browser, dissemtest.Answer{Status: http.StatusGone})
	resp := v.PostForm("/subscribe", url.Values{"language": {"en"}, "channel": {"push"}, "lat": {"31.55"}, "lon": {"74.34"},
		"push_endpoint": {browser.Endpoint}, "push_p256dh": {browser.P256dh}, "push_auth": {browser.Auth}})
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("code refused by the push service: %d", resp.StatusCode)
	}
}

func TestPushWithoutKeyIsNotOffered(t *testing.T) {
	n := newTestNode(t)
	v := n.anon(t)
	if page := v.Body(v.Get("/subscribe")); strings.Contains(page, `value="push"`) || strings.Contains(page, "push.js") {
		t.Fatal("browser notifications offered without a VAPID key")
	}
	v.RefreshCSRF("/subscribe")
	if resp := v.PostForm("/subscribe", url.Values{"language": {"en"}, "channel": {"push"}, "lat": {"31.55"}, "lon": {"74.34"}}); resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("push subscription without a key: %d", resp.StatusCode)
	}
}

// TestPushServiceWorkerServed: the worker is served from the binary at the root of its scope, as
// JavaScript, revalidated rather than cached, under the site's Content-Security-Policy.
func TestPushServiceWorkerServed(t *testing.T) {
	n := newTestNode(t)
	resp := n.anon(t).Get("/push/sw.js")
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/javascript") ||
		resp.Header.Get("Cache-Control") != "no-cache" || !strings.Contains(resp.Header.Get("Content-Security-Policy"), "script-src 'self'") {
		t.Fatalf("service worker: %d %v", resp.StatusCode, resp.Header)
	}
}

// TestRecipientsAPIPush: the recipients API takes a push subscription, checks it, and refuses
// one together with a webhook (the two share the address fields).
func TestRecipientsAPIPush(t *testing.T) {
	n := newPushNode(t)
	c := n.login(t, "admin")
	b := n.push.Subscribe(t, n.vapid.PublicKey())
	sub := map[string]string{"endpoint": b.Endpoint, "p256dh": b.P256dh, "auth": b.Auth}
	base := map[string]any{"name": "tablet at PDMA Punjab", "language": "en", "lat": 31.55, "lon": 74.34}
	with := func(extra map[string]any) map[string]any {
		out := map[string]any{}
		for k, v := range base {
			out[k] = v
		}
		for k, v := range extra {
			out[k] = v
		}
		return out
	}
	if resp := c.PostJSON("/api/v1/recipients", with(map[string]any{"push": map[string]string{"endpoint": b.Endpoint, "p256dh": "xx", "auth": b.Auth}})); resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("bad key: %d", resp.StatusCode)
	}
	if resp := c.PostJSON("/api/v1/recipients", with(map[string]any{"push": sub, "webhook_url": "https://partner.example/hook"})); resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("push with a webhook: %d", resp.StatusCode)
	}
	resp := c.PostJSON("/api/v1/recipients", with(map[string]any{"push": sub}))
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("push recipient: %d %s", resp.StatusCode, c.Body(resp))
	}
	all, _ := n.db.Recipients().All(context.Background())
	if len(all) != 1 || all[0].Channels[0] != store.ChannelPush || dissem.PushSubscriptionOf(all[0]).Endpoint != b.Endpoint {
		t.Fatalf("recipients %+v", all)
	}
}
