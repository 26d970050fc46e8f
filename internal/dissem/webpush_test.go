package dissem

import (
	"bytes"
	"context"
	"crypto/ecdh"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/taawun/taawun/internal/alert"
	"github.com/taawun/taawun/internal/auth"
	"github.com/taawun/taawun/internal/cap"
	"github.com/taawun/taawun/internal/clock"
	"github.com/taawun/taawun/internal/dispatch"
	"github.com/taawun/taawun/internal/dissem/dissemtest"
	"github.com/taawun/taawun/internal/mode"
	"github.com/taawun/taawun/internal/seed"
	"github.com/taawun/taawun/internal/store"
	"github.com/taawun/taawun/internal/store/sqlstore/sqltest"
)

// RFC 8291 §5 and Appendix A: the worked example's keys, salt, plaintext and message.
const (
	rfcPlaintext = "When I grow up, I want to be a watermelon"
	rfcUAPublic  = "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4"
	rfcUAPrivate = "q1dXpw3UpT5VOmu_cf_v6ih07Aems3njxI-JWgLcM94"
	rfcAuth      = "BTBZMqHH6r4Tts7J_aSIgg"
	rfcASPrivate = "yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw"
	rfcSalt      = "DGv6ra1nlYgDCS1FRnbzlw"
	rfcMessage   = "DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A_yl95bQpu6cVPTpK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSxsj_Qulcy4a-fN"
)

