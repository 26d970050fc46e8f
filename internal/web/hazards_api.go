package web

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/paulmach/orb/geojson"

	"github.com/taawun/taawun/internal/auth"
	"github.com/taawun/taawun/internal/geodata"
	"github.com/taawun/taawun/internal/hazard"
	"github.com/taawun/taawun/internal/impact"
	"github.com/taawun/taawun/internal/store"
)

// hazardRoutes are the hazard monitoring pages and API: events, sources, trigger rules.
func (s *Server) hazardRoutes() []route {
	return []route{
		{method: "GET", pattern: "/hazards", access: loggedIn, perm: auth.PermViewDashboard, kind: kindPage, handle: s.hazardsPage},
		{method: "GET", pattern: "/hazards/{id}", access: loggedIn, perm: auth.PermViewDashboard, kind: kindPage, handle: s.hazardPage},
		{method: "GET", pattern: "/sources", access: loggedIn, perm: auth.PermViewDashboard, kind: kindPage, handle: s.sourcesPage},
		{method: "POST", pattern: "/sources", access: loggedIn, perm: auth.PermManageSources, kind: kindPage, handle: s.sourceCreate},
		{method: "POST", pattern: "/sources/{id}", access: loggedIn, perm: auth.PermManageSources, kind: kindPage, handle: s.sourceToggle},
		{method: "POST", pattern: "/sources/{id}/delete", access: loggedIn, perm: auth.PermManageSources, kind: kindPage, handle: s.sourceDelete},
		{method: "GET", pattern: "/triggers", access: loggedIn, perm: auth.PermViewDashboard, kind: kindPage, handle: s.triggersPage},
		{method: "POST", pattern: "/triggers", access: loggedIn, perm: auth.PermManageTriggers, kind: kindPage, handle: s.triggerCreate},
		{method: "POST", pattern: "/triggers/{id}/delete", access: loggedIn, perm: auth.PermManageTriggers, kind: kindPage, handle: s.triggerDelete},

		{method: "GET", pattern: "/api/v1/hazard-events", access: loggedIn, perm: auth.PermViewDashboard, kind: kindAPI, summary: "Hazard events read from the sources, newest first (query type, limit)", tag: "hazards", respSchema: "HazardEventList", handle: s.apiHazardEvents},
		{method: "GET", pattern: "/api/v1/hazard-events/{id}", access: loggedIn, perm: auth.PermViewDashboard, kind: kindAPI, summary: "One hazard event with its revisions and the drafts it triggered", tag: "hazards", respSchema: "HazardEventDetail", handle: s.apiHazardEvent},
		{method: "GET", pattern: "/api/v1/hazard-events/{id}/impact", access: loggedIn, perm: auth.PermViewDashboard, kind: kindAPI, summary: "The impact estimate of an event: intensity bands or areas, population, provinces, places, the population layer counted, and the footprint as GeoJSON", tag: "hazards", respSchema: "HazardImpact", handle: s.apiHazardImpact},
		{method: "GET", pattern: "/api/v1/sources", access: loggedIn, perm: auth.PermViewDashboard, kind: kindAPI, summary: "Hazard sources with their health", tag: "hazards", respSchema: "HazardSourceList", handle: s.apiSources},
		{method: "POST", pattern: "/api/v1/sources", access: loggedIn, perm: auth.PermManageSources, kind: kindAPI, summary: "Add a hazard source (polled at once)", tag: "hazards", reqSchema: "HazardSourceInput", respSchema: "HazardSource", handle: s.apiSourceCreate},
		{method: "PUT", pattern: "/api/v1/sources/{id}", access: loggedIn, perm: auth.PermManageSources, kind: kindAPI, summary: "Change a hazard source", tag: "hazards", reqSchema: "HazardSourceInput", respSchema: "HazardSource", handle: s.apiSourceUpdate},
		{method: "DELETE", pattern: "/api/v1/sources/{id}", access: loggedIn, perm: auth.PermManageSources, kind: kindAPI, summary: "Remove a hazard source (its events stay)", tag: "hazards", handle: s.apiSourceDelete},
		{method: "GET", pattern: "/api/v1/triggers", access: loggedIn, perm: auth.PermViewDashboard, kind: kindAPI, summary: "Trigger rules of the organisations the caller acts in", tag: "hazards", respSchema: "TriggerRuleList", handle: s.apiTriggers},
		{method: "POST", pattern: "/api/v1/triggers", access: loggedIn, perm: auth.PermManageTriggers, kind: kindAPI, summary: "Add a trigger rule that drafts warnings from matching hazard events", tag: "hazards", reqSchema: "TriggerRuleInput", respSchema: "TriggerRule", handle: s.apiTriggerCreate},
		{method: "PUT", pattern: "/api/v1/triggers/{id}", access: loggedIn, perm: auth.PermManageTriggers, kind: kindAPI, summary: "Change a trigger rule", tag: "hazards", reqSchema: "TriggerRuleInput", respSchema: "TriggerRule", handle: s.apiTriggerUpdate},
		{method: "DELETE", pattern: "/api/v1/triggers/{id}", access: loggedIn, perm: auth.PermManageTriggers, kind: kindAPI, summary: "Remove a trigger rule (its drafts stay)", tag: "hazards", handle: s.apiTriggerDelete},
	}
}

