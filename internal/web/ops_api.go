package web

import (
	"encoding/json"
	"errors"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/taawun/taawun/internal/auth"
	"github.com/taawun/taawun/internal/ops"
	"github.com/taawun/taawun/internal/store"
)

// opsKindPaths maps the API's collection names to record kinds. Distributions are created
// through their own route because they move stock.
var opsKindPaths = []struct {
	path string
	kind store.OpsKind
}{
	{"incidents", store.OpsIncident}, {"tasks", store.OpsTask}, {"shelters", store.OpsShelter}, {"teams", store.OpsTeam},
	{"warehouses", store.OpsWarehouse}, {"requests", store.OpsRequest}, {"offers", store.OpsOffer},
}

// opsRoutes: emergency operations. Every page action has its API route; the pages call them.
func (s *Server) opsRoutes() []route {
	var rs []route
	for _, k := range opsKindPaths {
		kind, base := k.kind, "/api/v1/"+k.path
		schema := opsSchemaName(kind)
		rs = append(rs,
			route{method: "GET", pattern: base, access: loggedIn, perm: auth.PermViewDashboard, kind: kindAPI, tag: "operations",
				summary: "The " + k.path + " the caller sees (query status, incident, bbox=west,south,east,north, after, limit ≤ 1000)", respSchema: "OpsRecordList",
				handle: func(w http.ResponseWriter, r *http.Request, rc *reqCtx) { s.apiOpsList(w, r, rc, kind) }},
			route{method: "POST", pattern: base, access: loggedIn, perm: auth.PermOperate, kind: kindAPI, tag: "operations",
				summary: "Create a " + string(kind) + " owned by the caller's organisation", reqSchema: schema + "Input", respSchema: "OpsRecord",
				handle: func(w http.ResponseWriter, r *http.Request, rc *reqCtx) { s.apiOpsCreate(w, r, rc, kind) }},
			route{method: "GET", pattern: base + "/{id}", access: loggedIn, perm: auth.PermViewDashboard, kind: kindAPI, tag: "operations",
				summary: "One " + string(kind), respSchema: "OpsRecord",
				handle: func(w http.ResponseWriter, r *http.Request, rc *reqCtx) { s.apiOpsGet(w, r, rc, kind) }},
			route{method: "PUT", pattern: base + "/{id}", access: loggedIn, perm: auth.PermOperate, kind: kindAPI, tag: "operations",
				summary: "Change a " + string(kind) + ": title, status, location, incident and data", reqSchema: schema + "Input", respSchema: "OpsRecord",
				handle: func(w http.ResponseWriter, r *http.Request, rc *reqCtx) { s.apiOpsUpdate(w, r, rc, kind) }},
		)
	}
	rs = append(rs, s.opsPageRoutes()...)
	rs = append(rs, s.copRoutes()...)
	return append(rs,
		route{method: "POST", pattern: "/api/v1/records/{id}/share", access: loggedIn, perm: auth.PermOperate, kind: kindAPI, tag: "operations",
			summary: "Share an operational record with one more organisation", reqSchema: "ShareInput", handle: s.apiOpsShare},
		route{method: "POST", pattern: "/api/v1/incidents/from-event", access: loggedIn, perm: auth.PermOperate, kind: kindAPI, tag: "operations",
			summary: "Open an incident for a hazard event of this node: title, hazard and place from the event, linked to it", reqSchema: "FromEventInput", respSchema: "OpsRecord", handle: s.apiIncidentFromEvent},
		route{method: "POST", pattern: "/api/v1/records/{id}/status", access: loggedIn, perm: auth.PermOperate, kind: kindAPI, tag: "operations",
			summary: "Change only the status of an operational record (statuses depend on its kind)", reqSchema: "StatusInput", respSchema: "OpsRecord", handle: s.apiOpsStatus},
		route{method: "GET", pattern: "/api/v1/incidents/{id}/log", access: loggedIn, perm: auth.PermViewDashboard, kind: kindAPI, tag: "operations",
			summary: "The incident's significant-events log as the caller may read it (query after, limit)", respSchema: "LogList", handle: s.apiLogList},
		route{method: "POST", pattern: "/api/v1/incidents/{id}/log", access: loggedIn, perm: auth.PermReportOps, kind: kindAPI, maxBody: logBodyLimit, tag: "operations",
			summary: "Write a log entry (pending until vetted), with up to 5 attachments of up to 10 MB (base64; JPEG, PNG, GIF, WebP, PDF, text)", reqSchema: "LogInput", respSchema: "LogEntry", handle: s.apiLogWrite},
		route{method: "POST", pattern: "/api/v1/log/{id}/vet", access: loggedIn, perm: auth.PermVetLog, kind: kindAPI, tag: "operations",
			summary: "Vet a pending entry onto the shared log, or turn it back with a reason (a controller of the lead organisation, not the author)", reqSchema: "VetInput", respSchema: "LogEntry", handle: s.apiLogVet},
		route{method: "GET", pattern: "/api/v1/attachments/{id}", access: loggedIn, perm: auth.PermViewDashboard, kind: kindAPI, tag: "operations",
			summary: "An attachment's bytes, with its sniffed content type", handle: s.apiAttachment},
		route{method: "GET", pattern: "/api/v1/log/export", access: loggedIn, perm: auth.PermViewDashboard, kind: kindAPI, tag: "operations",
			summary: "Export the shared (vetted) log as CSV, streamed (query incident to limit to one)", handle: s.apiLogExport},
		route{method: "POST", pattern: "/api/v1/incidents/{id}/sitreps", access: loggedIn, perm: auth.PermReportOps, kind: kindAPI, tag: "operations",
			summary: "Submit a situation report: cumulative figures of one area (ISO 3166-1/3166-2 code) as at a time not in the future", reqSchema: "SitrepInput", respSchema: "Sitrep", handle: s.apiSitrepSubmit},
		route{method: "GET", pattern: "/api/v1/incidents/{id}/sitreps", access: loggedIn, perm: auth.PermViewDashboard, kind: kindAPI, tag: "operations",
			summary: "Reports, cumulative roll-up (province = max(own, sum of districts); national likewise) and daily changes (query as_of)", respSchema: "SitrepSummary", handle: s.apiSitrepSummary},
		route{method: "GET", pattern: "/api/v1/incidents/{id}/report", access: loggedIn, perm: auth.PermViewDashboard, kind: kindAPI, tag: "operations",
			summary: "The situation report for partners (query format=json|xml|csv|geojson|pdf, as_of); PDF needs the server's chromium setting", handle: s.apiSitrepReport},
		route{method: "GET", pattern: "/api/v1/checklists", access: loggedIn, perm: auth.PermViewDashboard, kind: kindAPI, tag: "operations",
			summary: "Standard operating procedures per hazard, in four languages", handle: s.apiChecklists},
		route{method: "POST", pattern: "/api/v1/incidents/{id}/checklists", access: loggedIn, perm: auth.PermOperate, kind: kindAPI, tag: "operations",
			summary: "Turn a checklist's steps into tasks of the incident, assigned to an organisation", reqSchema: "ChecklistInput", respSchema: "OpsRecordList", handle: s.apiApplyChecklist},
		route{method: "GET", pattern: "/api/v1/items", access: loggedIn, perm: auth.PermViewDashboard, kind: kindAPI, tag: "relief",
			summary: "The relief item catalogue", respSchema: "ItemList", handle: s.apiItems},
		route{method: "POST", pattern: "/api/v1/items", access: loggedIn, perm: auth.PermOperate, kind: kindAPI, tag: "relief",
			summary: "Add an item: code, cluster (food, shelter_nfi, wash, health), unit, names", reqSchema: "ItemInput", respSchema: "Item", handle: s.apiItemCreate},
		route{method: "GET", pattern: "/api/v1/stock", access: loggedIn, perm: auth.PermViewDashboard, kind: kindAPI, tag: "relief",
			summary: "Balances of the warehouses the caller sees", respSchema: "StockList", handle: s.apiStock},
		route{method: "POST", pattern: "/api/v1/stock/moves", access: loggedIn, perm: auth.PermOperate, kind: kindAPI, tag: "relief",
			summary: "Receive, dispatch (optionally against a request), transfer or adjust stock; never below zero, all or nothing", reqSchema: "Movement", respSchema: "LedgerList", handle: s.apiStockMove},
		route{method: "GET", pattern: "/api/v1/warehouses/{id}/ledger", access: loggedIn, perm: auth.PermViewDashboard, kind: kindAPI, tag: "relief",
			summary: "A warehouse's stock ledger, oldest first", respSchema: "LedgerList", handle: s.apiLedger},
		route{method: "GET", pattern: "/api/v1/distributions", access: loggedIn, perm: auth.PermViewDashboard, kind: kindAPI, tag: "relief",
			summary: "Distributions the caller sees", respSchema: "OpsRecordList",
			handle: func(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
				s.apiOpsList(w, r, rc, store.OpsDistribution)
			}},
		route{method: "POST", pattern: "/api/v1/distributions", access: loggedIn, perm: auth.PermOperate, kind: kindAPI, tag: "relief",
			summary: "Record a distribution at a site with beneficiary counts; its items leave the warehouse", reqSchema: "DistributionInput", respSchema: "OpsRecord", handle: s.apiDistribute},
		route{method: "GET", pattern: "/api/v1/requests/{id}/matches", access: loggedIn, perm: auth.PermViewDashboard, kind: kindAPI, tag: "relief",
			summary: "Offers and warehouse stocks that could meet a request, those covering it first, then nearest", respSchema: "MatchList", handle: s.apiMatches},
		route{method: "POST", pattern: "/api/v1/requests/{id}/deliver", access: loggedIn, perm: auth.PermOperate, kind: kindAPI, tag: "relief",
			summary: "Confirm that a quantity dispatched for a request arrived", reqSchema: "Quantity", respSchema: "OpsRecord", handle: s.apiDeliver},
	)
}

