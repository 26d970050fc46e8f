package web

import (
	"context"
	"crypto/ecdh"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/taawun/taawun/internal/store"
)

// subscriber stores a confirmed public subscriber in Lahore.
func (n *testNode) subscriber(t *testing.T, r store.Recipient) store.Recipient {
	t.Helper()
	r.Confirmed = true
	r.Locations = []store.Location{{Label: "home", Lat: 31.55, Lon: 74.34}}
	if err := n.db.Recipients().Create(context.Background(), &r); err != nil {
		t.Fatal(err)
	}
	return r
}

// targeted reports whether r is among the recipients a warning would be planned for.
func (n *testNode) targeted(t *testing.T, id string, ch store.Channel) bool {
	t.Helper()
	all, err := n.db.Recipients().All(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range all {
		if r.ID == id {
			for _, c := range r.Channels {
				if c == ch {
					return true
				}
			}
		}
	}
	return false
}

// TestUnsubscribeLinkAsksBeforeStopping: opening the link shows, in the subscriber's language,
// what will stop and changes nothing (mail scanners open links); pressing the button stops it,
// forgets the subscriber, and audits ids only; pressing it again says nothing is left.
func TestUnsubscribeLinkAsksBeforeStopping(t *testing.T) {
	n := newTestNode(t)
	r := n.subscriber(t, store.Recipient{Name: "Sana Khan", Language: "ur", Email: "sana@example.pk", Channels: []store.Channel{store.ChannelEmail}})
	token := n.srv.Unsubscribe.Token(r.ID, store.ChannelEmail)
	v := n.anon(t)
	resp := v.Get("/unsubscribe?t=" + url.QueryEscape(token))
	page := v.Body(resp)
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Language") != "ur" ||
		!strings.Contains(page, "یہ انتباہات بند کریں") || !strings.Contains(page, "s•••@example.pk") || strings.Contains(page, "sana@") {
		t.Fatalf("GET: %d %s\n%s", resp.StatusCode, resp.Header.Get("Content-Language"), page)
	}
	if !n.targeted(t, r.ID, store.ChannelEmail) {
		t.Fatal("opening the link unsubscribed")
	}
	v.RefreshCSRF("/subscribe")
	if resp := v.PostForm("/unsubscribe", url.Values{"t": {token}, "csrf": {"wrong"}}); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("form without its CSRF token: %d", resp.StatusCode)
	}
	resp = v.PostForm("/unsubscribe", url.Values{"t": {token}})
	page = v.Body(resp)
	if resp.StatusCode != http.StatusOK || !strings.Contains(page, "ہو گیا") {
		t.Fatalf("POST: %d\n%s", resp.StatusCode, page)
	}
	if n.targeted(t, r.ID, store.ChannelEmail) {
		t.Fatal("still targeted after unsubscribing")
	}
	left, err := n.db.Recipients().Get(context.Background(), r.ID)
	if err != nil || left.Email != "" || left.Name != "" || len(left.Locations) != 0 {
		t.Fatalf("the subscriber is not forgotten: %+v, %v", left, err)
	}
	entries, err := n.db.Audit().ListForEntity(context.Background(), "recipient", r.ID)
	if err != nil || len(entries) != 1 || entries[0].Action != "recipient.unsubscribed" {
		t.Fatalf("audit: %+v, %v", entries, err)
	}
	if a := string(entries[0].After); strings.Contains(a, "sana") || strings.Contains(a, "Sana") || !strings.Contains(a, `"via":"link"`) {
		t.Fatalf("audit payload %s", a)
	}
	resp = v.PostForm("/unsubscribe", url.Values{"t": {token}})
	if page := v.Body(resp); resp.StatusCode != http.StatusOK || !strings.Contains(page, "بند کرنے کو کچھ نہیں") {
		t.Fatalf("second POST: %d\n%s", resp.StatusCode, page)
	}
}

