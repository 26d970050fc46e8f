package web

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/serviceworker"
	"github.com/chromedp/chromedp"

	"github.com/taawun/taawun/internal/dissem"
	"github.com/taawun/taawun/internal/store"
	"github.com/taawun/taawun/internal/testenv"
)

// TestBrowserPushSubscription drives Chromium through the "notifications in this browser"
// choice of the subscription page, in Urdu.
//
// Headless Chromium has the Push API but no push service behind it (Debian's build has no
// Firebase Cloud Messaging credentials), so PushManager.subscribe fails there. What the test can
// check, it does:
//  1. the real attempt: the option is shown, the address field goes away, the service worker is
//     registered at /push/ under the site's CSP, and the failed subscription ends in a clear
//     message, not a stuck page;
//  2. everything after the push service, with PushManager.subscribe replaced by one returning a
//     subscription at the test push service (which decrypts what the node sends there): the
//     form posts it, the node pushes the code, the test hands the decrypted message to the real
//     service worker (DevTools' ServiceWorker.deliverPushMessage, as the browser does on a push),
//     the worker shows the notification and passes the code to the page, which confirms by itself;
//  3. a warning pushed to the worker is shown right to left in Urdu with its link.
func TestBrowserPushSubscription(t *testing.T) {
	testenv.Need(t, testenv.Chromium() != "", "Chromium: install Debian chromium")
	n := newPushNode(t)
	cat := n.srv.Catalog
	ctx := startBrowser(t)
	console := collectConsole(t, ctx)
	ctx, cancel := context.WithTimeout(ctx, 3*time.Minute)
	defer cancel()
	b := &browserPage{t: t, ctx: ctx, base: n.http.URL, cat: cat, shots: artifactsDir(t)}

	// The visitor allows notifications when the browser asks.
	b.do("allow notifications", chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		for _, p := range []*browser.PermissionDescriptor{{Name: "notifications"}, {Name: "push", UserVisibleOnly: true}} {
			if _, err := cdp.Call(ctx, tg, browser.SetPermission, browser.SetPermissionParams{Permission: p, Setting: browser.PermissionSettingGranted, Origin: b.base}); err != nil {
				return err
			}
		}
		return nil
	}))

	// 1. The real attempt, in Urdu (the language switch keeps Urdu for the pages after the form).
	b.do("open the subscription page", chromedp.Navigate(b.base+"/subscribe"), chromedp.WaitVisible(chromedp.CSS("#push-option")))
	b.do("switch to Urdu", clickAndLoad(`form.langs button[name="lang"][value="ur"]`))
	if got := b.eval(`document.documentElement.lang + " " + document.documentElement.dir`); got != "ur rtl" {
		t.Fatalf("page after the language switch is %q", got)
	}
	b.openPushForm()
	b.screenshot("push-01-subscribe-ur")
	b.do("submit", chromedp.Click(chromedp.CSS(`#subscribe button[type="submit"]`)))
	b.waitFor("the subscription attempt to end", `(() => { const s = document.getElementById("push-status");
		return !!document.getElementById("confirm") || (!!s && s.className === "msg error"); })()`)
	if b.eval(`document.getElementById("confirm") ? "confirm" : ""`) == "" {
		status := b.eval(`document.getElementById("push-status").textContent`)
		t.Logf("headless Chromium's subscription failed as expected; the page says: %s", status)
		if status != cat.T("ur", "push.failed") {
			t.Fatalf("failure message %q, want the catalogue's %q", status, cat.T("ur", "push.failed"))
		}
		b.screenshot("push-02-no-push-service-ur")
	} else {
		t.Log("this Chromium has a push service: the real subscription went through")
	}
	if got := b.eval(`navigator.serviceWorker.getRegistration("/push/").then(r => r && r.active ? r.active.scriptURL : "none")`); got != b.base+pushWorkerPath {
		t.Fatalf("service worker %q, want %s active", got, b.base+pushWorkerPath)
	}

	// 2. The same with a subscription at the test push service.
	sub := n.push.Subscribe(t, n.vapid.PublicKey())
	js, _ := json.Marshal(map[string]any{"endpoint": sub.Endpoint, "keys": map[string]string{"p256dh": sub.P256dh, "auth": sub.Auth}})
	stub := fmt.Sprintf(`PushManager.prototype.subscribe = function (opts) {
		const key = btoa(String.fromCharCode(...new Uint8Array(opts.applicationServerKey))).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
		if (!opts.userVisibleOnly || key !== %q) { return Promise.reject(new Error("subscribed with key " + key)); }
		return Promise.resolve({ toJSON: () => (%s) });
	};`, n.vapid.PublicKey(), js)
	b.do("replace PushManager.subscribe", chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, cdppage.AddScriptToEvaluateOnNewDocument, cdppage.AddScriptToEvaluateOnNewDocumentParams{Source: stub})
		return err
	}))
	b.openPushForm()
	b.do("submit", clickAndLoad(`#subscribe button[type="submit"]`))
	b.wantText("ur", ".msg.notice", "push.code_sent")
	pushed := n.waitPush(t, 1)[0]
	// The worker passes the code to the page, which submits it: the next page is the result.
	b.do("deliver the code and wait for the page to confirm by itself",
		chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := chromedp.WaitEvent(cdppage.LoadEventFired, nil, b.deliverPush(n.push.Delivered()[0].Plaintext))(ctx, tg)
			return err
		}))
	b.wantText("ur", ".msg.notice", "subscribe.confirmed")
	b.screenshot("push-03-confirmed-ur")
	all, _ := n.db.Recipients().All(context.Background())
	if len(all) != 1 || all[0].Channels[0] != store.ChannelPush || dissem.PushSubscriptionOf(all[0]).Endpoint != sub.Endpoint {
		t.Fatalf("subscribers %+v", all)
	}

	// 3. A warning, shown by the worker as a notification.
	warning := dissem.PushPayload{Title: "لاہور میں اربن فلڈنگ", Body: "لاہور شہر\nانڈر پاسز سے گریز کریں۔", URL: "/alerts/x", Lang: "ur", Dir: "rtl",
		Tag: "alert-1", Urgency: "high"}
	wb, _ := json.Marshal(warning)
	b.do("deliver a warning", b.deliverPush(wb))
	b.waitFor("the warning's notification", `navigator.serviceWorker.getRegistration("/push/").then(r => r.getNotifications({tag: "alert-1"})).then(ns => ns.length === 1)`)
	var shown struct{ Title, Body, Dir, Lang, URL string }
	if err := json.Unmarshal([]byte(b.eval(`navigator.serviceWorker.getRegistration("/push/").then(r => r.getNotifications({tag: "alert-1"}))
		.then(ns => JSON.stringify({title: ns[0].title, body: ns[0].body, dir: ns[0].dir, lang: ns[0].lang, url: ns[0].data.url}))`)), &shown); err != nil {
		t.Fatal(err)
	}
	if shown.Title != warning.Title || shown.Body != warning.Body || shown.Dir != "rtl" || shown.Lang != "ur" || shown.URL != "/alerts/x" {
		t.Fatalf("notification shown %+v", shown)
	}
	if codeShown := b.eval(`navigator.serviceWorker.getRegistration("/push/").then(r => r.getNotifications({tag: "` + pushed.Tag + `"})).then(ns => ns.length ? ns[0].body : "")`); !strings.Contains(codeShown, pushed.Code) {
		t.Errorf("code notification body %q lacks the code", codeShown)
	}

	time.Sleep(200 * time.Millisecond)
	for _, m := range console() {
		t.Errorf("browser console %s (%s %s:%d): %s", m.Type, m.Source, m.URL, m.Line+1, m.Text)
	}
}

