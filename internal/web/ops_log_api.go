package web

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/taawun/taawun/internal/ops"
	"github.com/taawun/taawun/internal/store"
)

// apiLogEntry is a log entry in the API, with its attachments' descriptions.
type apiLogEntry struct {
	ID          string          `json:"id"`
	IncidentID  string          `json:"incident_id"`
	OrgID       string          `json:"org_id"`
	AuthorID    string          `json:"author_id"`
	Body        string          `json:"body"`
	OccurredAt  time.Time       `json:"occurred_at"`
	State       store.LogState  `json:"state"`
	VettedBy    string          `json:"vetted_by,omitempty"`
	VettedAt    time.Time       `json:"vetted_at,omitzero"`
	Reason      string          `json:"reason,omitempty"`
	Attachments []apiAttachment `json:"attachments"`
}

type apiAttachment struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
	URL         string `json:"url"`
}

func (s *Server) toAPILog(r *http.Request, e store.LogEntry) (apiLogEntry, error) {
	atts, err := s.Store.OpsLog().Attachments(r.Context(), e.ID)
	if err != nil {
		return apiLogEntry{}, err
	}
	out := apiLogEntry{ID: e.ID, IncidentID: e.IncidentID, OrgID: e.OrgID, AuthorID: e.AuthorID, Body: e.Body, OccurredAt: e.OccurredAt,
		State: e.State, VettedBy: e.VettedBy, VettedAt: e.VettedAt, Reason: e.Reason, Attachments: []apiAttachment{}}
	for _, a := range atts {
		out.Attachments = append(out.Attachments, apiAttachment{ID: a.ID, Name: a.Name, ContentType: a.ContentType, Size: a.Size, URL: "/api/v1/attachments/" + a.ID})
	}
	return out, nil
}

func (s *Server) apiLogList(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	limit, _ := strconv.Atoi(r.URL.Query().Get("limit"))
	entries, err := s.Ops.LogView(r.Context(), rc.P, r.PathValue("id"), r.URL.Query().Get("after"), limit)
	if err != nil {
		s.apiOpsError(w, r, err)
		return
	}
	out := make([]apiLogEntry, 0, len(entries))
	for _, e := range entries {
		v, err := s.toAPILog(r, e)
		if err != nil {
			s.apiInternal(w, r, err)
			return
		}
		out = append(out, v)
	}
	writeJSON(w, http.StatusOK, map[string]any{"entries": out})
}

// logInput is a log entry as the API takes it.
type logInput struct {
	Body        string    `json:"body"`
	OccurredAt  time.Time `json:"occurred_at"`
	Attachments []struct {
		Name    string `json:"name"`
		Content string `json:"content_base64"`
	} `json:"attachments"`
}

func (s *Server) apiLogWrite(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	var in logInput
	if !decodeJSON(w, r, &in) {
		return
	}
	files := make([]ops.NewAttachment, len(in.Attachments))
	for i, a := range in.Attachments {
		b, err := base64.StdEncoding.DecodeString(a.Content)
		if err != nil {
			writeProblemField(w, http.StatusUnprocessableEntity, fmt.Sprintf("attachment %q is not base64: %v", a.Name, err), "attachments")
			return
		}
		files[i] = ops.NewAttachment{Name: a.Name, Content: b}
	}
	e, err := s.Ops.WriteLog(r.Context(), rc.P, r.PathValue("id"), in.Body, in.OccurredAt, files)
	s.answerLog(w, r, http.StatusCreated, e, err)
}

// answerLog answers a change of a log entry: the entry with its attachments, or the error.
func (s *Server) answerLog(w http.ResponseWriter, r *http.Request, status int, e store.LogEntry, err error) {
	if err != nil {
		s.apiOpsError(w, r, err)
		return
	}
	v, err := s.toAPILog(r, e)
	if err != nil {
		s.apiInternal(w, r, err)
		return
	}
	writeJSON(w, status, v)
}

func (s *Server) apiLogVet(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	var in struct {
		Approve bool   `json:"approve"`
		Reason  string `json:"reason"`
	}
	if !decodeJSON(w, r, &in) {
		return
	}
	e, err := s.Ops.Vet(r.Context(), rc.P, r.PathValue("id"), in.Approve, in.Reason)
	s.answerLog(w, r, http.StatusOK, e, err)
}

