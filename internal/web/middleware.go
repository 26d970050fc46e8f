package web

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"net/http"
	"net/url"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/taawun/taawun/internal/auth"
	"github.com/taawun/taawun/internal/i18n"
)

// Cookie names.
const (
	sessionCookie = "taawun_session"
	csrfCookie    = "taawun_csrf" // CSRF token of visitors who have not logged in (double submit)
	langCookie    = "taawun_lang"
	csrfField     = "csrf"
	csrfHeader    = "X-CSRF-Token"
)

// reqCtx is what a handler knows about its request beyond the request itself.
type reqCtx struct {
	P    *auth.Principal // nil when not logged in
	Lang i18n.Lang
	// CSRF is the token forms must echo: the session's, or the visitor cookie's.
	CSRF string
	// sessionSecret is the cookie value, for logout.
	sessionSecret string
}

// guard authenticates, authorises and checks CSRF before calling the route's handler.
func (s *Server) guard(rt route) http.Handler {
	limit := s.MaxBody
	if rt.maxBody > 0 {
		limit = rt.maxBody
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Bodies over the route's limit are refused at once when their length is declared, and
		// when read past it otherwise (handlers answer 413 on *http.MaxBytesError).
		if r.ContentLength > limit {
			writeProblem(w, http.StatusRequestEntityTooLarge, "request body larger than the limit of "+strconv.FormatInt(limit, 10)+" bytes")
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, limit)
		rc := &reqCtx{}
		if err := s.authenticate(w, r, rc); err != nil {
			s.Log.Error("authenticate", "err", err)
			s.fail(w, r, rc, rt, http.StatusInternalServerError, "")
			return
		}
		rc.Lang = s.chooseLanguage(r, rc)
		if rt.access == loggedIn {
			if rc.P == nil {
				s.fail(w, r, rc, rt, http.StatusUnauthorized, "")
				return
			}
			if !rc.P.Can(rt.perm) {
				s.fail(w, r, rc, rt, http.StatusForbidden, s.Catalog.T(rc.Lang, "error.forbidden"))
				return
			}
		}
		if !safeMethod(r.Method) && isForm(r) {
			// Read the form here, so that a body over the limit is reported as such and not
			// as a missing CSRF token.
			if err := r.ParseForm(); err != nil {
				var tooBig *http.MaxBytesError
				status := http.StatusBadRequest
				if errors.As(err, &tooBig) {
					status = http.StatusRequestEntityTooLarge
				}
				s.fail(w, r, rc, rt, status, "")
				return
			}
		}
		// Public JSON routes need no CSRF token: there is no session to ride on, and a page on
		// another site cannot send application/json here without a CORS preflight, which this
		// server never grants.
		publicJSON := rt.access == public && rt.kind == kindAPI && strings.HasPrefix(r.Header.Get("Content-Type"), "application/json")
		if !safeMethod(r.Method) && !publicJSON && !rt.ownCredential && !s.csrfOK(r, rc) {
			s.fail(w, r, rc, rt, http.StatusForbidden, s.Catalog.T(rc.Lang, "error.csrf"))
			return
		}
		rt.handle(w, r, rc)
	})
}

// authenticate reads a bearer token or a session cookie. A bad credential is treated as none.
func (s *Server) authenticate(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	ctx := r.Context()
	if h := r.Header.Get("Authorization"); h != "" {
		secret, ok := strings.CutPrefix(h, "Bearer ")
		if !ok {
			return nil
		}
		p, err := s.Auth.Token(ctx, strings.TrimSpace(secret))
		if errors.Is(err, auth.ErrUnauthenticated) {
			return nil
		}
		rc.P = p
		return err
	}
	if c, err := r.Cookie(sessionCookie); err == nil && c.Value != "" {
		p, err := s.Auth.Session(ctx, c.Value)
		switch {
		case errors.Is(err, auth.ErrUnauthenticated):
			s.clearCookie(w, sessionCookie)
		case err != nil:
			return err
		default:
			rc.P, rc.CSRF, rc.sessionSecret = p, p.CSRF, c.Value
			return nil
		}
	}
	// A visitor: give them a CSRF cookie for the login and language forms.
	if c, err := r.Cookie(csrfCookie); err == nil && len(c.Value) >= 32 {
		rc.CSRF = c.Value
		return nil
	}
	rc.CSRF = randomToken()
	http.SetCookie(w, &http.Cookie{Name: csrfCookie, Value: rc.CSRF, Path: "/", HttpOnly: true, Secure: s.SecureCookies, SameSite: http.SameSiteLaxMode})
	return nil
}

