package web

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/mail"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/taawun/taawun/internal/dispatch"
	"github.com/taawun/taawun/internal/dissem"
	"github.com/taawun/taawun/internal/dissem/dissemtest"
	"github.com/taawun/taawun/internal/store"
)

var codeInMail = regexp.MustCompile(`\b([0-9]{6})\b`)

// mailedCode waits for the one mail in sink and returns the confirmation code it carries.
func mailedCode(t *testing.T, sink *dissemtest.SMTPSink) string {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if mails := sink.All(); len(mails) == 1 {
			m, err := mail.ReadMessage(bytes.NewReader(mails[0].Data))
			if err != nil {
				t.Fatal(err)
			}
			var body bytes.Buffer
			body.ReadFrom(m.Body)
			if c := codeInMail.FindStringSubmatch(body.String()); c != nil {
				return c[1]
			}
			t.Fatalf("mail without a code: %s", body.String())
		}
		if time.Now().After(deadline) {
			t.Fatal("no code mailed")
		}
	}
}

func TestPublicSubscriptionConfirmedByCode(t *testing.T) {
	sink := dissemtest.NewSMTPSink(t)
	d := dispatch.New()
	if err := d.AddLive("email", dissem.EmailChannel{Host: "127.0.0.1", Port: sink.Addr.Port, From: "warnings@ndma.test"}); err != nil {
		t.Fatal(err)
	}
	n := newTestNode(t, func(o *Options) { o.Dispatcher = d })
	v := n.anon(t)
	v.RefreshCSRF("/subscribe?lang=ur")
	form := url.Values{"name": {"Sana"}, "language": {"ur"}, "channel": {"email"}, "address": {"sana@example.pk"}, "lat": {"31.55"}, "lon": {"74.34"}}
	if resp := v.PostForm("/subscribe", url.Values{"channel": {"email"}, "address": {"not-an-address"}, "language": {"en"}, "lat": {"1"}, "lon": {"1"}}); resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("bad address: %d", resp.StatusCode)
	}
	resp := v.PostForm("/subscribe", form)
	page := v.Body(resp)
	if resp.StatusCode != http.StatusOK || !strings.Contains(page, `name="code"`) {
		t.Fatalf("subscribe: %d", resp.StatusCode)
	}
	id := regexp.MustCompile(`name="id" value="([^"]+)"`).FindStringSubmatch(page)[1]
	code := mailedCode(t, sink)
	if all, _ := n.db.Recipients().All(context.Background()); len(all) != 0 {
		t.Fatal("unconfirmed subscriber already targeted")
	}
	wrong := "000000"
	if code == wrong {
		wrong = "111111"
	}
	if resp := v.PostForm("/subscribe/confirm", url.Values{"id": {id}, "code": {wrong}}); resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("wrong code: %d", resp.StatusCode)
	}
	if resp := v.PostForm("/subscribe/confirm", url.Values{"id": {id}, "code": {code}}); resp.StatusCode != http.StatusOK {
		t.Fatalf("right code: %d", resp.StatusCode)
	}
	all, _ := n.db.Recipients().All(context.Background())
	if len(all) != 1 || all[0].Email != "sana@example.pk" || all[0].Language != "ur" || all[0].Channels[0] != store.ChannelEmail {
		t.Fatalf("subscriber: %+v", all)
	}
	// Ten subscriptions an hour from one address, then a pause.
	for range 10 {
		v.PostForm("/subscribe", form)
	}
	if resp := v.PostForm("/subscribe", form); resp.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("eleventh subscription in an hour: %d", resp.StatusCode)
	}
}

// TestSubscriptionAPI: the public flow through /api/v1 — no login and no CSRF token for JSON —
// refuses bad input with the page's message, mails a code, and confirms with it.
func TestSubscriptionAPI(t *testing.T) {
	sink := dissemtest.NewSMTPSink(t)
	d := dispatch.New()
	if err := d.AddLive("email", dissem.EmailChannel{Host: "127.0.0.1", Port: sink.Addr.Port, From: "warnings@ndma.test"}); err != nil {
		t.Fatal(err)
	}
	n := newTestNode(t, func(o *Options) { o.Dispatcher = d })
	post := func(path string, body string) *http.Response {
		resp, err := http.Post(n.http.URL+path, "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { resp.Body.Close() })
		return resp
	}
	for name, body := range map[string]string{
		"bad address":   `{"language":"ur","channel":"email","address":"nobody","lat":31.55,"lon":74.34}`,
		"bad language":  `{"language":"fr","channel":"email","address":"a@example.pk","lat":31.55,"lon":74.34}`,
		"bad place":     `{"language":"ur","channel":"email","address":"a@example.pk","lat":131.55,"lon":74.34}`,
		"unknown field": `{"language":"ur","channel":"email","address":"a@example.pk","lat":31.55,"lon":74.34,"x":1}`,
	} {
		if resp := post("/api/v1/subscriptions", body); resp.StatusCode/100 != 4 {
			t.Errorf("%s: %d", name, resp.StatusCode)
		}
	}
	resp := post("/api/v1/subscriptions", `{"name":"Sana","language":"ur","channel":"email","address":"sana@example.pk","lat":31.55,"lon":74.34}`)
	var pending struct {
		ID        string `json:"id"`
		ConfirmBy string `json:"confirm_by"`
	}
	if resp.StatusCode != http.StatusCreated || json.NewDecoder(resp.Body).Decode(&pending) != nil || pending.ID == "" {
		t.Fatalf("subscribe: %d", resp.StatusCode)
	}
	code := mailedCode(t, sink)
	wrong := "000000"
	if code == wrong {
		wrong = "111111"
	}
	if resp := post("/api/v1/subscriptions/"+pending.ID+"/confirm", `{"code":"`+wrong+`"}`); resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("wrong code: %d", resp.StatusCode)
	}
	if resp := post("/api/v1/subscriptions/"+pending.ID+"/confirm", `{"code":"`+code+`"}`); resp.StatusCode != http.StatusOK {
		t.Fatalf("right code: %d", resp.StatusCode)
	}
	if all, _ := n.db.Recipients().All(context.Background()); len(all) != 1 || all[0].Email != "sana@example.pk" || all[0].Language != "ur" {
		t.Fatalf("confirmed subscriber: %+v", all)
	}
	// A form post without the token is still refused: only JSON is exempt.
	form, _ := http.PostForm(n.http.URL+"/subscribe", url.Values{"channel": {"email"}, "address": {"b@example.pk"}, "language": {"en"}, "lat": {"1"}, "lon": {"1"}})
	form.Body.Close()
	if form.StatusCode != http.StatusForbidden {
		t.Fatalf("form without CSRF token: %d", form.StatusCode)
	}
}