// logBodyLimit fits five attachments of 10 MB in base64 and the text.
const logBodyLimit = (ops.MaxAttachments*ops.MaxAttachmentBytes)*4/3 + 1<<20

// opsStatus maps an operations error to an HTTP status; 500 for anything unexpected.
func opsStatus(err error) (int, string) {
	var fe *ops.FieldError
	switch {
	case errors.As(err, &fe):
		return http.StatusUnprocessableEntity, fe.Field
	case errors.Is(err, ops.ErrInvalid):
		return http.StatusUnprocessableEntity, ""
	case errors.Is(err, store.ErrNotFound):
		return http.StatusNotFound, ""
	case errors.Is(err, ops.ErrForbidden):
		return http.StatusForbidden, ""
	case errors.Is(err, ops.ErrWrongState), errors.Is(err, store.ErrConflict):
		return http.StatusConflict, ""
	}
	return http.StatusInternalServerError, ""
}

func (s *Server) apiOpsError(w http.ResponseWriter, r *http.Request, err error) {
	status, field := opsStatus(err)
	switch status {
	case http.StatusInternalServerError:
		s.apiInternal(w, r, err)
	case http.StatusNotFound:
		writeProblem(w, status, "not found among the records your organisation sees")
	default:
		detail := err.Error()
		var fe *ops.FieldError
		if errors.As(err, &fe) {
			detail = fe.Msg // the field travels beside it
		}
		writeProblemField(w, status, detail, field)
	}
}

