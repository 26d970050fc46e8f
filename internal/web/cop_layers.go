package web

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/taawun/taawun/internal/cap"
	"github.com/taawun/taawun/internal/feed"
	"github.com/taawun/taawun/internal/geodata"
	"github.com/taawun/taawun/internal/geotarget"
	"github.com/taawun/taawun/internal/i18n"
	"github.com/taawun/taawun/internal/ops"
	"github.com/taawun/taawun/internal/store"
)

// The operating picture's layers beside the operational records: the warnings in effect and
// the hazard events read from the sources. ops.Service.COP draws the records; these come from
// the alert and hazard stores, and apiCOP merges the two.

// copOwnLayers are the layers drawn here, in the order the page lists them.
var copOwnLayers = []string{"alert", "hazard"}

const (
	// hazardShown is how far back the hazard layer reaches: an earthquake or a flood of the last
	// weeks still shapes operations; older events are on the hazards page.
	hazardShown = 30 * 24 * time.Hour
	// copAlertsRead bounds the warnings in effect read for one answer.
	copAlertsRead = 500
)

// copLayerSchemas describe the two layers in the COP answer.
var copLayerSchemas = func() map[string]any {
	layer := func(props map[string]any) map[string]any {
		return object([]string{"type", "features"}, map[string]any{"type": enumOf("FeatureCollection"), "truncated": map[string]any{"type": "boolean"},
			"features": map[string]any{"type": "array", "items": object([]string{"type", "id", "geometry", "properties"}, map[string]any{
				"type": enumOf("Feature"), "id": str, "geometry": geometry, "properties": object([]string{"kind", "link"}, props)})}})
	}
	return map[string]any{
		"COPAlertLayer": layer(map[string]any{"kind": enumOf("alert"), "headline": str, "event": str, "hazard": str, "severity": str, "urgency": str,
			"status": map[string]any{"type": "string", "description": "CAP status: Actual, Exercise, Test"}, "msg_type": str, "areas": str, "org_id": str,
			"sent": hzTime, "expires": hzTime, "link": str}),
		"COPHazardLayer": layer(map[string]any{"kind": enumOf("hazard"), "type": str, "title": str, "time": hzTime, "magnitude": hzNum,
			"severity": str, "alert_level": map[string]any{"type": "string", "enum": []string{"green", "yellow", "orange", "red"}}, "link": str}),
	}
}()

// copFeature is a feature of the warnings or hazard layer.
type copFeature struct {
	Type       string          `json:"type"`
	ID         string          `json:"id"`
	Geometry   json.RawMessage `json:"geometry"`
	Properties any             `json:"properties"`
}

// copLayer is one of these layers as a GeoJSON feature collection, shaped as ops.Layer.
type copLayer struct {
	Type      string       `json:"type"`
	Features  []copFeature `json:"features"`
	Truncated bool         `json:"truncated,omitempty"`
}

// add appends f unless the layer is full, which it then says.
func (l *copLayer) add(f copFeature) {
	if len(l.Features) == ops.MaxFeaturesPerLayer {
		l.Truncated = true
		return
	}
	l.Features = append(l.Features, f)
}

// alertProps is what the map shows of a warning, in the reader's language.
type alertProps struct {
	Kind     string    `json:"kind"`
	Headline string    `json:"headline"`
	Event    string    `json:"event"`
	Hazard   string    `json:"hazard"`
	Severity string    `json:"severity"`
	Urgency  string    `json:"urgency"`
	Status   string    `json:"status"` // CAP status: Actual, Exercise, Test
	MsgType  string    `json:"msg_type"`
	Areas    string    `json:"areas"`
	OrgID    string    `json:"org_id"`
	Sent     time.Time `json:"sent"`
	Expires  time.Time `json:"expires"`
	Link     string    `json:"link"`
}

