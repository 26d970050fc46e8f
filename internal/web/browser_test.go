package web

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/taawun/taawun/internal/i18n"
	"github.com/taawun/taawun/internal/testenv"
)

// TestBrowserLoginUrduAndMap drives a real Chromium through the pages an operator uses first:
// the login form, the language switch, the dashboard and the map. It checks what only a browser
// can: that Urdu is laid out right to left in the Nastaliq web font we ship, that map.js draws
// under our Content-Security-Policy, and that no page logs an error. The screenshots it leaves
// in the artifacts folder are for a human to review the translations in context.
func TestBrowserLoginUrduAndMap(t *testing.T) {
	testenv.Need(t, testenv.Chromium() != "", "Chromium: install Debian chromium")
	n := newTestNode(t)
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	shots := artifactsDir(t)
	ctx := startBrowser(t)
	console := collectConsole(t, ctx)

	// Actions below share one deadline, so a page that never loads fails the test instead of
	// hanging it until go test's own timeout.
	ctx, cancel := context.WithTimeout(ctx, 4*time.Minute)
	defer cancel()
	b := &browserPage{t: t, ctx: ctx, base: n.http.URL, cat: cat, shots: shots}

	b.do("open login", chromedp.Navigate(b.base+"/login"), chromedp.WaitVisible(chromedp.CSS(`input[name="username"]`)))
	b.screenshot("01-login-en")
	b.do("log in as admin",
		chromedp.SendKeys(chromedp.CSS(`input[name="username"]`), "admin"),
		chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), demoPassword),
		clickAndLoad(`form[action="/login"] button[type="submit"]`))
	if path := b.eval(`location.pathname`); path != "/" {
		t.Fatalf("after login at %q, want the dashboard /; page says %q", path, b.eval(`document.querySelector("main").innerText`))
	}

	b.switchLanguage(i18n.Urdu)
	b.checkNastaliq()
	b.screenshot("02-dashboard-ur")
	b.do("open the map from the navigation", clickAndLoad(`nav a[href="/map"]`))
	b.checkPage(i18n.Urdu, "map.title")
	b.waitForMap()
	b.checkNastaliq()
	b.screenshot("03-map-ur")

	step := 4
	for _, lang := range []i18n.Lang{i18n.Russian, i18n.Chinese} {
		b.switchLanguage(lang)
		b.do("open the map from the navigation", clickAndLoad(`nav a[href="/map"]`))
		b.checkPage(lang, "map.title")
		b.waitForMap()
		b.screenshot(fmt.Sprintf("%02d-map-%s", step, lang))
		b.do("open the dashboard from the navigation", clickAndLoad(`nav a[href="/"]`))
		b.checkPage(lang, "dashboard.title")
		b.screenshot(fmt.Sprintf("%02d-dashboard-%s", step+1, lang))
		step += 2
	}

	// Give messages about the last page (a late 404, a late exception) a moment to arrive.
	time.Sleep(200 * time.Millisecond)
	for _, m := range console() {
		t.Errorf("browser console %s (%s %s:%d): %s", m.Type, m.Source, m.URL, m.Line+1, m.Text)
	}
}

// browserPage is the one tab of the test with the helpers that fail the test on error.
type browserPage struct {
	t     *testing.T
	ctx   context.Context
	base  string
	cat   *i18n.Catalog
	shots string
}

func (b *browserPage) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, steps...); err != nil {
		b.t.Fatalf("%s: %v", what, err)
	}
}

// eval evaluates a JavaScript expression whose value is a string.
func (b *browserPage) eval(expr string) string {
	b.t.Helper()
	s, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		b.t.Fatalf("evaluate %s: %v", expr, err)
	}
	return s
}

// switchLanguage presses the language's button in the header, as a user would.
func (b *browserPage) switchLanguage(lang i18n.Lang) {
	b.t.Helper()
	b.do("switch to "+string(lang), clickAndLoad(fmt.Sprintf(`form.langs button[name="lang"][value="%s"]`, lang)))
	b.checkPage(lang, "")
}

// checkPage checks that the page is in lang: the html element's lang and dir, the navigation
// and, unless titleKey is empty, the heading, each against the catalogue.
func (b *browserPage) checkPage(lang i18n.Lang, titleKey string) {
	b.t.Helper()
	if got := b.eval(`document.documentElement.lang + " " + document.documentElement.dir`); got != string(lang)+" "+lang.Dir() {
		b.t.Fatalf("<html> lang and dir %q, want %q", got, string(lang)+" "+lang.Dir())
	}
	for sel, key := range map[string]string{`nav a[href="/"]`: "nav.dashboard", `nav a[href="/map"]`: "nav.map", `nav a[href="/orgs"]`: "nav.orgs"} {
		b.wantText(lang, sel, key)
	}
	if titleKey != "" {
		b.wantText(lang, "main h1", titleKey)
	}
}

