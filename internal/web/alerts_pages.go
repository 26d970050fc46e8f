package web

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"path"
	"strings"
	"time"

	"github.com/taawun/taawun/internal/alert"
	"github.com/taawun/taawun/internal/auth"
	"github.com/taawun/taawun/internal/geodata"
	"github.com/taawun/taawun/internal/store"
)

// maxFormAreas is how many areas the composer form offers.
const maxFormAreas = 3

// formTime is the layout of <input type="datetime-local">; the composer works in UTC.
const formTime = "2006-01-02T15:04"

func (s *Server) warningsPage(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	list, err := s.Store.Alerts().List(r.Context(), store.AlertFilter{OrgIDs: rc.P.Scope, Limit: 200})
	if err != nil {
		s.internal(w, r, rc, err)
		return
	}
	s.render(w, r, rc, http.StatusOK, "warnings", pageData{TitleKey: "warnings.title", Nav: "warnings", Data: list})
}

func (s *Server) warningsQueuePage(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	vs, err := s.Store.Alerts().Submitted(r.Context(), rc.P.Scope)
	if err != nil {
		s.internal(w, r, rc, err)
		return
	}
	type row struct {
		Version store.AlertVersion
		Alert   store.Alert
	}
	var rows []row
	for _, v := range vs {
		a, err := s.Store.Alerts().Get(r.Context(), v.AlertID)
		if err != nil {
			s.internal(w, r, rc, err)
			return
		}
		rows = append(rows, row{v, a})
	}
	s.render(w, r, rc, http.StatusOK, "warnings_queue", pageData{TitleKey: "queue.title", Nav: "warnings", Data: rows})
}

// composerData fills the composer form.
type composerData struct {
	Action    string // where the form posts
	Hazards   []alert.Hazard
	Hazard    string
	CAPStatus string
	Statuses  []string
	Fixed     bool // hazard and status cannot change (edits and updates)
	Content   alert.Content
	Expires   string
	Onset     string
	Areas     []alert.Area
	Provinces []geodata.Region
	Langs     []string
	Problems  []alert.Problem
}

func (s *Server) composer(ctx context.Context, rc *reqCtx, action, hazard, status string, c alert.Content, fixed bool) (composerData, error) {
	provs, err := geodata.ProvincesOf(rc.P.Org.Country)
	if err != nil {
		return composerData{}, err
	}
	if s.Regions != nil {
		// Districts operators imported come after the provinces, so that a warning can name them.
		districts, err := s.Regions.Districts(ctx, rc.P.Org.Country)
		if err != nil {
			return composerData{}, err
		}
		provs = append(provs, districts...)
	}
	d := composerData{Action: action, Hazards: alert.Hazards(), Hazard: hazard, CAPStatus: status, Statuses: []string{"Actual", "Test", "System"},
		Fixed: fixed, Content: c, Provinces: provs, Langs: append(append([]string(nil), alert.RequiredLanguages...), alert.OptionalLanguages...)}
	if !c.Expires.IsZero() {
		d.Expires = c.Expires.UTC().Format(formTime)
	}
	if !c.Onset.IsZero() {
		d.Onset = c.Onset.UTC().Format(formTime)
	}
	d.Areas = append(d.Areas, c.Areas...)
	for len(d.Areas) < maxFormAreas {
		d.Areas = append(d.Areas, alert.Area{})
	}
	return d, nil
}

// warningNewPage opens the composer on a hazard template.
func (s *Server) warningNewPage(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	h, ok := alert.HazardByCode(r.URL.Query().Get("hazard"))
	if !ok {
		h = alert.Hazards()[0]
	}
	c := alert.Content{Texts: map[string]alert.Text{}, Urgency: h.Urgency, Severity: h.Severity, Certainty: h.Certainty,
		ResponseTypes: h.ResponseTypes, Expires: s.Clock.Now().Add(24 * time.Hour).Truncate(time.Hour)}
	for l, text := range h.Instruction {
		c.Texts[l] = alert.Text{Instruction: text}
	}
	d, err := s.composer(r.Context(), rc, "/warnings", h.Code, "Actual", c, false)
	if err != nil {
		s.internal(w, r, rc, err)
		return
	}
	s.render(w, r, rc, http.StatusOK, "warning_compose", pageData{TitleKey: "compose.title", Nav: "warnings", Data: d})
}