// openPushForm opens the Urdu subscription page, picks a place and chooses browser notifications.
func (b *browserPage) openPushForm() {
	b.t.Helper()
	b.do("open the subscription page", chromedp.Navigate(b.base+"/subscribe"), chromedp.WaitVisible(chromedp.CSS("#push-option")))
	b.wantText("ur", "#push-option", "push.option")
	b.eval(`document.getElementById("lat").value = "31.55"; document.getElementById("lon").value = "74.34"; ""`)
	b.do("choose browser notifications", chromedp.Click(chromedp.CSS(`#push-option input`)))
	if shown := b.eval(`getComputedStyle(document.getElementById("subscribe-address")).display`); shown != "none" {
		b.t.Fatal("the address field is still shown for browser notifications")
	}
}

// deliverPush hands plaintext to the page's service worker as a push message, as the browser
// does when its push service delivers one.
func (b *browserPage) deliverPush(plaintext []byte) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		ev, err := chromedp.WaitEvent(serviceworker.WorkerRegistrationUpdated, func(e serviceworker.EventWorkerRegistrationUpdated) bool {
			for _, r := range e.Registrations {
				if r.ScopeURL == b.base+"/push/" && !r.IsDeleted {
					return true
				}
			}
			return false
		}, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := cdp.Call(ctx, tg, serviceworker.Enable, cdp.Empty{})
			return err
		}))(ctx, tg)
		if err != nil {
			return err
		}
		var id serviceworker.RegistrationID
		for _, r := range ev.Registrations {
			if r.ScopeURL == b.base+"/push/" {
				id = r.RegistrationID
			}
		}
		_, err = cdp.Call(ctx, tg, serviceworker.DeliverPushMessage, serviceworker.DeliverPushMessageParams{Origin: b.base, RegistrationID: id, Data: string(plaintext)})
		if err == nil {
			_, err = cdp.Call(ctx, tg, serviceworker.Disable, cdp.Empty{})
		}
		return err
	})
}
