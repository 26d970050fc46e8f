package web

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/taawun/taawun/internal/auth"
	"github.com/taawun/taawun/internal/store"
)

type dashboardData struct {
	Orgs, Users, AuditEntries int
	Live                      int
}

func (s *Server) dashboardPage(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	ctx := r.Context()
	users, err := s.Store.Users().List(ctx, rc.P.Scope)
	if err != nil {
		s.internal(w, r, rc, err)
		return
	}
	d := dashboardData{Orgs: len(rc.P.Scope), Users: len(users)}
	if s.Live != nil {
		d.Live = s.Live.Count()
	}
	s.render(w, r, rc, http.StatusOK, "dashboard", pageData{TitleKey: "dashboard.title", Nav: "dashboard", Data: d})
}

func (s *Server) mapPage(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	s.render(w, r, rc, http.StatusOK, "map", pageData{TitleKey: "map.title", Nav: "map"})
}

// orgRow is an organisation as the pages show it.
type orgRow struct {
	store.Org
	Depth      int
	ParentName string
	LocalName  string
}

// scopedOrgs returns the organisations the principal acts in, as a tree in display order.
func (s *Server) scopedOrgs(ctx context.Context, p *auth.Principal, lang string) ([]orgRow, error) {
	all, err := s.Store.Orgs().List(ctx)
	if err != nil {
		return nil, err
	}
	tree := auth.NewOrgTree(all)
	var rows []orgRow
	var walk func(id string, depth int)
	walk = func(id string, depth int) {
		o, _ := tree.Get(id)
		row := orgRow{Org: o, Depth: depth, LocalName: localName(o, lang)}
		if parent, ok := tree.Get(o.ParentID); ok {
			row.ParentName = localName(parent, lang)
		}
		rows = append(rows, row)
		for _, child := range all {
			if child.ParentID == id {
				walk(child.ID, depth+1)
			}
		}
	}
	walk(p.Org.ID, 0)
	// A national admin also sees the partner authorities of other countries, which have no
	// parent: they are the node's contacts abroad.
	if p.Org.ParentID == "" && p.Org.Tier == store.TierNational {
		for _, o := range all {
			if o.ParentID == "" && o.ID != p.Org.ID {
				rows = append(rows, orgRow{Org: o, LocalName: localName(o, lang)})
			}
		}
	}
	return rows, nil
}

// localName is the organisation's name in lang, or English.
func localName(o store.Org, lang string) string {
	if n := o.Names[lang]; n != "" {
		return n
	}
	return o.Name
}

func (s *Server) orgsPage(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	rows, err := s.scopedOrgs(r.Context(), rc.P, string(rc.Lang))
	if err != nil {
		s.internal(w, r, rc, err)
		return
	}
	s.render(w, r, rc, http.StatusOK, "orgs", pageData{TitleKey: "orgs.title", Nav: "orgs", Data: rows})
}

type usersData struct {
	Users []userRow
	Orgs  []orgRow
	Roles []string
	Form  auth.NewUser
}

type userRow struct {
	store.User
	OrgName string
}

func (s *Server) usersData(ctx context.Context, rc *reqCtx) (usersData, error) {
	orgs, err := s.scopedOrgs(ctx, rc.P, string(rc.Lang))
	if err != nil {
		return usersData{}, err
	}
	users, err := s.Store.Users().List(ctx, rc.P.Scope)
	if err != nil {
		return usersData{}, err
	}
	names := map[string]string{}
	for _, o := range orgs {
		names[o.ID] = o.LocalName
	}
	d := usersData{Roles: auth.Roles()}
	for _, o := range orgs {
		if rc.P.InScope(o.ID) {
			d.Orgs = append(d.Orgs, o)
		}
	}
	for _, u := range users {
		d.Users = append(d.Users, userRow{User: u, OrgName: names[u.OrgID]})
	}
	return d, nil
}

func (s *Server) usersPage(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	d, err := s.usersData(r.Context(), rc)
	if err != nil {
		s.internal(w, r, rc, err)
		return
	}
	s.render(w, r, rc, http.StatusOK, "users", pageData{TitleKey: "users.title", Nav: "users", Data: d})
}

func (s *Server) usersCreate(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	if err := r.ParseForm(); err != nil {
		s.formError(w, r, rc, err)
		return
	}
	in := auth.NewUser{
		Username: strings.TrimSpace(r.PostForm.Get("username")), DisplayName: strings.TrimSpace(r.PostForm.Get("display_name")),
		Email: strings.TrimSpace(r.PostForm.Get("email")), Password: r.PostForm.Get("password"),
		OrgID: r.PostForm.Get("org_id"), Role: r.PostForm.Get("role"), Language: r.PostForm.Get("language"),
	}
	status, errKey, detail := s.createUser(r.Context(), rc.P, in)
	d, err := s.usersData(r.Context(), rc)
	if err != nil {
		s.internal(w, r, rc, err)
		return
	}
	if status != http.StatusCreated {
		in.Password = ""
		d.Form = in
		s.render(w, r, rc, status, "users", pageData{TitleKey: "users.title", Nav: "users", ErrorKey: errKey, Detail: detail, Data: d})
		return
	}
	s.render(w, r, rc, http.StatusOK, "users", pageData{TitleKey: "users.title", Nav: "users", NoticeKey: "users.created", Detail: in.Username, Data: d})
}

