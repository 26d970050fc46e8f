package web

import (
	"bytes"
	"context"
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
	var code string
	for deadline := time.Now().Add(5 * time.Second); code == ""; time.Sleep(20 * time.Millisecond) {
		if mails := sink.All(); len(mails) == 1 {
			m, _ := mail.ReadMessage(bytes.NewReader(mails[0].Data))
			var body bytes.Buffer
			body.ReadFrom(m.Body)
			code = codeInMail.FindStringSubmatch(body.String())[1]
		}
		if time.Now().After(deadline) {
			t.Fatal("no code mailed")
		}
	}
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