func (b *browserPage) wantText(lang i18n.Lang, sel, key string) {
	b.t.Helper()
	want := b.cat.T(lang, key)
	if want == "" || want == key {
		b.t.Fatalf("catalogue %s has no %s", lang, key)
	}
	got := b.eval(fmt.Sprintf(`(document.querySelector(%q) || {}).textContent || ""`, sel))
	if strings.TrimSpace(got) != want {
		b.t.Errorf("%s: %s shows %q, want %s %q", sel, lang, got, key, want)
	}
}

// checkNastaliq checks that Urdu text is set in Noto Nastaliq Urdu, and that the browser has
// actually loaded our web font rather than silently falling back to another Arabic font: the
// computed style names the family even when no face of it ever loads.
func (b *browserPage) checkNastaliq() {
	b.t.Helper()
	if ff := b.eval(`getComputedStyle(document.body).fontFamily`); !strings.Contains(ff, "Noto Nastaliq Urdu") {
		b.t.Errorf("body font-family %q does not name Noto Nastaliq Urdu", ff)
	}
	// document.fonts.ready waits for the loads the page's own text started. We do not load the
	// face ourselves: it must be the page that pulled it in. A face the browser could not fetch
	// or decode (a CSP block, a 404) has status "error", and check() is then false.
	status := b.eval(`document.fonts.ready.then(() => {
		const faces = [...document.fonts].filter(f => f.family.replace(/"/g, "") === "Noto Nastaliq Urdu");
		const loaded = faces.filter(f => f.status === "loaded").map(f => f.weight);
		return JSON.stringify({check: document.fonts.check('16px "Noto Nastaliq Urdu"', 'ڈیزاسٹر'), faces: faces.length, loaded});
	})`)
	if !strings.Contains(status, `"check":true`) || !strings.Contains(status, `"loaded":["400"`) {
		b.t.Errorf("Noto Nastaliq Urdu web font not loaded: %s", status)
	}
}

// waitForMap waits until map.js has drawn the member states and their provinces, and fails
// with the error map.js recorded if it gave up.
func (b *browserPage) waitForMap() {
	b.t.Helper()
	_, waitErr := chromedp.Run(b.ctx, chromedp.Poll[bool](`(() => { const m = document.getElementById("map");
		return !!m && (m.hasAttribute("data-provinces-drawn") || m.hasAttribute("data-map-error")); })()`,
		chromedp.WithPollingInterval(50*time.Millisecond), chromedp.WithPollingTimeout(mapTimeout)))
	// A missing attribute is null, hence the pointers.
	st, err := chromedp.Run(b.ctx, chromedp.Evaluate[struct{ Countries, Provinces, Err *string }](`(() => {
		const m = document.getElementById("map") || document.createElement("div");
		return {countries: m.getAttribute("data-countries-drawn"), provinces: m.getAttribute("data-provinces-drawn"),
			err: m.getAttribute("data-map-error")}; })()`))
	switch {
	case err != nil:
		b.t.Fatalf("read the map's state: %v", err)
	case st.Err != nil:
		b.t.Fatalf("map.js failed: %s", *st.Err)
	case waitErr != nil:
		b.t.Fatalf("map not drawn within %s: %v", mapTimeout, waitErr)
	}
	provinces := 0
	if st.Provinces != nil {
		provinces, _ = strconv.Atoi(*st.Provinces)
	}
	if st.Countries == nil || *st.Countries != "10" || provinces <= 0 {
		b.t.Fatalf("map drew %s countries and %d provinces, want 10 and some", deref(st.Countries), provinces)
	}
}

func deref(s *string) string {
	if s == nil {
		return "no"
	}
	return strconv.Quote(*s)
}

// screenshot writes a full-page PNG named name to the artifacts folder.
func (b *browserPage) screenshot(name string) {
	b.t.Helper()
	b.eval(`document.fonts.ready.then(() => "")`)
	png, err := chromedp.Run(b.ctx, fullPage())
	if err != nil {
		b.t.Fatalf("screenshot %s: %v", name, err)
	}
	path := filepath.Join(b.shots, name+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		b.t.Fatalf("write screenshot: %v", err)
	}
	b.t.Logf("screenshot %s", path)
}

