package web

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/taawun/taawun/internal/auth"
	"github.com/taawun/taawun/internal/store"
)

// contactGroupRoutes manage contact groups: officials selected by jurisdiction (see
// store.ContactGroup).
func (s *Server) contactGroupRoutes() []route {
	return []route{
		{method: "POST", pattern: "/recipients/groups", access: loggedIn, perm: auth.PermManageRecipients, kind: kindPage, handle: s.contactGroupCreatePage},
		{method: "GET", pattern: "/api/v1/contact-groups", access: loggedIn, perm: auth.PermManageRecipients, kind: kindAPI, summary: "Contact groups of the organisations the caller acts in", tag: "recipients", respSchema: "ContactGroupList", handle: s.apiContactGroupsList},
		{method: "POST", pattern: "/api/v1/contact-groups", access: loggedIn, perm: auth.PermManageRecipients, kind: kindAPI, summary: "Create a contact group: the officials of every organisation of a tier below the group's organisation whose jurisdiction meets a warning's area", tag: "recipients", reqSchema: "ContactGroupInput", respSchema: "ContactGroup", handle: s.apiContactGroupsCreate},
	}
}

var contactGroupSchemas = map[string]any{
	"ContactGroup": object([]string{"id", "org_id", "name", "tier"}, map[string]any{"id": str, "org_id": str, "name": str, "tier": tier}),
	"ContactGroupInput": object([]string{"org_id", "name", "tier"}, map[string]any{"org_id": str, "name": str,
		"tier": map[string]any{"type": "string", "enum": []string{"national", "provincial", "district"}, "description": "officials of organisations of this tier below org_id"}}),
	"ContactGroupList": list("groups", "ContactGroup"),
}

type contactGroupJSON struct {
	ID    string `json:"id"`
	OrgID string `json:"org_id"`
	Name  string `json:"name"`
	Tier  string `json:"tier"`
}

// scopedContactGroups returns the groups of organisations p acts in.
func (s *Server) scopedContactGroups(ctx context.Context, p *auth.Principal) ([]store.ContactGroup, error) {
	all, err := s.Store.ContactGroups().List(ctx)
	if err != nil {
		return nil, err
	}
	var out []store.ContactGroup
	for _, g := range all {
		if p.InScope(g.OrgID) {
			out = append(out, g)
		}
	}
	return out, nil
}

func (s *Server) apiContactGroupsList(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	gs, err := s.scopedContactGroups(r.Context(), rc.P)
	if err != nil {
		s.apiInternal(w, r, err)
		return
	}
	out := make([]contactGroupJSON, len(gs))
	for i, g := range gs {
		out[i] = contactGroupJSON{ID: g.ID, OrgID: g.OrgID, Name: g.Name, Tier: string(g.Tier)}
	}
	writeJSON(w, http.StatusOK, map[string]any{"groups": out})
}

func (s *Server) apiContactGroupsCreate(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	var in contactGroupJSON
	if !decodeJSON(w, r, &in) {
		return
	}
	g := store.ContactGroup{OrgID: in.OrgID, Name: strings.TrimSpace(in.Name), Tier: store.Tier(in.Tier)}
	status, field, detail := s.createContactGroup(r.Context(), rc.P, &g)
	if status != http.StatusCreated {
		writeProblemField(w, status, detail, field)
		return
	}
	writeJSON(w, http.StatusCreated, contactGroupJSON{ID: g.ID, OrgID: g.OrgID, Name: g.Name, Tier: string(g.Tier)})
}

// contactGroupCreatePage handles the form on the recipients page.
func (s *Server) contactGroupCreatePage(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	if err := r.ParseForm(); err != nil {
		s.formError(w, r, rc, err)
		return
	}
	g := store.ContactGroup{OrgID: r.PostForm.Get("org_id"), Name: strings.TrimSpace(r.PostForm.Get("name")), Tier: store.Tier(r.PostForm.Get("tier"))}
	status, _, detail := s.createContactGroup(r.Context(), rc.P, &g)
	d, err := s.recipientsData(r.Context(), rc)
	if err != nil {
		s.internal(w, r, rc, err)
		return
	}
	pd := pageData{TitleKey: "recipients.title", Nav: "recipients", Data: d}
	if status != http.StatusCreated {
		pd.ErrorKey, pd.Detail = "error.invalid", detail
		s.render(w, r, rc, status, "recipients", pd)
		return
	}
	pd.NoticeKey, pd.Detail = "groups.created", g.Name
	s.render(w, r, rc, http.StatusOK, "recipients", pd)
}

// createContactGroup is shared by the page and the API: the group's organisation must be one the
// caller acts in. It returns the HTTP status, the field at fault and a detail.
func (s *Server) createContactGroup(ctx context.Context, p *auth.Principal, g *store.ContactGroup) (int, string, string) {
	if g.OrgID == "" {
		return http.StatusUnprocessableEntity, "org_id", "org_id is required"
	}
	if !p.InScope(g.OrgID) {
		return http.StatusForbidden, "org_id", "org_id is not an organisation you act in"
	}
	if g.Name == "" {
		return http.StatusUnprocessableEntity, "name", "name is required"
	}
	if !g.Tier.Valid() {
		return http.StatusUnprocessableEntity, "tier", "tier must be national, provincial or district"
	}
	err := s.Store.WithTx(ctx, func(tx store.Tx) error {
		if err := tx.ContactGroups().Create(ctx, g); err != nil {
			return err
		}
		return tx.Record(ctx, store.Change{Actor: p.User.ID, OrgID: g.OrgID, Action: "contact_group.created", EntityType: "contact_group",
			EntityID: g.ID, After: map[string]any{"name": g.Name, "tier": g.Tier, "org_id": g.OrgID}})
	})
	switch {
	case errors.Is(err, store.ErrConflict):
		return http.StatusConflict, "name", "a contact group of this organisation is already called " + g.Name
	case err != nil:
		s.Log.Error("create contact group", "err", err)
		return http.StatusInternalServerError, "", "internal error"
	}
	return http.StatusCreated, "", ""
}
