package dissem

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/taawun/taawun/internal/store"
)

// TestWarningMailCarriesOneClickUnsubscribe: a warning e-mail carries RFC 8058 headers and, in
// both parts, a link whose token names its recipient and the e-mail channel; leaving with it
// stops the next warning's e-mail while the other subscriber still gets it.
func TestWarningMailCarriesOneClickUnsubscribe(t *testing.T) {
	p := startPipeline(t, 0)
	rs := p.addRecipients(t,
		store.Recipient{Name: "leaves", Language: "ur", Email: "leaves@example.pk", Channels: []store.Channel{store.ChannelEmail},
			Locations: []store.Location{{Lat: 31.52, Lon: 74.36}}},
		store.Recipient{Name: "stays", Language: "en", Email: "stays@example.pk", Channels: []store.Channel{store.ChannelEmail},
			Locations: []store.Location{{Lat: 31.53, Lon: 74.35}}},
	)
	m := p.issue(t, "Actual", lahoreFlood())
	p.waitDelivered(t, m, 2)
	mails := p.smtp.All()
	if len(mails) != 2 {
		t.Fatalf("%d mails, want 2", len(mails))
	}
	var leaving parsedMail
	for _, ml := range mails {
		if ml.To[0] == "leaves@example.pk" {
			leaving = parseMail(t, ml.Data)
		}
	}
	link := p.links.URL(rs[0].ID, store.ChannelEmail)
	if got := leaving.Header.Get("List-Unsubscribe"); got != "<"+link+">" {
		t.Fatalf("List-Unsubscribe %q, want <%s>", got, link)
	}
	if got := leaving.Header.Get("List-Unsubscribe-Post"); got != "List-Unsubscribe=One-Click" {
		t.Fatalf("List-Unsubscribe-Post %q", got)
	}
	// In Urdu, in both parts.
	if !strings.Contains(leaving.Text, link) || !strings.Contains(leaving.HTML, `href="`+link+`"`) ||
		!strings.Contains(leaving.Text, "ای میلز بند") {
		t.Fatalf("no Urdu unsubscribe line with the link:\n%s\n%s", leaving.Text, leaving.HTML)
	}
	token := strings.TrimPrefix(link, "https://alerts.ndma.test/unsubscribe?t=")
	id, ch, err := p.links.Check(token)
	if err != nil || id != rs[0].ID || ch != store.ChannelEmail {
		t.Fatalf("token names %s/%s (%v)", id, ch, err)
	}

	left, err := Leave(context.Background(), p.db, id, ch, "test")
	if err != nil || !left {
		t.Fatalf("leave: %v, %v", left, err)
	}
	if again, err := Leave(context.Background(), p.db, id, ch, "test"); err != nil || again {
		t.Fatalf("leaving twice changed something: %v, %v", again, err)
	}
	m2 := p.issue(t, "Actual", lahoreFlood())
	p.waitDelivered(t, m2, 1)
	var to []string
	for _, ml := range p.smtp.All()[2:] {
		to = append(to, ml.To...)
	}
	if strings.Join(to, ",") != "stays@example.pk" {
		t.Fatalf("second warning went to %v", to)
	}
}

// TestUnsubscribeTokens: a token checks only for the recipient and channel it was made for, and
// only with the key that made it.
func TestUnsubscribeTokens(t *testing.T) {
	seed := []byte("0123456789abcdef0123456789abcdef")
	a, err := NewUnsubscribeLinks(seed, "https://x.test/", nil)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := NewUnsubscribeLinks([]byte("another node's seed, 32 bytes..."), "https://x.test", nil)
	tok := a.Token("0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b", store.ChannelEmail)
	if id, ch, err := a.Check(tok); err != nil || id != "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b" || ch != store.ChannelEmail {
		t.Fatalf("own token: %s %s %v", id, ch, err)
	}
	if a.URL("r", store.ChannelSMS) != "https://x.test/unsubscribe?t="+a.Token("r", store.ChannelSMS) {
		t.Fatalf("URL %s", a.URL("r", store.ChannelSMS))
	}
	parts := strings.Split(tok, ".")
	for name, forged := range map[string]string{
		"other key":     b.Token("0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b", store.ChannelEmail),
		"other channel": parts[0] + ".sms." + parts[2],
		"other id":      "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5c." + parts[1] + "." + parts[2],
		"no signature":  parts[0] + "." + parts[1] + ".",
		"malformed":     "nothing",
		"too long":      strings.Repeat("a", 300),
	} {
		if _, _, err := a.Check(forged); !errors.Is(err, ErrBadUnsubscribeToken) {
			t.Errorf("%s: %v, want ErrBadUnsubscribeToken", name, err)
		}
	}
}

