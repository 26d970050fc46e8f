package feed

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/taawun/taawun/internal/cap"
	"github.com/taawun/taawun/internal/cap/capfeed"
	"github.com/taawun/taawun/internal/cap/capgeo"
	"github.com/taawun/taawun/internal/cap/xmltree"
	"github.com/taawun/taawun/internal/geodata"
)

// ParseCAP reads CAP alerts: an Atom or RSS feed (alerts embedded in entries, or an index whose
// entries carry a cap: summary or link to the alert), an EDXL-DE envelope, or one CAP alert.
// Alerts whose status is not Actual are skipped: tests and exercises of other authorities are
// not hazards.
func ParseCAP(body []byte, lim Limits) (*Result, error) {
	lim = lim.orDefault()
	root, err := parseXML(body, lim)
	if err != nil {
		return nil, err
	}
	r := &Result{}
	if root.Name.Local == "alert" && cap.VersionOf(root.Name.Space) != "" {
		r.Items = 1
		a, err := cap.ParseNode(root)
		if err != nil {
			return nil, fmt.Errorf("%w: CAP alert: %v", ErrFormat, err)
		}
		r.addAlert(1, a, nil)
		return r, nil
	}
	f, err := capfeed.ParseNode(root)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrFormat, err)
	}
	if len(f.Entries) > lim.MaxItems {
		return nil, fmt.Errorf("%w: %d entries, limit %d", ErrTooManyItems, len(f.Entries), lim.MaxItems)
	}
	nodes := entryNodes(root, f.Kind)
	r.Items = len(f.Entries)
	for i := range f.Entries {
		e := &f.Entries[i]
		item := i + 1
		if len(e.Alerts) > 0 {
			for _, a := range e.Alerts {
				r.addAlert(item, a, e)
			}
			continue
		}
		if i < len(nodes) {
			if a := summaryAlert(nodes[i], e); a != nil {
				if ev, reason := alertEvent(a, e); reason == "" {
					ev.Keys = []string{"capentry:" + e.ID}
					r.add(item, e.ID, ev)
					continue
				}
			}
		}
		if links := e.CAPLinks(); len(links) > 0 {
			r.Links = append(r.Links, Link{Item: item, ID: e.ID, Updated: e.Updated, URL: links[0]})
			continue
		}
		r.skip(item, e.ID, "entry neither embeds nor links a CAP alert")
	}
	return r, nil
}

// entryNodes returns the elements capfeed read as entries, in the same order.
func entryNodes(root *xmltree.Node, kind capfeed.Kind) []*xmltree.Node {
	var parent *xmltree.Node
	var space, local string
	switch kind {
	case capfeed.KindAtom:
		parent, space, local = root, capfeed.NSAtom, "entry"
	case capfeed.KindRSS:
		parent, space, local = root.Child("", "channel"), "", "item"
	default:
		parent, space, local = root, capfeed.NSEDXLDE, "contentObject"
	}
	if parent == nil {
		return nil
	}
	var out []*xmltree.Node
	for _, c := range parent.Children {
		if c.Name.Space == space && c.Name.Local == local {
			out = append(out, c)
		}
	}
	return out
}

// summaryAlert builds an alert from the cap: elements an index entry carries (as the NWS
// index does), or returns nil when it has no event name.
func summaryAlert(n *xmltree.Node, e *capfeed.Entry) *cap.Alert {
	get := func(local string) string {
		for _, c := range n.Children {
			if c.Name.Local == local && cap.VersionOf(c.Name.Space) != "" {
				return strings.TrimSpace(c.Text)
			}
		}
		return ""
	}
	event := get("event")
	if event == "" {
		return nil
	}
	area := cap.Area{AreaDesc: get("areaDesc")}
	if p := get("polygon"); p != "" {
		area.Polygons = []string{p}
	}
	return &cap.Alert{Identifier: e.ID, Sent: e.Updated, Status: get("status"), MsgType: get("msgType"), Infos: []cap.Info{{
		Event: event, Categories: []string{get("category")}, Severity: get("severity"), Urgency: get("urgency"), Certainty: get("certainty"),
		Effective: get("effective"), Expires: get("expires"), Headline: e.Title, Areas: []cap.Area{area},
	}}}
}

// addAlert turns one CAP alert into an event or a skip.
func (r *Result) addAlert(item int, a *cap.Alert, entry *capfeed.Entry) {
	id := a.Identifier
	ev, reason := alertEvent(a, entry)
	if reason != "" {
		r.skip(item, id, "%s", reason)
		return
	}
	r.add(item, id, ev)
}

var severityRank = map[string]int{"Unknown": 0, "Minor": 1, "Moderate": 2, "Severe": 3, "Extreme": 4}

// SeverityRank orders CAP severities: Minor 1 … Extreme 4; unknown or empty 0.
func SeverityRank(s string) int { return severityRank[s] }

