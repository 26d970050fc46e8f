package ops

import (
	"context"
	"encoding/json"
	"slices"
	"time"

	"github.com/taawun/taawun/internal/auth"
	"github.com/taawun/taawun/internal/mode"
	"github.com/taawun/taawun/internal/store"
)

// COPLayers are the operating picture's layers drawn from operational records.
var COPLayers = []store.OpsKind{store.OpsIncident, store.OpsShelter, store.OpsWarehouse, store.OpsTeam, store.OpsRequest, store.OpsOffer, store.OpsDistribution}

// MaxFeaturesPerLayer bounds one layer of one answer; the map asks again for a smaller box.
const MaxFeaturesPerLayer = 2000

// Feature is a GeoJSON feature of the operating picture.
type Feature struct {
	Type     string          `json:"type"`
	ID       string          `json:"id"`
	Geometry json.RawMessage `json:"geometry"`
	// Geometry and Properties are nil in a feature from the picture's index, which keeps
	// features encoded only (COPIndex): such a feature is its ID and its encoding, which
	// MarshalJSON and Layer.AppendJSON write.
	Properties *Properties `json:"properties"`
	// encoded is the feature as JSON, kept by the picture's index so that an answer copies it
	// instead of encoding it again. It shares the index's memory: never change it.
	encoded json.RawMessage
}

// plainFeature is a Feature without its MarshalJSON method.
type plainFeature Feature

// MarshalJSON returns the feature's encoding kept by the index, or encodes it.
func (f Feature) MarshalJSON() ([]byte, error) {
	if f.encoded != nil {
		return f.encoded, nil
	}
	return json.Marshal(plainFeature(f))
}

// Properties are what a map popup and filter need of a record; fields of other kinds are
// left out.
type Properties struct {
	Kind       store.OpsKind `json:"kind"`
	Title      string        `json:"title"`
	Status     string        `json:"status"`
	OrgID      string        `json:"org_id"`
	IncidentID string        `json:"incident_id,omitempty"`
	UpdatedAt  time.Time     `json:"updated_at"`
	Hazard     string        `json:"hazard,omitempty"`
	Type       string        `json:"type,omitempty"`
	Capacity   *int64        `json:"capacity,omitempty"`
	Occupants  *int64        `json:"occupants,omitempty"`
	Size       int           `json:"size,omitempty"`
	Urgency    string        `json:"urgency,omitempty"`
	ItemID     string        `json:"item_id,omitempty"`
	Quantity   int64         `json:"quantity,omitempty"`
	Delivered  *int64        `json:"delivered,omitempty"`
}

// Layer is one layer as a GeoJSON feature collection.
type Layer struct {
	Type      string    `json:"type"`
	Features  []Feature `json:"features"`
	Truncated bool      `json:"truncated,omitempty"`
}

// SizeHint is about how many bytes AppendJSON appends (exactly, for features from the index),
// so that a writer can size its buffer once.
func (l Layer) SizeHint() int {
	n := len(`{"type":"FeatureCollection","features":[],"truncated":true}`)
	for _, f := range l.Features {
		n += len(f.encoded) + 1
	}
	return n
}

// AppendJSON appends the layer to b as encoding/json writes it, copying the features' kept
// encodings: encoding/json would check each one again, which cost a third of an answer.
func (l Layer) AppendJSON(b []byte) ([]byte, error) {
	typ, err := json.Marshal(l.Type)
	if err != nil {
		return b, err
	}
	b = slices.Grow(b, l.SizeHint())
	b = append(append(append(b, `{"type":`...), typ...), `,"features":[`...)
	for i, f := range l.Features {
		if i > 0 {
			b = append(b, ',')
		}
		enc := f.encoded
		if enc == nil {
			if enc, err = json.Marshal(plainFeature(f)); err != nil {
				return b, err
			}
		}
		b = append(b, enc...)
	}
	b = append(b, ']')
	if l.Truncated {
		b = append(b, `,"truncated":true`...)
	}
	return append(b, '}'), nil
}

// COPFilter selects what the operating picture shows.
type COPFilter struct {
	Box        *store.BBox
	Layers     []store.OpsKind
	IncidentID string
	Statuses   []string
}