// apiOpsRecord is an operational record in the API.
type apiOpsRecord struct {
	ID         string          `json:"id"`
	Kind       store.OpsKind   `json:"kind"`
	OrgID      string          `json:"org_id"`
	IncidentID string          `json:"incident_id,omitempty"`
	Status     string          `json:"status"`
	Title      string          `json:"title"`
	Geometry   json.RawMessage `json:"geometry,omitempty"`
	Data       json.RawMessage `json:"data"`
	Overdue    bool            `json:"overdue,omitempty"`
	Mode       string          `json:"mode"`
	OriginNode string          `json:"origin_node"`
	CreatedAt  time.Time       `json:"created_at"`
	UpdatedAt  time.Time       `json:"updated_at"`
}

func (s *Server) toAPIOps(r store.OpsRecord) apiOpsRecord {
	return apiOpsRecord{ID: r.ID, Kind: r.Kind, OrgID: r.OrgID, IncidentID: r.IncidentID, Status: r.Status, Title: r.Title,
		Geometry: r.Geometry, Data: r.Data, Overdue: ops.Overdue(r, s.Clock.Now()), Mode: r.Mode.String(), OriginNode: r.OriginNode,
		CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt}
}

// parseBBox reads "west,south,east,north".
func parseBBox(v string) (*store.BBox, error) {
	if v == "" {
		return nil, nil
	}
	parts := strings.Split(v, ",")
	if len(parts) != 4 {
		return nil, errors.New("bbox is west,south,east,north in degrees")
	}
	var n [4]float64
	for i, p := range parts {
		f, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return nil, errors.New("bbox is west,south,east,north in degrees")
		}
		n[i] = f
	}
	b := store.BBox{MinLon: n[0], MinLat: n[1], MaxLon: n[2], MaxLat: n[3]}
	if b.MinLon > b.MaxLon || b.MinLat > b.MaxLat || b.MinLat < -90 || b.MaxLat > 90 || b.MinLon < -180 || b.MaxLon > 180 {
		return nil, errors.New("bbox must have west ≤ east and south ≤ north within -180..180, -90..90")
	}
	return &b, nil
}

