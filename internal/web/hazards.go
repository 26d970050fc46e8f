package web

import (
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/taawun/taawun/internal/feed"
	"github.com/taawun/taawun/internal/hazard"
	"github.com/taawun/taawun/internal/i18n"
	"github.com/taawun/taawun/internal/store"
)

// hazardRow is an event as the list shows it, with translated labels.
type hazardRow struct {
	store.HazardEvent
	TypeLabel  string
	LevelLabel string
	Magnitude  string
}

func (s *Server) hazardRow(l i18n.Lang, e store.HazardEvent) hazardRow {
	row := hazardRow{HazardEvent: e, TypeLabel: s.hazardLabel(l, "hazards.type", e.Type)}
	if e.Magnitude != nil {
		row.Magnitude = strconv.FormatFloat(*e.Magnitude, 'f', 1, 64)
	}
	switch {
	case e.AlertLevel != "":
		row.LevelLabel = s.hazardLabel(l, "hazards.level", e.AlertLevel)
	case e.Severity != "" && e.Severity != "Unknown":
		row.LevelLabel = s.hazardLabel(l, "hazards.sev", e.Severity)
	}
	return row
}

// hazardLabel names a value of a hazard vocabulary (type, level, severity, draft state) in l.
func (s *Server) hazardLabel(l i18n.Lang, vocabulary, value string) string {
	return s.Catalog.T(l, vocabulary+"."+value)
}

type hazardsData struct {
	Events []hazardRow
	// TypeLabels is the JSON of the hazard type names for the page's script.
	TypeLabels string
}

func (s *Server) hazardsPage(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	evs, err := s.Store.HazardEvents().List(r.Context(), store.HazardEventFilter{Limit: 200})
	if err != nil {
		s.internal(w, r, rc, err)
		return
	}
	d := hazardsData{}
	labels := map[string]string{}
	for _, t := range feed.Types() {
		labels[t] = s.hazardLabel(rc.Lang, "hazards.type", t)
	}
	for _, lv := range []string{"green", "yellow", "orange", "red"} {
		labels["level."+lv] = s.hazardLabel(rc.Lang, "hazards.level", lv)
	}
	b, _ := json.Marshal(labels)
	d.TypeLabels = string(b)
	for _, e := range evs {
		d.Events = append(d.Events, s.hazardRow(rc.Lang, e))
	}
	s.render(w, r, rc, http.StatusOK, "hazards", pageData{TitleKey: "hazards.title", Nav: "hazards", Data: d})
}

// hazardDetailData is an event with what the node knows about it.
type hazardDetailData struct {
	Event     store.HazardEvent
	Row       hazardRow
	Revisions []store.HazardRevision
	Drafts    []draftRow
	Impact    impactJSON
}

type draftRow struct {
	store.TriggerDraft
	RuleName   string
	StateLabel string
}

func (s *Server) hazardDetail(r *http.Request, rc *reqCtx) (hazardDetailData, error) {
	ctx := r.Context()
	var d hazardDetailData
	var err error
	if d.Event, err = s.Store.HazardEvents().Get(ctx, r.PathValue("id")); err != nil {
		return d, err
	}
	if d.Revisions, err = s.Store.HazardEvents().Revisions(ctx, d.Event.ID); err != nil {
		return d, err
	}
	drafts, err := s.Store.TriggerDrafts().ForEvent(ctx, d.Event.ID)
	if err != nil {
		return d, err
	}
	for _, x := range drafts {
		// Drafts belong to organisations: each caller sees those of the organisations they act in.
		if !rc.P.InScope(x.OrgID) {
			continue
		}
		row := draftRow{TriggerDraft: x, StateLabel: s.hazardLabel(rc.Lang, "hazards.draft_state", string(x.State))}
		if rule, err := s.Store.TriggerRules().Get(ctx, x.RuleID); err == nil {
			row.RuleName = rule.Name
		}
		d.Drafts = append(d.Drafts, row)
	}
	d.Row = s.hazardRow(rc.Lang, d.Event)
	return d, nil
}

// pagePlaces is how many places the event page lists; the API gives them all.
const pagePlaces = 20

func (s *Server) hazardPage(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	d, err := s.hazardDetail(r, rc)
	if errors.Is(err, store.ErrNotFound) {
		s.renderError(w, r, rc, http.StatusNotFound, "")
		return
	}
	if err != nil {
		s.internal(w, r, rc, err)
		return
	}
	est, err := s.assess(r, d.Event)
	d.Impact = impactView(est, err, string(rc.Lang))
	d.Impact.Footprint = nil // the map fetches it
	d.Impact.Places = d.Impact.Places[:min(len(d.Impact.Places), pagePlaces)]
	if d.Impact.Level != "" {
		d.Impact.LevelLabel = s.hazardLabel(rc.Lang, "hazards.level", string(d.Impact.Level))
	}
	s.render(w, r, rc, http.StatusOK, "hazard", pageData{TitleKey: "hazards.event_title", Nav: "hazards", Data: d})
}

type sourcesData struct {
	Sources []store.HazardSource
	Kinds   []string
}

func (s *Server) renderSources(w http.ResponseWriter, r *http.Request, rc *reqCtx, status int, d pageData) {
	srcs, err := s.Store.HazardSources().List(r.Context())
	if err != nil {
		s.internal(w, r, rc, err)
		return
	}
	d.TitleKey, d.Nav, d.Data = "hazards.sources_title", "hazards", sourcesData{Sources: srcs, Kinds: []string{"usgs", "gdacs", "cap"}}
	s.render(w, r, rc, status, "hazard_sources", d)
}

