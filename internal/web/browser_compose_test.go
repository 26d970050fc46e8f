package web

import (
	"context"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"

	"github.com/taawun/taawun/internal/i18n"
	"github.com/taawun/taawun/internal/store"
	"github.com/taawun/taawun/internal/testenv"
)

// TestBrowserComposerMapAndPreview draws a warning's area on the composer's map with the mouse,
// as an officer would, and checks that compose-map.js writes it into the form as a CAP circle,
// that compose.js's live preview then counts the one recipient inside it and plans the SMS
// encodings, and that the draft saves. It then opens the composer in Urdu, types a circle and
// picks a province, and checks the map shows both (text to map), for a screenshot of the
// right-to-left layout.
func TestBrowserComposerMapAndPreview(t *testing.T) {
	testenv.Need(t, testenv.Chromium() != "", "Chromium: install Debian chromium")
	n := newTestNode(t)
	ctx := context.Background()
	// Jhang, at the centre of the circle drawn below, and Karachi, far outside it.
	for _, r := range []store.Recipient{
		{Name: "Jhang", Email: "jhang@example.pk", Confirmed: true, Channels: []store.Channel{store.ChannelEmail}, Locations: []store.Location{{Label: "Jhang", Lat: 31.27, Lon: 72.32}}},
		{Name: "Karachi", Email: "karachi@example.pk", Confirmed: true, Channels: []store.Channel{store.ChannelEmail}, Locations: []store.Location{{Label: "Karachi", Lat: 24.86, Lon: 67.01}}},
	} {
		if err := n.db.Recipients().Create(ctx, &r); err != nil {
			t.Fatal(err)
		}
	}
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	shots := artifactsDir(t)
	bctx := startBrowser(t)
	console := collectConsole(t, bctx)
	bctx, cancel := context.WithTimeout(bctx, 4*time.Minute)
	defer cancel()
	b := &browserPage{t: t, ctx: bctx, base: n.http.URL, cat: cat, shots: shots}
	started := time.Now()
	lap := func(what string) { t.Logf("%-28s %6.1fs", what, time.Since(started).Seconds()) }

	b.do("open login", chromedp.Navigate(b.base+"/login"), chromedp.WaitVisible(chromedp.CSS(`input[name="username"]`)))
	b.do("log in as duty officer",
		chromedp.SendKeys(chromedp.CSS(`input[name="username"]`), "duty.officer"),
		chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), demoPassword),
		clickAndLoad(`form[action="/login"] button[type="submit"]`))
	if path := b.eval(`location.pathname`); path != "/" {
		t.Fatalf("after login at %q, want /", path)
	}
	b.do("open the composer", chromedp.Navigate(b.base+"/warnings/new?hazard=riverine_flood"),
		chromedp.WaitVisible(chromedp.CSS(`form.compose`)))
	b.waitForMap()
	b.waitForComposeMap()
	lap("composer map drawn")

	const headline = "High flood in the Chenab at Jhang"
	b.do("fill the texts",
		chromedp.SendKeys(chromedp.CSS(`input[name="headline_en"]`), headline),
		chromedp.SendKeys(chromedp.CSS(`textarea[name="description_en"]`), "Very high flood at Trimmu within 24 hours."),
		chromedp.SendKeys(chromedp.CSS(`input[name="headline_ur"]`), "دریائے چناب میں جھنگ کے مقام پر اونچے درجے کا سیلاب"),
		chromedp.SendKeys(chromedp.CSS(`textarea[name="description_ur"]`), "تریموں پر اگلے 24 گھنٹوں میں انتہائی اونچے درجے کا سیلاب متوقع ہے۔"),
		chromedp.SendKeys(chromedp.CSS(`input[name="area_desc_0"]`), "Jhang riverine belt"))

	// Draw a 20 km circle around Jhang with geoman's circle tool: click the centre, move out,
	// click at the radius. Zoomed in, 20 km is about 75 pixels, so a pixel is ~0.3 km.
	b.drawCircle(31.27, 72.32, 20)
	lap("circle drawn")
	circle := b.eval(`document.querySelector('textarea[name="area_circles_0"]').value`)
	m := regexp.MustCompile(`^(-?\d+\.\d{1,4}),(-?\d+\.\d{1,4}) (\d+(?:\.\d{1,2})?)$`).FindStringSubmatch(circle)
	if m == nil {
		t.Fatalf("area_circles_0 holds %q, want one CAP circle", circle)
	}
	lat, _ := strconv.ParseFloat(m[1], 64)
	lon, _ := strconv.ParseFloat(m[2], 64)
	km, _ := strconv.ParseFloat(m[3], 64)
	if math.Abs(lat-31.27) > 0.02 || math.Abs(lon-72.32) > 0.02 || math.Abs(km-20) > 1.5 {
		t.Errorf("drawn circle %q, want about 31.27,72.32 20", circle)
	}
	if got := b.eval(`document.getElementById("map").getAttribute("data-shapes") || ""`); got != "1" {
		t.Errorf("map data-shapes %q after drawing one circle, want 1", got)
	}
	if p := b.eval(`document.querySelector('textarea[name="area_polygons_0"]').value`); p != "" {
		t.Errorf("area_polygons_0 holds %q, want nothing", p)
	}

	// The preview answers after its debounce; wait for the count of the drawn area.
	b.waitFor("preview counts the recipient inside the circle",
		`document.getElementById("preview").getAttribute("data-recipients") === "1"`)
	lap("preview updated")
	pv := b.eval(`(() => { const p = document.getElementById("preview"), enc = l => document.querySelector('[data-sms-lang="' + l + '"] [data-sms-count]').getAttribute("data-encoding");
		return [p.getAttribute("data-valid"), p.querySelector("[data-recipients]").textContent, enc("en"), enc("ur"), p.querySelector("[data-problems]").innerText].join("|"); })()`)
	if f := strings.SplitN(pv, "|", 5); f[0] != "true" || f[1] != "1" || f[2] != "GSM-7" || f[3] != "UCS-2" {
		t.Errorf("preview valid|recipients|en|ur|findings = %q, want true|1|GSM-7|UCS-2|…", pv)
	}
	b.eval(`window.scrollTo(0, 0), ""`)
	b.screenshot("10-compose-en")

	b.do("save the draft", clickAndLoad(`form.compose button[type="submit"]`))
	if path := b.eval(`location.pathname`); !regexp.MustCompile(`^/warnings/[^/]+$`).MatchString(path) || path == "/warnings/new" {
		t.Fatalf("after saving at %q, want /warnings/{id}; page says %q", path, b.eval(`document.querySelector("main").innerText`))
	}
	if body := b.eval(`document.querySelector("main").innerText`); !strings.Contains(body, headline) {
		t.Errorf("draft page lacks the headline %q", headline)
	}
	lap("draft saved")

	// Urdu: what is typed into the form is drawn on the map, for the right-to-left screenshot.
	b.switchLanguage(i18n.Urdu)
	b.do("open the composer in Urdu", chromedp.Navigate(b.base+"/warnings/new?hazard=riverine_flood"),
		chromedp.WaitVisible(chromedp.CSS(`form.compose`)))
	b.checkPage(i18n.Urdu, "compose.title")
	b.waitForMap()
	b.waitForComposeMap()
	b.wantText(i18n.Urdu, "fieldset.compose-map legend", "compose.map")
	if got, want := b.eval(`document.querySelector(".leaflet-pm-toolbar .leaflet-pm-icon-circle").closest("[title]").title`), cat.T(i18n.Urdu, "compose.map_circle"); got != want {
		t.Errorf("circle tool titled %q in Urdu, want %q", got, want)
	}
	b.do("type a circle", chromedp.SendKeys(chromedp.CSS(`textarea[name="area_circles_0"]`), "31.27,72.32 20"))
	b.eval(`(() => { const s = document.querySelector('select[name="area_regions_0"]'), o = s.querySelector('option[value="PK-PB"]');
		if (o) { o.selected = true; s.dispatchEvent(new Event("change", {bubbles: true})); } return ""; })()`)
	b.waitFor("typed circle and Punjab on the map", `(() => { const m = document.getElementById("map");
		return m.getAttribute("data-shapes") === "1" && +m.getAttribute("data-regions") > 0; })()`)
	// The toolbar sits on the inline-start side of the map in Urdu: the right.
	if got := b.eval(`(() => { const m = document.getElementById("map").getBoundingClientRect(), t = document.querySelector(".leaflet-pm-toolbar").getBoundingClientRect();
		return t.left > m.left + m.width / 2 ? "right" : "left"; })()`); got != "right" {
		t.Errorf("drawing toolbar on the %s of the map in Urdu, want the right", got)
	}
	// With the polygon tool on, geoman shows its Urdu actions (finish, remove last point, cancel)
	// beside the toolbar: on its left, inside the map.
	b.do("pick the polygon tool", chromedp.Click(chromedp.CSS(`.leaflet-pm-toolbar .leaflet-pm-icon-polygon`)))
	b.wantText(i18n.Urdu, ".leaflet-pm-toolbar .active .leaflet-pm-action.action-cancel", "compose.map_cancel")
	b.eval(`window.scrollTo(0, 0), ""`) // the sticky preview back in its place, off the map
	b.screenshot("11-compose-ur")
	lap("Urdu composer checked")

	time.Sleep(200 * time.Millisecond)
	for _, m := range console() {
		t.Errorf("browser console %s (%s %s:%d): %s", m.Type, m.Source, m.URL, m.Line+1, m.Text)
	}
}

