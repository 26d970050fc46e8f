package ops

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/taawun/taawun/internal/auth"
	"github.com/taawun/taawun/internal/store"
)

// Input is what a caller gives to create or change an operational record. Data holds the
// kind's own fields (IncidentData, TaskData, …).
type Input struct {
	Title      string          `json:"title"`
	Status     string          `json:"status,omitempty"`
	IncidentID string          `json:"incident_id,omitempty"`
	Geometry   json.RawMessage `json:"geometry,omitempty"`
	Data       json.RawMessage `json:"data,omitempty"`
	// ShareWith names organisations that should see the record besides the owner's chain.
	ShareWith []string `json:"share_with,omitempty"`
}

// spec describes one kind: its statuses (the first is the initial one), whether it needs a
// geometry, and how its data is checked. check returns the organisations the record is
// implicitly shared with (participants, assignees).
type spec struct {
	statuses     []string
	needGeometry bool
	check        func(ctx context.Context, r store.Reader, p *auth.Principal, in *Input) (shares []string, err error)
}

func specs() map[store.OpsKind]spec {
	return map[store.OpsKind]spec{
		store.OpsIncident:  {statuses: []string{"active", "contained", "closed"}, needGeometry: true, check: checkIncident},
		store.OpsTask:      {statuses: []string{"open", "in_progress", "done", "cancelled"}, check: checkTask},
		store.OpsShelter:   {statuses: []string{"open", "full", "closed"}, needGeometry: true, check: checkShelter},
		store.OpsTeam:      {statuses: []string{"standby", "deployed", "demobilised"}, needGeometry: true, check: checkTeam},
		store.OpsWarehouse: {statuses: []string{"open", "closed"}, needGeometry: true, check: checkWarehouse},
		store.OpsRequest:   {statuses: []string{"open", "dispatched", "delivered", "closed"}, needGeometry: true, check: checkRequest},
		store.OpsOffer:     {statuses: []string{"open", "accepted", "withdrawn"}, check: checkOffer},
	}
}

// Statuses returns the statuses of a kind, initial first.
func Statuses(kind store.OpsKind) []string { return specs()[kind].statuses }

// decodeData reads a kind's data strictly: unknown fields are an error, not silently dropped.
func decodeData(raw json.RawMessage, v any) error {
	if len(raw) == 0 {
		raw = json.RawMessage("{}")
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return invalid("data", "%v", err)
	}
	return nil
}

// reencode stores data in its normalised form.
func reencode(in *Input, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	in.Data = b
	return nil
}

// prepare validates input for kind and fills rec's shared fields.
func (s *Service) prepare(ctx context.Context, r store.Reader, p *auth.Principal, kind store.OpsKind, in *Input, rec *store.OpsRecord) ([]string, error) {
	sp, ok := specs()[kind]
	if !ok {
		return nil, invalid("kind", "%q is not a kind of record that can be written here", kind)
	}
	in.Title = strings.TrimSpace(in.Title)
	if in.Title == "" || len(in.Title) > 300 {
		return nil, invalid("title", "give a title of 1 to 300 characters")
	}
	if in.Status == "" {
		in.Status = sp.statuses[0]
		if rec.Status != "" {
			in.Status = rec.Status
		}
	}
	if !slices.Contains(sp.statuses, in.Status) {
		return nil, invalid("status", "%q is not one of %s", in.Status, strings.Join(sp.statuses, ", "))
	}
	if len(in.Geometry) > 0 && string(in.Geometry) != "null" {
		box, err := Bounds(in.Geometry)
		if err != nil {
			return nil, invalid("geometry", "%v", err)
		}
		rec.Geometry, rec.Box = in.Geometry, &box
	} else if sp.needGeometry {
		return nil, invalid("geometry", "a %s needs a location (GeoJSON geometry)", kind)
	} else {
		rec.Geometry, rec.Box = nil, nil
	}
	if in.IncidentID != "" && kind != store.OpsIncident {
		if _, err := visible(ctx, r, p, store.OpsIncident, in.IncidentID); err != nil {
			return nil, invalid("incident_id", "no incident %s visible to you", in.IncidentID)
		}
	}
	shares, err := sp.check(ctx, r, p, in)
	if err != nil {
		return nil, err
	}
	for _, id := range in.ShareWith {
		shares = append(shares, id)
	}
	for _, id := range shares {
		if _, err := r.Orgs().Get(ctx, id); err != nil {
			return nil, invalid("share_with", "no organisation %s", id)
		}
	}
	rec.Kind, rec.Title, rec.Status, rec.IncidentID, rec.Data = kind, in.Title, in.Status, in.IncidentID, in.Data
	return shares, nil
}