// TestUnsubscribeForgedToken: a token not signed by this node, or for another channel, is
// refused with a message naming the problem, on the page, the form and the API.
func TestUnsubscribeForgedToken(t *testing.T) {
	n := newTestNode(t)
	r := n.subscriber(t, store.Recipient{Language: "en", Email: "ali@example.pk", Phone: "+923001234567",
		Channels: []store.Channel{store.ChannelEmail, store.ChannelSMS}})
	good := n.srv.Unsubscribe.Token(r.ID, store.ChannelEmail)
	parts := strings.Split(good, ".")
	for _, forged := range []string{r.ID + ".sms." + parts[2], parts[0] + ".email.AAAAAAAAAAAAAAAAAAAAAA", "", "garbage"} {
		v := n.anon(t)
		resp := v.Get("/unsubscribe?t=" + url.QueryEscape(forged))
		if page := v.Body(resp); resp.StatusCode != http.StatusBadRequest || !strings.Contains(page, "This unsubscribe link is not valid") {
			t.Fatalf("GET %q: %d", forged, resp.StatusCode)
		}
		v.RefreshCSRF("/subscribe")
		if resp := v.PostForm("/unsubscribe", url.Values{"t": {forged}}); resp.StatusCode != http.StatusBadRequest {
			t.Fatalf("POST %q: %d", forged, resp.StatusCode)
		}
		resp = v.PostJSON("/api/v1/unsubscribe", map[string]string{"token": forged})
		if forged == "" {
			continue // an empty token is no request at all: 400 too, checked below
		}
		if p := v.problem(resp); resp.StatusCode != http.StatusBadRequest || !strings.Contains(p.Detail, "not valid") {
			t.Fatalf("API %q: %d %+v", forged, resp.StatusCode, p)
		}
	}
	if resp := n.anon(t).PostJSON("/api/v1/unsubscribe", map[string]string{}); resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("API without token: %d", resp.StatusCode)
	}
	if !n.targeted(t, r.ID, store.ChannelEmail) || !n.targeted(t, r.ID, store.ChannelSMS) {
		t.Fatal("a forged token unsubscribed")
	}
}

