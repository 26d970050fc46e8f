package feed

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// usgsFeature is the part of a USGS GeoJSON summary feature the node uses. Fields are pointers
// where USGS writes null (felt, cdi, mmi, alert, tsunami; mag for some events).
type usgsFeature struct {
	ID         string `json:"id"`
	Properties struct {
		Mag     *float64 `json:"mag"`
		Place   string   `json:"place"`
		Time    *int64   `json:"time"`
		Updated *int64   `json:"updated"`
		URL     string   `json:"url"`
		Alert   *string  `json:"alert"`
		Tsunami *int     `json:"tsunami"`
		Status  string   `json:"status"`
		Type    string   `json:"type"`
		Title   string   `json:"title"`
		IDs     string   `json:"ids"`
		MMI     *float64 `json:"mmi"`
	} `json:"properties"`
	Geometry *struct {
		Type        string    `json:"type"`
		Coordinates []float64 `json:"coordinates"`
	} `json:"geometry"`
}

// ParseUSGS reads a USGS GeoJSON summary feed (https://earthquake.usgs.gov/earthquakes/feed/).
// Every network id of an event (the ids property) becomes a key, so the same earthquake
// reported first by one network and later under the preferred id is one event.
func ParseUSGS(body []byte, lim Limits) (*Result, error) {
	lim = lim.orDefault()
	if int64(len(body)) > lim.MaxBytes {
		return nil, fmt.Errorf("%w: %d bytes, limit %d", ErrTooLarge, len(body), lim.MaxBytes)
	}
	var doc struct {
		Type     string            `json:"type"`
		Features []json.RawMessage `json:"features"`
	}
	if err := json.Unmarshal(bytes.TrimPrefix(body, []byte("\xef\xbb\xbf")), &doc); err != nil {
		return nil, fmt.Errorf("%w: USGS GeoJSON: %v (starts %q)", ErrFormat, err, start(body))
	}
	if doc.Type != "FeatureCollection" {
		return nil, fmt.Errorf("%w: USGS GeoJSON: type %q, want FeatureCollection", ErrFormat, doc.Type)
	}
	if len(doc.Features) > lim.MaxItems {
		return nil, fmt.Errorf("%w: %d features, limit %d", ErrTooManyItems, len(doc.Features), lim.MaxItems)
	}
	r := &Result{Items: len(doc.Features)}
	for i, raw := range doc.Features {
		item := i + 1
		var f usgsFeature
		if err := json.Unmarshal(raw, &f); err != nil {
			r.skip(item, "", "unreadable feature: %v", err)
			continue
		}
		p := f.Properties
		switch {
		case f.ID == "":
			r.skip(item, "", "feature without an id")
			continue
		case p.Type != "" && p.Type != "earthquake":
			r.skip(item, f.ID, "event type %q is not a natural earthquake", p.Type)
			continue
		case f.Geometry == nil || f.Geometry.Type != "Point" || len(f.Geometry.Coordinates) < 2:
			r.skip(item, f.ID, "no point geometry")
			continue
		case p.Time == nil:
			r.skip(item, f.ID, "no origin time")
			continue
		}
		e := Event{Type: TypeEarthquake, Title: p.Title, Magnitude: p.Mag, Lon: f.Geometry.Coordinates[0], Lat: f.Geometry.Coordinates[1],
			Time: time.UnixMilli(*p.Time).UTC(), Tsunami: p.Tsunami != nil && *p.Tsunami != 0, Raw: compact(raw)}
		if e.Title == "" {
			e.Title = usgsTitle(p.Mag, p.Place)
		}
		if p.Updated != nil {
			e.Updated = time.UnixMilli(*p.Updated).UTC()
		}
		if len(f.Geometry.Coordinates) > 2 {
			d := f.Geometry.Coordinates[2]
			e.DepthKm = &d
		}
		if p.Alert != nil {
			e.AlertLevel = strings.ToLower(*p.Alert)
		}
		e.AreaDesc = p.Place
		if p.URL != "" {
			e.Links = []string{p.URL}
		}
		e.Keys = []string{"usgs:" + f.ID}
		for _, id := range strings.Split(p.IDs, ",") {
			if id = strings.TrimSpace(id); id != "" && id != f.ID {
				e.Keys = append(e.Keys, "usgs:"+id)
			}
		}
		e.Geometry = pointGeometry(e.Lat, e.Lon)
		r.add(item, f.ID, e)
	}
	return r, nil
}

// usgsTitle is the title USGS writes since 2014, for older feeds without one.
func usgsTitle(mag *float64, place string) string {
	if mag == nil {
		return place
	}
	return fmt.Sprintf("M %.1f - %s", *mag, place)
}

// compact returns raw as compact JSON, bounded so one odd item cannot bloat the revisions.
func compact(raw []byte) json.RawMessage {
	var b bytes.Buffer
	if json.Compact(&b, raw) != nil || b.Len() > 64<<10 {
		return nil
	}
	return b.Bytes()
}

// start is the beginning of a body, for messages about what arrived instead of a feed.
func start(body []byte) string {
	s := strings.TrimSpace(string(body[:min(len(body), 40)]))
	return strings.ToValidUTF8(s, "?")
}