var (
	hzNum      = map[string]any{"type": "number"}
	hzInt      = map[string]any{"type": "integer"}
	hzTime     = map[string]any{"type": "string", "format": "date-time"}
	hzStrs     = map[string]any{"type": "array", "items": map[string]any{"type": "string"}}
	hzKind     = map[string]any{"type": "string", "enum": []string{"usgs", "gdacs", "cap"}}
	hazardItem = object([]string{"id", "type", "time", "lat", "lon", "revision"}, map[string]any{
		"id": str, "type": str, "title": str, "time": hzTime, "updated": hzTime, "expires": hzTime, "lat": hzNum, "lon": hzNum,
		"depth_km": hzNum, "magnitude": hzNum, "severity": str, "alert_level": str, "tsunami": map[string]any{"type": "boolean"},
		"cancelled": map[string]any{"type": "boolean"}, "geometry": geometry, "regions": hzStrs, "area_desc": str, "country": str,
		"keys": hzStrs, "links": hzStrs, "revision": hzInt, "source_id": str})
)

var hazardSchemas = map[string]any{
	"HazardEvent":     hazardItem,
	"HazardEventList": list("events", "HazardEvent"),
	"HazardEventDetail": object([]string{"event"}, map[string]any{"event": ref("HazardEvent"),
		"revisions": map[string]any{"type": "array", "items": object(nil, map[string]any{"seq": hzInt, "source_id": str, "updated": hzTime, "at": hzTime, "data": map[string]any{"type": "object"}})},
		"drafts": map[string]any{"type": "array", "items": object(nil, map[string]any{"rule_id": str, "org_id": str, "alert_id": str,
			"state": map[string]any{"type": "string", "enum": []string{"pending", "drafted", "skipped"}}, "reason": str, "event_revision": hzInt})}}),
	"HazardImpact": object([]string{"layer"}, map[string]any{
		"error": str, "level": str, "population": hzInt,
		"layer":             map[string]any{"type": "string", "enum": []string{"grid", "places"}},
		"urban_lower_bound": map[string]any{"type": "boolean", "description": "true when only GeoNames towns and cities were counted"},
		"bands":             map[string]any{"type": "array", "items": object(nil, map[string]any{"mmi": hzInt, "population": hzInt, "radius_km": hzNum})},
		"provinces":         map[string]any{"type": "array", "items": object(nil, map[string]any{"code": str, "names": strMap, "population": hzInt, "max_mmi": hzNum})},
		"places": map[string]any{"type": "array", "items": object(nil, map[string]any{"name": str, "country": str, "province": str, "lat": hzNum, "lon": hzNum,
			"names":      map[string]any{"type": "object", "description": "the place's Urdu, Russian and Chinese names where known", "properties": map[string]any{"ur": str, "ru": str, "zh": str}},
			"population": hzInt, "distance_km": hzNum, "mmi": hzNum})},
		"footprint": map[string]any{"type": "object", "description": "GeoJSON FeatureCollection: intensity discs (property mmi) or the warning's areas"}}),
	"HazardSource": object([]string{"id", "name", "kind", "url", "interval_seconds", "enabled"}, map[string]any{
		"id": str, "name": str, "kind": hzKind, "url": str, "interval_seconds": hzInt, "enabled": map[string]any{"type": "boolean"},
		"next_poll": hzTime, "failures": hzInt, "last_poll": hzTime, "last_success": hzTime, "last_error": str, "last_error_at": hzTime,
		"items_seen": hzInt, "items_skipped": hzInt, "events_new": hzInt, "events_updated": hzInt, "last_skips": hzStrs}),
	"HazardSourceList": list("sources", "HazardSource"),
	"HazardSourceInput": object([]string{"name", "kind", "url", "interval_seconds"}, map[string]any{
		"name": str, "kind": hzKind, "url": str, "interval_seconds": map[string]any{"type": "integer", "minimum": 30}, "enabled": map[string]any{"type": "boolean"}}),
	"TriggerRule": object([]string{"id", "org_id", "name"}, map[string]any{
		"id": str, "org_id": str, "name": str, "hazard_types": hzStrs, "min_magnitude": hzNum, "min_severity": str, "min_population": hzInt,
		"regions": hzStrs, "polygon": geometry, "languages": hzStrs, "enabled": map[string]any{"type": "boolean"}, "created_by": str}),
	"TriggerRuleList": list("rules", "TriggerRule"),
	"TriggerRuleInput": object([]string{"org_id", "name"}, map[string]any{
		"org_id": str, "name": str, "hazard_types": hzStrs, "min_magnitude": hzNum,
		"min_severity":   map[string]any{"type": "string", "enum": []string{"", "Minor", "Moderate", "Severe", "Extreme"}},
		"min_population": map[string]any{"type": "integer", "minimum": 0}, "regions": hzStrs, "polygon": geometry,
		"languages": map[string]any{"type": "array", "items": map[string]any{"type": "string", "enum": []string{"ru", "zh"}}}, "enabled": map[string]any{"type": "boolean"}}),
}

