package web

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/taawun/taawun/internal/i18n"
	"github.com/taawun/taawun/internal/testenv"
)

// TestBrowserGeographyImport uploads population grids through the geography page as an admin
// would: a file with a bad row shows the row and imports nothing, a good one switches the
// estimates to the grid and lists the layer; no console errors (the page's script under the
// Content-Security-Policy).
func TestBrowserGeographyImport(t *testing.T) {
	testenv.Need(t, testenv.Chromium() != "", "Chromium: install Debian chromium")
	n := newTestNode(t)
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	bad, good := filepath.Join(dir, "bad.csv"), filepath.Join(dir, "good.csv")
	if err := os.WriteFile(bad, []byte("lat,lon,population\n33.7,73.05,1000\n33.7,273.05,5\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(good, []byte("lat,lon,population\n33.7,73.05,1000\n33.8,73.1,500\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx := startBrowser(t)
	console := collectConsole(t, ctx)
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	b := &browserPage{t: t, ctx: ctx, base: n.http.URL, cat: cat, shots: artifactsDir(t)}

	b.do("log in as admin", chromedp.Navigate(b.base+"/login"), chromedp.WaitVisible(chromedp.CSS(`input[name="username"]`)),
		chromedp.SendKeys(chromedp.CSS(`input[name="username"]`), "admin"),
		chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), demoPassword),
		clickAndLoad(`form[action="/login"] button[type="submit"]`))
	b.switchLanguage(i18n.English)
	b.do("open the geography page from the navigation", clickAndLoad(`nav a[href="/geography"]`))
	b.checkPage(i18n.English, "geography.title")
	if got := b.eval(`document.getElementById("population-layer").dataset.layer`); got != "places" {
		t.Fatalf("population layer before import: %q", got)
	}

	grid := `form[data-import-url="/api/v1/geography/population"]`
	b.do("upload a grid with a bad row",
		chromedp.SendKeys(chromedp.CSS(grid+` input[name="name"]`), "Pakistan 1 km"),
		chromedp.SetUploadFiles(chromedp.CSS(grid+` input[type="file"]`), []string{bad}),
		chromedp.Click(chromedp.CSS(grid+` button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#geo-errors`)))
	if row := b.eval(`document.querySelector("#geo-errors tbody td").textContent`); row != "3" {
		t.Errorf("error table names row %q, want 3", row)
	}
	b.screenshot("geography-rejected-en")

	b.do("upload a good grid",
		chromedp.SetUploadFiles(chromedp.CSS(grid+` input[type="file"]`), []string{good}),
		chromedp.Click(chromedp.CSS(grid+` button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#population-layer[data-layer="grid"]`)))
	if name := b.eval(`document.querySelector("#layers tbody td:nth-child(2)").textContent`); name != "Pakistan 1 km" {
		t.Errorf("layers table lists %q", name)
	}
	b.screenshot("geography-grid-en")

	time.Sleep(200 * time.Millisecond)
	for _, m := range console() {
		if m.Source == "network" && strings.Contains(m.Text, "422") && strings.Contains(m.URL, "/api/v1/geography/population") {
			continue // the rejected upload above: Chromium logs every 4xx response
		}
		t.Errorf("browser console %s (%s %s:%d): %s", m.Type, m.Source, m.URL, m.Line+1, m.Text)
	}
}