// COP returns the operating picture: one feature collection per layer, of the records the
// principal may see inside the box.
func (s *Service) COP(ctx context.Context, p *auth.Principal, f COPFilter) (map[string]Layer, error) {
	layers := f.Layers
	if len(layers) == 0 {
		layers = COPLayers
	}
	for _, kind := range layers {
		if !slices.Contains(COPLayers, kind) {
			return nil, invalid("layers", "unknown layer %q", kind)
		}
	}
	v := ViewerOf(p)
	if s.Picture != nil && mode.From(ctx) == mode.Live {
		if out, ok := s.Picture.answer(v, f, layers); ok {
			return out, nil
		}
	}
	// One query for all layers, at most one feature more than the cap of each, so that a
	// truncated layer is known to be.
	recs, err := s.Store.OpsRecords().List(ctx, store.OpsFilter{Viewer: &v, Kinds: layers, Box: f.Box, IncidentID: f.IncidentID,
		Statuses: f.Statuses, PerKind: MaxFeaturesPerLayer + 1})
	if err != nil {
		return nil, err
	}
	out := map[string]Layer{}
	for _, kind := range layers {
		out[string(kind)] = Layer{Type: "FeatureCollection", Features: []Feature{}}
	}
	for _, r := range recs {
		l := out[string(r.Kind)]
		switch {
		case len(l.Features) == MaxFeaturesPerLayer:
			l.Truncated = true
		case len(r.Geometry) > 0:
			l.Features = append(l.Features, Feature{Type: "Feature", ID: r.ID, Geometry: r.Geometry, Properties: properties(r)})
		}
		out[string(r.Kind)] = l
	}
	return out, nil
}

// properties picks a record's map properties.
func properties(r store.OpsRecord) *Properties {
	p := &Properties{Kind: r.Kind, Title: r.Title, Status: r.Status, OrgID: r.OrgID, IncidentID: r.IncidentID, UpdatedAt: r.UpdatedAt}
	switch r.Kind {
	case store.OpsIncident:
		if d, err := Decode[IncidentData](r); err == nil {
			p.Hazard = d.Hazard
		}
	case store.OpsShelter:
		if d, err := Decode[ShelterData](r); err == nil {
			occupants := d.Occupants()
			p.Capacity, p.Occupants, p.Type = &d.Capacity, &occupants, d.Type
		}
	case store.OpsTeam:
		if d, err := Decode[TeamData](r); err == nil {
			p.Type, p.Size = d.Type, d.Size
		}
	case store.OpsRequest:
		if d, err := Decode[RequestData](r); err == nil {
			p.Urgency, p.ItemID, p.Quantity, p.Delivered = d.Urgency, d.ItemID, d.Quantity, &d.Delivered
		}
	}
	return p
}

// Dashboard holds the operating picture's key figures.
type Dashboard struct {
	// Counts per kind and status of the records the principal sees.
	Counts       map[store.OpsKind]map[string]int `json:"counts"`
	OverdueTasks int                              `json:"overdue_tasks"`
	ShelterSpace int64                            `json:"shelter_capacity"`
	Sheltered    int64                            `json:"sheltered"`
}

// Dashboard returns the key figures for the principal.
func (s *Service) Dashboard(ctx context.Context, p *auth.Principal) (Dashboard, error) {
	v := ViewerOf(p)
	counts, err := s.Store.OpsRecords().Count(ctx, store.OpsFilter{Viewer: &v})
	if err != nil {
		return Dashboard{}, err
	}
	d := Dashboard{Counts: counts}
	now := s.Clock.Now()
	err = s.each(ctx, v, store.OpsTask, []string{"open", "in_progress"}, func(r store.OpsRecord) {
		if Overdue(r, now) {
			d.OverdueTasks++
		}
	})
	if err != nil {
		return d, err
	}
	err = s.each(ctx, v, store.OpsShelter, []string{"open", "full"}, func(r store.OpsRecord) {
		if sd, err := Decode[ShelterData](r); err == nil {
			d.ShelterSpace += sd.Capacity
			d.Sheltered += sd.Occupants()
		}
	})
	return d, err
}

// each pages through visible records of one kind.
func (s *Service) each(ctx context.Context, v store.Viewer, kind store.OpsKind, statuses []string, fn func(store.OpsRecord)) error {
	after := ""
	for {
		recs, err := s.Store.OpsRecords().List(ctx, store.OpsFilter{Viewer: &v, Kinds: []store.OpsKind{kind}, Statuses: statuses, AfterID: after, Limit: 1000})
		if err != nil {
			return err
		}
		for _, r := range recs {
			fn(r)
		}
		if len(recs) < 1000 {
			return nil
		}
		after = recs[len(recs)-1].ID
	}
}
