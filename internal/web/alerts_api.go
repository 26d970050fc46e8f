package web

import (
	"encoding/json"
	"errors"
	"net/http"
	"time"

	"github.com/taawun/taawun/internal/alert"
	"github.com/taawun/taawun/internal/cap"
	"github.com/taawun/taawun/internal/store"
)

// alertProblem is the API's answer to an alert error: a status, a message and, for invalid
// content, every problem by field.
type alertProblem struct {
	Problem
	Problems []alert.Problem `json:"problems,omitempty"`
	Findings []cap.Issue     `json:"findings,omitempty"`
}

// alertStatus maps an alert error to an HTTP status and a message safe to show.
func alertStatus(err error) (int, string, []alert.Problem) {
	var ps alert.Problems
	switch {
	case errors.As(err, &ps):
		return http.StatusUnprocessableEntity, ps.Error(), ps
	case errors.Is(err, store.ErrNotFound):
		return http.StatusNotFound, "no such alert among those of your organisations", nil
	case errors.Is(err, alert.ErrForbidden), errors.Is(err, alert.ErrSameOfficer):
		return http.StatusForbidden, err.Error(), nil
	case errors.Is(err, alert.ErrWrongState):
		return http.StatusConflict, err.Error(), nil
	case errors.Is(err, alert.ErrOutsideJurisdiction), errors.Is(err, alert.ErrInvalid), errors.Is(err, alert.ErrStatus),
		errors.Is(err, alert.ErrUnknownHazard), errors.Is(err, alert.ErrCAPFindings):
		return http.StatusUnprocessableEntity, err.Error(), nil
	}
	return http.StatusInternalServerError, "", nil
}

func (s *Server) apiAlertError(w http.ResponseWriter, r *http.Request, err error, findings []cap.Issue) {
	status, msg, ps := alertStatus(err)
	if status == http.StatusInternalServerError {
		s.apiInternal(w, r, err)
		return
	}
	p := alertProblem{Problem: Problem{Type: "about:blank", Title: http.StatusText(status), Status: status, Detail: msg}, Problems: ps, Findings: findings}
	if len(ps) > 0 {
		p.Field = ps[0].Field
	}
	writeJSONStatus(w, status, p, "application/problem+json")
}

// apiAlert is an alert in the API.
type apiAlert struct {
	ID         string           `json:"id"`
	OrgID      string           `json:"org_id"`
	Hazard     string           `json:"hazard"`
	CAPStatus  string           `json:"cap_status"`
	State      store.AlertState `json:"state"`
	Identifier string           `json:"identifier,omitempty"`
	Issued     int              `json:"issued"`
	Expires    time.Time        `json:"expires,omitzero"`
	Headline   string           `json:"headline"`
	Mode       string           `json:"mode"`
	UpdatedAt  time.Time        `json:"updated_at"`
}

func toAPIAlert(a store.Alert) apiAlert {
	return apiAlert{a.ID, a.OrgID, a.Hazard, a.CAPStatus, a.State, a.Identifier, a.Issued, a.Expires, a.Headline, a.Mode.String(), a.UpdatedAt}
}

type apiVersion struct {
	ID           string             `json:"id"`
	AlertID      string             `json:"alert_id"`
	Seq          int                `json:"seq"`
	Kind         store.VersionKind  `json:"kind"`
	State        store.VersionState `json:"state"`
	Content      json.RawMessage    `json:"content"`
	DrafterID    string             `json:"drafter_id"`
	SubmitterID  string             `json:"submitter_id,omitempty"`
	ApproverID   string             `json:"approver_id,omitempty"`
	RejectReason string             `json:"reject_reason,omitempty"`
}

type apiMessage struct {
	ID         string    `json:"id"`
	Identifier string    `json:"identifier"`
	MsgType    string    `json:"msg_type"`
	Sent       time.Time `json:"sent"`
	Expires    time.Time `json:"expires"`
	CAPURL     string    `json:"cap_url"`
}

func (s *Server) apiHazards(w http.ResponseWriter, _ *http.Request, _ *reqCtx) {
	writeJSON(w, http.StatusOK, map[string]any{"hazards": alert.Hazards()})
}

func (s *Server) apiAlertsList(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	list, err := s.Store.Alerts().List(r.Context(), store.AlertFilter{OrgIDs: rc.P.Scope, Limit: 500})
	if err != nil {
		s.apiInternal(w, r, err)
		return
	}
	out := make([]apiAlert, len(list))
	for i, a := range list {
		out[i] = toAPIAlert(a)
	}
	writeJSON(w, http.StatusOK, map[string]any{"alerts": out})
}

