package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/taawun/taawun/internal/auth"
	"github.com/taawun/taawun/internal/i18n"
)

//go:embed templates/*.html
var templateFiles embed.FS

// layoutFile holds the page frame; every other template file is one page.
const layoutFile = "templates/layout.html"

// pageData is what every page template receives.
type pageData struct {
	Lang     i18n.Lang
	Dir      string
	P        *auth.Principal
	CSRF     string
	Node     string
	Nav      string // the active navigation entry
	TitleKey string
	Path     string
	// ErrorKey and NoticeKey are catalogue keys of a message to show, if any; Detail adds
	// specifics that are not translated (a field value, a server message).
	ErrorKey  string
	NoticeKey string
	Detail    string
	Data      any
}

// pageSet is one language's pages, each parsed together with the layout so that each page can
// define its own extrahead and scripts blocks.
type pageSet map[string]*template.Template

// parseTemplates parses every page with the layout, once per language, binding t to that
// language's catalogue.
func (s *Server) parseTemplates() (map[i18n.Lang]pageSet, error) {
	files, err := fs.Glob(templateFiles, "templates/*.html")
	if err != nil {
		return nil, err
	}
	layout, err := fs.ReadFile(templateFiles, layoutFile)
	if err != nil {
		return nil, err
	}
	out := map[i18n.Lang]pageSet{}
	for _, lang := range i18n.Langs {
		set := pageSet{}
		for _, p := range files {
			if p == layoutFile {
				continue
			}
			b, err := fs.ReadFile(templateFiles, p)
			if err != nil {
				return nil, err
			}
			name := strings.TrimSuffix(path.Base(p), ".html")
			// The layout first: its blocks are defaults that the page's definitions replace.
			t := template.New(name).Funcs(s.funcs(lang))
			_, err = t.New("layout").Parse(string(layout))
			if err == nil {
				_, err = t.Parse(string(b))
			}
			if err != nil {
				return nil, fmt.Errorf("web: template %s: %w", p, err)
			}
			set[name] = t
		}
		out[lang] = set
	}
	return out, nil
}

// funcs are the template functions for one language.
func (s *Server) funcs(lang i18n.Lang) template.FuncMap {
	return template.FuncMap{
		"t":      func(key string, args ...any) string { return s.Catalog.T(lang, key, args...) },
		"static": s.static.url,
		// Languages travel as plain strings in templates: they come from both the catalogue's
		// list and stored user records.
		"langs": func() []string {
			out := make([]string, len(i18n.Langs))
			for i, l := range i18n.Langs {
				out[i] = string(l)
			}
			return out
		},
		"native": func(l string) string { return i18n.NativeName(i18n.Lang(l)) },
		"when":   func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 UTC") },
		"can":    func(p *auth.Principal, perm string) bool { return p.Can(auth.Permission(perm)) },
		"list":   func(v ...string) []string { return v },
		"has":    slices.Contains[[]string],
		"inc":    func(i int) int { return i + 1 },
		"join":   strings.Join,
	}
}

// pagePath is the address a page can be fetched again at, for the language switch to return to:
// the request's own for a GET, and for a page shown in answer to a form (a token just created,
// a form with its errors) the nearest address above it that has a page, since the form's own
// address may take only POST.
func (s *Server) pagePath(r *http.Request) string {
	p := r.URL.Path
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		return p
	}
	for ; p != "/" && p != "."; p = path.Dir(p) {
		if _, pattern := s.pages.Handler(&http.Request{Method: http.MethodGet, URL: &url.URL{Path: p}, Host: r.Host}); pattern != "" {
			return p
		}
	}
	return "/"
}

// render executes page in the request's language. Each page template invokes the layout itself,
// naming its own content block.
func (s *Server) render(w http.ResponseWriter, r *http.Request, rc *reqCtx, status int, name string, d pageData) {
	d.Lang, d.Dir, d.P, d.CSRF, d.Node, d.Path = rc.Lang, rc.Lang.Dir(), rc.P, rc.CSRF, s.Node.ID, s.pagePath(r)
	var buf bytes.Buffer
	t, ok := s.templates[rc.Lang][name]
	if !ok {
		s.Log.Error("render: no such page", "page", name)
		writeProblem(w, http.StatusInternalServerError, "page could not be rendered")
		return
	}
	if err := t.Execute(&buf, d); err != nil {
		s.Log.Error("render", "page", name, "err", err)
		writeProblem(w, http.StatusInternalServerError, "page could not be rendered")
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Language", string(rc.Lang))
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// errorKeys maps statuses to the messages of the error page.
var errorKeys = map[int]string{
	http.StatusBadRequest:            "error.bad_request",
	http.StatusUnauthorized:          "error.unauthenticated",
	http.StatusForbidden:             "error.forbidden",
	http.StatusNotFound:              "error.not_found",
	http.StatusRequestEntityTooLarge: "error.too_large",
	http.StatusTooManyRequests:       "error.throttled",
	http.StatusInternalServerError:   "error.internal",
}

func (s *Server) renderError(w http.ResponseWriter, r *http.Request, rc *reqCtx, status int, detail string) {
	key, ok := errorKeys[status]
	if !ok {
		key = "error.internal"
	}
	s.render(w, r, rc, status, "error", pageData{TitleKey: "error.title", ErrorKey: key, Detail: detail})
}