// TestOneClickUnsubscribe: a mail client's RFC 8058 POST, with no cookie and no CSRF token,
// stops the e-mails of the token's recipient, and only those.
func TestOneClickUnsubscribe(t *testing.T) {
	n := newTestNode(t)
	r := n.subscriber(t, store.Recipient{Language: "en", Email: "ali@example.pk", Phone: "+923001234567",
		Channels: []store.Channel{store.ChannelEmail, store.ChannelSMS}})
	link := n.http.URL + "/unsubscribe?t=" + n.srv.Unsubscribe.Token(r.ID, store.ChannelEmail)
	for _, ct := range []string{"application/x-www-form-urlencoded", "multipart/form-data; boundary=b"} {
		body := "List-Unsubscribe=One-Click"
		if strings.HasPrefix(ct, "multipart") {
			body = "--b\r\nContent-Disposition: form-data; name=\"List-Unsubscribe\"\r\n\r\nOne-Click\r\n--b--\r\n"
		}
		req, _ := http.NewRequest(http.MethodPost, link, strings.NewReader(body))
		req.Header.Set("Content-Type", ct)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("one-click (%s): %d", ct, resp.StatusCode)
		}
	}
	if n.targeted(t, r.ID, store.ChannelEmail) || !n.targeted(t, r.ID, store.ChannelSMS) {
		t.Fatal("one-click did not stop e-mail alone")
	}
	got, _ := n.db.Recipients().Get(context.Background(), r.ID)
	if got.Email != "" || got.Phone != "+923001234567" {
		t.Fatalf("after one-click: %+v", got)
	}
	// Without the one-click body it is a form, which needs its CSRF token.
	req, _ := http.NewRequest(http.MethodPost, n.http.URL+"/unsubscribe?t="+n.srv.Unsubscribe.Token(r.ID, store.ChannelSMS), strings.NewReader("x=1"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden || !n.targeted(t, r.ID, store.ChannelSMS) {
		t.Fatalf("form post without CSRF: %d", resp.StatusCode)
	}
}

// TestUnsubscribeAPI: an app stops a channel with the link's token, and a browser its push
// subscription by endpoint.
func TestUnsubscribeAPI(t *testing.T) {
	n := newTestNode(t)
	r := n.subscriber(t, store.Recipient{Language: "zh", Phone: "+8613800138000", Channels: []store.Channel{store.ChannelSMS}})
	b := n.subscriber(t, store.Recipient{Language: "ru", WebhookURL: "https://push.example/send/abc", WebhookSecret: "k.a", Channels: []store.Channel{store.ChannelPush}})
	c := n.anon(t)
	for _, step := range []struct {
		body map[string]string
		want bool
	}{
		{map[string]string{"token": n.srv.Unsubscribe.Token(r.ID, store.ChannelSMS)}, true},
		{map[string]string{"push_endpoint": "https://push.example/send/abc"}, true},
		{map[string]string{"push_endpoint": "https://push.example/send/abc"}, false}, // nothing left
	} {
		resp := c.PostJSON("/api/v1/unsubscribe", step.body)
		var got struct {
			Unsubscribed bool `json:"unsubscribed"`
		}
		if err := json.NewDecoder(resp.Body).Decode(&got); err != nil || resp.StatusCode != http.StatusOK || got.Unsubscribed != step.want {
			t.Fatalf("%v: %d %+v %v", step.body, resp.StatusCode, got, err)
		}
	}
	if n.targeted(t, r.ID, store.ChannelSMS) || n.targeted(t, b.ID, store.ChannelPush) {
		t.Fatal("still targeted")
	}
}

// TestPushRenewal: the service worker's renewed subscription replaces the one that ended, for
// the subscriber that had it; a subscription that cannot be used, or an unknown old endpoint,
// changes nothing.
func TestPushRenewal(t *testing.T) {
	n := newTestNode(t)
	b := n.subscriber(t, store.Recipient{Language: "ur", WebhookURL: "https://push.example/send/old", WebhookSecret: "k.a", Channels: []store.Channel{store.ChannelPush}})
	key, err := ecdh.P256().GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	keys := map[string]string{"p256dh": base64.RawURLEncoding.EncodeToString(key.PublicKey().Bytes()), "auth": base64.RawURLEncoding.EncodeToString(make([]byte, 16))}
	c := n.anon(t)
	for _, step := range []struct {
		body   map[string]any
		status int
		want   bool
	}{
		{map[string]any{"old_endpoint": "https://push.example/send/old", "endpoint": "http://plain.example/x", "keys": keys}, http.StatusUnprocessableEntity, false},
		{map[string]any{"old_endpoint": "https://push.example/send/unknown", "endpoint": "https://push.example/send/new", "keys": keys}, http.StatusOK, false},
		{map[string]any{"old_endpoint": "https://push.example/send/old", "endpoint": "https://push.example/send/new", "keys": keys}, http.StatusOK, true},
	} {
		resp := c.PostJSON("/api/v1/push/renew", step.body)
		if resp.StatusCode != step.status {
			t.Fatalf("%v: %d, want %d", step.body, resp.StatusCode, step.status)
		}
		if step.status != http.StatusOK {
			continue
		}
		var got struct {
			Renewed bool `json:"renewed"`
		}
		if err := json.NewDecoder(resp.Body).Decode(&got); err != nil || got.Renewed != step.want {
			t.Fatalf("%v: %+v %v", step.body, got, err)
		}
	}
	r, _ := n.db.Recipients().Get(context.Background(), b.ID)
	if r.WebhookURL != "https://push.example/send/new" || r.WebhookSecret != keys["p256dh"]+"."+keys["auth"] {
		t.Fatalf("after renewal: %+v", r)
	}
}