// Create stores a new record of kind owned by the principal's organisation.
func (s *Service) Create(ctx context.Context, p *auth.Principal, kind store.OpsKind, in Input) (store.OpsRecord, error) {
	if err := need(p, auth.PermOperate, "creating a "+string(kind)); err != nil {
		return store.OpsRecord{}, err
	}
	rec := store.OpsRecord{OrgID: p.Org.ID}
	err := s.Store.WithTx(ctx, func(tx store.Tx) error {
		shares, err := s.prepare(ctx, tx, p, kind, &in, &rec)
		if err != nil {
			return err
		}
		if err := tx.OpsRecords().Create(ctx, &rec); err != nil {
			return err
		}
		for _, org := range shares {
			if err := tx.OpsRecords().Share(ctx, rec.ID, org); err != nil {
				return err
			}
		}
		return record(ctx, tx, p, string(kind)+".created", string(kind), rec.ID, nil, rec)
	})
	return rec, err
}

// Update changes a visible record: title, status, location, incident and data.
func (s *Service) Update(ctx context.Context, p *auth.Principal, kind store.OpsKind, id string, in Input) (store.OpsRecord, error) {
	if err := need(p, auth.PermOperate, "changing a "+string(kind)); err != nil {
		return store.OpsRecord{}, err
	}
	var rec store.OpsRecord
	err := s.Store.WithTx(ctx, func(tx store.Tx) error {
		before, err := visible(ctx, tx, p, kind, id)
		if err != nil {
			return err
		}
		if !mayChange(p, before) {
			return fmt.Errorf("%w: a %s is changed by its organisation's chain (a task also by its assignee); it is only shared with you", ErrForbidden, kind)
		}
		rec = before
		shares, err := s.prepare(ctx, tx, p, kind, &in, &rec)
		if err != nil {
			return err
		}
		if kind == store.OpsRequest {
			if rec.Data, err = keepFulfilment(before, rec.Data); err != nil {
				return err
			}
		}
		if err := tx.OpsRecords().Update(ctx, &rec); err != nil {
			return err
		}
		for _, org := range shares {
			if err := tx.OpsRecords().Share(ctx, rec.ID, org); err != nil {
				return err
			}
		}
		return record(ctx, tx, p, string(kind)+".updated", string(kind), rec.ID, before, rec)
	})
	return rec, err
}

// mayChange reports whether p may change rec: the owner and its ancestors may; an organisation a
// record is only shared with may read it, except the assignee of a task, who reports progress.
func mayChange(p *auth.Principal, rec store.OpsRecord) bool {
	if p.InScope(rec.OrgID) {
		return true
	}
	if rec.Kind != store.OpsTask {
		return false
	}
	d, err := Decode[TaskData](rec)
	return err == nil && p.InScope(d.AssigneeOrg)
}

// SetStatus changes only a record's status; kind "" takes the record's own.
func (s *Service) SetStatus(ctx context.Context, p *auth.Principal, kind store.OpsKind, id, status string) (store.OpsRecord, error) {
	rec, err := s.Get(ctx, p, kind, id)
	if err != nil {
		return rec, err
	}
	return s.Update(ctx, p, rec.Kind, id, Input{Title: rec.Title, Status: status, IncidentID: rec.IncidentID, Geometry: rec.Geometry, Data: rec.Data})
}

