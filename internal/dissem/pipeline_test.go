package dissem

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/taawun/taawun/internal/alert"
	"github.com/taawun/taawun/internal/auth"
	"github.com/taawun/taawun/internal/bus"
	"github.com/taawun/taawun/internal/cap"
	"github.com/taawun/taawun/internal/clock"
	"github.com/taawun/taawun/internal/dispatch"
	"github.com/taawun/taawun/internal/dissem/dissemtest"
	"github.com/taawun/taawun/internal/i18n"
	"github.com/taawun/taawun/internal/regions"
	"github.com/taawun/taawun/internal/seed"
	"github.com/taawun/taawun/internal/sms/gsm"
	"github.com/taawun/taawun/internal/sms/smpp"
	"github.com/taawun/taawun/internal/sms/smpptest"
	"github.com/taawun/taawun/internal/store"
	"github.com/taawun/taawun/internal/store/sqlstore/sqltest"
)

const pw = "pipeline test password"

// pipeline is a node's dissemination running against real sinks: an SMTP server, an SMSC and a
// webhook receiver, all in this process.
type pipeline struct {
	db      store.Store
	alerts  *alert.Service
	auth    *auth.Service
	smtp    *dissemtest.SMTPSink
	smsc    *smpptest.Server
	webhook *webhookSink
	// links sign the unsubscribe links of e-mails; index follows recipient changes on the bus
	// and tells the sender who left.
	links   *UnsubscribeLinks
	index   *IndexTargeter
	stops   *StopHandler
	planner *Planner
	sender  *Sender
}

func startPipeline(t *testing.T, webhookFailures int) *pipeline {
	t.Helper()
	return startPipelineRunning(t, webhookFailures, true)
}

