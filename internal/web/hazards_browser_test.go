package web

import (
	"context"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/taawun/taawun/internal/i18n"
	"github.com/taawun/taawun/internal/testenv"
)

// TestBrowserHazardEventsToEventPage walks the main path of hazard monitoring: the events list
// with its map, then an event's page with its impact footprint on the map and the band table.
func TestBrowserHazardEventsToEventPage(t *testing.T) {
	testenv.Need(t, testenv.Chromium() != "", "Chromium: install Debian chromium")
	n := newTestNode(t)
	e := n.addKashmir(t)
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	ctx := startBrowser(t)
	console := collectConsole(t, ctx)
	ctx, cancel := context.WithTimeout(ctx, 3*time.Minute)
	defer cancel()
	b := &browserPage{t: t, ctx: ctx, base: n.http.URL, cat: cat, shots: artifactsDir(t)}

	b.do("log in", chromedp.Navigate(b.base+"/login"), chromedp.WaitVisible(chromedp.CSS(`input[name="username"]`)),
		chromedp.SendKeys(chromedp.CSS(`input[name="username"]`), "duty.officer"),
		chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), demoPassword),
		clickAndLoad(`form[action="/login"] button[type="submit"]`))
	b.do("open hazards from the navigation", clickAndLoad(`nav a[href="/hazards"]`))
	b.checkPage(i18n.English, "hazards.title")
	b.waitAttr("hazard-map", "data-events-drawn")
	if got := b.eval(`document.getElementById("hazard-map").getAttribute("data-events-drawn")`); got != "1" {
		t.Fatalf("map shows %s events, want 1", got)
	}
	b.screenshot("hazards-01-list")
	b.do("open the event", clickAndLoad(`#hazard-list a[href="/hazards/`+e.ID+`"]`))
	b.checkPage(i18n.English, "")
	b.waitAttr("impact-map", "data-impact-drawn")
	if got := b.eval(`document.getElementById("impact-map").getAttribute("data-impact-drawn")`); got == "0" {
		t.Fatal("no intensity band drawn")
	}
	if rows := b.eval(`String(document.querySelectorAll("#impact-bands tbody tr").length)`); rows != "6" {
		t.Fatalf("band table has %s rows, want V to X+", rows)
	}
	b.switchLanguage(i18n.Urdu)
	b.waitAttr("impact-map", "data-impact-drawn")
	b.screenshot("hazards-02-event-ur")
	time.Sleep(200 * time.Millisecond)
	for _, m := range console() {
		t.Errorf("browser console %s (%s %s:%d): %s", m.Type, m.Source, m.URL, m.Line+1, m.Text)
	}
}

// waitAttr waits until the element with id has attr (drawn) or a data-*-error attribute.
func (b *browserPage) waitAttr(id, attr string) {
	b.t.Helper()
	_, err := chromedp.Run(b.ctx, chromedp.Poll[bool](`(() => { const m = document.getElementById("`+id+`");
		return !!m && (m.hasAttribute("`+attr+`") || m.hasAttribute("data-map-error") || m.hasAttribute("data-impact-error")); })()`,
		chromedp.WithPollingInterval(50*time.Millisecond), chromedp.WithPollingTimeout(mapTimeout)))
	if err != nil {
		b.t.Fatalf("%s: %s not set: %v", id, attr, err)
	}
	if msg := b.eval(`(() => { const m = document.getElementById("` + id + `");
		return m.getAttribute("data-map-error") || m.getAttribute("data-impact-error") || ""; })()`); msg != "" {
		b.t.Fatalf("%s: %s", id, msg)
	}
}
