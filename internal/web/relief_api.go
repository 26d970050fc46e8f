package web

import (
	"encoding/json"
	"net/http"

	"github.com/taawun/taawun/internal/ops"
	"github.com/taawun/taawun/internal/store"
)

type apiItem struct {
	ID      string            `json:"id"`
	Code    string            `json:"code"`
	Cluster store.ItemCluster `json:"cluster"`
	Unit    string            `json:"unit"`
	Names   map[string]string `json:"names"`
}

func toAPIItem(it store.Item) apiItem {
	return apiItem{ID: it.ID, Code: it.Code, Cluster: it.Cluster, Unit: it.Unit, Names: it.Names}
}

func (s *Server) apiItems(w http.ResponseWriter, r *http.Request, _ *reqCtx) {
	items, err := s.Store.Relief().Items(r.Context())
	if err != nil {
		s.apiInternal(w, r, err)
		return
	}
	out := make([]apiItem, len(items))
	for i, it := range items {
		out[i] = toAPIItem(it)
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": out, "units": ops.Units})
}

func (s *Server) apiItemCreate(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	var in ops.ItemInput
	if !decodeJSON(w, r, &in) {
		return
	}
	it, err := s.Ops.CreateItem(r.Context(), rc.P, in)
	if err != nil {
		s.apiOpsError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, toAPIItem(it))
}

func (s *Server) apiStock(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	levels, err := s.Ops.StockOf(r.Context(), rc.P)
	if err != nil {
		s.apiOpsError(w, r, err)
		return
	}
	type level struct {
		WarehouseID string `json:"warehouse_id"`
		ItemID      string `json:"item_id"`
		Quantity    int64  `json:"quantity"`
	}
	out := make([]level, len(levels))
	for i, l := range levels {
		out[i] = level{l.WarehouseID, l.ItemID, l.Quantity}
	}
	writeJSON(w, http.StatusOK, map[string]any{"stock": out})
}

type apiLedgerLine struct {
	ID          string         `json:"id"`
	WarehouseID string         `json:"warehouse_id"`
	ItemID      string         `json:"item_id"`
	Kind        store.MoveKind `json:"kind"`
	Delta       int64          `json:"delta"`
	Balance     int64          `json:"balance"`
	RefID       string         `json:"ref_id,omitempty"`
	Actor       string         `json:"actor"`
	Note        string         `json:"note,omitempty"`
	At          string         `json:"at"`
}

func toAPILedger(lines []store.LedgerLine) []apiLedgerLine {
	out := make([]apiLedgerLine, len(lines))
	for i, l := range lines {
		out[i] = apiLedgerLine{l.ID, l.WarehouseID, l.ItemID, l.Kind, l.Delta, l.Balance, l.RefID, l.Actor, l.Note, l.At.Format("2006-01-02T15:04:05.000000Z07:00")}
	}
	return out
}

func (s *Server) apiStockMove(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	var m ops.Movement
	if !decodeJSON(w, r, &m) {
		return
	}
	lines, err := s.Ops.Move(r.Context(), rc.P, m)
	if err != nil {
		s.apiOpsError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]any{"lines": toAPILedger(lines)})
}

func (s *Server) apiLedger(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	wh, err := s.Ops.Get(r.Context(), rc.P, store.OpsWarehouse, r.PathValue("id"))
	if err != nil {
		s.apiOpsError(w, r, err)
		return
	}
	lines, err := s.Store.Relief().Ledger(r.Context(), wh.ID, 1000)
	if err != nil {
		s.apiInternal(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"lines": toAPILedger(lines)})
}

// distributionInput is a distribution as the API takes it.
type distributionInput struct {
	IncidentID string          `json:"incident_id"`
	Geometry   json.RawMessage `json:"geometry"`
	ops.DistributionData
}

func (s *Server) apiDistribute(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	var in distributionInput
	if !decodeJSON(w, r, &in) {
		return
	}
	rec, err := s.Ops.Distribute(r.Context(), rc.P, in.IncidentID, in.Geometry, in.DistributionData)
	if err != nil {
		s.apiOpsError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, s.toAPIOps(rec))
}

func (s *Server) apiMatches(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	matches, err := s.Ops.Suggest(r.Context(), rc.P, r.PathValue("id"))
	if err != nil {
		s.apiOpsError(w, r, err)
		return
	}
	if matches == nil {
		matches = []ops.Match{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"matches": matches})
}

func (s *Server) apiDeliver(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	var in struct {
		Quantity int64 `json:"quantity"`
	}
	if !decodeJSON(w, r, &in) {
		return
	}
	rec, err := s.Ops.Deliver(r.Context(), rc.P, r.PathValue("id"), in.Quantity)
	if err != nil {
		s.apiOpsError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, s.toAPIOps(rec))
}
