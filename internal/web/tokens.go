package web

import (
	"errors"
	"net/http"
	"slices"
	"time"

	"github.com/taawun/taawun/internal/store"
)

// Revoking API tokens, from the account page and the API. Both act only on the caller's own
// tokens (auth.Service.RevokeToken checks): another user's token answers as if it did not
// exist, so its id cannot be probed.

// accountTokenRevoke revokes one of the caller's tokens and shows the account page again with
// a notice naming it, as creating one does; an id that is not among the caller's tokens shows
// the page with an error and status 404.
func (s *Server) accountTokenRevoke(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	id := r.PathValue("id")
	toks, err := s.Store.Tokens().ListForUser(r.Context(), rc.P.User.ID)
	if err != nil {
		s.internal(w, r, rc, err)
		return
	}
	// The name is only for the notice: RevokeToken decides whether the token is the caller's.
	var name string
	if i := slices.IndexFunc(toks, func(t store.Token) bool { return t.ID == id }); i >= 0 {
		name = toks[i].Name
	}
	err = s.Auth.RevokeToken(r.Context(), rc.P, id)
	if errors.Is(err, store.ErrNotFound) {
		s.renderAccount(w, r, rc, http.StatusNotFound, pageData{ErrorKey: "account.token_not_found"}, "")
		return
	}
	if err != nil {
		s.internal(w, r, rc, err)
		return
	}
	s.renderAccount(w, r, rc, http.StatusOK, pageData{NoticeKey: "account.token_revoked", Detail: name}, "")
}

// tokenJSON is a token as the API lists it: never its secret nor the secret's hash.
type tokenJSON struct {
	ID        string     `json:"id"`
	Name      string     `json:"name"`
	CreatedAt time.Time  `json:"created_at"`
	ExpiresAt *time.Time `json:"expires_at,omitempty"`
	LastUsed  *time.Time `json:"last_used_at,omitempty"`
}

// optionalTime is nil for the zero time, which tokens use for "never".
func optionalTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

func (s *Server) apiTokensList(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	toks, err := s.Store.Tokens().ListForUser(r.Context(), rc.P.User.ID)
	if err != nil {
		s.apiInternal(w, r, err)
		return
	}
	out := make([]tokenJSON, len(toks))
	for i, t := range toks {
		out[i] = tokenJSON{ID: t.ID, Name: t.Name, CreatedAt: t.CreatedAt, ExpiresAt: optionalTime(t.ExpiresAt), LastUsed: optionalTime(t.LastUsed)}
	}
	writeJSON(w, http.StatusOK, map[string]any{"tokens": out})
}

func (s *Server) apiTokenRevoke(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	id := r.PathValue("id")
	err := s.Auth.RevokeToken(r.Context(), rc.P, id)
	if errors.Is(err, store.ErrNotFound) {
		writeProblem(w, http.StatusNotFound, "no token "+id+" among yours")
		return
	}
	if err != nil {
		s.apiInternal(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
