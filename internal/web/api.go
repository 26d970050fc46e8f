package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/taawun/taawun/internal/auth"
	"github.com/taawun/taawun/internal/store"
)

// decodeJSON reads a JSON body into v, refusing unknown fields, trailing data and bodies over the
// limit. It answers the problem itself and returns false on failure.
func decodeJSON(w http.ResponseWriter, r *http.Request, v any) bool {
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		writeProblem(w, http.StatusUnsupportedMediaType, "send the body as application/json")
		return false
	}
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil && dec.Decode(&struct{}{}) != io.EOF {
		err = errors.New("body holds more than one JSON value")
	}
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		writeProblem(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("request body larger than the limit of %d bytes", tooBig.Limit))
		return false
	case err != nil:
		writeProblem(w, http.StatusBadRequest, "invalid JSON body: "+err.Error())
		return false
	}
	return true
}

// apiOrg is an organisation in the API.
type apiOrg struct {
	ID           string            `json:"id"`
	OriginNode   string            `json:"origin_node"`
	Mode         string            `json:"mode"`
	Name         string            `json:"name"`
	Names        map[string]string `json:"names,omitempty"`
	ShortName    string            `json:"short_name,omitempty"`
	Country      string            `json:"country"`
	Tier         store.Tier        `json:"tier"`
	ParentID     string            `json:"parent_id,omitempty"`
	Jurisdiction json.RawMessage   `json:"jurisdiction,omitempty"`
	CreatedAt    time.Time         `json:"created_at"`
	UpdatedAt    time.Time         `json:"updated_at"`
}

func toAPIOrg(o store.Org) apiOrg {
	return apiOrg{o.ID, o.OriginNode, o.Mode.String(), o.Name, o.Names, o.ShortName, o.Country, o.Tier, o.ParentID, o.Jurisdiction, o.CreatedAt, o.UpdatedAt}
}

func (s *Server) apiMe(w http.ResponseWriter, _ *http.Request, rc *reqCtx) {
	var perms []auth.Permission
	for _, p := range auth.Permissions() {
		if rc.P.Can(p) {
			perms = append(perms, p)
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"user": auth.UserView(rc.P.User), "org": toAPIOrg(rc.P.Org), "scope": rc.P.Scope,
		"permissions": perms, "node": s.Node.ID, "language": rc.Lang,
	})
}

func (s *Server) apiOrgsList(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	rows, err := s.scopedOrgs(r.Context(), rc.P, string(rc.Lang))
	if err != nil {
		s.apiInternal(w, r, err)
		return
	}
	out := make([]apiOrg, len(rows))
	for i, o := range rows {
		out[i] = toAPIOrg(o.Org)
	}
	writeJSON(w, http.StatusOK, map[string]any{"orgs": out})
}