// fullPage captures the whole page as PNG. Chromium 156's capture beyond the viewport draws
// a right-to-left page that fits the viewport shifted by a few hundred pixels (the page itself
// is laid out right, as a viewport capture shows), so a page that fits is captured as the
// viewport and only a longer one beyond it.
func fullPage() chromedp.Action[[]byte] {
	return func(ctx context.Context, t *chromedp.Target) ([]byte, error) {
		m, err := cdp.Call(ctx, t, cdppage.GetLayoutMetrics, cdp.Empty{})
		if err != nil {
			return nil, fmt.Errorf("layout metrics: %w", err)
		}
		if m.CSSContentSize != nil && m.CSSLayoutViewport != nil && m.CSSContentSize.Height <= float64(m.CSSLayoutViewport.ClientHeight) {
			return chromedp.CaptureScreenshot()(ctx, t)
		}
		return chromedp.FullScreenshot(100)(ctx, t)
	}
}

// clickAndLoad clicks the element and waits for the page it leads to. The wait subscribes before
// the click, so a fast server cannot fire the load event before we listen.
func clickAndLoad(css string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := chromedp.WaitEvent(cdppage.LoadEventFired, nil, chromedp.Click(chromedp.CSS(css)))(ctx, t)
		if err != nil {
			return fmt.Errorf("click %s and wait for the next page: %w", css, err)
		}
		return nil
	})
}

// startBrowser starts a headless Chromium with its own profile and stops it, waiting for the
// process to exit, when the test ends.
func startBrowser(t *testing.T) context.Context {
	t.Helper()
	// The allocator's deadline is a backstop: it kills Chromium even if a step hangs in a
	// way the per-step deadlines miss.
	parent, stop := context.WithTimeout(context.Background(), 5*time.Minute)
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(testenv.Chromium()),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.NoSandbox, // we run as root in CI containers, where the sandbox cannot start
		chromedp.DisableGPU,
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.WindowSize(1280, 900),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(parent, opts...)
	ctx, cancelBrowser := chromedp.NewContext(actx, chromedp.WithErrorf(t.Logf))
	// Registered after newTestNode's cleanups, so this runs first: the browser lets go of the
	// dashboard's event stream before the test server waits for its connections to close.
	t.Cleanup(func() {
		cancelBrowser()
		cancelAlloc() // waits for the Chromium process to exit
		stop()
	})
	// Start it now, without a deadline on this first call: a deadline here would bound the
	// browser's whole life, not this step.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start chromium %s: %v", testenv.Chromium(), err)
	}
	return ctx
}

// collectConsole records console errors, uncaught exceptions and browser log errors (failed
// loads, Content-Security-Policy violations) of the tab, and returns a func that lists them.
// Warnings are only logged: Chromium warns about things we do not control.
func collectConsole(t *testing.T, ctx context.Context) func() []chromedp.ConsoleMessage {
	t.Helper()
	ctx, cancel := context.WithCancel(ctx)
	var (
		mu   sync.Mutex
		bad  []chromedp.ConsoleMessage
		done = make(chan struct{})
	)
	messages := chromedp.Console(ctx) // subscribes now, before any page loads
	go func() {
		defer close(done)
		for m, err := range messages {
			if err != nil {
				if !errors.Is(err, context.Canceled) {
					t.Logf("console stream: %v", err)
				}
				return
			}
			switch m.Type {
			case chromedp.ConsoleError, chromedp.ConsoleException:
				mu.Lock()
				bad = append(bad, m)
				mu.Unlock()
			case chromedp.ConsoleWarning:
				t.Logf("browser console warning (%s %s): %s", m.Source, m.URL, m.Text)
			}
		}
	}()
	t.Cleanup(func() { cancel(); <-done })
	return func() []chromedp.ConsoleMessage {
		mu.Lock()
		defer mu.Unlock()
		return append([]chromedp.ConsoleMessage(nil), bad...)
	}
}

// artifactsDir is where the screenshots go: $TAAWUN_ARTIFACTS, or test-artifacts/browser at the
// module root (git-ignored), so they survive the test for a human or CI to look at.
func artifactsDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("TAAWUN_ARTIFACTS")
	if dir == "" {
		root, err := moduleRoot()
		if err != nil {
			t.Fatal(err)
		}
		dir = filepath.Join(root, "test-artifacts", "browser")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatalf("artifacts folder: %v", err)
	}
	return dir
}

// moduleRoot walks up from the working directory to the folder holding go.mod.
func moduleRoot() (string, error) {
	wd, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("module root: %w", err)
	}
	for dir := wd; ; dir = filepath.Dir(dir) {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		if filepath.Dir(dir) == dir {
			return "", fmt.Errorf("module root: no go.mod above %s", wd)
		}
	}
}

// mapTimeout bounds drawing the map: about 190,000 boundary points parsed and drawn on a canvas,
// which takes a second on an idle machine and far longer on a CI machine running the race
// detector on two cores with every other package's tests beside it.
const mapTimeout = 60 * time.Second
