package web

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/taawun/taawun/internal/alert"
	"github.com/taawun/taawun/internal/auth"
	"github.com/taawun/taawun/internal/geodata"
	"github.com/taawun/taawun/internal/i18n"
	"github.com/taawun/taawun/internal/ops"
	"github.com/taawun/taawun/internal/store"
)

// opsPageRoutes: the operations pages. Their forms call the API routes through ops.js.
func (s *Server) opsPageRoutes() []route {
	return []route{
		{method: "GET", pattern: "/ops/incidents", access: loggedIn, perm: auth.PermViewDashboard, kind: kindPage, handle: s.incidentsPage},
		{method: "GET", pattern: "/ops/incidents/{id}", access: loggedIn, perm: auth.PermViewDashboard, kind: kindPage, handle: s.incidentPage},
		{method: "GET", pattern: "/ops/relief", access: loggedIn, perm: auth.PermViewDashboard, kind: kindPage, handle: s.reliefPage},
		{method: "GET", pattern: "/ops/field", access: loggedIn, perm: auth.PermViewDashboard, kind: kindPage, handle: s.fieldPage},
	}
}

// label looks up the catalogue's word for an enumerated value, e.g. ("ops.status", "active").
func (s *Server) label(lang i18n.Lang, prefix, value string) string {
	return s.Catalog.T(lang, prefix+"."+value)
}

// option is a value with its label, for selects and lists.
type option struct {
	Value, Label string
}

func (s *Server) options(lang i18n.Lang, prefix string, values []string) []option {
	out := make([]option, len(values))
	for i, v := range values {
		out[i] = option{v, s.label(lang, prefix, v)}
	}
	return out
}

// recordRow is a record as the pages list it.
type recordRow struct {
	store.OpsRecord
	StatusLabel string
	OrgName     string
	Overdue     bool
	Lon, Lat    float64
	HasPlace    bool
	// Data is the decoded kind data; Detail a one-line summary of it.
	Data   any
	Detail string
}

// orgNames maps organisation ids to their names in lang.
func (s *Server) orgNames(ctx context.Context, lang i18n.Lang) (map[string]string, []store.Org, error) {
	orgs, err := s.Store.Orgs().List(ctx)
	if err != nil {
		return nil, nil, err
	}
	names := map[string]string{}
	for _, o := range orgs {
		names[o.ID] = localName(o, string(lang))
	}
	return names, orgs, nil
}

func (s *Server) rows(lang i18n.Lang, names map[string]string, recs []store.OpsRecord, detail func(store.OpsRecord) (any, string)) []recordRow {
	now := s.Clock.Now()
	out := make([]recordRow, len(recs))
	for i, r := range recs {
		row := recordRow{OpsRecord: r, StatusLabel: s.label(lang, "ops.status", r.Status), OrgName: names[r.OrgID], Overdue: ops.Overdue(r, now)}
		if r.Box != nil {
			row.Lon, row.Lat, row.HasPlace = (r.Box.MinLon+r.Box.MaxLon)/2, (r.Box.MinLat+r.Box.MaxLat)/2, true
		}
		if detail != nil {
			row.Data, row.Detail = detail(r)
		}
		out[i] = row
	}
	return out
}

func (s *Server) opsOfKind(ctx context.Context, p *auth.Principal, kind store.OpsKind, incident string) ([]store.OpsRecord, error) {
	return s.Ops.List(ctx, p, store.OpsFilter{Kinds: []store.OpsKind{kind}, IncidentID: incident})
}

type incidentsData struct {
	Incidents []recordRow
	Hazards   []option
	Statuses  []option
	Orgs      []option
}

