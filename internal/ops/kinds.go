package ops

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/taawun/taawun/internal/alert"
	"github.com/taawun/taawun/internal/auth"
	"github.com/taawun/taawun/internal/store"
)

// Bounds checks a GeoJSON geometry and returns its bounding box.
func Bounds(raw json.RawMessage) (store.BBox, error) {
	g, err := geojson.UnmarshalGeometry(raw)
	if err != nil {
		return store.BBox{}, fmt.Errorf("not a GeoJSON geometry: %w", err)
	}
	if g.Geometry() == nil {
		return store.BBox{}, fmt.Errorf("empty geometry")
	}
	b := g.Geometry().Bound()
	for _, v := range []float64{b.Min[0], b.Min[1], b.Max[0], b.Max[1]} {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return store.BBox{}, fmt.Errorf("coordinates are not numbers")
		}
	}
	if b.Min[0] < -180 || b.Max[0] > 180 || b.Min[1] < -90 || b.Max[1] > 90 {
		return store.BBox{}, fmt.Errorf("coordinates outside longitude -180..180, latitude -90..90")
	}
	if _, ok := g.Geometry().(orb.Collection); ok {
		return store.BBox{}, fmt.Errorf("a geometry collection is not accepted; send one geometry")
	}
	return store.BBox{MinLon: b.Min[0], MinLat: b.Min[1], MaxLon: b.Max[0], MaxLat: b.Max[1]}, nil
}

// LocalEvent is the kind of an event link to a hazard event of this node.
const LocalEvent = "hazard_event"

// EventLink names a hazard event an incident follows (kept as a reference: events live in
// the hazard-monitoring part of the node).
type EventLink struct {
	Kind string `json:"kind"`
	ID   string `json:"id"`
}

// IncidentData are an incident's own fields. The lead organisation is the owner.
type IncidentData struct {
	Hazard string `json:"hazard"`
	// Source says how the incident began: "manual", "alert" or "hazard_event".
	Source       string      `json:"source"`
	Alerts       []string    `json:"alerts,omitempty"`
	Events       []EventLink `json:"events,omitempty"`
	Participants []string    `json:"participants,omitempty"`
	Description  string      `json:"description,omitempty"`
}

func checkIncident(ctx context.Context, r store.Reader, p *auth.Principal, in *Input) ([]string, error) {
	var d IncidentData
	if err := decodeData(in.Data, &d); err != nil {
		return nil, err
	}
	if _, ok := alert.HazardByCode(d.Hazard); !ok {
		return nil, invalid("data.hazard", "unknown hazard %q", d.Hazard)
	}
	if d.Source == "" {
		d.Source = "manual"
	}
	if !slices.Contains([]string{"manual", "alert", "hazard_event"}, d.Source) {
		return nil, invalid("data.source", "%q is not manual, alert or hazard_event", d.Source)
	}
	for _, id := range d.Alerts {
		a, err := r.Alerts().Get(ctx, id)
		if err != nil || !p.InScope(a.OrgID) {
			return nil, invalid("data.alerts", "no warning %s in your organisations", id)
		}
	}
	for _, e := range d.Events {
		if e.Kind == "" || e.ID == "" {
			return nil, invalid("data.events", "each event link needs a kind and an id")
		}
		// Events of this node's hazard monitoring must exist; other kinds name a source's own
		// identifier (usgs, gdacs, …) and are kept as given.
		if e.Kind == LocalEvent {
			if _, err := r.HazardEvents().Get(ctx, e.ID); err != nil {
				return nil, invalid("data.events", "no hazard event %s on this node", e.ID)
			}
		}
	}
	if d.Source == "alert" && len(d.Alerts) == 0 {
		return nil, invalid("data.alerts", "an incident from a warning names the warning")
	}
	if d.Source == "hazard_event" && len(d.Events) == 0 {
		return nil, invalid("data.events", "an incident from a hazard event names the event")
	}
	return d.Participants, reencode(in, d)
}