func (s *Server) sourcesPage(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	s.renderSources(w, r, rc, http.StatusOK, pageData{})
}

// formResult renders a page after a form: the notice on success, the error otherwise.
func formResult(err error, notice string) (int, pageData) {
	switch {
	case err == nil:
		return http.StatusOK, pageData{NoticeKey: notice}
	case errors.Is(err, hazard.ErrInvalid), errors.Is(err, store.ErrInvalidRecord):
		return http.StatusUnprocessableEntity, pageData{ErrorKey: "hazards.invalid", Detail: err.Error()}
	case errors.Is(err, hazard.ErrForbidden):
		return http.StatusForbidden, pageData{ErrorKey: "error.forbidden"}
	case errors.Is(err, store.ErrNotFound):
		return http.StatusNotFound, pageData{ErrorKey: "error.not_found"}
	}
	return http.StatusInternalServerError, pageData{ErrorKey: "error.internal"}
}

func (s *Server) sourceCreate(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	if err := r.ParseForm(); err != nil {
		s.formError(w, r, rc, err)
		return
	}
	secs, _ := strconv.ParseInt(r.PostForm.Get("interval"), 10, 64)
	x := store.HazardSource{Name: strings.TrimSpace(r.PostForm.Get("name")), Kind: store.SourceKind(r.PostForm.Get("kind")),
		URL: strings.TrimSpace(r.PostForm.Get("url")), Interval: time.Duration(secs) * time.Second, Enabled: true}
	status, d := formResult(s.hazardAdmin().AddSource(r.Context(), rc.P, &x), "hazards.source_added")
	s.renderSources(w, r, rc, status, d)
}

func (s *Server) sourceToggle(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	if err := r.ParseForm(); err != nil {
		s.formError(w, r, rc, err)
		return
	}
	x, err := s.Store.HazardSources().Get(r.Context(), r.PathValue("id"))
	if err == nil {
		x.Enabled = r.PostForm.Get("enabled") == "1"
		err = s.hazardAdmin().UpdateSource(r.Context(), rc.P, &x)
	}
	status, d := formResult(err, "hazards.source_saved")
	s.renderSources(w, r, rc, status, d)
}

func (s *Server) sourceDelete(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	status, d := formResult(s.hazardAdmin().DeleteSource(r.Context(), rc.P, r.PathValue("id")), "hazards.source_deleted")
	s.renderSources(w, r, rc, status, d)
}

type triggersData struct {
	Rules     []ruleRow
	Orgs      []orgRow
	Types     []typeOption
	Languages []string
}

type ruleRow struct {
	store.TriggerRule
	OrgName    string
	TypeLabels []string
}

type typeOption struct{ Code, Label string }

func (s *Server) renderTriggers(w http.ResponseWriter, r *http.Request, rc *reqCtx, status int, d pageData) {
	ctx := r.Context()
	rules, err := s.Store.TriggerRules().List(ctx, rc.P.Scope)
	if err != nil {
		s.internal(w, r, rc, err)
		return
	}
	orgs, err := s.scopedOrgs(ctx, rc.P, string(rc.Lang))
	if err != nil {
		s.internal(w, r, rc, err)
		return
	}
	names := map[string]string{}
	for _, o := range orgs {
		names[o.ID] = o.LocalName
	}
	td := triggersData{Orgs: orgs, Languages: []string{"ru", "zh"}}
	for _, t := range feed.Types() {
		td.Types = append(td.Types, typeOption{t, s.hazardLabel(rc.Lang, "hazards.type", t)})
	}
	for _, x := range rules {
		row := ruleRow{TriggerRule: x, OrgName: names[x.OrgID]}
		for _, t := range x.HazardTypes {
			row.TypeLabels = append(row.TypeLabels, s.hazardLabel(rc.Lang, "hazards.type", t))
		}
		td.Rules = append(td.Rules, row)
	}
	d.TitleKey, d.Nav, d.Data = "hazards.triggers_title", "hazards", td
	s.render(w, r, rc, status, "hazard_triggers", d)
}

func (s *Server) triggersPage(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	s.renderTriggers(w, r, rc, http.StatusOK, pageData{})
}

func (s *Server) triggerCreate(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	if err := r.ParseForm(); err != nil {
		s.formError(w, r, rc, err)
		return
	}
	f := r.PostForm
	mag, _ := strconv.ParseFloat(f.Get("min_magnitude"), 64)
	pop, _ := strconv.ParseInt(f.Get("min_population"), 10, 64)
	x := store.TriggerRule{OrgID: f.Get("org_id"), Name: strings.TrimSpace(f.Get("name")), HazardTypes: f["hazard_types"], MinMagnitude: mag,
		MinSeverity: f.Get("min_severity"), MinPopulation: pop, Languages: f["languages"], Enabled: true}
	for _, code := range strings.Split(f.Get("regions"), ",") {
		if code = strings.ToUpper(strings.TrimSpace(code)); code != "" && !slices.Contains(x.Regions, code) {
			x.Regions = append(x.Regions, code)
		}
	}
	if p := strings.TrimSpace(f.Get("polygon")); p != "" {
		x.Polygon = json.RawMessage(p)
	}
	status, d := formResult(s.hazardAdmin().AddRule(r.Context(), rc.P, &x), "hazards.rule_added")
	s.renderTriggers(w, r, rc, status, d)
}

func (s *Server) triggerDelete(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	status, d := formResult(s.hazardAdmin().DeleteRule(r.Context(), rc.P, r.PathValue("id")), "hazards.rule_deleted")
	s.renderTriggers(w, r, rc, status, d)
}