// contentFromForm reads the composer form.
func contentFromForm(f url.Values) alert.Content {
	c := alert.Content{Texts: map[string]alert.Text{}, Urgency: f.Get("urgency"), Severity: f.Get("severity"), Certainty: f.Get("certainty"),
		ResponseTypes: f["response"], Web: strings.TrimSpace(f.Get("web")), Contact: strings.TrimSpace(f.Get("contact")), Note: strings.TrimSpace(f.Get("note"))}
	for _, l := range append(append([]string(nil), alert.RequiredLanguages...), alert.OptionalLanguages...) {
		t := alert.Text{Headline: strings.TrimSpace(f.Get("headline_" + l)), Description: strings.TrimSpace(f.Get("description_" + l)),
			Instruction: strings.TrimSpace(f.Get("instruction_" + l)), AreaDesc: strings.TrimSpace(f.Get("areadesc_" + l))}
		if t != (alert.Text{}) {
			c.Texts[l] = t
		}
	}
	c.Expires, _ = time.Parse(formTime, f.Get("expires"))
	c.Onset, _ = time.Parse(formTime, f.Get("onset"))
	for i := range maxFormAreas {
		n := string(rune('0' + i))
		a := alert.Area{Desc: strings.TrimSpace(f.Get("area_desc_" + n)), Polygons: lines(f.Get("area_polygons_" + n)),
			Circles: lines(f.Get("area_circles_" + n)), Regions: f["area_regions_"+n]}
		if a.Desc != "" || len(a.Polygons)+len(a.Circles)+len(a.Regions) > 0 {
			c.Areas = append(c.Areas, a)
		}
	}
	return c
}

// lines splits a textarea into its non-empty lines.
func lines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// warningCreate stores a new draft from the composer.
func (s *Server) warningCreate(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	c := contentFromForm(r.PostForm)
	hazard, status := r.PostForm.Get("hazard"), r.PostForm.Get("cap_status")
	a, err := s.Alerts.Draft(r.Context(), rc.P, hazard, status, c)
	if err != nil {
		s.composeFailed(w, r, rc, "/warnings", hazard, status, c, false, err)
		return
	}
	http.Redirect(w, r, "/warnings/"+a.ID, http.StatusSeeOther)
}

// composeFailed shows the composer again with the officer's input and what is wrong with it.
func (s *Server) composeFailed(w http.ResponseWriter, r *http.Request, rc *reqCtx, action, hazard, status string, c alert.Content, fixed bool, err error) {
	code, msg, ps := alertStatus(err)
	if code == http.StatusInternalServerError {
		s.internal(w, r, rc, err)
		return
	}
	d, derr := s.composer(r.Context(), rc, action, hazard, status, c, fixed)
	if derr != nil {
		s.internal(w, r, rc, derr)
		return
	}
	d.Problems = ps
	detail := msg
	if len(ps) > 0 {
		detail = ""
	}
	s.render(w, r, rc, code, "warning_compose", pageData{TitleKey: "compose.title", Nav: "warnings", ErrorKey: "compose.failed", Detail: detail, Data: d})
}

// warningDetail is the officer's page of one warning.
type warningDetail struct {
	alert.Detail
	Content   alert.Content
	OrgName   string
	LatestXML string
	CanDraft  bool
	CanDecide bool
	Names     map[string]string // user id → username
}

func (s *Server) warningPage(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	s.renderWarning(w, r, rc, http.StatusOK, pageData{})
}