type hazardJSON struct {
	ID         string          `json:"id"`
	Type       string          `json:"type"`
	Title      string          `json:"title"`
	Time       time.Time       `json:"time"`
	Updated    time.Time       `json:"updated"`
	Expires    time.Time       `json:"expires,omitzero"`
	Lat        float64         `json:"lat"`
	Lon        float64         `json:"lon"`
	DepthKm    *float64        `json:"depth_km,omitempty"`
	Magnitude  *float64        `json:"magnitude,omitempty"`
	Severity   string          `json:"severity,omitempty"`
	AlertLevel string          `json:"alert_level,omitempty"`
	Tsunami    bool            `json:"tsunami"`
	Cancelled  bool            `json:"cancelled"`
	Geometry   json.RawMessage `json:"geometry,omitempty"`
	Regions    []string        `json:"regions,omitempty"`
	AreaDesc   string          `json:"area_desc,omitempty"`
	Country    string          `json:"country,omitempty"`
	Keys       []string        `json:"keys,omitempty"`
	Links      []string        `json:"links"`
	Revision   int             `json:"revision"`
	SourceID   string          `json:"source_id"`
}

func toHazardJSON(e store.HazardEvent) hazardJSON {
	return hazardJSON{e.ID, e.Type, e.Title, e.Time, e.Updated, e.Expires, e.Lat, e.Lon, e.DepthKm, e.Magnitude, e.Severity, e.AlertLevel,
		e.Tsunami, e.Cancelled, e.Geometry, e.Regions, e.AreaDesc, e.Country, e.Keys, e.Links, e.Revision, e.SourceID}
}

func (s *Server) apiHazardEvents(w http.ResponseWriter, r *http.Request, _ *reqCtx) {
	f := store.HazardEventFilter{Limit: 200}
	if t := r.URL.Query().Get("type"); t != "" {
		f.Types = []string{t}
	}
	if n, err := strconv.Atoi(r.URL.Query().Get("limit")); err == nil && n > 0 && n <= 1000 {
		f.Limit = n
	}
	evs, err := s.Store.HazardEvents().List(r.Context(), f)
	if err != nil {
		s.apiInternal(w, r, err)
		return
	}
	out := make([]hazardJSON, 0, len(evs))
	for _, e := range evs {
		e.Geometry = nil // lists stay small; the event itself has its geometry
		out = append(out, toHazardJSON(e))
	}
	writeJSON(w, http.StatusOK, map[string]any{"events": out})
}