// alertEvent describes a CAP alert as an event, or says why it cannot.
func alertEvent(a *cap.Alert, entry *capfeed.Entry) (Event, string) {
	status := strings.TrimSpace(a.Status)
	if status != "Actual" {
		return Event{}, fmt.Sprintf("status %q is not an actual warning", status)
	}
	if len(a.Infos) == 0 {
		return Event{}, "alert without an info block"
	}
	in := &a.Infos[0]
	for i := range a.Infos {
		if strings.HasPrefix(strings.ToLower(a.Infos[i].Language), "en") {
			in = &a.Infos[i]
			break
		}
	}
	e := Event{Type: capType(in), Title: strings.TrimSpace(in.Headline), Cancelled: strings.TrimSpace(a.MsgType) == "Cancel", AreaDesc: areaDesc(in)}
	if e.Title == "" {
		e.Title = strings.TrimSpace(in.Event)
	}
	for _, x := range a.Infos {
		if SeverityRank(x.Severity) > SeverityRank(e.Severity) {
			e.Severity = x.Severity
		}
	}
	sent, err := capTime(a.Sent)
	if err != nil {
		return Event{}, fmt.Sprintf("sent: %v", err)
	}
	e.Updated, e.Time = sent, sent
	for _, s := range []string{in.Onset, in.Effective} {
		if t, err := capTime(s); err == nil {
			e.Time = t
			break
		}
	}
	e.Expires, _ = capTime(in.Expires)
	if a.Identifier == "" {
		return Event{}, "alert without an identifier"
	}
	e.Keys = []string{"cap:" + strings.TrimSpace(a.Sender) + "," + strings.TrimSpace(a.Identifier)}
	for _, ref := range strings.Fields(a.References) {
		if parts := strings.Split(ref, ","); len(parts) >= 2 {
			e.Refs = append(e.Refs, "cap:"+parts[0]+","+parts[1])
		}
	}
	if reason := locate(&e, a.Infos); reason != "" {
		return Event{}, reason
	}
	if entry != nil {
		for _, l := range entry.Links {
			if l.Href != "" && !slices.Contains(e.Links, l.Href) {
				e.Links = append(e.Links, l.Href)
			}
		}
	}
	if in.Web != "" {
		e.Links = append(e.Links, strings.TrimSpace(in.Web))
	}
	if raw, err := json.Marshal(a); err == nil {
		e.Raw = compact(raw)
	}
	return e, ""
}

// locate sets the geometry and representative point of a warning from the areas of all its
// info blocks: polygons and circles as a MultiPolygon, province and country geocodes as Regions.
func locate(e *Event, infos []cap.Info) string {
	var (
		mp    orb.MultiPolygon
		bound orb.Bound
		have  bool
	)
	extend := func(b orb.Bound) {
		if !have {
			bound, have = b, true
			return
		}
		bound = bound.Union(b)
	}
	for i := range infos {
		for j := range infos[i].Areas {
			ar := &infos[i].Areas[j]
			g, err := capgeo.AreaGeometry(ar)
			if err != nil {
				return fmt.Sprintf("area %q: %v", ar.AreaDesc, err)
			}
			for _, p := range g {
				mp = append(mp, p)
				extend(p.Bound())
			}
			for _, gc := range ar.Geocodes {
				if gc.ValueName != geodata.SchemeProvince && gc.ValueName != geodata.SchemeCountry {
					continue
				}
				reg, ok, _ := geodata.RegionByCode(strings.TrimSpace(gc.Value))
				if ok && !slices.Contains(e.Regions, reg.Code) {
					e.Regions = append(e.Regions, reg.Code)
					extend(reg.Geometry.Bound())
				}
			}
		}
	}
	if !have {
		return "no polygon, circle or known ISO 3166 region: the warning cannot be located"
	}
	c := bound.Center()
	e.Lat, e.Lon = c[1], c[0]
	if len(mp) > 0 {
		e.Geometry, _ = json.Marshal(geojson.NewGeometry(mp))
	} else {
		e.Geometry = pointGeometry(e.Lat, e.Lon)
	}
	return ""
}

func areaDesc(in *cap.Info) string {
	var parts []string
	for _, a := range in.Areas {
		if d := strings.TrimSpace(a.AreaDesc); d != "" {
			parts = append(parts, d)
		}
	}
	return strings.Join(parts, "; ")
}

// capTime reads a CAP date (RFC 3339 with an explicit offset; "Z" tolerated on ingest).
func capTime(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("date %q not understood", s)
	}
	return t.UTC(), nil
}

// capKeywords sort CAP events into hazard types by the words of the event name, in order.
var capKeywords = []struct{ word, typ string }{
	{"tsunami", TypeTsunami}, {"earthquake", TypeEarthquake}, {"quake", TypeEarthquake}, {"glof", TypeFlood}, {"flood", TypeFlood},
	{"cyclone", TypeCyclone}, {"hurricane", TypeCyclone}, {"typhoon", TypeCyclone}, {"tropical", TypeCyclone},
	{"avalanche", TypeAvalanche}, {"landslide", TypeLandslide}, {"mudflow", TypeLandslide}, {"volcan", TypeVolcano}, {"ash", TypeVolcano},
	{"fire", TypeWildfire}, {"heat", TypeHeat}, {"high temperature", TypeHeat}, {"drought", TypeDrought},
	{"storm", TypeStorm}, {"wind", TypeStorm}, {"thunder", TypeStorm}, {"tornado", TypeStorm}, {"rain", TypeStorm}, {"snow", TypeStorm},
	{"blizzard", TypeStorm}, {"winter", TypeStorm}, {"dust", TypeStorm},
}

func capType(in *cap.Info) string {
	ev := strings.ToLower(in.Event)
	for _, k := range capKeywords {
		if strings.Contains(ev, k.word) {
			return k.typ
		}
	}
	return TypeOther
}