// hazardProps is what the map shows of a hazard event.
type hazardProps struct {
	Kind       string    `json:"kind"`
	Type       string    `json:"type"`
	Title      string    `json:"title"`
	Time       time.Time `json:"time"`
	Magnitude  *float64  `json:"magnitude,omitempty"`
	Severity   string    `json:"severity,omitempty"`
	AlertLevel string    `json:"alert_level,omitempty"`
	Link       string    `json:"link"`
}

// copPicture answers the operating picture: the operational layers from ops.Service.COP and
// the warnings and hazard layers. names are the layers asked for; none means all.
func (s *Server) copPicture(r *http.Request, rc *reqCtx, f ops.COPFilter, names []string) (map[string]any, error) {
	var own []string
	f.Layers = nil
	for _, n := range names {
		if slices.Contains(copOwnLayers, n) {
			own = append(own, n)
		} else {
			f.Layers = append(f.Layers, store.OpsKind(n))
		}
	}
	if len(names) == 0 {
		own = copOwnLayers
	}
	out := map[string]any{}
	if len(f.Layers) > 0 || len(names) == 0 {
		layers, err := s.Ops.COP(r.Context(), rc.P, f)
		if err != nil {
			return nil, err
		}
		for k, l := range layers {
			out[k] = l
		}
	}
	var box orb.MultiPolygon
	if b := f.Box; b != nil {
		box = orb.MultiPolygon{orb.Bound{Min: orb.Point{b.MinLon, b.MinLat}, Max: orb.Point{b.MaxLon, b.MaxLat}}.ToPolygon()}
	}
	for _, name := range own {
		var l copLayer
		var err error
		if name == "alert" {
			l, err = s.copAlerts(r.Context(), rc, box)
		} else {
			l, err = s.copHazards(r.Context(), box)
		}
		if err != nil {
			return nil, err
		}
		out[name] = l
	}
	return out, nil
}

// copAlerts draws the warnings in effect that the principal's warnings pages list (those of
// the organisations it acts in) and whose areas meet box (nil: anywhere): the areas of each
// one's latest issued message, as its own map draws them.
func (s *Server) copAlerts(ctx context.Context, rc *reqCtx, box orb.MultiPolygon) (copLayer, error) {
	l := copLayer{Type: "FeatureCollection", Features: []copFeature{}}
	list, err := s.Store.Alerts().List(ctx, store.AlertFilter{OrgIDs: rc.P.Scope, States: []store.AlertState{store.AlertIssued}, Limit: copAlertsRead})
	if err != nil {
		return l, err
	}
	now := s.Clock.Now()
	for _, a := range list {
		// Expiry is swept periodically; a warning past it is no longer in effect meanwhile.
		if !a.Expires.After(now) {
			continue
		}
		msgs, err := s.Store.Alerts().Messages(ctx, a.ID)
		if err != nil {
			return l, err
		}
		if len(msgs) == 0 {
			continue
		}
		m := msgs[len(msgs)-1]
		parsed, err := cap.ParseBytes(m.XML)
		if err != nil || len(parsed.Infos) == 0 {
			s.Log.Error("stored CAP message does not parse", "id", m.ID, "err", err)
			continue
		}
		in := infoIn(parsed, string(rc.Lang))
		var area orb.MultiPolygon
		var names []string
		for _, f := range s.areaFeatures(ctx, m, in) {
			if mp, ok := f.Geometry.(orb.MultiPolygon); ok {
				area = append(area, mp...)
			}
			if d, _ := f.Properties["area"].(string); d != "" {
				names = append(names, d)
			}
		}
		if len(area) == 0 || (box != nil && !geotarget.Meets(area, box)) {
			continue
		}
		geom, err := json.Marshal(geojson.NewGeometry(area))
		if err != nil {
			return l, err
		}
		l.add(copFeature{Type: "Feature", ID: a.ID, Geometry: geom, Properties: alertProps{Kind: "alert", Headline: in.Headline, Event: in.Event,
			Hazard: a.Hazard, Severity: in.Severity, Urgency: in.Urgency, Status: a.CAPStatus, MsgType: m.MsgType, Areas: strings.Join(names, "; "),
			OrgID: a.OrgID, Sent: m.Sent, Expires: a.Expires, Link: "/warnings/" + a.ID}})
	}
	return l, nil
}