type revisionJSON struct {
	Seq      int             `json:"seq"`
	SourceID string          `json:"source_id"`
	Updated  time.Time       `json:"updated"`
	At       time.Time       `json:"at"`
	Data     json.RawMessage `json:"data"`
}

type draftJSON struct {
	RuleID   string             `json:"rule_id"`
	OrgID    string             `json:"org_id"`
	AlertID  string             `json:"alert_id,omitempty"`
	State    store.TriggerState `json:"state"`
	Reason   string             `json:"reason,omitempty"`
	Revision int                `json:"event_revision"`
}

func (s *Server) apiHazardEvent(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	d, err := s.hazardDetail(r, rc)
	if s.apiNotFound(w, r, err) {
		return
	}
	revs := make([]revisionJSON, 0, len(d.Revisions))
	for _, v := range d.Revisions {
		revs = append(revs, revisionJSON{v.Seq, v.SourceID, v.Updated, v.At, v.Data})
	}
	drafts := make([]draftJSON, 0, len(d.Drafts))
	for _, x := range d.Drafts {
		drafts = append(drafts, draftJSON{x.RuleID, x.OrgID, x.AlertID, x.State, x.Reason, x.EventRevision})
	}
	writeJSON(w, http.StatusOK, map[string]any{"event": toHazardJSON(d.Event), "revisions": revs, "drafts": drafts})
}

// apiNotFound answers a store error: 404 for a missing record, 500 otherwise; it reports
// whether it answered.
func (s *Server) apiNotFound(w http.ResponseWriter, r *http.Request, err error) bool {
	switch {
	case err == nil:
		return false
	case errors.Is(err, store.ErrNotFound):
		writeProblem(w, http.StatusNotFound, "no such record")
	default:
		s.apiInternal(w, r, err)
	}
	return true
}

type impactJSON struct {
	Error           string                     `json:"error,omitempty"`
	Level           impact.Level               `json:"level,omitempty"`
	LevelLabel      string                     `json:"-"`
	Population      int64                      `json:"population"`
	Layer           impact.Layer               `json:"layer"`
	UrbanLowerBound bool                       `json:"urban_lower_bound"`
	Bands           []bandJSON                 `json:"bands,omitempty"`
	Provinces       []provinceJSON             `json:"provinces,omitempty"`
	Places          []placeJSON                `json:"places,omitempty"`
	Footprint       *geojson.FeatureCollection `json:"footprint,omitempty"`
}

type bandJSON struct {
	MMI        int     `json:"mmi"`
	Roman      string  `json:"roman"`
	Population int64   `json:"population"`
	RadiusKm   float64 `json:"radius_km"`
}

type provinceJSON struct {
	Code       string            `json:"code"`
	Name       string            `json:"name"`
	Names      map[string]string `json:"names,omitempty"`
	Population int64             `json:"population"`
	MaxMMI     float64           `json:"max_mmi,omitempty"`
}

type placeJSON struct {
	// Name is in the reader's language where the gazetteer knows it, else the GeoNames name.
	Name       string        `json:"name"`
	Names      geodata.Names `json:"names"`
	Country    string        `json:"country"`
	Province   string        `json:"province,omitempty"`
	Lat        float64       `json:"lat"`
	Lon        float64       `json:"lon"`
	Population int64         `json:"population"`
	DistanceKm float64       `json:"distance_km,omitempty"`
	MMI        float64       `json:"mmi,omitempty"`
}

var romanMMI = []string{"", "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X+"}

// impactView turns an estimate (or why there is none) into what the page and API show.
func impactView(est impact.Estimate, err error, lang string) impactJSON {
	if err != nil {
		return impactJSON{Error: err.Error(), Layer: est.Layer}
	}
	v := impactJSON{Level: est.Level, Population: est.Population, Layer: est.Layer, UrbanLowerBound: est.Layer == impact.LayerPlaces, Footprint: est.Footprint}
	for _, b := range est.Bands {
		v.Bands = append(v.Bands, bandJSON{b.MMI, romanMMI[min(b.MMI, len(romanMMI)-1)], b.Population, b.RadiusKm})
	}
	for _, p := range est.Provinces {
		name := p.Names[lang]
		if name == "" {
			name = p.Names["en"]
		}
		v.Provinces = append(v.Provinces, provinceJSON{p.Code, name, p.Names, p.Population, p.MaxMMI})
	}
	for _, p := range est.Places {
		name := p.Names.In(lang)
		if name == "" {
			name = p.Name
		}
		v.Places = append(v.Places, placeJSON{name, p.Names, p.Country, p.Province, p.Lat, p.Lon, p.Population, p.DistanceKm, p.MMI})
	}
	return v
}