func splitList(v string) []string {
	var out []string
	for _, p := range strings.Split(v, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func (s *Server) apiOpsList(w http.ResponseWriter, r *http.Request, rc *reqCtx, kind store.OpsKind) {
	q := r.URL.Query()
	box, err := parseBBox(q.Get("bbox"))
	if err != nil {
		writeProblemField(w, http.StatusBadRequest, err.Error(), "bbox")
		return
	}
	limit, _ := strconv.Atoi(q.Get("limit"))
	recs, err := s.Ops.List(r.Context(), rc.P, store.OpsFilter{Kinds: []store.OpsKind{kind}, Statuses: splitList(q.Get("status")),
		IncidentID: q.Get("incident"), Box: box, AfterID: q.Get("after"), Limit: limit})
	if err != nil {
		s.apiOpsError(w, r, err)
		return
	}
	out := make([]apiOpsRecord, len(recs))
	for i, rec := range recs {
		out[i] = s.toAPIOps(rec)
	}
	writeJSON(w, http.StatusOK, map[string]any{"records": out})
}

func (s *Server) apiOpsCreate(w http.ResponseWriter, r *http.Request, rc *reqCtx, kind store.OpsKind) {
	var in ops.Input
	if !decodeJSON(w, r, &in) {
		return
	}
	rec, err := s.Ops.Create(r.Context(), rc.P, kind, in)
	if err != nil {
		s.apiOpsError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, s.toAPIOps(rec))
}

func (s *Server) apiOpsGet(w http.ResponseWriter, r *http.Request, rc *reqCtx, kind store.OpsKind) {
	rec, err := s.Ops.Get(r.Context(), rc.P, kind, r.PathValue("id"))
	if err != nil {
		s.apiOpsError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, s.toAPIOps(rec))
}

func (s *Server) apiOpsUpdate(w http.ResponseWriter, r *http.Request, rc *reqCtx, kind store.OpsKind) {
	var in ops.Input
	if !decodeJSON(w, r, &in) {
		return
	}
	rec, err := s.Ops.Update(r.Context(), rc.P, kind, r.PathValue("id"), in)
	if err != nil {
		s.apiOpsError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, s.toAPIOps(rec))
}

func (s *Server) apiOpsShare(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	var in struct {
		OrgID string `json:"org_id"`
	}
	if !decodeJSON(w, r, &in) {
		return
	}
	if err := s.Ops.Share(r.Context(), rc.P, r.PathValue("id"), in.OrgID); err != nil {
		s.apiOpsError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]string{"record_id": r.PathValue("id"), "org_id": in.OrgID})
}

func (s *Server) apiOpsStatus(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	var in struct {
		Status string `json:"status"`
	}
	if !decodeJSON(w, r, &in) {
		return
	}
	rec, err := s.Ops.SetStatus(r.Context(), rc.P, "", r.PathValue("id"), in.Status)
	if err != nil {
		s.apiOpsError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, s.toAPIOps(rec))
}

func (s *Server) apiIncidentFromEvent(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	var in struct {
		EventID      string   `json:"event_id"`
		Participants []string `json:"participants"`
	}
	if !decodeJSON(w, r, &in) {
		return
	}
	rec, err := s.Ops.IncidentFromEvent(r.Context(), rc.P, in.EventID, in.Participants)
	if err != nil {
		s.apiOpsError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, s.toAPIOps(rec))
}