func b64(t *testing.T, s string) []byte {
	t.Helper()
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestPushEncryptionMatchesRFC8291: with the example's one-time key and salt, encryption gives
// the RFC's message byte for byte, and the test push service's decryption (written separately,
// from the RFC) opens the RFC's message with the browser's key.
func TestPushEncryptionMatchesRFC8291(t *testing.T) {
	as, err := ecdh.P256().NewPrivateKey(b64(t, rfcASPrivate))
	if err != nil {
		t.Fatal(err)
	}
	got, err := encryptPush([]byte(rfcPlaintext), b64(t, rfcUAPublic), b64(t, rfcAuth), as, b64(t, rfcSalt))
	if err != nil {
		t.Fatal(err)
	}
	if enc := base64.RawURLEncoding.EncodeToString(got); enc != rfcMessage {
		t.Fatalf("encrypted\n%s\nwant\n%s", enc, rfcMessage)
	}
	plain, err := dissemtest.DecryptWith(b64(t, rfcMessage), rfcUAPrivate, rfcAuth)
	if err != nil || string(plain) != rfcPlaintext {
		t.Fatalf("decrypted %q, %v", plain, err)
	}
	if _, err := encryptPush(make([]byte, MaxPushPayload+1), b64(t, rfcUAPublic), b64(t, rfcAuth), as, b64(t, rfcSalt)); err == nil {
		t.Fatal("a payload larger than one record was encrypted")
	}
}

func TestVAPIDKeys(t *testing.T) {
	seedA, seedB := bytes.Repeat([]byte{1}, 32), bytes.Repeat([]byte{2}, 32)
	a1, err := DeriveVAPIDKey(seedA)
	if err != nil {
		t.Fatal(err)
	}
	a2, _ := DeriveVAPIDKey(seedA)
	b, _ := DeriveVAPIDKey(seedB)
	if !a1.Equal(a2) || a1.Equal(b) {
		t.Fatal("derivation is not a function of the seed alone")
	}
	enc, err := EncodeVAPIDKey(a1)
	if err != nil {
		t.Fatal(err)
	}
	back, err := ParseVAPIDKey(enc)
	if err != nil || !back.Equal(a1) {
		t.Fatalf("round trip: %v", err)
	}
	v, _ := NewVAPID(a1, "")
	if pk := b64(t, v.PublicKey()); len(pk) != 65 || pk[0] != 4 {
		t.Fatalf("public key %q is not an uncompressed point", v.PublicKey())
	}
	for _, bad := range []string{"", "not base64!", base64.RawURLEncoding.EncodeToString(make([]byte, 32)), base64.RawURLEncoding.EncodeToString(make([]byte, 31))} {
		if _, err := ParseVAPIDKey(bad); err == nil {
			t.Errorf("ParseVAPIDKey(%q) accepted", bad)
		}
	}
}

func TestPushSubscriptionCheck(t *testing.T) {
	good := PushSubscription{Endpoint: "https://push.example/x", P256dh: rfcUAPublic, Auth: rfcAuth}
	if err := good.Check(); err != nil {
		t.Fatal(err)
	}
	for name, s := range map[string]PushSubscription{
		"http endpoint": {Endpoint: "http://push.example/x", P256dh: rfcUAPublic, Auth: rfcAuth},
		"no endpoint":   {P256dh: rfcUAPublic, Auth: rfcAuth},
		"short key":     {Endpoint: good.Endpoint, P256dh: rfcAuth, Auth: rfcAuth},
		"off curve":     {Endpoint: good.Endpoint, P256dh: "B" + strings.Repeat("A", 86), Auth: rfcAuth},
		"long auth":     {Endpoint: good.Endpoint, P256dh: rfcUAPublic, Auth: rfcUAPublic},
	} {
		if err := s.Check(); !errors.Is(err, ErrBadSubscription) {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestPushUrgency(t *testing.T) {
	for _, c := range []struct {
		msgType, urgency, severity, want string
	}{
		{"Alert", "Immediate", "Moderate", "high"},
		{"Alert", "Future", "Extreme", "high"},
		{"Update", "Future", "Moderate", "normal"},
		{"Alert", "Past", "Severe", "low"},
		{"Cancel", "Immediate", "Extreme", "normal"},
	} {
		if got := PushUrgency(c.msgType, cap.Info{Urgency: c.urgency, Severity: c.severity}); got != c.want {
			t.Errorf("%+v: %s", c, got)
		}
	}
}

// pushFixture is a node's dissemination with only the push channel, driven step by step on a
// manual clock, against the test push service.
type pushFixture struct {
	db      store.Store
	clk     *clock.Manual
	auth    *auth.Service
	alerts  *alert.Service
	push    *dissemtest.PushService
	vapid   *VAPID
	planner *Planner
	sender  *Sender
}

func newPushFixture(t *testing.T) *pushFixture {
	t.Helper()
	ctx := context.Background()
	clk := clock.NewManual(time.Now())
	db := sqltest.Open(t, sqltest.SQLiteURL(t), "pk-ndma", clk)
	as, err := auth.NewService(db, clk, auth.HashParams{MemoryKiB: 64, Time: 1, Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := seed.Demo(ctx, db, as, pw); err != nil {
		t.Fatal(err)
	}
	key, err := DeriveVAPIDKey(bytes.Repeat([]byte{7}, 32))
	if err != nil {
		t.Fatal(err)
	}
	v, _ := NewVAPID(key, "mailto:alerts@ndma.test")
	f := &pushFixture{db: db, clk: clk, auth: as, alerts: &alert.Service{Store: db, Clock: clk, Node: "pk-ndma"},
		push: dissemtest.NewPushService(t, clk.Now), vapid: v}
	d := dispatch.New()
	if err := d.AddLive(string(store.ChannelPush), &WebPushChannel{VAPID: v, Store: db, Clock: clk, Client: f.push.Client()}); err != nil {
		t.Fatal(err)
	}
	f.planner = &Planner{Store: db, Targeter: ScanTargeter{Store: db}}
	f.sender = &Sender{Store: db, Dispatcher: d, Clock: clk}
	return f
}

// subscribe makes a browser subscription with the node's key and a confirmed recipient for it.
func (f *pushFixture) subscribe(t *testing.T, ctx context.Context, lang string, test bool) (store.Recipient, *dissemtest.Browser) {
	t.Helper()
	b := f.push.Subscribe(t, f.vapid.PublicKey())
	r := store.Recipient{Name: "browser " + lang, Language: lang, Test: test, Confirmed: true,
		Locations: []store.Location{{Lat: 31.52, Lon: 74.36}}}
	sub := PushSubscription{Endpoint: b.Endpoint, P256dh: b.P256dh, Auth: b.Auth}
	if err := sub.Check(); err != nil {
		t.Fatal(err)
	}
	sub.Apply(&r)
	if err := f.db.Recipients().Create(ctx, &r); err != nil {
		t.Fatal(err)
	}
	return r, b
}

func (f *pushFixture) issue(t *testing.T, ctx context.Context, status string, c alert.Content) store.AlertMessage {
	t.Helper()
	duty, _ := f.officers(t)
	a, err := f.alerts.Draft(ctx, duty, "urban_flood", status, c)
	if err != nil {
		t.Fatal(err)
	}
	return f.submitAndApprove(t, ctx, a.ID)
}

// officers logs the duty officer and the approver in to the live node; an exercise is a mode of
// their work, not other accounts.
func (f *pushFixture) officers(t *testing.T) (duty, approver *auth.Principal) {
	t.Helper()
	_, duty, err := f.auth.Login(context.Background(), "duty.officer", pw, "127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	_, approver, err = f.auth.Login(context.Background(), "approver", pw, "127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	return duty, approver
}

// submitAndApprove has the duty officer submit the alert's draft version and the approver issue it.
func (f *pushFixture) submitAndApprove(t *testing.T, ctx context.Context, alertID string) store.AlertMessage {
	t.Helper()
	duty, approver := f.officers(t)
	if _, err := f.alerts.Submit(ctx, duty, alertID); err != nil {
		t.Fatal(err)
	}
	m, err := f.alerts.Approve(ctx, approver, alertID)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// inExercise stores a copy of live message m as an Exercise message of the exercise of exCtx,
// as the exercise's own officers would issue it (the exercise's organisations are not seeded here).
func (f *pushFixture) inExercise(t *testing.T, exCtx context.Context, m store.AlertMessage) store.AlertMessage {
	t.Helper()
	live, err := f.db.Alerts().Get(context.Background(), m.AlertID)
	if err != nil {
		t.Fatal(err)
	}
	a := store.Alert{OrgID: live.OrgID, Hazard: live.Hazard, CAPStatus: "Exercise", State: store.AlertIssued, Identifier: m.Identifier + ".ex",
		Issued: 1, Expires: live.Expires, DrafterID: live.DrafterID, Headline: live.Headline}
	em := m
	em.ID, em.Identifier, em.CAPStatus = "", a.Identifier, "Exercise"
	em.XML = bytes.Replace(bytes.Replace(m.XML, []byte("<status>Test</status>"), []byte("<status>Exercise</status>"), 1),
		[]byte(m.Identifier), []byte(a.Identifier), 1)
	err = f.db.WithTx(exCtx, func(tx store.Tx) error {
		if err := tx.Alerts().Create(exCtx, &a); err != nil {
			return err
		}
		v := store.AlertVersion{AlertID: a.ID, Kind: store.KindAlert, State: store.VersionApproved, Content: []byte("{}"), DrafterID: live.DrafterID}
		if err := tx.Alerts().CreateVersion(exCtx, &v); err != nil {
			return err
		}
		em.AlertID, em.VersionID = a.ID, v.ID
		return tx.Alerts().AddMessage(exCtx, &em)
	})
	if err != nil {
		t.Fatal(err)
	}
	return em
}

// send plans m and runs the sender until nothing is due.
func (f *pushFixture) send(t *testing.T, ctx context.Context, m store.AlertMessage) Outcome {
	t.Helper()
	if _, err := f.planner.Plan(ctx, m); err != nil {
		t.Fatal(err)
	}
	return f.drain(t, ctx)
}

func (f *pushFixture) drain(t *testing.T, ctx context.Context) Outcome {
	t.Helper()
	var total Outcome
	for {
		out, err := f.sender.SendDue(ctx)
		if err != nil {
			t.Fatal(err)
		}
		total.Sent, total.Retried, total.Failed = total.Sent+out.Sent, total.Retried+out.Retried, total.Failed+out.Failed
		if out.Sent+out.Retried+out.Failed == 0 {
			return total
		}
	}
}

func (f *pushFixture) payloads(t *testing.T) []PushPayload {
	t.Helper()
	var out []PushPayload
	for _, d := range f.push.Delivered() {
		var p PushPayload
		if err := json.Unmarshal(d.Plaintext, &p); err != nil {
			t.Fatalf("delivered plaintext %q: %v", d.Plaintext, err)
		}
		out = append(out, p)
	}
	return out
}

// TestPushDeliversInTheSubscribersLanguage: the push service accepts the message only with a
// valid VAPID token for the subscription's key, decrypts it with the browser's private key, and
// finds the Urdu warning, right to left, linking to the warning's page; TTL follows the expiry,
// urgency the CAP urgency, and the topic is the same for an update of the same warning.
func TestPushDeliversInTheSubscribersLanguage(t *testing.T) {
	f := newPushFixture(t)
	ctx := context.Background()
	f.subscribe(t, ctx, "ur", false)
	m := f.issue(t, ctx, "Actual", lahoreFlood())
	if out := f.send(t, ctx, m); out.Sent != 1 || out.Failed+out.Retried != 0 {
		t.Fatalf("outcome %+v", out)
	}
	ds, ps := f.push.Delivered(), f.payloads(t)
	if len(ps) != 1 {
		t.Fatalf("%d messages delivered", len(ps))
	}
	p, d := ps[0], ds[0]
	if p.Title != "لاہور میں اربن فلڈنگ" || !strings.Contains(p.Body, "انڈر پاسز سے گریز کریں۔") || p.Lang != "ur" || p.Dir != "rtl" {
		t.Fatalf("payload %+v", p)
	}
	if p.URL != "/alerts/"+m.ID || p.Tag != m.AlertID {
		t.Fatalf("link %q tag %q", p.URL, p.Tag)
	}
	if d.Urgency != "high" || d.Topic == "" || len(d.Topic) > 32 {
		t.Fatalf("urgency %q topic %q", d.Urgency, d.Topic)
	}
	if wantTTL := 6 * 3600; d.TTL < wantTTL-120 || d.TTL > wantTTL+120 {
		t.Fatalf("TTL %d, want about %d (the warning's expiry)", d.TTL, wantTTL)
	}
	if d.Subject != "mailto:alerts@ndma.test" || d.Expiry.After(f.clk.Now().Add(24*time.Hour)) {
		t.Fatalf("VAPID sub %q exp %s", d.Subject, d.Expiry)
	}
}

// TestGonePushSubscriptionIsForgotten: a 410 fails the delivery for good, takes the push channel
// and the subscription off the recipient, and the next warning does not target it.
func TestGonePushSubscriptionIsForgotten(t *testing.T) {
	f := newPushFixture(t)
	ctx := context.Background()
	r, b := f.subscribe(t, ctx, "en", false)
	f.push.Script(b, dissemtest.Answer{Status: http.StatusGone})
	m := f.issue(t, ctx, "Actual", lahoreFlood())
	if out := f.send(t, ctx, m); out.Failed != 1 || out.Sent+out.Retried != 0 {
		t.Fatalf("outcome %+v", out)
	}
	got, err := f.db.Recipients().Get(ctx, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Channels) != 0 || got.WebhookURL != "" || got.WebhookSecret != "" {
		t.Fatalf("recipient after 410: channels %v, endpoint %q", got.Channels, got.WebhookURL)
	}
	before := f.push.Requests()
	m2 := f.issue(t, ctx, "Actual", lahoreFlood())
	f.send(t, ctx, m2)
	if f.push.Requests() != before {
		t.Fatal("a gone subscription was targeted again")
	}
	counts, _ := f.db.Notifications().Counts(ctx, m2.ID)
	if len(counts) != 0 {
		t.Fatalf("deliveries planned to a gone subscription: %+v", counts)
	}
}

// TestPushRetriedAfterRetryAfter: a 429 with Retry-After: 120 is retried, not before two
// minutes have passed (longer than the sender's own first backoff), and then delivered once.
func TestPushRetriedAfterRetryAfter(t *testing.T) {
	f := newPushFixture(t)
	ctx := context.Background()
	_, b := f.subscribe(t, ctx, "en", false)
	f.push.Script(b, dissemtest.Answer{Status: http.StatusTooManyRequests, RetryAfter: "120"})
	m := f.issue(t, ctx, "Actual", lahoreFlood())
	if out := f.send(t, ctx, m); out.Retried != 1 || out.Sent != 0 {
		t.Fatalf("first round %+v", out)
	}
	f.clk.Advance(119 * time.Second)
	if out := f.drain(t, ctx); out.Sent+out.Retried != 0 || f.push.Requests() != 1 {
		t.Fatalf("retried before Retry-After: %+v, %d requests", out, f.push.Requests())
	}
	f.clk.Advance(2 * time.Second)
	if out := f.drain(t, ctx); out.Sent != 1 {
		t.Fatalf("after Retry-After: %+v", out)
	}
	if n := len(f.push.Delivered()); n != 1 {
		t.Fatalf("delivered %d times", n)
	}
}

// TestPushServerErrorIsRetried: a 500 without Retry-After is retried with the sender's backoff.
func TestPushServerErrorIsRetried(t *testing.T) {
	f := newPushFixture(t)
	ctx := context.Background()
	_, b := f.subscribe(t, ctx, "en", false)
	f.push.Script(b, dissemtest.Answer{Status: http.StatusInternalServerError})
	m := f.issue(t, ctx, "Actual", lahoreFlood())
	if out := f.send(t, ctx, m); out.Retried != 1 {
		t.Fatalf("first round %+v", out)
	}
	f.clk.Advance(10 * time.Minute)
	if out := f.drain(t, ctx); out.Sent != 1 || len(f.push.Delivered()) != 1 {
		t.Fatalf("after backoff %+v", out)
	}
}

// TestPushRefusalsAreFinal: 400, 403 and 413 are not retried and keep the subscription.
func TestPushRefusalsAreFinal(t *testing.T) {
	for _, status := range []int{http.StatusBadRequest, http.StatusForbidden, http.StatusRequestEntityTooLarge} {
		f := newPushFixture(t)
		ctx := context.Background()
		r, b := f.subscribe(t, ctx, "en", false)
		f.push.Script(b, dissemtest.Answer{Status: status})
		m := f.issue(t, ctx, "Actual", lahoreFlood())
		if out := f.send(t, ctx, m); out.Failed != 1 {
			t.Fatalf("%d: %+v", status, out)
		}
		if got, _ := f.db.Recipients().Get(ctx, r.ID); len(got.Channels) != 1 {
			t.Fatalf("%d took the subscription off: %v", status, got.Channels)
		}
	}
}

// TestTestAndExerciseWarningsNeverReachLivePush: a Test warning skips a live (non-test) push
// subscriber; an Exercise warning is planned in its exercise, where the live subscriber does not
// exist, and the exercise's own push recipient cannot be reached either, because the push channel
// is registered for live only (the dispatcher's mode keying).
func TestTestAndExerciseWarningsNeverReachLivePush(t *testing.T) {
	f := newPushFixture(t)
	ctx := context.Background()
	f.subscribe(t, ctx, "en", false)
	m := f.issue(t, ctx, "Test", lahoreFlood())
	f.send(t, ctx, m)

	ex, _ := mode.Exercise("indus-2026")
	exCtx := mode.With(ctx, ex)
	f.subscribe(t, exCtx, "en", true)
	em := f.inExercise(t, exCtx, m)
	out := f.send(t, exCtx, em)
	if f.push.Requests() != 0 {
		t.Fatalf("a Test or Exercise warning reached the push service (%d requests)", f.push.Requests())
	}
	if out.Failed != 1 {
		t.Fatalf("exercise outcome %+v: the exercise recipient's delivery should fail for want of an exercise push channel", out)
	}
	msg, err := NewPushMessage(exCtx, PushSubscription{Endpoint: "https://push.example/x", P256dh: rfcUAPublic, Auth: rfcAuth}, "k", PushPayload{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.sender.Dispatcher.Send(exCtx, string(store.ChannelPush), msg); !errors.Is(err, dispatch.ErrNoRoute) {
		t.Fatalf("exercise push message: %v", err)
	}
}

// TestPushPayloadFitsOneRecord: the longest texts, in the widest script and full of characters
// JSON could escape, are clipped to a payload that one aes128gcm record carries.
func TestPushPayloadFitsOneRecord(t *testing.T) {
	long := strings.Repeat("洪水<&>", 2000)
	a := &cap.Alert{MsgType: "Alert", Infos: []cap.Info{{Language: "zh", Headline: long, Instruction: long, Expires: "2026-11-29T18:00:00+05:00",
		Areas: []cap.Area{{AreaDesc: long}}}}}
	r := store.Recipient{Language: "zh", WebhookURL: "https://push.example/x", WebhookSecret: rfcUAPublic + "." + rfcAuth}
	m, err := pushMessage(context.Background(), a, r, "m/r/push", "m", "a")
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Body) > MaxPushPayload {
		t.Fatalf("payload of %d bytes, limit %d", len(m.Body), MaxPushPayload)
	}
	var p PushPayload
	if err := json.Unmarshal(m.Body, &p); err != nil || !strings.HasSuffix(p.Title, "…") || p.Expires.IsZero() {
		t.Fatalf("payload %+v, %v", p, err)
	}
}

// TestPushTopic: every message of one warning (its versions) shares a topic, so the push service
// keeps only the latest for a browser that is offline; topics fit RFC 8030 §5.4.
func TestPushTopic(t *testing.T) {
	a, again, b := pushTopic("01964c1e-alert-a"), pushTopic("01964c1e-alert-a"), pushTopic("01964c1e-alert-b")
	if a != again || a == b || len(a) != 32 || strings.Trim(a, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") != "" {
		t.Fatalf("topics %q %q %q", a, again, b)
	}
}

// TestPushUpdateReplacesEarlier: an update of a warning goes out with the same topic and tag as
// the first message, so a push service holding the first for an offline browser replaces it, and
// the browser shows the update in place of the first notification.
func TestPushUpdateReplacesEarlier(t *testing.T) {
	f := newPushFixture(t)
	ctx := context.Background()
	f.subscribe(t, ctx, "en", false)
	m := f.issue(t, ctx, "Actual", lahoreFlood())
	f.send(t, ctx, m)

	duty, _ := f.officers(t)
	upd := lahoreFlood()
	upd.Texts["en"] = alert.Text{Headline: "Urban flooding in Lahore worsens", Description: "200 mm expected.", Instruction: "Move to upper floors."}
	if err := f.alerts.Revise(ctx, duty, m.AlertID, store.KindUpdate, upd); err != nil {
		t.Fatal(err)
	}
	m2 := f.submitAndApprove(t, ctx, m.AlertID)
	f.send(t, ctx, m2)
	ds, ps := f.push.Delivered(), f.payloads(t)
	if len(ds) != 2 || ds[0].Topic != ds[1].Topic || ps[0].Tag != ps[1].Tag || ps[1].Title != "Urban flooding in Lahore worsens" || ps[1].URL != "/alerts/"+m2.ID {
		t.Fatalf("deliveries %+v, payloads %+v", ds, ps)
	}
}

// BenchmarkPushEncrypt is the per-message cryptography of a push: a one-time key, the ECDH
// agreement, HKDF and AES-GCM of a typical Urdu warning.
func BenchmarkPushEncrypt(b *testing.B) {
	ua, _ := base64.RawURLEncoding.DecodeString(rfcUAPublic)
	auth, _ := base64.RawURLEncoding.DecodeString(rfcAuth)
	plain := []byte(strings.Repeat("لاہور میں اربن فلڈنگ ", 20))
	salt := make([]byte, 16)
	for b.Loop() {
		as, _ := ecdh.P256().GenerateKey(rand.Reader)
		if _, err := encryptPush(plain, ua, auth, as, salt); err != nil {
			b.Fatal(err)
		}
	}
}