// Share makes a record the principal may change visible to one more organisation.
func (s *Service) Share(ctx context.Context, p *auth.Principal, id, orgID string) error {
	if err := need(p, auth.PermOperate, "sharing"); err != nil {
		return err
	}
	return s.Store.WithTx(ctx, func(tx store.Tx) error {
		rec, err := visible(ctx, tx, p, "", id)
		if err != nil {
			return err
		}
		if !p.InScope(rec.OrgID) {
			return fmt.Errorf("%w: only the owning organisation's chain shares a %s", ErrForbidden, rec.Kind)
		}
		if _, err := tx.Orgs().Get(ctx, orgID); err != nil {
			return invalid("org_id", "no organisation %s", orgID)
		}
		if err := tx.OpsRecords().Share(ctx, id, orgID); err != nil {
			return err
		}
		return record(ctx, tx, p, string(rec.Kind)+".shared", string(rec.Kind), id, nil, map[string]string{"org_id": orgID})
	})
}

// Get returns a record the principal may see.
func (s *Service) Get(ctx context.Context, p *auth.Principal, kind store.OpsKind, id string) (store.OpsRecord, error) {
	return visible(ctx, s.Store, p, kind, id)
}

// List returns the records of a kind the principal may see.
func (s *Service) List(ctx context.Context, p *auth.Principal, f store.OpsFilter) ([]store.OpsRecord, error) {
	v := ViewerOf(p)
	f.Viewer = &v
	if f.Limit <= 0 || f.Limit > 1000 {
		f.Limit = 1000
	}
	return s.Store.OpsRecords().List(ctx, f)
}

// Decode reads a record's data into v.
func Decode[T any](rec store.OpsRecord) (T, error) {
	var v T
	if err := json.Unmarshal(rec.Data, &v); err != nil {
		return v, fmt.Errorf("ops: %s %s data: %w", rec.Kind, rec.ID, err)
	}
	return v, nil
}

// keepFulfilment carries a request's dispatched and delivered counts over an edit.
func keepFulfilment(before store.OpsRecord, data json.RawMessage) (json.RawMessage, error) {
	old, err := Decode[RequestData](before)
	if err != nil {
		return nil, err
	}
	var d RequestData
	if err := json.Unmarshal(data, &d); err != nil {
		return nil, err
	}
	d.Dispatched, d.Delivered = old.Dispatched, old.Delivered
	return json.Marshal(d)
}

// eventHazards maps hazard-event types to the hazard an incident of them has.
var eventHazards = map[string]string{"earthquake": "earthquake", "flood": "riverine_flood", "cyclone": "cyclone", "storm": "cyclone",
	"tsunami": "tsunami", "landslide": "landslide", "heat": "heatwave"}

// IncidentFromEvent opens an incident for a hazard event of this node: its title, hazard and
// place come from the event, and the incident keeps the link.
func (s *Service) IncidentFromEvent(ctx context.Context, p *auth.Principal, eventID string, participants []string) (store.OpsRecord, error) {
	ev, err := s.Store.HazardEvents().Get(ctx, eventID)
	if errors.Is(err, store.ErrNotFound) {
		return store.OpsRecord{}, invalid("event_id", "no hazard event %s on this node", eventID)
	} else if err != nil {
		return store.OpsRecord{}, err
	}
	hazard, ok := eventHazards[ev.Type]
	if !ok {
		return store.OpsRecord{}, invalid("event_id", "a %s event has no incident hazard; open the incident by hand", ev.Type)
	}
	geometry := ev.Geometry
	if len(geometry) == 0 {
		geometry = json.RawMessage(fmt.Sprintf(`{"type":"Point","coordinates":[%g,%g]}`, ev.Lon, ev.Lat))
	}
	data, err := json.Marshal(IncidentData{Hazard: hazard, Source: "hazard_event", Events: []EventLink{{Kind: LocalEvent, ID: ev.ID}},
		Participants: participants, Description: ev.AreaDesc})
	if err != nil {
		return store.OpsRecord{}, err
	}
	return s.Create(ctx, p, store.OpsIncident, Input{Title: ev.Title, Geometry: geometry, Data: data})
}
