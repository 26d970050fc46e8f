package web

import (
	"context"
	"net/http"
	"slices"
	"sort"

	"github.com/taawun/taawun/internal/auth"
	"github.com/taawun/taawun/internal/ops"
	"github.com/taawun/taawun/internal/store"
)

// The operating picture's charts: the series behind the bars under the key figures, which the
// page's script (cop-charts.js) draws and redraws when the figures change.

// copChartRoutes serves the charts' series.
func (s *Server) copChartRoutes() []route {
	return []route{
		{method: "GET", pattern: "/api/v1/ops/charts", access: loggedIn, perm: auth.PermViewDashboard, kind: kindAPI, tag: "operations",
			summary:    "The dashboard's charts: open incidents by hazard and status, shelter occupancy against capacity, requests by urgency and status, casualty totals of the open incidents' latest situation reports",
			respSchema: "OpsCharts", handle: s.apiOpsCharts},
	}
}

var copChartSchemas = map[string]any{
	"OpsCharts": object([]string{"incidents", "shelters", "requests", "casualties"}, map[string]any{
		"incidents": map[string]any{"type": "array", "description": "open incidents (active, contained) by hazard, most first",
			"items": object([]string{"key", "counts"}, map[string]any{"key": str, "counts": intMap})},
		"requests": map[string]any{"type": "array", "description": "requests (open, dispatched, delivered) by urgency, most urgent first",
			"items": object([]string{"key", "counts"}, map[string]any{"key": str, "counts": intMap})},
		"shelters": object([]string{"capacity", "occupants", "top"}, map[string]any{"capacity": hzInt, "occupants": hzInt, "count": hzInt,
			"top": map[string]any{"type": "array", "description": "the open and full shelters with the most people",
				"items": object([]string{"id", "title", "status", "capacity", "occupants"}, map[string]any{"id": str, "title": str, "status": str, "capacity": hzInt, "occupants": hzInt})}}),
		"casualties": object([]string{"incidents", "figures"}, map[string]any{"incidents": hzInt,
			"figures": map[string]any{"type": "object", "description": "national totals (roll-up) summed over the open incidents, by figure name", "additionalProperties": hzInt}}),
		"truncated": map[string]any{"type": "boolean", "description": "true when more records were visible than the charts read"},
	}),
}

var intMap = map[string]any{"type": "object", "additionalProperties": hzInt}

const (
	// chartShelters is how many shelters the occupancy chart names.
	chartShelters = 8
	// chartRecordsRead bounds the records of one kind the charts read.
	chartRecordsRead = 20000
	// chartSitrepIncidents bounds the incidents whose situation reports the casualty chart adds.
	chartSitrepIncidents = 200
)

// chartStatuses are the statuses each chart counts: what is still being worked on.
var chartStatuses = map[store.OpsKind][]string{
	store.OpsIncident: {"active", "contained"},
	store.OpsRequest:  {"open", "dispatched", "delivered"},
	store.OpsShelter:  {"open", "full"},
}

// chartFigures are the situation-report figures the casualty chart shows.
var chartFigures = []string{"dead", "injured", "missing", "affected", "displaced", "evacuated"}

// countRow is one bar of a stacked chart: a key (hazard, urgency) and its counts by status.
type countRow struct {
	Key    string         `json:"key"`
	Counts map[string]int `json:"counts"`
}

type shelterBar struct {
	ID        string `json:"id"`
	Title     string `json:"title"`
	Status    string `json:"status"`
	Capacity  int64  `json:"capacity"`
	Occupants int64  `json:"occupants"`
}

type copCharts struct {
	Incidents []countRow `json:"incidents"`
	Requests  []countRow `json:"requests"`
	Shelters  struct {
		Capacity  int64        `json:"capacity"`
		Occupants int64        `json:"occupants"`
		Count     int          `json:"count"`
		Top       []shelterBar `json:"top"`
	} `json:"shelters"`
	Casualties struct {
		Incidents int              `json:"incidents"`
		Figures   map[string]int64 `json:"figures"`
	} `json:"casualties"`
	Truncated bool `json:"truncated,omitempty"`
}