// startPipelineRunning starts a pipeline; without background planning and sending when
// background is false, for tests that plan and send themselves.
func startPipelineRunning(t *testing.T, webhookFailures int, background bool) *pipeline {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	db := sqltest.Open(t, sqltest.SQLiteURL(t), "pk-ndma", clock.System{})
	as, err := auth.NewService(db, clock.System{}, auth.HashParams{MemoryKiB: 64, Time: 1, Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := seed.Demo(ctx, db, as, pw); err != nil {
		t.Fatal(err)
	}
	b, err := bus.Open(ctx, bus.Options{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(b.Close)

	areaCodes := &regions.Lookup{Store: db, Clock: clock.System{}}
	p := &pipeline{db: db, auth: as, alerts: &alert.Service{Store: db, Clock: clock.System{}, Node: "pk-ndma", Regions: areaCodes},
		smtp: dissemtest.NewSMTPSink(t), webhook: newWebhookSink(t, webhookFailures)}
	p.smsc, err = smpptest.NewServer(smpptest.Config{SystemID: "taawun", Password: "secret"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.smsc.Close() })
	receipts := NewReceiptRecorder(db, nil)
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	p.stops = NewStopHandler(db, cat, nil)
	smsClient, err := smpp.Dial(ctx, smpp.Config{Addr: p.smsc.Addr(), SystemID: "taawun", Password: "secret", OnReceipt: receipts.Add,
		OnMessage: p.stops.Add})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { smsClient.Close() })

	d := dispatch.New()
	for name, ch := range map[store.Channel]dispatch.Channel{
		store.ChannelEmail:   EmailChannel{Host: "127.0.0.1", Port: p.smtp.Addr.Port, From: "alerts@ndma.test"},
		store.ChannelWebhook: HTTPChannel{},
		store.ChannelSMS:     SMSChannel{Client: smsClient, From: "NDMA"},
	} {
		if err := d.AddLive(string(name), ch); err != nil {
			t.Fatal(err)
		}
	}
	relay := &bus.Relay{Store: db, JS: b.JS, Wake: db.Committed()}
	p.stops.Dispatcher = d
	p.links = NewEphemeralUnsubscribeLinks("https://alerts.ndma.test", cat)
	p.index = &IndexTargeter{Store: db}
	if err := p.index.Load(ctx); err != nil {
		t.Fatal(err)
	}
	p.planner = &Planner{Store: db, Targeter: ScanTargeter{Store: db}, Regions: areaCodes, Officials: &Officials{Store: db, Regions: areaCodes}}
	consumer := &Consumer{JS: b.JS, Node: "pk-ndma", Planner: p.planner}
	p.sender = &Sender{Store: db, Dispatcher: d, Clock: clock.System{}, Poll: 20 * time.Millisecond, Unsubscribe: p.links, Subscribed: p.index}
	runs := []func(context.Context) error{relay.Run, receipts.Run, p.stops.Run, func(ctx context.Context) error { return p.index.Follow(ctx, b.Conn, "pk-ndma") }}
	if background {
		runs = append(runs, consumer.Run, p.sender.Run)
	}
	var done []chan struct{}
	for _, run := range runs {
		c := make(chan struct{})
		done = append(done, c)
		go func() { defer close(c); _ = run(ctx) }()
	}
	t.Cleanup(func() {
		cancel()
		for _, c := range done {
			<-c
		}
	})
	return p
}

func (p *pipeline) addRecipients(t *testing.T, rs ...store.Recipient) []store.Recipient {
	t.Helper()
	for i := range rs {
		rs[i].Confirmed = true
		if err := p.db.Recipients().Create(context.Background(), &rs[i]); err != nil {
			t.Fatal(err)
		}
	}
	return rs
}

func (p *pipeline) issue(t *testing.T, status string, c alert.Content) store.AlertMessage {
	t.Helper()
	ctx := context.Background()
	_, duty, err := p.auth.Login(ctx, "duty.officer", pw, "127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	_, approver, err := p.auth.Login(ctx, "approver", pw, "127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	a, err := p.alerts.Draft(ctx, duty, "urban_flood", status, c)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.alerts.Submit(ctx, duty, a.ID); err != nil {
		t.Fatal(err)
	}
	m, err := p.alerts.Approve(ctx, approver, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// waitDelivered waits until none of the message's notifications is pending and returns the counts.
func (p *pipeline) waitDelivered(t *testing.T, m store.AlertMessage, want int) map[string]int {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		counts, err := p.db.Notifications().Counts(context.Background(), m.ID)
		if err != nil {
			t.Fatal(err)
		}
		got, total := map[string]int{}, 0
		for _, c := range counts {
			got[string(c.Channel)+"/"+string(c.State)] += c.Count
			total += c.Count
		}
		if total == want && got["sms/pending"]+got["email/pending"]+got["webhook/pending"] == 0 {
			return got
		}
		if time.Now().After(deadline) {
			t.Fatalf("deliveries of %s not finished within 15s: %v", m.Identifier, got)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func lahoreFlood() alert.Content {
	return alert.Content{
		Texts: map[string]alert.Text{
			"en": {Headline: "Urban flooding in Lahore", Description: "Heavy rain: 150 mm in 6 hours.", Instruction: "Avoid underpasses."},
			"ur": {Headline: "لاہور میں اربن فلڈنگ", Description: "شدید بارش: 6 گھنٹوں میں 150 ملی میٹر۔", Instruction: "انڈر پاسز سے گریز کریں۔"},
		},
		Urgency: "Immediate", Severity: "Moderate", Certainty: "Observed", Expires: time.Now().Add(6 * time.Hour),
		Areas: []alert.Area{{Desc: "Lahore city", Circles: []string{"31.55,74.34 20"}}},
	}
}

// TestIssuedWarningReachesEveryChannel: a warning for Lahore reaches the Lahore subscriber by SMS
// (in Urdu, UCS-2) and e-mail (text and HTML, in Urdu), the partner webhook (signed CAP, after a
// retry), and not the subscriber in Karachi; each once.
func TestIssuedWarningReachesEveryChannel(t *testing.T) {
	p := startPipeline(t, 2)
	p.addRecipients(t,
		store.Recipient{Name: "Lahore resident", Language: "ur", Phone: "+923001112233", Email: "lahore@example.pk",
			Channels: []store.Channel{store.ChannelSMS, store.ChannelEmail}, Locations: []store.Location{{Lat: 31.52, Lon: 74.36}}},
		store.Recipient{Name: "Karachi resident", Language: "en", Email: "karachi@example.pk",
			Channels: []store.Channel{store.ChannelEmail}, Locations: []store.Location{{Lat: 24.86, Lon: 67.01}}},
		store.Recipient{Name: "Partner system", WebhookURL: p.webhook.srv.URL, WebhookSecret: "s3cret",
			Channels: []store.Channel{store.ChannelWebhook}, Broadcast: true},
	)
	m := p.issue(t, "Actual", lahoreFlood())
	got := p.waitDelivered(t, m, 3)
	if got["sms/sent"] != 1 || got["email/sent"] != 1 || got["webhook/sent"] != 1 {
		t.Fatalf("deliveries %v", got)
	}

	sms := p.smsc.Messages()
	if len(sms) != 1 || sms[0].To != "+923001112233" || !strings.HasPrefix(sms[0].Text, "لاہور میں اربن فلڈنگ") || sms[0].DataCoding != 8 {
		t.Fatalf("SMS: %+v", sms)
	}
	if plan := gsm.Segments(sms[0].Text); plan.Encoding != gsm.UCS2 {
		t.Fatalf("Urdu SMS planned as %v", plan.Encoding)
	}
	// The SMSC's delivery receipt meets the submission it names.
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		counts, err := p.db.HandsetReceipts().Counts(context.Background(), m.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(counts) == 1 && counts[0].Status == "DELIVRD" && counts[0].Count == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("handset receipts: %+v", counts)
		}
	}

	mails := p.smtp.All()
	if len(mails) != 1 || mails[0].To[0] != "lahore@example.pk" {
		t.Fatalf("mails: %+v", mails)
	}
	pm := parseMail(t, mails[0].Data)
	if pm.Subject != "لاہور میں اربن فلڈنگ" || pm.Language != "ur" || !strings.Contains(pm.Text, "انڈر پاسز") ||
		!strings.Contains(pm.HTML, `dir="rtl"`) || !strings.Contains(pm.MessageID, m.ID) {
		t.Fatalf("mail: %+v", pm)
	}

	bodies, sigs, keys := p.webhook.received()
	if len(bodies) != 1 || sigs[0] != Sign("s3cret", bodies[0]) {
		t.Fatalf("webhook: %d bodies, signature %q", len(bodies), sigs)
	}
	if parsed, err := cap.ParseBytes(bodies[0]); err != nil || parsed.Identifier != m.Identifier {
		t.Fatalf("webhook body: %v", err)
	}
	for k, n := range keys {
		if n != 1 {
			t.Errorf("key %s delivered %d times", k, n)
		}
	}
}

// TestTestMessagesOnlyReachTestRecipients: CAP status Test never reaches the public.
func TestTestMessagesOnlyReachTestRecipients(t *testing.T) {
	p := startPipeline(t, 0)
	rs := p.addRecipients(t,
		store.Recipient{Name: "public", Email: "public@example.pk", Channels: []store.Channel{store.ChannelEmail}, Locations: []store.Location{{Lat: 31.55, Lon: 74.34}}},
		store.Recipient{Name: "test phone", Email: "test@ndma.test", Test: true, Channels: []store.Channel{store.ChannelEmail}, Locations: []store.Location{{Lat: 31.55, Lon: 74.34}}},
	)
	m := p.issue(t, "Test", lahoreFlood())
	p.waitDelivered(t, m, 1)
	mails := p.smtp.All()
	if len(mails) != 1 || mails[0].To[0] != rs[1].Email {
		t.Fatalf("test message went to %+v", mails)
	}
}