// TaskData are a task's own fields.
type TaskData struct {
	Description string    `json:"description,omitempty"`
	AssigneeOrg string    `json:"assignee_org"`
	TeamID      string    `json:"team_id,omitempty"`
	Due         time.Time `json:"due"`
	// Checklist and Step name the checklist step the task came from, if any.
	Checklist string `json:"checklist,omitempty"`
	Step      string `json:"step,omitempty"`
}

func checkTask(ctx context.Context, r store.Reader, p *auth.Principal, in *Input) ([]string, error) {
	var d TaskData
	if err := decodeData(in.Data, &d); err != nil {
		return nil, err
	}
	if d.AssigneeOrg == "" {
		return nil, invalid("data.assignee_org", "a task is assigned to an organisation")
	}
	if d.Due.IsZero() {
		return nil, invalid("data.due", "a task needs a due time")
	}
	if d.TeamID != "" {
		if _, err := visible(ctx, r, p, store.OpsTeam, d.TeamID); err != nil {
			return nil, invalid("data.team_id", "no team %s visible to you", d.TeamID)
		}
	}
	return []string{d.AssigneeOrg}, reencode(in, d)
}

// Overdue reports whether a task is past due and not finished.
func Overdue(rec store.OpsRecord, now time.Time) bool {
	if rec.Kind != store.OpsTask || rec.Status == "done" || rec.Status == "cancelled" {
		return false
	}
	d, err := Decode[TaskData](rec)
	return err == nil && now.After(d.Due)
}

// Age groups and sexes of shelter occupancy, as the camp registration forms count them.
var (
	AgeGroups = []string{"0_4", "5_17", "18_59", "60_plus"}
	Sexes     = []string{"female", "male"}
	// Facilities a shelter may have.
	Facilities = []string{"water", "latrines", "bathing", "kitchen", "health_post", "electricity", "school", "women_space", "child_space", "ramp"}
)

// ShelterData are a shelter's or camp's own fields. Occupancy is keyed "<sex>_<age group>",
// e.g. "female_0_4".
type ShelterData struct {
	Type       string           `json:"type"` // "shelter" or "camp"
	Capacity   int64            `json:"capacity"`
	Occupancy  map[string]int64 `json:"occupancy,omitempty"`
	Facilities []string         `json:"facilities,omitempty"`
	Needs      string           `json:"needs,omitempty"`
}

// Occupants is the total occupancy.
func (d ShelterData) Occupants() int64 {
	var n int64
	for _, v := range d.Occupancy {
		n += v
	}
	return n
}

func checkShelter(_ context.Context, _ store.Reader, _ *auth.Principal, in *Input) ([]string, error) {
	var d ShelterData
	if err := decodeData(in.Data, &d); err != nil {
		return nil, err
	}
	if d.Type != "shelter" && d.Type != "camp" {
		return nil, invalid("data.type", "%q is not shelter or camp", d.Type)
	}
	if d.Capacity <= 0 {
		return nil, invalid("data.capacity", "capacity must be a positive number of people")
	}
	for k, v := range d.Occupancy {
		if !validGroup(k) {
			return nil, invalid("data.occupancy", "%q is not <female|male>_<0_4|5_17|18_59|60_plus>", k)
		}
		if v < 0 {
			return nil, invalid("data.occupancy", "%s is negative", k)
		}
	}
	for _, f := range d.Facilities {
		if !slices.Contains(Facilities, f) {
			return nil, invalid("data.facilities", "unknown facility %q", f)
		}
	}
	return nil, reencode(in, d)
}

func validGroup(k string) bool {
	for _, s := range Sexes {
		for _, a := range AgeGroups {
			if k == s+"_"+a {
				return true
			}
		}
	}
	return false
}