// TestPlannedBatchSkipsWhoLeft: a warning planned before its recipient left is not sent to them:
// the sender asks the targeting index, which learnt of the unsubscribe from the bus.
func TestPlannedBatchSkipsWhoLeft(t *testing.T) {
	p := startPipelineRunning(t, 0, false)
	ctx := context.Background()
	select {
	case <-p.index.Following():
	case <-time.After(10 * time.Second):
		t.Fatal("the index did not follow the bus")
	}
	rs := p.addRecipients(t,
		store.Recipient{Name: "leaves", Language: "en", Email: "leaves@example.pk", Channels: []store.Channel{store.ChannelEmail},
			Locations: []store.Location{{Lat: 31.52, Lon: 74.36}}},
		store.Recipient{Name: "stays", Language: "en", Email: "stays@example.pk", Channels: []store.Channel{store.ChannelEmail},
			Locations: []store.Location{{Lat: 31.53, Lon: 74.35}}},
	)
	m := p.issue(t, "Actual", lahoreFlood())
	bs, err := p.planner.Plan(ctx, m)
	if err != nil || len(bs) != 1 || len(bs[0].Members) != 2 {
		t.Fatalf("planned %+v, %v", bs, err)
	}
	if _, err := Leave(ctx, p.db, rs[0].ID, store.ChannelEmail, "test"); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(10 * time.Second); p.index.Still(ctx, rs[0].ID, store.ChannelEmail); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the index did not learn of the unsubscribe")
		}
	}
	claimed, err := p.db.DeliveryBatches().Claim(ctx, time.Now(), time.Minute, 10)
	if err != nil || len(claimed) != 1 {
		t.Fatalf("claimed %d, %v", len(claimed), err)
	}
	out, err := p.sender.DeliverBatches(ctx, claimed)
	if err != nil || out.Sent != 1 || out.Skipped != 1 || out.Failed != 0 {
		t.Fatalf("outcome %+v, %v", out, err)
	}
	mails := p.smtp.All()
	if len(mails) != 1 || mails[0].To[0] != "stays@example.pk" {
		t.Fatalf("mails %+v", mails)
	}
}

// TestSMSStopUnsubscribesThePhone: replies of STOP (any case, with spaces) and the Urdu "بند"
// from the test SMSC take SMS off the sender's subscriptions, keep their other channels, and get
// a confirmation back in the subscriber's language; other replies change nothing.
func TestSMSStopUnsubscribesThePhone(t *testing.T) {
	p := startPipeline(t, 0)
	ctx := context.Background()
	rs := p.addRecipients(t,
		store.Recipient{Name: "English", Language: "en", Phone: "+923001110001", Email: "en@example.pk",
			Channels: []store.Channel{store.ChannelSMS, store.ChannelEmail}, Locations: []store.Location{{Lat: 31.52, Lon: 74.36}}},
		store.Recipient{Name: "Urdu", Language: "ur", Phone: "+923001110002", Channels: []store.Channel{store.ChannelSMS},
			Locations: []store.Location{{Lat: 31.52, Lon: 74.36}}},
		store.Recipient{Name: "Stays", Language: "en", Phone: "+923001110003", Channels: []store.Channel{store.ChannelSMS},
			Locations: []store.Location{{Lat: 31.52, Lon: 74.36}}},
	)
	cat := p.links.Catalog
	for _, mo := range []struct{ from, text string }{
		{"923001110003", "what is this?"},
		{"923001110001", "  stop "},
		{"923001110002", "بند"},
	} {
		if err := p.smsc.SendMO(mo.from, "8181", mo.text); err != nil {
			t.Fatal(err)
		}
	}
	var replies []string
	for deadline := time.Now().Add(10 * time.Second); len(replies) < 2; time.Sleep(20 * time.Millisecond) {
		replies = replies[:0]
		for _, m := range p.smsc.Messages() {
			replies = append(replies, m.To+": "+m.Text)
		}
		if time.Now().After(deadline) {
			t.Fatalf("confirmations: %v", replies)
		}
	}
	want := []string{"+923001110001: " + cat.T("en", "unsubscribe.sms_stopped"), "+923001110002: " + cat.T("ur", "unsubscribe.sms_stopped")}
	if strings.Join(replies, "\n") != strings.Join(want, "\n") {
		t.Fatalf("confirmations\n%s\nwant\n%s", strings.Join(replies, "\n"), strings.Join(want, "\n"))
	}
	en, _ := p.db.Recipients().Get(ctx, rs[0].ID)
	ur, _ := p.db.Recipients().Get(ctx, rs[1].ID)
	stays, _ := p.db.Recipients().Get(ctx, rs[2].ID)
	if en.Phone != "" || len(en.Channels) != 1 || en.Channels[0] != store.ChannelEmail || en.Email != "en@example.pk" {
		t.Fatalf("after STOP: %+v", en)
	}
	if ur.Phone != "" || len(ur.Channels) != 0 || ur.Confirmed {
		t.Fatalf("after بند: %+v", ur)
	}
	if stays.Phone != "+923001110003" || len(stays.Channels) != 1 {
		t.Fatalf("an unrelated reply changed %+v", stays)
	}
	// The next warning goes by SMS only to the one who stayed.
	before := len(p.smsc.Messages())
	m := p.issue(t, "Actual", lahoreFlood())
	p.waitDelivered(t, m, 2)
	var to []string
	for _, s := range p.smsc.Messages()[before:] {
		to = append(to, s.To)
	}
	if strings.Join(to, ",") != "+923001110003" {
		t.Fatalf("the next warning's SMS went to %v", to)
	}
}

func TestStopKeywords(t *testing.T) {
	for text, want := range map[string]string{
		"STOP": "en", "stop": "en", " Stop.\n": "en", "unsubscribe": "en", "بند": "ur", " بند ": "ur",
		"стоп": "ru", "СТОП!": "ru", "退订": "zh", "退订。": "zh",
	} {
		if lang, ok := stopLanguage(text); !ok || lang != want {
			t.Errorf("%q: %q %v, want %q", text, lang, ok, want)
		}
	}
	for _, text := range []string{"", "stop it", "STOPP", "help", "بند کریں"} {
		if _, ok := stopLanguage(text); ok {
			t.Errorf("%q taken for a stop", text)
		}
	}
}