func (s *Server) apiAttachment(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	a, err := s.Ops.Attachment(r.Context(), rc.P, r.PathValue("id"))
	if err != nil {
		s.apiOpsError(w, r, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", a.ContentType)
	h.Set("Content-Length", strconv.FormatInt(a.Size, 10))
	// Attachments are downloaded, never rendered in the node's origin.
	h.Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", a.Name))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "private, max-age=3600")
	_, _ = w.Write(a.Content)
}

func (s *Server) apiLogExport(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	incident := r.URL.Query().Get("incident")
	if incident != "" {
		if _, err := s.Ops.Get(r.Context(), rc.P, store.OpsIncident, incident); err != nil {
			s.apiOpsError(w, r, err)
			return
		}
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="significant-events.csv"`)
	out, err := ops.NewLogCSV(w)
	if err == nil {
		err = s.Ops.StreamSharedLog(r.Context(), rc.P, incident, out.Write)
	}
	if err == nil {
		err = out.Close()
	}
	if err != nil {
		// The header is gone; all that can be done is to stop and log.
		s.Log.Error("log export failed", "err", err)
	}
}

func (s *Server) apiSitrepSubmit(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	var in ops.SitrepInput
	if !decodeJSON(w, r, &in) {
		return
	}
	rep, err := s.Ops.SubmitSitrep(r.Context(), rc.P, r.PathValue("id"), in)
	if err != nil {
		s.apiOpsError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, toAPISitrep(rep))
}

type apiSitrep struct {
	ID       string    `json:"id"`
	OrgID    string    `json:"org_id"`
	AuthorID string    `json:"author_id"`
	AreaCode string    `json:"area_code"`
	AsOf     time.Time `json:"as_of"`
	store.Figures
	Needs string `json:"needs,omitempty"`
}

func toAPISitrep(r store.Sitrep) apiSitrep {
	return apiSitrep{ID: r.ID, OrgID: r.OrgID, AuthorID: r.AuthorID, AreaCode: r.AreaCode, AsOf: r.AsOf, Figures: r.Figures, Needs: r.Needs}
}

// asOfParam reads the as_of query parameter (RFC 3339); empty means now.
func (s *Server) asOfParam(r *http.Request) (time.Time, error) {
	v := r.URL.Query().Get("as_of")
	if v == "" {
		return s.Clock.Now(), nil
	}
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return t, errors.New("as_of is an RFC 3339 time, e.g. 2026-08-20T12:00:00Z")
	}
	return t, nil
}

func (s *Server) apiSitrepSummary(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	asOf, err := s.asOfParam(r)
	if err != nil {
		writeProblemField(w, http.StatusBadRequest, err.Error(), "as_of")
		return
	}
	inc, reports, rows, err := s.Ops.SitrepSummary(r.Context(), rc.P, r.PathValue("id"), asOf)
	if err != nil {
		s.apiOpsError(w, r, err)
		return
	}
	list := make([]apiSitrep, len(reports))
	for i, rep := range reports {
		list[i] = toAPISitrep(rep)
	}
	// Daily changes from the incident's start to as_of, in UTC days.
	from := inc.CreatedAt.UTC().Truncate(24 * time.Hour)
	if len(reports) > 0 && reports[0].AsOf.Before(from) {
		from = reports[0].AsOf.UTC().Truncate(24 * time.Hour)
	}
	for _, rep := range reports {
		if d := rep.AsOf.UTC().Truncate(24 * time.Hour); d.Before(from) {
			from = d
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"as_of": asOf, "reports": list, "rollup": rows, "rule": ops.RollupRule,
		"daily": ops.Periods(reports, ops.ParentsOf(rows), from, asOf.Add(time.Nanosecond), 24*time.Hour)})
}

func (s *Server) apiSitrepReport(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	asOf, err := s.asOfParam(r)
	if err != nil {
		writeProblemField(w, http.StatusBadRequest, err.Error(), "as_of")
		return
	}
	inc, _, rows, err := s.Ops.SitrepSummary(r.Context(), rc.P, r.PathValue("id"), asOf)
	if err != nil {
		s.apiOpsError(w, r, err)
		return
	}
	rep, err := s.Ops.Report(r.Context(), inc, rows, asOf, s.Clock.Now(), s.Node.ID, string(rc.Lang))
	if err != nil {
		s.apiOpsError(w, r, err)
		return
	}
	format := r.URL.Query().Get("format")
	if format == "pdf" {
		s.sitrepPDF(w, r, rc, inc, rep)
		return
	}
	writers := map[string]struct {
		ct    string
		write func(*bytes.Buffer) error
	}{
		"":        {"application/json", func(b *bytes.Buffer) error { return rep.WriteJSON(b) }},
		"json":    {"application/json", func(b *bytes.Buffer) error { return rep.WriteJSON(b) }},
		"xml":     {"application/xml", func(b *bytes.Buffer) error { return rep.WriteXML(b) }},
		"csv":     {"text/csv; charset=utf-8", func(b *bytes.Buffer) error { return rep.WriteCSV(b) }},
		"geojson": {"application/geo+json", func(b *bytes.Buffer) error { return rep.WriteGeoJSON(b) }},
	}
	wr, ok := writers[format]
	if !ok {
		writeProblemField(w, http.StatusBadRequest, "format is json, xml, csv, geojson or pdf", "format")
		return
	}
	var buf bytes.Buffer
	if err := wr.write(&buf); err != nil {
		s.apiInternal(w, r, err)
		return
	}
	if format != "" && format != "json" {
		w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="sitrep-%s.%s"`, inc.ID, format))
	}
	w.Header().Set("Content-Type", wr.ct)
	_, _ = w.Write(buf.Bytes())
}

func (s *Server) apiChecklists(w http.ResponseWriter, _ *http.Request, _ *reqCtx) {
	lists, err := ops.Checklists()
	if err != nil {
		writeProblem(w, http.StatusInternalServerError, err.Error())
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"checklists": lists})
}

func (s *Server) apiApplyChecklist(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	var in struct {
		Checklist   string `json:"checklist"`
		AssigneeOrg string `json:"assignee_org"`
	}
	if !decodeJSON(w, r, &in) {
		return
	}
	tasks, err := s.Ops.ApplyChecklist(r.Context(), rc.P, r.PathValue("id"), in.Checklist, in.AssigneeOrg, string(rc.Lang))
	if err != nil {
		s.apiOpsError(w, r, err)
		return
	}
	out := make([]apiOpsRecord, len(tasks))
	for i, t := range tasks {
		out[i] = s.toAPIOps(t)
	}
	writeJSON(w, http.StatusCreated, map[string]any{"records": out})
}