// TeamTypes are the kinds of response team: INSARAG USAR classes, WHO emergency medical team
// types, and Rescue 1122 units.
var TeamTypes = []string{"usar_heavy", "usar_medium", "usar_light", "emt_1_mobile", "emt_1_fixed", "emt_2", "emt_3",
	"rescue1122_water", "rescue1122_ambulance", "rescue1122_fire", "rescue1122_usar", "other"}

// TeamData are a team's own fields.
type TeamData struct {
	Type         string   `json:"type"`
	Size         int      `json:"size"`
	Capabilities []string `json:"capabilities,omitempty"`
	// Assignment is the incident or task the team works on.
	Assignment string `json:"assignment,omitempty"`
	Contact    string `json:"contact,omitempty"`
}

func checkTeam(_ context.Context, _ store.Reader, _ *auth.Principal, in *Input) ([]string, error) {
	var d TeamData
	if err := decodeData(in.Data, &d); err != nil {
		return nil, err
	}
	if !slices.Contains(TeamTypes, d.Type) {
		return nil, invalid("data.type", "unknown team type %q", d.Type)
	}
	if d.Size <= 0 || d.Size > 10000 {
		return nil, invalid("data.size", "a team has 1 to 10000 members")
	}
	return nil, reencode(in, d)
}

// WarehouseData are a warehouse's own fields.
type WarehouseData struct {
	Contact  string `json:"contact,omitempty"`
	Capacity string `json:"capacity,omitempty"`
}

func checkWarehouse(_ context.Context, _ store.Reader, _ *auth.Principal, in *Input) ([]string, error) {
	var d WarehouseData
	if err := decodeData(in.Data, &d); err != nil {
		return nil, err
	}
	return nil, reencode(in, d)
}

// Urgencies of requests, most urgent last.
var Urgencies = []string{"low", "medium", "high", "critical"}

// RequestData is who needs what, where and how urgently, and how much of it has been
// dispatched and delivered.
type RequestData struct {
	ItemID     string `json:"item_id"`
	Quantity   int64  `json:"quantity"`
	Urgency    string `json:"urgency"`
	Requester  string `json:"requester,omitempty"`
	Dispatched int64  `json:"dispatched"`
	Delivered  int64  `json:"delivered"`
}

func checkRequest(ctx context.Context, r store.Reader, _ *auth.Principal, in *Input) ([]string, error) {
	var d RequestData
	if err := decodeData(in.Data, &d); err != nil {
		return nil, err
	}
	if err := checkItemQuantity(ctx, r, d.ItemID, d.Quantity); err != nil {
		return nil, err
	}
	if !slices.Contains(Urgencies, d.Urgency) {
		return nil, invalid("data.urgency", "%q is not low, medium, high or critical", d.Urgency)
	}
	// Fulfilment is counted by dispatches and deliveries, never typed in.
	d.Dispatched, d.Delivered = 0, 0
	return nil, reencode(in, d)
}

// OfferData is who can give what.
type OfferData struct {
	ItemID   string `json:"item_id"`
	Quantity int64  `json:"quantity"`
	Donor    string `json:"donor"`
}

func checkOffer(ctx context.Context, r store.Reader, _ *auth.Principal, in *Input) ([]string, error) {
	var d OfferData
	if err := decodeData(in.Data, &d); err != nil {
		return nil, err
	}
	if err := checkItemQuantity(ctx, r, d.ItemID, d.Quantity); err != nil {
		return nil, err
	}
	if d.Donor == "" {
		return nil, invalid("data.donor", "an offer names its donor")
	}
	return nil, reencode(in, d)
}

func checkItemQuantity(ctx context.Context, r store.Reader, itemID string, qty int64) error {
	if _, err := r.Relief().Item(ctx, itemID); err != nil {
		return invalid("data.item_id", "no item %q in the catalogue", itemID)
	}
	if qty <= 0 {
		return invalid("data.quantity", "quantity must be positive, not %d", qty)
	}
	return nil
}
