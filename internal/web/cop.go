package web

import (
	"encoding/json"
	"maps"
	"net/http"
	"slices"
	"sync"

	"github.com/taawun/taawun/internal/auth"
	"github.com/taawun/taawun/internal/i18n"
	"github.com/taawun/taawun/internal/ops"
	"github.com/taawun/taawun/internal/store"
)

// copRoutes: the common operating picture, its API and its page.
func (s *Server) copRoutes() []route {
	return []route{
		{method: "GET", pattern: "/ops", access: loggedIn, perm: auth.PermViewDashboard, kind: kindPage, handle: s.copPage},
		{method: "GET", pattern: "/api/v1/cop", access: loggedIn, perm: auth.PermViewDashboard, kind: kindAPI, tag: "operations",
			summary:    "The common operating picture: one GeoJSON FeatureCollection per layer (query bbox=west,south,east,north; layers=incident,shelter,warehouse,team,request,offer,distribution,alert,hazard; incident; status — alert: the caller's warnings in effect, hazard: events of the last 30 days), at most 2000 features a layer",
			respSchema: "COP", handle: s.apiCOP},
		{method: "GET", pattern: "/api/v1/ops/dashboard", access: loggedIn, perm: auth.PermViewDashboard, kind: kindAPI, tag: "operations",
			summary: "Key figures: records by kind and status, overdue tasks, shelter capacity and occupancy", respSchema: "OpsDashboard", handle: s.apiOpsDashboard},
	}
}

func (s *Server) apiCOP(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	q := r.URL.Query()
	box, err := parseBBox(q.Get("bbox"))
	if err != nil {
		writeProblemField(w, http.StatusBadRequest, err.Error(), "bbox")
		return
	}
	// The operational layers and the warnings and hazard layers (cop_layers.go).
	cop, err := s.copPicture(r, rc, ops.COPFilter{Box: box, IncidentID: q.Get("incident"), Statuses: splitList(q.Get("status"))}, splitList(q.Get("layers")))
	if err != nil {
		s.apiOpsError(w, r, err)
		return
	}
	// Compact, unlike the other answers: the picture is the largest answer a busy map asks
	// for again and again.
	buf := s.copBodies.get()
	defer s.copBodies.put(buf)
	body, err := appendCOP((*buf)[:0], cop)
	*buf = body
	if err != nil {
		s.apiOpsError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "private, no-store")
	_, _ = w.Write(body)
}

// copBodies are buffers for the picture's answers, reused: an answer is the largest garbage a
// busy server makes, and garbage sets how often the collector runs.
type copBodies struct{ pool sync.Pool }

// copBodyKept bounds the buffers kept for reuse; the rare larger answer's is left to the
// collector rather than held.
const copBodyKept = 4 << 20

func (p *copBodies) get() *[]byte {
	if b, ok := p.pool.Get().(*[]byte); ok {
		return b
	}
	return new([]byte)
}

func (p *copBodies) put(b *[]byte) {
	if cap(*b) <= copBodyKept {
		p.pool.Put(b)
	}
}

// appendCOP appends the picture as json.Encoder writes it, the operational layers by
// ops.Layer.AppendJSON, which copies their features' kept encodings.
func appendCOP(b []byte, cop map[string]any) ([]byte, error) {
	size := 2
	for name, v := range cop {
		size += len(name) + 4
		if l, ok := v.(ops.Layer); ok {
			size += l.SizeHint()
		}
	}
	b = append(slices.Grow(b, size), '{')
	for i, name := range slices.Sorted(maps.Keys(cop)) {
		key, err := json.Marshal(name)
		if err != nil {
			return b, err
		}
		if i > 0 {
			b = append(b, ',')
		}
		b = append(append(b, key...), ':')
		if l, ok := cop[name].(ops.Layer); ok {
			b, err = l.AppendJSON(b)
		} else {
			var v []byte
			v, err = json.Marshal(cop[name])
			b = append(b, v...)
		}
		if err != nil {
			return b, err
		}
	}
	return append(b, '}', '\n'), nil
}

func (s *Server) apiOpsDashboard(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	d, err := s.Ops.Dashboard(r.Context(), rc.P)
	if err != nil {
		s.apiOpsError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, d)
}

// copData is what the operating picture page shows before its script takes over.
type copData struct {
	Dashboard ops.Dashboard
	Figures   copFigures
	Layers    []option
	Incidents []store.OpsRecord
	// Labels is JSON for the script: layer, status and property names in the page's language.
	Labels string
	// Own are the warnings and hazard layers' toggles and labels (cop_layers.go).
	Own copOwnPage
}

// copFigures are the dashboard's headline numbers.
type copFigures struct {
	Incidents, TeamsDeployed, OpenRequests int
}

func dashboardFigures(d ops.Dashboard) copFigures {
	c := d.Counts
	return copFigures{Incidents: c[store.OpsIncident]["active"] + c[store.OpsIncident]["contained"], TeamsDeployed: c[store.OpsTeam]["deployed"],
		OpenRequests: c[store.OpsRequest]["open"] + c[store.OpsRequest]["dispatched"]}
}

// copLabels names, in lang, what the map's popups and legend show.
func (s *Server) copLabels(lang i18n.Lang) (string, error) {
	labels := map[string]map[string]string{"layer": {}, "status": {}, "prop": {}, "hazard": {}, "urgency": {}}
	for _, h := range hazardCodes() {
		labels["hazard"][h] = s.label(lang, "hazard", h)
	}
	for _, u := range ops.Urgencies {
		labels["urgency"][u] = s.label(lang, "ops.urgency", u)
	}
	for _, k := range ops.COPLayers {
		labels["layer"][string(k)] = s.label(lang, "ops.layer", string(k))
		for _, st := range ops.Statuses(k) {
			labels["status"][st] = s.label(lang, "ops.status", st)
		}
	}
	labels["status"]["done"] = s.label(lang, "ops.status", "done")
	for _, p := range []string{"capacity", "occupants", "urgency", "quantity", "delivered", "size", "hazard"} {
		labels["prop"][p] = s.label(lang, "ops.prop", p)
	}
	b, err := json.Marshal(labels)
	return string(b), err
}

func (s *Server) copPage(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	d, err := s.Ops.Dashboard(r.Context(), rc.P)
	if err != nil {
		s.internal(w, r, rc, err)
		return
	}
	incidents, err := s.Ops.List(r.Context(), rc.P, store.OpsFilter{Kinds: []store.OpsKind{store.OpsIncident}, Statuses: []string{"active", "contained"}, Limit: 200})
	if err != nil {
		s.internal(w, r, rc, err)
		return
	}
	labels, err := s.copLabels(rc.Lang)
	if err != nil {
		s.internal(w, r, rc, err)
		return
	}
	data := copData{Dashboard: d, Figures: dashboardFigures(d), Incidents: incidents, Labels: labels}
	if data.Own, err = s.copOwnPage(rc.Lang); err != nil {
		s.internal(w, r, rc, err)
		return
	}
	for _, k := range ops.COPLayers {
		data.Layers = append(data.Layers, option{string(k), s.label(rc.Lang, "ops.layer", string(k))})
	}
	s.render(w, r, rc, http.StatusOK, "ops_cop", pageData{TitleKey: "ops.cop.title", Nav: "ops", Data: data})
}