func (s *Server) apiHazardImpact(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	e, err := s.Store.HazardEvents().Get(r.Context(), r.PathValue("id"))
	if s.apiNotFound(w, r, err) {
		return
	}
	est, err := s.assess(r, e)
	writeJSON(w, http.StatusOK, impactView(est, err, string(rc.Lang)))
}

// assess estimates an event's impact over the population layers in force.
func (s *Server) assess(r *http.Request, e store.HazardEvent) (impact.Estimate, error) {
	if _, err := s.Population.Ensure(liveGeography(r), s.Store.Geography()); err != nil {
		return impact.Estimate{}, err
	}
	return hazard.Assess(impact.New(s.Population), e)
}

type sourceJSON struct {
	ID            string           `json:"id"`
	Name          string           `json:"name"`
	Kind          store.SourceKind `json:"kind"`
	URL           string           `json:"url"`
	Interval      int64            `json:"interval_seconds"`
	Enabled       bool             `json:"enabled"`
	NextPoll      time.Time        `json:"next_poll"`
	Failures      int              `json:"failures"`
	LastPoll      time.Time        `json:"last_poll,omitzero"`
	LastSuccess   time.Time        `json:"last_success,omitzero"`
	LastError     string           `json:"last_error,omitempty"`
	LastErrorAt   time.Time        `json:"last_error_at,omitzero"`
	ItemsSeen     int64            `json:"items_seen"`
	ItemsSkipped  int64            `json:"items_skipped"`
	EventsNew     int64            `json:"events_new"`
	EventsUpdated int64            `json:"events_updated"`
	LastSkips     []string         `json:"last_skips"`
}

func toSourceJSON(x store.HazardSource) sourceJSON {
	return sourceJSON{x.ID, x.Name, x.Kind, x.URL, int64(x.Interval / time.Second), x.Enabled, x.NextPoll, x.Failures, x.LastPoll, x.LastSuccess,
		x.LastError, x.LastErrorAt, x.ItemsSeen, x.ItemsSkipped, x.EventsNew, x.EventsUpdated, x.LastSkips}
}

func (s *Server) apiSources(w http.ResponseWriter, r *http.Request, _ *reqCtx) {
	srcs, err := s.Store.HazardSources().List(r.Context())
	if err != nil {
		s.apiInternal(w, r, err)
		return
	}
	out := make([]sourceJSON, 0, len(srcs))
	for _, x := range srcs {
		out = append(out, toSourceJSON(x))
	}
	writeJSON(w, http.StatusOK, map[string]any{"sources": out})
}

type sourceInput struct {
	Name     string           `json:"name"`
	Kind     store.SourceKind `json:"kind"`
	URL      string           `json:"url"`
	Interval int64            `json:"interval_seconds"`
	Enabled  *bool            `json:"enabled"`
}

func (in sourceInput) source(id string) store.HazardSource {
	x := store.HazardSource{Name: in.Name, Kind: in.Kind, URL: in.URL, Interval: time.Duration(in.Interval) * time.Second, Enabled: in.Enabled == nil || *in.Enabled}
	x.ID = id
	return x
}

func (s *Server) apiSourceCreate(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	var in sourceInput
	if !decodeJSON(w, r, &in) {
		return
	}
	x := in.source("")
	if s.apiHazardError(w, r, s.hazardAdmin().AddSource(r.Context(), rc.P, &x)) {
		return
	}
	writeJSON(w, http.StatusCreated, toSourceJSON(x))
}

func (s *Server) apiSourceUpdate(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	var in sourceInput
	if !decodeJSON(w, r, &in) {
		return
	}
	x := in.source(r.PathValue("id"))
	if s.apiHazardError(w, r, s.hazardAdmin().UpdateSource(r.Context(), rc.P, &x)) {
		return
	}
	got, err := s.Store.HazardSources().Get(r.Context(), x.ID)
	if s.apiNotFound(w, r, err) {
		return
	}
	writeJSON(w, http.StatusOK, toSourceJSON(got))
}

