package web

import (
	"context"
	"encoding/json"
	"errors"
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
	layer := func(what string, props map[string]any) map[string]any {
		l := object([]string{"type", "features"}, map[string]any{"type": enumOf("FeatureCollection"), "truncated": map[string]any{"type": "boolean"},
			"features": map[string]any{"type": "array", "items": object([]string{"type", "id", "geometry", "properties"}, map[string]any{
				"type": enumOf("Feature"), "id": str, "geometry": geometry, "properties": object([]string{"kind", "link"}, props)})}})
		l["description"] = what
		return l
	}
	return map[string]any{
		"COPAlertLayer": layer("The caller's warnings in effect; with incident, the warnings it links: with status those in effect, without also cancelled and expired ones",
			map[string]any{"kind": enumOf("alert"), "headline": str, "event": str, "hazard": str, "severity": str, "urgency": str,
				"status": map[string]any{"type": "string", "description": "CAP status: Actual, Exercise, Test"}, "msg_type": str, "areas": str, "org_id": str,
				"sent": hzTime, "expires": hzTime, "link": str}),
		"COPHazardLayer": layer("Hazard events of the last 30 days neither cancelled nor expired; with incident, the events it links however old: with status those neither cancelled nor expired, without all",
			map[string]any{"kind": enumOf("hazard"), "type": str, "title": str, "time": hzTime, "magnitude": hzNum,
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
	if len(own) == 0 {
		return out, nil
	}
	w := copWhich{current: len(f.Statuses) > 0 || f.IncidentID == ""}
	if b := f.Box; b != nil {
		w.box = orb.MultiPolygon{orb.Bound{Min: orb.Point{b.MinLon, b.MinLat}, Max: orb.Point{b.MaxLon, b.MaxLat}}.ToPolygon()}
	}
	if f.IncidentID != "" {
		var err error
		if w.links, err = s.copIncidentLinks(r.Context(), rc, f.IncidentID); err != nil {
			return nil, err
		}
	}
	for _, name := range own {
		var l copLayer
		var err error
		if name == "alert" {
			l, err = s.copAlerts(r.Context(), rc, w)
		} else {
			l, err = s.copHazards(r.Context(), w)
		}
		if err != nil {
			return nil, err
		}
		out[name] = l
	}
	return out, nil
}

// copWhich says which warnings and hazard events the layers draw. The operational records'
// filters have these equivalents:
//   - incident: only the warnings and hazard events the incident links (IncidentData.Alerts and
//     .Events), the principal's warnings among them;
//   - status (any; the page sends its "open only" list): only the current ones, warnings in
//     effect and hazard events neither cancelled nor expired. Without an incident the layers are
//     always current: the ended warnings and events of the whole country are the warnings and
//     hazards pages' archive, not the picture; an incident's ended ones are its history, shown
//     when its picture is asked for without a status.
type copWhich struct {
	box     orb.MultiPolygon // nil: anywhere
	links   *copLinks        // nil: not one incident's
	current bool
}

// copLinks are the warnings and this node's hazard events an incident links.
type copLinks struct {
	alerts, events []string
}

// copIncidentLinks reads what the incident links; an incident the principal cannot see links
// nothing, as the operational layers then show nothing of it. A link to a source's own event
// (usgs, gdacs, …) names the event by the key its source gives it.
func (s *Server) copIncidentLinks(ctx context.Context, rc *reqCtx, id string) (*copLinks, error) {
	links := &copLinks{}
	inc, err := s.Ops.Get(ctx, rc.P, store.OpsIncident, id)
	if errors.Is(err, store.ErrNotFound) {
		return links, nil
	} else if err != nil {
		return nil, err
	}
	d, err := ops.Decode[ops.IncidentData](inc)
	if err != nil {
		return nil, err
	}
	links.alerts = d.Alerts
	for _, e := range d.Events {
		if e.Kind == ops.LocalEvent {
			links.events = append(links.events, e.ID)
			continue
		}
		ev, err := s.Store.HazardEvents().FindByKeys(ctx, []string{e.Kind + ":" + e.ID})
		if errors.Is(err, store.ErrNotFound) {
			continue
		} else if err != nil {
			return nil, err
		}
		links.events = append(links.events, ev.ID)
	}
	return links, nil
}

// copAlerts draws the warnings that the principal's warnings pages list (those of the
// organisations it acts in) chosen by w and whose areas meet its box: the areas of each one's
// latest issued message, as its own map draws them.
func (s *Server) copAlerts(ctx context.Context, rc *reqCtx, w copWhich) (copLayer, error) {
	l := copLayer{Type: "FeatureCollection", Features: []copFeature{}}
	var list []store.Alert
	if w.links == nil {
		var err error
		if list, err = s.Store.Alerts().List(ctx, store.AlertFilter{OrgIDs: rc.P.Scope, States: []store.AlertState{store.AlertIssued}, Limit: copAlertsRead}); err != nil {
			return l, err
		}
	} else {
		for _, id := range w.links.alerts {
			a, err := s.Store.Alerts().Get(ctx, id)
			if errors.Is(err, store.ErrNotFound) {
				continue
			} else if err != nil {
				return l, err
			}
			if rc.P.InScope(a.OrgID) {
				list = append(list, a)
			}
		}
	}
	now := s.Clock.Now()
	for _, a := range list {
		// Expiry is swept periodically; a warning past it is no longer in effect meanwhile.
		inEffect := a.State == store.AlertIssued && a.Expires.After(now)
		if (w.current && !inEffect) || !slices.Contains([]store.AlertState{store.AlertIssued, store.AlertCancelled, store.AlertExpired}, a.State) {
			continue
		}
		f, ok, err := s.copAlert(ctx, rc, a, w.box)
		if err != nil {
			return l, err
		}
		if ok {
			l.add(f)
		}
	}
	return l, nil
}

// copAlert draws one warning, or reports that it has no area in box.
func (s *Server) copAlert(ctx context.Context, rc *reqCtx, a store.Alert, box orb.MultiPolygon) (copFeature, bool, error) {
	msgs, err := s.Store.Alerts().Messages(ctx, a.ID)
	if err != nil || len(msgs) == 0 {
		return copFeature{}, false, err
	}
	m := msgs[len(msgs)-1]
	parsed, err := cap.ParseBytes(m.XML)
	if err != nil || len(parsed.Infos) == 0 {
		s.Log.Error("stored CAP message does not parse", "id", m.ID, "err", err)
		return copFeature{}, false, nil
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
		return copFeature{}, false, nil
	}
	geom, err := json.Marshal(geojson.NewGeometry(area))
	if err != nil {
		return copFeature{}, false, err
	}
	return copFeature{Type: "Feature", ID: a.ID, Geometry: geom, Properties: alertProps{Kind: "alert", Headline: in.Headline, Event: in.Event,
		Hazard: a.Hazard, Severity: in.Severity, Urgency: in.Urgency, Status: a.CAPStatus, MsgType: m.MsgType, Areas: strings.Join(names, "; "),
		OrgID: a.OrgID, Sent: m.Sent, Expires: a.Expires, Link: "/warnings/" + a.ID}}, true, nil
}

// copHazards draws the hazard events chosen by w that lie in its box: their areas when the
// source gives them, else their point. Without an incident these are the events of the last
// hazardShown; an incident's linked events are drawn however old. Events are shared reference
// data: every viewer of the picture sees them all.
func (s *Server) copHazards(ctx context.Context, w copWhich) (copLayer, error) {
	l := copLayer{Type: "FeatureCollection", Features: []copFeature{}}
	now := s.Clock.Now()
	var evs []store.HazardEvent
	if w.links == nil {
		// Events outside the box are read too: a read that fills its limit may have missed some
		// inside, which the layer then says.
		var err error
		if evs, err = s.Store.HazardEvents().List(ctx, store.HazardEventFilter{Since: now.Add(-hazardShown), Limit: 4 * ops.MaxFeaturesPerLayer}); err != nil {
			return l, err
		}
		l.Truncated = len(evs) == 4*ops.MaxFeaturesPerLayer
	} else {
		for _, id := range w.links.events {
			e, err := s.Store.HazardEvents().Get(ctx, id)
			if errors.Is(err, store.ErrNotFound) {
				continue
			} else if err != nil {
				return l, err
			}
			evs = append(evs, e)
		}
	}
	for _, e := range evs {
		if w.current && (e.Cancelled || (!e.Expires.IsZero() && !e.Expires.After(now))) {
			continue
		}
		geom := e.Geometry
		if area, err := geodata.ReadMultiPolygon(e.Geometry); err == nil && len(area) > 0 {
			if w.box != nil && !geotarget.Meets(area, w.box) {
				continue
			}
		} else {
			pt := orb.Point{e.Lon, e.Lat}
			if w.box != nil && !w.box.Bound().Contains(pt) {
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