func (s *Server) incidentsPage(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	ctx := r.Context()
	names, orgs, err := s.orgNames(ctx, rc.Lang)
	if err != nil {
		s.internal(w, r, rc, err)
		return
	}
	recs, err := s.opsOfKind(ctx, rc.P, store.OpsIncident, "")
	if err != nil {
		s.internal(w, r, rc, err)
		return
	}
	hazardLabel := func(r store.OpsRecord) (any, string) {
		d, _ := ops.Decode[ops.IncidentData](r)
		return d, s.label(rc.Lang, "hazard", d.Hazard)
	}
	d := incidentsData{Incidents: s.rows(rc.Lang, names, recs, hazardLabel), Statuses: s.options(rc.Lang, "ops.status", ops.Statuses(store.OpsIncident))}
	for _, h := range hazardCodes() {
		d.Hazards = append(d.Hazards, option{h, s.label(rc.Lang, "hazard", h)})
	}
	for _, o := range orgs {
		if o.ID != rc.P.Org.ID {
			d.Orgs = append(d.Orgs, option{o.ID, names[o.ID]})
		}
	}
	slices.Reverse(d.Incidents) // newest first
	s.render(w, r, rc, http.StatusOK, "ops_incidents", pageData{TitleKey: "ops.incidents.title", Nav: "ops", Data: d})
}

// logRow is a log entry with what the page shows beside it.
type logRow struct {
	store.LogEntry
	OrgName     string
	StateLabel  string
	Attachments []store.Attachment
	CanVet      bool
}

type areaRow struct {
	ops.AreaTotal
	Name   string
	Depth  int
	Values []int64
}

type incidentData struct {
	Incident     recordRow
	Hazard       string
	Log          []logRow
	Tasks        []recordRow
	Areas        []areaRow
	Reports      int
	Figures      []option
	AreaCodes    []option
	Checklists   []option
	Orgs         []option
	Statuses     []option
	TaskStatuses []option
	Now          string
	AsOf         time.Time
}

func (s *Server) incidentPage(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	ctx := r.Context()
	id := r.PathValue("id")
	names, orgs, err := s.orgNames(ctx, rc.Lang)
	if err != nil {
		s.internal(w, r, rc, err)
		return
	}
	asOf := s.Clock.Now()
	inc, reports, rollup, err := s.Ops.SitrepSummary(ctx, rc.P, id, asOf)
	if err != nil {
		status, _ := opsStatus(err)
		if status == http.StatusInternalServerError {
			s.internal(w, r, rc, err)
			return
		}
		s.renderError(w, r, rc, status, "")
		return
	}
	hd, _ := ops.Decode[ops.IncidentData](inc)
	d := incidentData{Incident: s.rows(rc.Lang, names, []store.OpsRecord{inc}, nil)[0], Hazard: s.label(rc.Lang, "hazard", hd.Hazard),
		Reports: len(reports), AsOf: asOf, Now: asOf.UTC().Format("2006-01-02T15:04"),
		Statuses: s.options(rc.Lang, "ops.status", ops.Statuses(store.OpsIncident)), TaskStatuses: s.options(rc.Lang, "ops.status", ops.Statuses(store.OpsTask))}
	entries, err := s.Ops.LogView(ctx, rc.P, id, "", 500)
	if err != nil {
		s.internal(w, r, rc, err)
		return
	}
	canVet := rc.P.Can(auth.PermVetLog) && rc.P.InScope(inc.OrgID)
	for i := len(entries) - 1; i >= 0; i-- { // newest first
		e := entries[i]
		atts, err := s.Store.OpsLog().Attachments(ctx, e.ID)
		if err != nil {
			s.internal(w, r, rc, err)
			return
		}
		d.Log = append(d.Log, logRow{LogEntry: e, OrgName: names[e.OrgID], StateLabel: s.label(rc.Lang, "ops.log", string(e.State)), Attachments: atts,
			CanVet: canVet && e.State == store.LogPending && e.AuthorID != rc.P.User.ID})
	}
	tasks, err := s.opsOfKind(ctx, rc.P, store.OpsTask, id)
	if err != nil {
		s.internal(w, r, rc, err)
		return
	}
	d.Tasks = s.rows(rc.Lang, names, tasks, func(r store.OpsRecord) (any, string) {
		td, _ := ops.Decode[ops.TaskData](r)
		return td, names[td.AssigneeOrg]
	})
	for _, a := range rollup {
		row := areaRow{AreaTotal: a, Name: a.Code, Values: ops.Values(a.Total)}
		if reg, ok, _ := s.Regions.Region(ctx, a.Code); ok {
			row.Name = reg.Name(string(rc.Lang))
		}
		d.Areas = append(d.Areas, row)
	}
	d.Figures = s.options(rc.Lang, "ops.figure", ops.FigureNames)
	if country, ok, _ := geodata.RegionByCode(rc.P.Org.Country); ok {
		d.AreaCodes = append(d.AreaCodes, option{country.Code, country.Name(string(rc.Lang))})
		provinces, _ := geodata.ProvincesOf(country.Code)
		districts, _ := s.Regions.Districts(ctx, country.Code) // imported ones, below their provinces
		for _, p := range provinces {
			d.AreaCodes = append(d.AreaCodes, option{p.Code, p.Name(string(rc.Lang))})
			for _, dist := range districts {
				if dist.Province == p.Code {
					d.AreaCodes = append(d.AreaCodes, option{dist.Code, "— " + dist.Name(string(rc.Lang))})
				}
			}
		}
	}
	lists, err := ops.Checklists()
	if err != nil {
		s.internal(w, r, rc, err)
		return
	}
	for _, c := range lists {
		if slices.Contains(c.Hazards, hd.Hazard) {
			title := c.Title[string(rc.Lang)]
			d.Checklists = append(d.Checklists, option{c.Code, title})
		}
	}
	for _, o := range orgs {
		d.Orgs = append(d.Orgs, option{o.ID, names[o.ID]})
	}
	s.render(w, r, rc, http.StatusOK, "ops_incident", pageData{TitleKey: "ops.incident.title", Nav: "ops", Data: d})
}

