package web

import (
	"context"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/taawun/taawun/internal/store"
	"github.com/taawun/taawun/internal/testenv"
)

// TestBrowserUnsubscribeUrdu opens a warning e-mail's unsubscribe link in Chromium for an Urdu
// subscriber: the page is in Urdu, right to left, in Nastaliq, and stops nothing until its
// button is pressed; pressing it stops the e-mails and says so in Urdu.
func TestBrowserUnsubscribeUrdu(t *testing.T) {
	testenv.Need(t, testenv.Chromium() != "", "Chromium: install Debian chromium")
	n := newTestNode(t)
	r := n.subscriber(t, store.Recipient{Name: "Sana", Language: "ur", Email: "sana@example.pk", Channels: []store.Channel{store.ChannelEmail}})
	ctx := startBrowser(t)
	console := collectConsole(t, ctx)
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	b := &browserPage{t: t, ctx: ctx, base: n.http.URL, cat: n.srv.Catalog, shots: artifactsDir(t)}

	b.do("open the link", chromedp.Navigate(b.base+"/unsubscribe?t="+n.srv.Unsubscribe.Token(r.ID, store.ChannelEmail)),
		chromedp.WaitVisible(chromedp.CSS(`#unsubscribe button[type="submit"]`)))
	if got := b.eval(`document.documentElement.lang + " " + document.documentElement.dir`); got != "ur rtl" {
		t.Fatalf("page is %q, want ur rtl", got)
	}
	b.wantText("ur", "main h1", "unsubscribe.title")
	b.wantText("ur", "#unsubscribe button", "unsubscribe.confirm")
	b.checkNastaliq()
	b.screenshot("unsubscribe-01-ask-ur")
	if !n.targeted(t, r.ID, store.ChannelEmail) {
		t.Fatal("opening the link unsubscribed")
	}

	b.do("confirm", clickAndLoad(`#unsubscribe button[type="submit"]`))
	b.wantText("ur", ".msg.notice", "unsubscribe.done")
	b.screenshot("unsubscribe-02-done-ur")
	if n.targeted(t, r.ID, store.ChannelEmail) {
		t.Fatal("still targeted after confirming")
	}
	time.Sleep(200 * time.Millisecond)
	for _, m := range console() {
		t.Errorf("browser console %s (%s %s:%d): %s", m.Type, m.Source, m.URL, m.Line+1, m.Text)
	}
}

// TestBrowserStopPushOnThisDevice: on the Urdu subscription page of a browser that holds a push
// subscription, "stop notifications on this device" ends the subscription in the browser and
// the node forgets its subscriber. Headless Chromium has no push service, so the subscription
// the page finds is a stand-in whose unsubscribe() the test watches.
func TestBrowserStopPushOnThisDevice(t *testing.T) {
	testenv.Need(t, testenv.Chromium() != "", "Chromium: install Debian chromium")
	n := newPushNode(t)
	const endpoint = "https://push.example/send/device-1"
	r := n.subscriber(t, store.Recipient{Language: "ur", WebhookURL: endpoint, WebhookSecret: "k.a", Channels: []store.Channel{store.ChannelPush}})
	ctx := startBrowser(t)
	console := collectConsole(t, ctx)
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	b := &browserPage{t: t, ctx: ctx, base: n.http.URL, cat: n.srv.Catalog, shots: artifactsDir(t)}

	stub := `PushManager.prototype.getSubscription = function () {
		if (sessionStorage.getItem("unsubscribed")) { return Promise.resolve(null); }
		return Promise.resolve({ endpoint: "` + endpoint + `",
			unsubscribe: function () { sessionStorage.setItem("unsubscribed", "1"); return Promise.resolve(true); } });
	};`
	b.do("stand in for the push subscription", chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, cdppage.AddScriptToEvaluateOnNewDocument, cdppage.AddScriptToEvaluateOnNewDocumentParams{Source: stub})
		return err
	}))
	// The browser subscribed earlier: its service worker is registered.
	b.do("open the subscription page", chromedp.Navigate(b.base+"/subscribe?lang=ur"), chromedp.WaitReady(chromedp.CSS("#subscribe")))
	b.eval(`navigator.serviceWorker.register("/push/sw.js", {scope: "/push/"}).then(() => "")`)
	b.waitFor("the service worker", `navigator.serviceWorker.getRegistration("/push/").then(r => !!r && !!r.active)`)
	if b.eval(`document.getElementById("push-stop").hidden ? "hidden" : "shown"`) != "hidden" {
		t.Fatal("the stop button is shown before the page knew of a subscription")
	}
	b.do("open the page again", chromedp.Navigate(b.base+"/subscribe?lang=ur"), chromedp.WaitVisible(chromedp.CSS("#push-stop-button")))
	b.wantText("ur", "#push-stop-button", "unsubscribe.push_stop")
	b.screenshot("unsubscribe-03-push-stop-ur")
	b.do("stop notifications", chromedp.Click(chromedp.CSS("#push-stop-button")))
	b.waitFor("the page to confirm", `!document.getElementById("push-stop-status").hidden`)
	b.wantText("ur", "#push-stop-status", "unsubscribe.push_stopped")
	if b.eval(`sessionStorage.getItem("unsubscribed") || ""`) != "1" {
		t.Fatal("the browser's subscription was not ended")
	}
	if n.targeted(t, r.ID, store.ChannelPush) {
		t.Fatal("the node still targets the browser")
	}
	b.screenshot("unsubscribe-04-push-stopped-ur")
	time.Sleep(200 * time.Millisecond)
	for _, m := range console() {
		t.Errorf("browser console %s (%s %s:%d): %s", m.Type, m.Source, m.URL, m.Line+1, m.Text)
	}
}
