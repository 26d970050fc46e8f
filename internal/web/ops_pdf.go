package web

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/taawun/taawun/internal/ops"
	"github.com/taawun/taawun/internal/store"
)

// pdfTimeout bounds one print: starting Chromium, laying out and printing.
const pdfTimeout = 60 * time.Second

// errNoChromium says how to turn PDF export on.
var errNoChromium = errors.New("PDF export is off on this server: set the chromium setting (TAAWUN_CHROMIUM or --chromium) to the path of a Chromium binary")

// printData is what the print template receives.
type printData struct {
	Report   ops.Report
	Incident store.OpsRecord
	Hazard   string
	Rows     []printRow
	Figures  []option
	FontCSS  template.CSS
}

type printRow struct {
	Name   string
	Code   string
	Depth  int
	Values []int64
	Needs  string
}

func (s *Server) sitrepPDF(w http.ResponseWriter, r *http.Request, rc *reqCtx, inc store.OpsRecord, rep ops.Report) {
	if s.Chromium == "" {
		writeProblem(w, http.StatusServiceUnavailable, errNoChromium.Error())
		return
	}
	html, err := s.printHTML(rc, inc, rep)
	if err != nil {
		s.apiInternal(w, r, err)
		return
	}
	pdf, err := printPDF(r.Context(), s.Chromium, html)
	if err != nil {
		s.Log.Error("print situation report", "incident", inc.ID, "err", err)
		writeProblem(w, http.StatusBadGateway, "the PDF could not be printed; the node's log has the details")
		return
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="sitrep-%s.pdf"`, inc.ID))
	_, _ = w.Write(pdf)
}

// printHTML renders the report as one self-contained page: the Nastaliq font travels inside it
// as a data URL, because the page is loaded from no address and can fetch nothing.
func (s *Server) printHTML(rc *reqCtx, inc store.OpsRecord, rep ops.Report) (string, error) {
	font, err := fs.ReadFile(s.static.fsys, "vendor/fonts/noto-nastaliq-urdu-arabic-400-normal.woff2")
	if err != nil {
		return "", err
	}
	hd, _ := ops.Decode[ops.IncidentData](inc)
	d := printData{Report: rep, Incident: inc, Hazard: s.label(rc.Lang, "hazard", hd.Hazard), Figures: s.options(rc.Lang, "ops.figure", ops.FigureNames),
		FontCSS: template.CSS(`@font-face{font-family:"Noto Nastaliq Urdu";src:url(data:font/woff2;base64,` + base64.StdEncoding.EncodeToString(font) + `) format("woff2");}`)}
	for _, a := range rep.Areas {
		row := printRow{Name: a.Name, Code: a.Code, Needs: a.Needs}
		for _, name := range ops.FigureNames {
			row.Values = append(row.Values, a.Figures[name])
		}
		d.Rows = append(d.Rows, row)
	}
	t, ok := s.templates[rc.Lang]["ops_print"]
	if !ok {
		return "", errors.New("web: no print template")
	}
	var buf bytes.Buffer
	err = t.Execute(&buf, pageData{Lang: rc.Lang, Dir: rc.Lang.Dir(), Node: s.Node.ID, TitleKey: "ops.report.title", Data: d})
	return buf.String(), err
}

// printPDF starts a headless Chromium, loads html and prints it on A4 paper once the fonts are
// ready, so that Urdu is shaped by the browser's text engine.
func printPDF(ctx context.Context, chromium, html string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, pdfTimeout)
	defer cancel()
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(chromium), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true))
	actx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	defer cancelAlloc()
	bctx, cancelBrowser := chromedp.NewContext(actx)
	defer cancelBrowser()
	var pdf []byte
	err := chromedp.Do(bctx,
		chromedp.Navigate("about:blank"),
		chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
			tree, err := chromedp.Call(ctx, page.GetFrameTree, cdp.Empty{})
			if err != nil {
				return err
			}
			_, err = chromedp.Call(ctx, page.SetDocumentContent, page.SetDocumentContentParams{FrameID: tree.FrameTree.Frame.ID, HTML: html})
			return err
		}),
		chromedp.Evaluate[chromedp.Void](`document.fonts.ready.then(() => true)`, chromedp.EvalAwaitPromise),
		chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
			var err error
			pdf, err = chromedp.PrintToPDF(chromedp.PDFPaper(chromedp.PaperA4), chromedp.PDFLandscape(),
				chromedp.PDFMargin(0.4), chromedp.PDFPrintBackground())(ctx, t)
			return err
		}),
	)
	if err != nil {
		return nil, fmt.Errorf("web: print with %s: %w", chromium, err)
	}
	return pdf, nil
}