type stockRow struct {
	Warehouse recordRow
	Lines     []stockLine
}

type stockLine struct {
	Item     store.Item
	Name     string
	Unit     string
	Quantity int64
}

type reliefData struct {
	Items         []itemRow
	Warehouses    []stockRow
	Requests      []recordRow
	Offers        []recordRow
	Distributions []recordRow
	Units         []option
	Clusters      []option
	Urgencies     []option
	MoveKinds     []option
}

type itemRow struct {
	store.Item
	Name, ClusterLabel, UnitLabel string
}

func (s *Server) reliefPage(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	ctx := r.Context()
	lang := rc.Lang
	names, _, err := s.orgNames(ctx, lang)
	if err != nil {
		s.internal(w, r, rc, err)
		return
	}
	items, err := s.Store.Relief().Items(ctx)
	if err != nil {
		s.internal(w, r, rc, err)
		return
	}
	d := reliefData{Units: s.options(lang, "ops.unit", ops.Units), Clusters: s.options(lang, "ops.cluster", []string{"food", "shelter_nfi", "wash", "health"}),
		Urgencies: s.options(lang, "ops.urgency", ops.Urgencies), MoveKinds: s.options(lang, "ops.move", []string{"receive", "dispatch", "transfer", "adjust"})}
	byID := map[string]itemRow{}
	for _, it := range items {
		row := itemRow{Item: it, Name: it.Names["en"], ClusterLabel: s.label(lang, "ops.cluster", string(it.Cluster)), UnitLabel: s.label(lang, "ops.unit", it.Unit)}
		if n := it.Names[string(lang)]; n != "" {
			row.Name = n
		}
		byID[it.ID] = row
		d.Items = append(d.Items, row)
	}
	itemText := func(id string, qty int64) string {
		it := byID[id]
		return it.Name + " × " + formatInt(qty) + " " + it.UnitLabel
	}
	warehouses, err := s.opsOfKind(ctx, rc.P, store.OpsWarehouse, "")
	if err != nil {
		s.internal(w, r, rc, err)
		return
	}
	stock, err := s.Ops.StockOf(ctx, rc.P)
	if err != nil {
		s.internal(w, r, rc, err)
		return
	}
	for _, wr := range s.rows(lang, names, warehouses, nil) {
		row := stockRow{Warehouse: wr}
		for _, st := range stock {
			if st.WarehouseID == wr.ID {
				it := byID[st.ItemID]
				row.Lines = append(row.Lines, stockLine{Item: it.Item, Name: it.Name, Unit: it.UnitLabel, Quantity: st.Quantity})
			}
		}
		d.Warehouses = append(d.Warehouses, row)
	}
	for _, k := range []struct {
		kind   store.OpsKind
		into   *[]recordRow
		detail func(store.OpsRecord) (any, string)
	}{
		{store.OpsRequest, &d.Requests, func(r store.OpsRecord) (any, string) {
			rd, _ := ops.Decode[ops.RequestData](r)
			return rd, itemText(rd.ItemID, rd.Quantity) + " · " + s.label(lang, "ops.urgency", rd.Urgency)
		}},
		{store.OpsOffer, &d.Offers, func(r store.OpsRecord) (any, string) {
			od, _ := ops.Decode[ops.OfferData](r)
			return od, itemText(od.ItemID, od.Quantity) + " · " + od.Donor
		}},
		{store.OpsDistribution, &d.Distributions, func(r store.OpsRecord) (any, string) {
			dd, _ := ops.Decode[ops.DistributionData](r)
			text := ""
			for i, l := range dd.Lines {
				if i > 0 {
					text += ", "
				}
				text += itemText(l.ItemID, l.Quantity)
			}
			return dd, text
		}},
	} {
		recs, err := s.opsOfKind(ctx, rc.P, k.kind, "")
		if err != nil {
			s.internal(w, r, rc, err)
			return
		}
		*k.into = s.rows(lang, names, recs, k.detail)
	}
	s.render(w, r, rc, http.StatusOK, "relief", pageData{TitleKey: "ops.relief.title", Nav: "ops", Data: d})
}