func (s *Server) apiOpsCharts(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	c, err := s.copCharts(r.Context(), rc.P)
	if err != nil {
		s.apiOpsError(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "private, no-store")
	writeJSON(w, http.StatusOK, c)
}

// copCharts gathers the charts' series from the records p sees.
func (s *Server) copCharts(ctx context.Context, p *auth.Principal) (copCharts, error) {
	c := copCharts{Incidents: []countRow{}, Requests: []countRow{}}
	c.Shelters.Top = []shelterBar{}
	c.Casualties.Figures = map[string]int64{}
	for _, f := range chartFigures {
		c.Casualties.Figures[f] = 0
	}
	byHazard, byUrgency := map[string]map[string]int{}, map[string]map[string]int{}
	count := func(m map[string]map[string]int, key, status string) {
		if m[key] == nil {
			m[key] = map[string]int{}
		}
		m[key][status]++
	}
	var incidents []string
	err := s.eachVisible(ctx, p, store.OpsIncident, &c.Truncated, func(r store.OpsRecord) {
		d, _ := ops.Decode[ops.IncidentData](r)
		count(byHazard, d.Hazard, r.Status)
		incidents = append(incidents, r.ID)
	})
	if err == nil {
		err = s.eachVisible(ctx, p, store.OpsRequest, &c.Truncated, func(r store.OpsRecord) {
			d, _ := ops.Decode[ops.RequestData](r)
			count(byUrgency, d.Urgency, r.Status)
		})
	}
	if err == nil {
		err = s.eachVisible(ctx, p, store.OpsShelter, &c.Truncated, func(r store.OpsRecord) {
			d, _ := ops.Decode[ops.ShelterData](r)
			b := shelterBar{ID: r.ID, Title: r.Title, Status: r.Status, Capacity: d.Capacity, Occupants: d.Occupants()}
			c.Shelters.Capacity += b.Capacity
			c.Shelters.Occupants += b.Occupants
			c.Shelters.Count++
			c.Shelters.Top = append(c.Shelters.Top, b)
		})
	}
	if err != nil {
		return c, err
	}
	sort.SliceStable(c.Shelters.Top, func(i, j int) bool { return c.Shelters.Top[i].Occupants > c.Shelters.Top[j].Occupants })
	c.Shelters.Top = c.Shelters.Top[:min(len(c.Shelters.Top), chartShelters)]
	c.Incidents = rowsOf(byHazard, func(a, b countRow) int { return total(b.Counts) - total(a.Counts) })
	urgency := func(k string) int { return slices.Index(ops.Urgencies, k) }
	c.Requests = rowsOf(byUrgency, func(a, b countRow) int { return urgency(b.Key) - urgency(a.Key) })
	// Casualties: each open incident's national totals, by the roll-up that counts nothing twice.
	if len(incidents) > chartSitrepIncidents {
		incidents, c.Truncated = incidents[:chartSitrepIncidents], true
	}
	for _, id := range incidents {
		_, _, rows, err := s.Ops.SitrepSummary(ctx, p, id, s.Clock.Now())
		if err != nil {
			return c, err
		}
		reported := false
		for _, a := range rows {
			if a.Parent != "" {
				continue
			}
			reported = true
			values := ops.Values(a.Total)
			for i, name := range ops.FigureNames {
				if _, shown := c.Casualties.Figures[name]; shown {
					c.Casualties.Figures[name] += values[i]
				}
			}
		}
		if reported {
			c.Casualties.Incidents++
		}
	}
	return c, nil
}

// eachVisible calls fn for each record of kind in the chart's statuses that p sees, reading at
// most chartRecordsRead; beyond it, truncated is set.
func (s *Server) eachVisible(ctx context.Context, p *auth.Principal, kind store.OpsKind, truncated *bool, fn func(store.OpsRecord)) error {
	after := ""
	for read := 0; ; {
		recs, err := s.Ops.List(ctx, p, store.OpsFilter{Kinds: []store.OpsKind{kind}, Statuses: chartStatuses[kind], AfterID: after, Limit: 1000})
		if err != nil {
			return err
		}
		for _, r := range recs {
			fn(r)
		}
		read += len(recs)
		if len(recs) < 1000 {
			return nil
		}
		if read >= chartRecordsRead {
			*truncated = true
			return nil
		}
		after = recs[len(recs)-1].ID
	}
}

func total(counts map[string]int) int {
	n := 0
	for _, v := range counts {
		n += v
	}
	return n
}

// rowsOf lists a chart's rows in the order cmp gives, ties by key.
func rowsOf(m map[string]map[string]int, cmp func(a, b countRow) int) []countRow {
	out := make([]countRow, 0, len(m))
	for k, counts := range m {
		out = append(out, countRow{Key: k, Counts: counts})
	}
	slices.SortFunc(out, func(a, b countRow) int {
		if c := cmp(a, b); c != 0 {
			return c
		}
		if a.Key < b.Key {
			return -1
		}
		return 1
	})
	return out
}