func (s *Server) apiSourceDelete(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	if s.apiHazardError(w, r, s.hazardAdmin().DeleteSource(r.Context(), rc.P, r.PathValue("id"))) {
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// apiHazardError answers the errors of the hazard configuration calls; it reports whether it
// answered.
func (s *Server) apiHazardError(w http.ResponseWriter, r *http.Request, err error) bool {
	switch {
	case err == nil:
		return false
	case errors.Is(err, hazard.ErrInvalid), errors.Is(err, store.ErrInvalidRecord):
		writeProblem(w, http.StatusUnprocessableEntity, err.Error())
	case errors.Is(err, hazard.ErrForbidden):
		writeProblem(w, http.StatusForbidden, "not permitted for this organisation")
	default:
		return s.apiNotFound(w, r, err)
	}
	return true
}

type ruleJSON struct {
	ID            string          `json:"id"`
	OrgID         string          `json:"org_id"`
	Name          string          `json:"name"`
	HazardTypes   []string        `json:"hazard_types"`
	MinMagnitude  float64         `json:"min_magnitude"`
	MinSeverity   string          `json:"min_severity"`
	MinPopulation int64           `json:"min_population"`
	Regions       []string        `json:"regions"`
	Polygon       json.RawMessage `json:"polygon,omitempty"`
	Languages     []string        `json:"languages"`
	Enabled       bool            `json:"enabled"`
	CreatedBy     string          `json:"created_by,omitempty"`
}

func toRuleJSON(x store.TriggerRule) ruleJSON {
	return ruleJSON{x.ID, x.OrgID, x.Name, x.HazardTypes, x.MinMagnitude, x.MinSeverity, x.MinPopulation, x.Regions, x.Polygon, x.Languages, x.Enabled, x.CreatedBy}
}

type ruleInput struct {
	OrgID         string          `json:"org_id"`
	Name          string          `json:"name"`
	HazardTypes   []string        `json:"hazard_types"`
	MinMagnitude  float64         `json:"min_magnitude"`
	MinSeverity   string          `json:"min_severity"`
	MinPopulation int64           `json:"min_population"`
	Regions       []string        `json:"regions"`
	Polygon       json.RawMessage `json:"polygon"`
	Languages     []string        `json:"languages"`
	Enabled       *bool           `json:"enabled"`
}

func (in ruleInput) rule(id string) store.TriggerRule {
	x := store.TriggerRule{OrgID: in.OrgID, Name: in.Name, HazardTypes: in.HazardTypes, MinMagnitude: in.MinMagnitude, MinSeverity: in.MinSeverity,
		MinPopulation: in.MinPopulation, Regions: in.Regions, Polygon: in.Polygon, Languages: in.Languages, Enabled: in.Enabled == nil || *in.Enabled}
	x.ID = id
	return x
}

func (s *Server) apiTriggers(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	rules, err := s.Store.TriggerRules().List(r.Context(), rc.P.Scope)
	if err != nil {
		s.apiInternal(w, r, err)
		return
	}
	out := make([]ruleJSON, 0, len(rules))
	for _, x := range rules {
		out = append(out, toRuleJSON(x))
	}
	writeJSON(w, http.StatusOK, map[string]any{"rules": out})
}

func (s *Server) apiTriggerCreate(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	var in ruleInput
	if !decodeJSON(w, r, &in) {
		return
	}
	x := in.rule("")
	if s.apiHazardError(w, r, s.hazardAdmin().AddRule(r.Context(), rc.P, &x)) {
		return
	}
	writeJSON(w, http.StatusCreated, toRuleJSON(x))
}

func (s *Server) apiTriggerUpdate(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	var in ruleInput
	if !decodeJSON(w, r, &in) {
		return
	}
	x := in.rule(r.PathValue("id"))
	if s.apiHazardError(w, r, s.hazardAdmin().UpdateRule(r.Context(), rc.P, &x)) {
		return
	}
	writeJSON(w, http.StatusOK, toRuleJSON(x))
}

func (s *Server) apiTriggerDelete(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	if s.apiHazardError(w, r, s.hazardAdmin().DeleteRule(r.Context(), rc.P, r.PathValue("id"))) {
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) hazardAdmin() *hazard.Admin { return &hazard.Admin{Store: s.Store} }
