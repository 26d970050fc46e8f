package web

import (
	"errors"
	"net"
	"net/http"
	"strings"

	"github.com/taawun/taawun/internal/auth"
	"github.com/taawun/taawun/internal/i18n"
)

func (s *Server) loginPage(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	if rc.P != nil {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	s.render(w, r, rc, http.StatusOK, "login", pageData{TitleKey: "login.title", Data: loginData{Next: safeNext(r.URL.Query().Get("next"))}})
}

type loginData struct {
	Username string
	Next     string
}

// loginSubmit answers every failure with the same generic message, so a visitor cannot tell an
// unknown user from a wrong password, and a throttled login waits.
func (s *Server) loginSubmit(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	if err := r.ParseForm(); err != nil {
		s.formError(w, r, rc, err)
		return
	}
	username := strings.TrimSpace(r.PostForm.Get("username"))
	next := safeNext(r.PostForm.Get("next"))
	secret, p, err := s.Auth.Login(r.Context(), username, r.PostForm.Get("password"), clientAddr(r))
	switch {
	case errors.Is(err, auth.ErrInvalidCredentials):
		s.render(w, r, rc, http.StatusUnauthorized, "login", pageData{TitleKey: "login.title", ErrorKey: "login.failed", Data: loginData{Username: username, Next: next}})
		return
	case errors.Is(err, auth.ErrThrottled):
		w.Header().Set("Retry-After", "900")
		s.render(w, r, rc, http.StatusTooManyRequests, "login", pageData{TitleKey: "login.title", ErrorKey: "error.throttled", Data: loginData{Username: username, Next: next}})
		return
	case err != nil:
		s.Log.Error("login", "err", err)
		s.renderError(w, r, rc, http.StatusInternalServerError, "")
		return
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: secret, Path: "/", HttpOnly: true, Secure: s.SecureCookies,
		SameSite: http.SameSiteLaxMode, MaxAge: int(s.Auth.SessionTTL.Seconds())})
	// A language chosen before logging in becomes the user's own if they have none yet.
	if p.User.Language == "" && rc.Lang != i18n.English {
		if err := s.Auth.SetLanguage(r.Context(), p, string(rc.Lang)); err != nil {
			s.Log.Warn("save language at login", "err", err)
		}
	}
	s.Log.Info("login", "user", p.User.Username, "org", p.Org.ShortName)
	http.Redirect(w, r, next, http.StatusSeeOther)
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	if rc.sessionSecret != "" {
		if err := s.Auth.Logout(r.Context(), rc.sessionSecret); err != nil {
			s.Log.Error("logout", "err", err)
		}
	}
	s.clearCookie(w, sessionCookie)
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

// switchLanguage remembers the choice: on the user when logged in, in a cookie otherwise.
func (s *Server) switchLanguage(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	l, ok := i18n.Parse(r.PostFormValue("lang"))
	if !ok {
		s.renderError(w, r, rc, http.StatusBadRequest, "lang: "+r.PostFormValue("lang"))
		return
	}
	if rc.P != nil && !rc.P.ViaToken {
		if err := s.Auth.SetLanguage(r.Context(), rc.P, string(l)); err != nil {
			s.Log.Error("save language", "err", err)
			s.renderError(w, r, rc, http.StatusInternalServerError, "")
			return
		}
	}
	http.SetCookie(w, &http.Cookie{Name: langCookie, Value: string(l), Path: "/", MaxAge: 365 * 24 * 3600, Secure: s.SecureCookies, SameSite: http.SameSiteLaxMode})
	http.Redirect(w, r, safeNext(r.PostFormValue("next")), http.StatusSeeOther)
}

// safeNext keeps redirects on this site: only a local absolute path is accepted.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return "/"
	}
	return next
}

// clientAddr is the peer address without the port, the key for throttling by address.
func clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// formError answers a form that could not be read: 413 when it was too large.
func (s *Server) formError(w http.ResponseWriter, r *http.Request, rc *reqCtx, err error) {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		s.renderError(w, r, rc, http.StatusRequestEntityTooLarge, "")
		return
	}
	s.renderError(w, r, rc, http.StatusBadRequest, err.Error())
}