// shelterView is a shelter's data with its facilities named in the page's language.
type shelterView struct {
	ops.ShelterData
	FacilityLabels []string
}

type fieldData struct {
	Shelters   []recordRow
	Teams      []recordRow
	Facilities []option
	TeamTypes  []option
	Groups     []option
	Statuses   []option
}

func (s *Server) fieldPage(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	ctx := r.Context()
	lang := rc.Lang
	names, _, err := s.orgNames(ctx, lang)
	if err != nil {
		s.internal(w, r, rc, err)
		return
	}
	d := fieldData{Facilities: s.options(lang, "ops.facility", ops.Facilities), TeamTypes: s.options(lang, "ops.team", ops.TeamTypes),
		Statuses: s.options(lang, "ops.status", ops.Statuses(store.OpsTeam))}
	for _, sex := range ops.Sexes {
		for _, age := range ops.AgeGroups {
			d.Groups = append(d.Groups, option{sex + "_" + age, s.label(lang, "ops.sex", sex) + " " + s.label(lang, "ops.age", age)})
		}
	}
	shelters, err := s.opsOfKind(ctx, rc.P, store.OpsShelter, "")
	if err != nil {
		s.internal(w, r, rc, err)
		return
	}
	d.Shelters = s.rows(lang, names, shelters, func(r store.OpsRecord) (any, string) {
		sd, _ := ops.Decode[ops.ShelterData](r)
		v := shelterView{ShelterData: sd}
		for _, f := range sd.Facilities {
			v.FacilityLabels = append(v.FacilityLabels, s.label(lang, "ops.facility", f))
		}
		return v, formatInt(sd.Occupants()) + " / " + formatInt(sd.Capacity)
	})
	teams, err := s.opsOfKind(ctx, rc.P, store.OpsTeam, "")
	if err != nil {
		s.internal(w, r, rc, err)
		return
	}
	d.Teams = s.rows(lang, names, teams, func(r store.OpsRecord) (any, string) {
		td, _ := ops.Decode[ops.TeamData](r)
		return td, s.label(lang, "ops.team", td.Type) + " · " + formatInt(int64(td.Size))
	})
	s.render(w, r, rc, http.StatusOK, "ops_field", pageData{TitleKey: "ops.field.title", Nav: "ops", Data: d})
}

func hazardCodes() []string {
	var out []string
	for _, h := range alert.Hazards() {
		out = append(out, h.Code)
	}
	return out
}

func formatInt(n int64) string { return strconv.FormatInt(n, 10) }