func (s *Server) apiOrgGet(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	id := r.PathValue("id")
	// Organisations outside the caller's scope answer as if they did not exist.
	if !rc.P.InScope(id) {
		writeProblem(w, http.StatusNotFound, "no organisation "+id+" among those you act in")
		return
	}
	o, err := s.Store.Orgs().Get(r.Context(), id)
	if errors.Is(err, store.ErrNotFound) {
		writeProblem(w, http.StatusNotFound, "no organisation "+id)
		return
	}
	if err != nil {
		s.apiInternal(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toAPIOrg(o))
}

type orgInput struct {
	Name         string            `json:"name"`
	Names        map[string]string `json:"names"`
	ShortName    string            `json:"short_name"`
	Country      string            `json:"country"`
	Tier         store.Tier        `json:"tier"`
	ParentID     string            `json:"parent_id"`
	Jurisdiction json.RawMessage   `json:"jurisdiction"`
}

func (s *Server) apiOrgsCreate(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	var in orgInput
	if !decodeJSON(w, r, &in) {
		return
	}
	if in.ParentID == "" || !rc.P.InScope(in.ParentID) {
		writeProblemField(w, http.StatusForbidden, "parent_id must be an organisation you act in", "parent_id")
		return
	}
	o := store.Org{Name: strings.TrimSpace(in.Name), Names: in.Names, ShortName: in.ShortName, Country: strings.ToUpper(in.Country),
		Tier: in.Tier, ParentID: in.ParentID, Jurisdiction: in.Jurisdiction}
	err := s.Store.WithTx(r.Context(), func(tx store.Tx) error { return auth.CreateOrg(r.Context(), tx, rc.P.User.ID, &o) })
	switch {
	case errors.Is(err, store.ErrInvalidRecord):
		writeProblem(w, http.StatusUnprocessableEntity, strings.TrimPrefix(err.Error(), store.ErrInvalidRecord.Error()+": "))
		return
	case err != nil:
		s.apiInternal(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/v1/orgs/"+o.ID)
	writeJSON(w, http.StatusCreated, toAPIOrg(o))
}

func (s *Server) apiUsersList(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	users, err := s.Store.Users().List(r.Context(), rc.P.Scope)
	if err != nil {
		s.apiInternal(w, r, err)
		return
	}
	out := make([]any, len(users))
	for i, u := range users {
		out[i] = auth.UserView(u)
	}
	writeJSON(w, http.StatusOK, map[string]any{"users": out})
}

type userInput struct {
	Username    string `json:"username"`
	DisplayName string `json:"display_name"`
	Email       string `json:"email"`
	Password    string `json:"password"`
	OrgID       string `json:"org_id"`
	Role        string `json:"role"`
	Language    string `json:"language"`
}

func (s *Server) apiUsersCreate(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	var in userInput
	if !decodeJSON(w, r, &in) {
		return
	}
	nu := auth.NewUser(in)
	status, key, detail := s.createUser(r.Context(), rc.P, nu)
	if status != http.StatusCreated {
		msg := s.Catalog.T(rc.Lang, key)
		if detail != "" {
			msg += ": " + detail
		}
		writeProblem(w, status, msg)
		return
	}
	u, err := s.Store.Users().GetByUsername(r.Context(), in.Username)
	if err != nil {
		s.apiInternal(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/v1/users/"+u.ID)
	writeJSON(w, http.StatusCreated, auth.UserView(u))
}

type tokenInput struct {
	Name string `json:"name"`
	Days int    `json:"days"`
}

func (s *Server) apiTokensCreate(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	var in tokenInput
	if !decodeJSON(w, r, &in) {
		return
	}
	if in.Days < 0 || in.Days > 3650 {
		writeProblemField(w, http.StatusUnprocessableEntity, "days must be between 0 (no expiry) and 3650", "days")
		return
	}
	secret, t, err := s.Auth.CreateToken(r.Context(), rc.P, in.Name, time.Duration(in.Days)*24*time.Hour)
	if errors.Is(err, store.ErrInvalidRecord) {
		writeProblemField(w, http.StatusUnprocessableEntity, "name must not be empty", "name")
		return
	}
	if err != nil {
		s.apiInternal(w, r, err)
		return
	}
	out := map[string]any{"id": t.ID, "name": t.Name, "token": secret}
	if exp := optionalTime(t.ExpiresAt); exp != nil {
		out["expires_at"] = exp // absent when the token does not expire, as in the list
	}
	writeJSON(w, http.StatusCreated, out)
}

func (s *Server) apiAudit(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	after := parseInt64(r.URL.Query().Get("after"))
	entries, err := s.Store.Audit().List(r.Context(), after, 500)
	if err != nil {
		s.apiInternal(w, r, err)
		return
	}
	type entry struct {
		Seq        int64           `json:"seq"`
		ID         string          `json:"id"`
		At         time.Time       `json:"at"`
		Actor      string          `json:"actor"`
		OrgID      string          `json:"org_id,omitempty"`
		Action     string          `json:"action"`
		EntityType string          `json:"entity_type"`
		EntityID   string          `json:"entity_id"`
		Mode       string          `json:"mode"`
		Before     json.RawMessage `json:"before,omitempty"`
		After      json.RawMessage `json:"after,omitempty"`
		Hash       string          `json:"hash"`
	}
	visible := visibleAudit(rc.P, entries)
	out := make([]entry, len(visible))
	for i, e := range visible {
		out[i] = entry{e.Seq, e.ID, e.At, e.Actor, e.OrgID, e.Action, e.EntityType, e.EntityID, e.Mode.String(), e.Before, e.After, e.Hash}
	}
	resp := map[string]any{"entries": out}
	if len(entries) == 500 {
		resp["next_after"] = entries[len(entries)-1].Seq
	}
	writeJSON(w, http.StatusOK, resp)
}

func (s *Server) apiInternal(w http.ResponseWriter, r *http.Request, err error) {
	s.Log.Error("api request failed", "path", r.URL.Path, "err", err)
	writeProblem(w, http.StatusInternalServerError, "internal error; the node's log has the details")
}

func writeProblemField(w http.ResponseWriter, status int, detail, field string) {
	w.Header().Set("Content-Type", "application/problem+json")
	writeJSONStatus(w, status, Problem{Type: "about:blank", Title: http.StatusText(status), Status: status, Detail: detail, Field: field}, "application/problem+json")
}