// waitFor polls the JavaScript condition until it is true, failing the test after mapTimeout.
func (b *browserPage) waitFor(what, cond string) {
	b.t.Helper()
	if _, err := chromedp.Run(b.ctx, chromedp.Poll[bool](cond,
		chromedp.WithPollingInterval(50*time.Millisecond), chromedp.WithPollingTimeout(mapTimeout))); err != nil {
		b.t.Fatalf("%s: not within %s: %v", what, mapTimeout, err)
	}
}

// waitForComposeMap waits until compose-map.js has read the form onto the drawn map.
func (b *browserPage) waitForComposeMap() {
	b.t.Helper()
	b.waitFor("compose-map.js ready", `!!window.taawunComposeMap && document.getElementById("map").hasAttribute("data-shapes")
		&& !!document.querySelector(".leaflet-pm-toolbar .leaflet-pm-icon-circle")`)
}

// drawCircle draws a circle of km kilometres around lat, lon with the mouse and geoman's circle
// tool, zooming the map in first so that the radius spans enough pixels to be accurate.
func (b *browserPage) drawCircle(lat, lon, km float64) {
	b.t.Helper()
	// Points in viewport pixels: the centre, and the point km east of it.
	pts, err := chromedp.Run(b.ctx, chromedp.Evaluate[[]float64](fmt.Sprintf(`(() => {
		const el = document.getElementById("map"), map = window.taawunComposeMap.map;
		el.scrollIntoView({block: "center"});
		map.setView([%[1]f, %[2]f], 9, {animate: false});
		const c = L.latLng(%[1]f, %[2]f), east = L.latLng(%[1]f, %[2]f + %[3]f / (111.32 * Math.cos(%[1]f * Math.PI / 180)));
		const r = el.getBoundingClientRect(), p = map.latLngToContainerPoint(c), q = map.latLngToContainerPoint(east);
		return [r.left + p.x, r.top + p.y, r.left + q.x, r.top + q.y];
	})()`, lat, lon, km)))
	if err != nil || len(pts) != 4 {
		b.t.Fatalf("map points: %v %v", pts, err)
	}
	b.do("draw a circle with the mouse",
		chromedp.Click(chromedp.CSS(`.leaflet-pm-toolbar .leaflet-pm-icon-circle`)),
		chromedp.MouseEvent(input.DispatchMouseEventTypeMouseMoved, pts[0], pts[1]),
		chromedp.MouseClickXY(pts[0], pts[1]),
		chromedp.MouseEvent(input.DispatchMouseEventTypeMouseMoved, (pts[0]+pts[2])/2, pts[1]),
		chromedp.MouseEvent(input.DispatchMouseEventTypeMouseMoved, pts[2], pts[3]),
		chromedp.MouseClickXY(pts[2], pts[3]))
	b.waitFor("the drawn circle in the form", `document.querySelector('textarea[name="area_circles_0"]').value !== ""`)
}