// createUser is shared by the page and the API: it checks scope, then creates. It returns the
// HTTP status, a catalogue key and a detail for failures.
func (s *Server) createUser(ctx context.Context, p *auth.Principal, in auth.NewUser) (int, string, string) {
	if !p.InScope(in.OrgID) {
		return http.StatusForbidden, "error.out_of_scope", "org_id"
	}
	if err := auth.CheckNewUser(in); err != nil {
		return http.StatusUnprocessableEntity, "error.invalid", strings.TrimPrefix(err.Error(), store.ErrInvalidRecord.Error()+": ")
	}
	err := s.Store.WithTx(ctx, func(tx store.Tx) error {
		_, err := s.Auth.CreateUser(ctx, tx, p.User.ID, in)
		return err
	})
	switch {
	case errors.Is(err, store.ErrConflict):
		return http.StatusConflict, "users.exists", in.Username
	case errors.Is(err, store.ErrInvalidRecord), errors.Is(err, store.ErrNotFound):
		return http.StatusUnprocessableEntity, "error.invalid", err.Error()
	case err != nil:
		s.Log.Error("create user", "err", err)
		return http.StatusInternalServerError, "error.internal", ""
	}
	return http.StatusCreated, "", ""
}

type auditData struct {
	Entries []store.AuditEntry
	Next    int64
}

func (s *Server) auditPage(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	after := parseInt64(r.URL.Query().Get("after"))
	entries, err := s.Store.Audit().List(r.Context(), after, 100)
	if err != nil {
		s.internal(w, r, rc, err)
		return
	}
	d := auditData{Entries: visibleAudit(rc.P, entries)}
	if len(entries) == 100 {
		d.Next = entries[len(entries)-1].Seq
	}
	s.render(w, r, rc, http.StatusOK, "audit", pageData{TitleKey: "audit.title", Nav: "audit", Data: d})
}

// visibleAudit keeps the entries about organisations the principal acts in (and node-wide
// entries for a national-tier user).
func visibleAudit(p *auth.Principal, entries []store.AuditEntry) []store.AuditEntry {
	national := p.Org.Tier == store.TierNational && p.Org.ParentID == ""
	out := entries[:0:0]
	for _, e := range entries {
		if p.InScope(e.OrgID) || (national && e.OrgID == "") {
			out = append(out, e)
		}
	}
	return out
}

type accountData struct {
	Tokens    []store.Token
	NewSecret string
}

func (s *Server) accountPage(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	s.renderAccount(w, r, rc, http.StatusOK, pageData{}, "")
}

func (s *Server) renderAccount(w http.ResponseWriter, r *http.Request, rc *reqCtx, status int, d pageData, secret string) {
	toks, err := s.Store.Tokens().ListForUser(r.Context(), rc.P.User.ID)
	if err != nil {
		s.internal(w, r, rc, err)
		return
	}
	d.TitleKey, d.Nav, d.Data = "account.title", "account", accountData{Tokens: toks, NewSecret: secret}
	s.render(w, r, rc, status, "account", d)
}

func (s *Server) accountTokenCreate(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	if err := r.ParseForm(); err != nil {
		s.formError(w, r, rc, err)
		return
	}
	days := parseInt64(r.PostForm.Get("days"))
	secret, _, err := s.Auth.CreateToken(r.Context(), rc.P, strings.TrimSpace(r.PostForm.Get("name")), time.Duration(days)*24*time.Hour)
	if errors.Is(err, store.ErrInvalidRecord) {
		s.renderAccount(w, r, rc, http.StatusUnprocessableEntity, pageData{ErrorKey: "account.token_name_required"}, "")
		return
	}
	if err != nil {
		s.internal(w, r, rc, err)
		return
	}
	s.renderAccount(w, r, rc, http.StatusOK, pageData{NoticeKey: "account.token_created"}, secret)
}

func (s *Server) internal(w http.ResponseWriter, r *http.Request, rc *reqCtx, err error) {
	s.Log.Error("request failed", "path", r.URL.Path, "err", err)
	s.renderError(w, r, rc, http.StatusInternalServerError, "")
}

// parseInt64 reads a non-negative number from a query or form; anything else is 0.
func parseInt64(v string) int64 {
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		return 0
	}
	return n
}