type alertInput struct {
	Hazard    string        `json:"hazard"`
	CAPStatus string        `json:"cap_status"`
	Content   alert.Content `json:"content"`
}

func (s *Server) apiAlertsCreate(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	var in alertInput
	if !decodeJSON(w, r, &in) {
		return
	}
	if in.CAPStatus == "" {
		in.CAPStatus = "Actual"
	}
	a, err := s.Alerts.Draft(r.Context(), rc.P, in.Hazard, in.CAPStatus, in.Content)
	if err != nil {
		s.apiAlertError(w, r, err, nil)
		return
	}
	w.Header().Set("Location", "/api/v1/alerts/"+a.ID)
	writeJSON(w, http.StatusCreated, toAPIAlert(a))
}

func (s *Server) apiAlertGet(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	d, err := s.Alerts.Load(r.Context(), rc.P, r.PathValue("id"))
	if err != nil {
		s.apiAlertError(w, r, err, nil)
		return
	}
	writeJSON(w, http.StatusOK, alertDetailJSON(d))
}

func alertDetailJSON(d alert.Detail) map[string]any {
	vs := make([]apiVersion, len(d.Versions))
	for i, v := range d.Versions {
		vs[i] = apiVersion{v.ID, v.AlertID, v.Seq, v.Kind, v.State, v.Content, v.DrafterID, v.SubmitterID, v.ApproverID, v.RejectReason}
	}
	ms := make([]apiMessage, len(d.Messages))
	for i, m := range d.Messages {
		ms[i] = apiMessage{m.ID, m.Identifier, m.MsgType, m.Sent, m.Expires, "/alerts/" + m.ID + ".xml"}
	}
	return map[string]any{"alert": toAPIAlert(d.Alert), "versions": vs, "messages": ms}
}

func (s *Server) apiAlertEdit(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	var c alert.Content
	if !decodeJSON(w, r, &c) {
		return
	}
	s.apiAlertAction(w, r, rc, func() error { return s.Alerts.Edit(r.Context(), rc.P, r.PathValue("id"), c) })
}

func (s *Server) apiAlertSubmit(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	report, err := s.Alerts.Submit(r.Context(), rc.P, r.PathValue("id"))
	if err != nil {
		s.apiAlertError(w, r, err, report.Issues)
		return
	}
	s.apiAlertAction(w, r, rc, func() error { return nil })
}

func (s *Server) apiAlertApprove(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	s.apiAlertAction(w, r, rc, func() error { _, err := s.Alerts.Approve(r.Context(), rc.P, r.PathValue("id")); return err })
}

type reasonInput struct {
	Reason string `json:"reason"`
}

func (s *Server) apiAlertReject(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	var in reasonInput
	if !decodeJSON(w, r, &in) {
		return
	}
	s.apiAlertAction(w, r, rc, func() error { return s.Alerts.Reject(r.Context(), rc.P, r.PathValue("id"), in.Reason) })
}

type reviseInput struct {
	Kind    store.VersionKind `json:"kind"`
	Content alert.Content     `json:"content"`
}

func (s *Server) apiAlertRevise(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	var in reviseInput
	if !decodeJSON(w, r, &in) {
		return
	}
	s.apiAlertAction(w, r, rc, func() error { return s.Alerts.Revise(r.Context(), rc.P, r.PathValue("id"), in.Kind, in.Content) })
}

// apiAlertAction runs act and answers with the alert as it now stands.
func (s *Server) apiAlertAction(w http.ResponseWriter, r *http.Request, rc *reqCtx, act func() error) {
	if err := act(); err != nil {
		s.apiAlertError(w, r, err, nil)
		return
	}
	d, err := s.Alerts.Load(r.Context(), rc.P, r.PathValue("id"))
	if err != nil {
		s.apiAlertError(w, r, err, nil)
		return
	}
	writeJSON(w, http.StatusOK, alertDetailJSON(d))
}

func (s *Server) apiAlertQueue(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	vs, err := s.Store.Alerts().Submitted(r.Context(), rc.P.Scope)
	if err != nil {
		s.apiInternal(w, r, err)
		return
	}
	out := make([]apiVersion, len(vs))
	for i, v := range vs {
		out[i] = apiVersion{v.ID, v.AlertID, v.Seq, v.Kind, v.State, v.Content, v.DrafterID, v.SubmitterID, v.ApproverID, v.RejectReason}
	}
	writeJSON(w, http.StatusOK, map[string]any{"queue": out})
}