// csrfOK checks the form field or header against the expected token. Requests authenticated by
// bearer token carry no ambient credentials, so they need none.
func (s *Server) csrfOK(r *http.Request, rc *reqCtx) bool {
	if rc.P != nil && rc.P.ViaToken {
		return true
	}
	got := r.Header.Get(csrfHeader)
	if got == "" {
		got = r.PostFormValue(csrfField)
	}
	return rc.CSRF != "" && subtle.ConstantTimeCompare([]byte(got), []byte(rc.CSRF)) == 1
}

func isForm(r *http.Request) bool {
	ct := r.Header.Get("Content-Type")
	return strings.HasPrefix(ct, "application/x-www-form-urlencoded") || strings.HasPrefix(ct, "multipart/form-data")
}

func safeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}

// chooseLanguage: ?lang=, then the user's saved choice, then the cookie, then Accept-Language.
func (s *Server) chooseLanguage(r *http.Request, rc *reqCtx) i18n.Lang {
	if l, ok := i18n.Parse(r.URL.Query().Get("lang")); ok {
		return l
	}
	if rc.P != nil {
		if l, ok := i18n.Parse(rc.P.User.Language); ok {
			return l
		}
	}
	if c, err := r.Cookie(langCookie); err == nil {
		if l, ok := i18n.Parse(c.Value); ok {
			return l
		}
	}
	return s.Catalog.Match(r.Header.Get("Accept-Language"))
}

// fail answers an error in the route's kind: problem+json for the API, a page or a redirect
// to the login page otherwise.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, rc *reqCtx, rt route, status int, detail string) {
	if status == http.StatusUnauthorized && rt.kind == kindPage && r.Method == http.MethodGet {
		http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
		return
	}
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="taawun"`)
		if detail == "" {
			detail = "log in or send an API token as Authorization: Bearer tw_…"
		}
	}
	if rt.kind == kindPage {
		s.renderError(w, r, rc, status, detail)
		return
	}
	writeProblem(w, status, detail)
}

func (s *Server) clearCookie(w http.ResponseWriter, name string) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: s.SecureCookies, SameSite: http.SameSiteLaxMode})
}

func randomToken() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// securityHeaders forbids framing and inline scripts, and keeps everything on this origin: the
// pages load nothing from elsewhere, which is also what an air-gapped node needs.
func (s *Server) securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("X-Frame-Options", "DENY")
		if s.SecureCookies {
			h.Set("Strict-Transport-Security", "max-age=31536000")
		}
		next.ServeHTTP(w, r)
	})
}

// recoverPanics turns a panic into a 500 and a log entry with the stack.
func (s *Server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.Log.Error("panic serving request", "path", r.URL.Path, "panic", v, "stack", string(debug.Stack()))
				writeProblem(w, http.StatusInternalServerError, "internal error")
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// statusWriter remembers the status code for metrics and logs.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// Flush lets the live stream flush through the wrapper.
func (w *statusWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (s *Server) instrument(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r)
		if sw.status == 0 {
			sw.status = http.StatusOK
		}
		pattern := r.Pattern
		if pattern == "" || pattern == "/" {
			pattern = "unmatched"
		}
		s.metrics.observe(pattern, sw.status, time.Since(start))
		s.Log.Debug("request", "method", r.Method, "path", r.URL.Path, "status", sw.status, "dur", time.Since(start))
	})
}