func (s *Server) renderWarning(w http.ResponseWriter, r *http.Request, rc *reqCtx, status int, pd pageData) {
	d, err := s.Alerts.Load(r.Context(), rc.P, r.PathValue("id"))
	if errors.Is(err, store.ErrNotFound) {
		s.renderError(w, r, rc, http.StatusNotFound, "")
		return
	}
	if err != nil {
		s.internal(w, r, rc, err)
		return
	}
	wd := warningDetail{Detail: d, CanDraft: rc.P.Can(auth.PermDraftAlerts), CanDecide: rc.P.Can(auth.PermApproveAlerts), Names: map[string]string{}}
	if err := json.Unmarshal(d.Latest().Content, &wd.Content); err != nil {
		s.internal(w, r, rc, err)
		return
	}
	if o, err := s.Store.Orgs().Get(r.Context(), d.Alert.OrgID); err == nil {
		wd.OrgName = localName(o, string(rc.Lang))
	}
	if n := len(d.Messages); n > 0 {
		wd.LatestXML = string(d.Messages[n-1].XML)
	}
	for _, v := range d.Versions {
		for _, id := range []string{v.DrafterID, v.SubmitterID, v.ApproverID} {
			if id != "" && wd.Names[id] == "" {
				if u, err := s.Store.Users().Get(r.Context(), id); err == nil {
					wd.Names[id] = u.Username
				}
			}
		}
	}
	pd.TitleKey, pd.Nav, pd.Data = "warning.title", "warnings", wd
	s.render(w, r, rc, status, "warning", pd)
}

// warningAction runs one lifecycle step from a button on the warning's page.
func (s *Server) warningAction(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	id := r.PathValue("id")
	var (
		err    error
		notice string
	)
	switch path.Base(r.URL.Path) {
	case "submit":
		_, err = s.Alerts.Submit(r.Context(), rc.P, id)
		notice = "warning.submitted"
	case "approve":
		_, err = s.Alerts.Approve(r.Context(), rc.P, id)
		notice = "warning.issued"
	case "reject":
		err = s.Alerts.Reject(r.Context(), rc.P, id, strings.TrimSpace(r.PostForm.Get("reason")))
		notice = "warning.rejected"
	case "cancel":
		err = s.Alerts.Revise(r.Context(), rc.P, id, store.KindCancel, alert.Content{Note: strings.TrimSpace(r.PostForm.Get("note"))})
		notice = "warning.cancel_drafted"
	default:
		s.renderError(w, r, rc, http.StatusNotFound, "")
		return
	}
	if err != nil {
		code, msg, _ := alertStatus(err)
		if code == http.StatusInternalServerError {
			s.internal(w, r, rc, err)
			return
		}
		s.renderWarning(w, r, rc, code, pageData{ErrorKey: "warning.action_failed", Detail: msg})
		return
	}
	s.renderWarning(w, r, rc, http.StatusOK, pageData{NoticeKey: notice})
}

// warningEditPage opens the composer on the latest draft, or on the issued content for an update.
func (s *Server) warningEditPage(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	d, err := s.Alerts.Load(r.Context(), rc.P, r.PathValue("id"))
	if err != nil {
		s.renderError(w, r, rc, http.StatusNotFound, "")
		return
	}
	var c alert.Content
	if err := json.Unmarshal(d.Latest().Content, &c); err != nil {
		s.internal(w, r, rc, err)
		return
	}
	cd, err := s.composer(r.Context(), rc, r.URL.Path, d.Alert.Hazard, d.Alert.CAPStatus, c, true)
	if err != nil {
		s.internal(w, r, rc, err)
		return
	}
	s.render(w, r, rc, http.StatusOK, "warning_compose", pageData{TitleKey: "compose.title", Nav: "warnings", Data: cd})
}

// warningEdit saves an edited draft (/edit) or starts an update of an issued warning (/update).
func (s *Server) warningEdit(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	id := r.PathValue("id")
	c := contentFromForm(r.PostForm)
	var err error
	if strings.HasSuffix(r.URL.Path, "/update") {
		err = s.Alerts.Revise(r.Context(), rc.P, id, store.KindUpdate, c)
	} else {
		err = s.Alerts.Edit(r.Context(), rc.P, id, c)
	}
	if err != nil {
		a, _ := s.Store.Alerts().Get(r.Context(), id)
		s.composeFailed(w, r, rc, r.URL.Path, a.Hazard, a.CAPStatus, c, true, err)
		return
	}
	http.Redirect(w, r, "/warnings/"+id, http.StatusSeeOther)
}