// copHazards draws the hazard events of the last hazardShown that are neither cancelled nor
// expired and lie in box (nil: anywhere): their areas when the source gives them, else their
// point. Events are shared reference data: every viewer of the picture sees them all.
func (s *Server) copHazards(ctx context.Context, box orb.MultiPolygon) (copLayer, error) {
	l := copLayer{Type: "FeatureCollection", Features: []copFeature{}}
	now := s.Clock.Now()
	// Events outside the box are read too: a read that fills its limit may have missed some
	// inside, which the layer then says.
	evs, err := s.Store.HazardEvents().List(ctx, store.HazardEventFilter{Since: now.Add(-hazardShown), Limit: 4 * ops.MaxFeaturesPerLayer})
	if err != nil {
		return l, err
	}
	l.Truncated = len(evs) == 4*ops.MaxFeaturesPerLayer
	for _, e := range evs {
		if e.Cancelled || (!e.Expires.IsZero() && !e.Expires.After(now)) {
			continue
		}
		geom := e.Geometry
		if area, err := geodata.ReadMultiPolygon(e.Geometry); err == nil && len(area) > 0 {
			if box != nil && !geotarget.Meets(area, box) {
				continue
			}
		} else {
			pt := orb.Point{e.Lon, e.Lat}
			if box != nil && !box.Bound().Contains(pt) {
				continue
			}
			if geom, err = json.Marshal(geojson.NewGeometry(pt)); err != nil {
				return l, err
			}
		}
		l.add(copFeature{Type: "Feature", ID: e.ID, Geometry: geom, Properties: hazardProps{Kind: "hazard", Type: e.Type, Title: e.Title, Time: e.Time,
			Magnitude: e.Magnitude, Severity: e.Severity, AlertLevel: e.AlertLevel, Link: "/hazards/" + e.ID}})
	}
	return l, nil
}

// copOwnPage is what the operating picture page needs of these layers and of the charts: the
// layers' toggles and the labels the scripts show in popups, legend and charts (JSON).
type copOwnPage struct {
	Layers []option
	Labels string
}

func (s *Server) copOwnPage(lang i18n.Lang) (copOwnPage, error) {
	var p copOwnPage
	labels := map[string]map[string]string{"layer": {}, "hazard_type": {}, "level": {}, "severity": {}, "urgency": {}, "status": {}, "text": {}, "figure": {}}
	for _, f := range chartFigures {
		labels["figure"][f] = s.label(lang, "ops.figure", f)
	}
	for _, name := range copOwnLayers {
		p.Layers = append(p.Layers, option{name, s.label(lang, "copmap.layer", name)})
		labels["layer"][name] = s.label(lang, "copmap.layer", name)
	}
	for _, t := range feed.Types() {
		labels["hazard_type"][t] = s.label(lang, "hazards.type", t)
	}
	for _, v := range []string{"green", "yellow", "orange", "red"} {
		labels["level"][v] = s.label(lang, "hazards.level", v)
	}
	for _, v := range []string{"Minor", "Moderate", "Severe", "Extreme"} {
		labels["severity"][v] = s.label(lang, "hazards.sev", v)
	}
	for _, v := range []string{"Immediate", "Expected", "Future", "Past", "Unknown"} {
		labels["urgency"][v] = s.label(lang, "copmap.urgency", v)
	}
	for _, v := range []string{"Actual", "Exercise", "Test"} {
		labels["status"][v] = s.label(lang, "copmap.capstatus", v)
	}
	for _, k := range []string{"event", "severity", "urgency", "status", "expires", "areas", "magnitude", "level", "time"} {
		labels["text"][k] = s.label(lang, "copmap.prop", k)
	}
	for _, k := range []string{"empty", "total", "reporting"} {
		labels["text"][k] = s.label(lang, "copmap.chart", k)
	}
	b, err := json.Marshal(labels)
	p.Labels = string(b)
	return p, err
}
