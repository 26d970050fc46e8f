package feed

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/taawun/taawun/internal/cap/xmltree"
)

// Namespaces of GDACS RSS.
const (
	nsGDACS  = "http://www.gdacs.org"
	nsGeo    = "http://www.w3.org/2003/01/geo/wgs84_pos#"
	nsGeoRSS = "http://www.georss.org/georss"
)

// gdacsTypes maps GDACS event types to hazard types.
var gdacsTypes = map[string]string{
	"EQ": TypeEarthquake, "TC": TypeCyclone, "FL": TypeFlood, "DR": TypeDrought, "VO": TypeVolcano, "WF": TypeWildfire, "TS": TypeTsunami,
}

var gdacsDepth = regexp.MustCompile(`Depth:\s*([0-9.]+)\s*km`)

// parseXML reads an XML document within lim, refusing DTDs and entities (xmltree).
func parseXML(body []byte, lim Limits) (*xmltree.Node, error) {
	if int64(len(body)) > lim.MaxBytes {
		return nil, fmt.Errorf("%w: %d bytes, limit %d", ErrTooLarge, len(body), lim.MaxBytes)
	}
	root, err := xmltree.ParseBytes(body, xmltree.Limits{MaxBytes: lim.MaxBytes})
	if errors.Is(err, xmltree.ErrTooLarge) || errors.Is(err, xmltree.ErrTooManyElements) {
		return nil, fmt.Errorf("%w: %v", ErrTooLarge, err)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %v (starts %q)", ErrFormat, err, start(body))
	}
	return root, nil
}

// ParseGDACS reads a GDACS RSS feed (https://www.gdacs.org/xml/rss.xml). An item without a point
// (GDACS sometimes gives only a bounding box) is skipped: a box says too little about where
// people are exposed.
func ParseGDACS(body []byte, lim Limits) (*Result, error) {
	lim = lim.orDefault()
	root, err := parseXML(body, lim)
	if err != nil {
		return nil, err
	}
	if root.Name.Local != "rss" || root.Name.Space != "" {
		return nil, fmt.Errorf("%w: root element <%s>, want <rss>", ErrFormat, root.Name.Local)
	}
	ch := root.Child("", "channel")
	if ch == nil {
		return nil, fmt.Errorf("%w: RSS without a channel", ErrFormat)
	}
	r := &Result{}
	for _, it := range ch.Children {
		if it.Name.Space != "" || it.Name.Local != "item" {
			continue
		}
		r.Items++
		if r.Items > lim.MaxItems {
			return nil, fmt.Errorf("%w: more than %d items", ErrTooManyItems, lim.MaxItems)
		}
		readGDACSItem(r, r.Items, it)
	}
	return r, nil
}

func text(n *xmltree.Node, space, local string) string {
	if c := n.Child(space, local); c != nil {
		return strings.TrimSpace(c.Text)
	}
	return ""
}

func readGDACSItem(r *Result, item int, it *xmltree.Node) {
	id := text(it, "", "guid")
	lat, lon, ok := gdacsPoint(it)
	if !ok {
		if text(it, nsGDACS, "bbox") != "" {
			r.skip(item, id, "no point geometry (only a bounding box)")
		} else {
			r.skip(item, id, "no point geometry")
		}
		return
	}
	etype, eventID := text(it, nsGDACS, "eventtype"), text(it, nsGDACS, "eventid")
	if etype == "" || eventID == "" {
		r.skip(item, id, "no gdacs:eventtype or gdacs:eventid")
		return
	}
	typ, ok := gdacsTypes[etype]
	if !ok {
		typ = TypeOther
	}
	e := Event{Type: typ, Title: text(it, "", "title"), Lat: lat, Lon: lon, AlertLevel: strings.ToLower(text(it, nsGDACS, "alertlevel")),
		Country: text(it, nsGDACS, "iso3"), AreaDesc: text(it, nsGDACS, "country"), Keys: []string{"gdacs:" + etype + ":" + eventID}}
	var err error
	if e.Time, err = parseDate(text(it, nsGDACS, "fromdate")); err != nil {
		if e.Time, err = parseDate(text(it, "", "pubDate")); err != nil {
			r.skip(item, id, "no readable date: %v", err)
			return
		}
	}
	if e.Updated, err = parseDate(text(it, "", "pubDate")); err != nil {
		e.Updated = e.Time
	}
	if to, err := parseDate(text(it, nsGDACS, "todate")); err == nil && typ != TypeEarthquake {
		e.Expires = to
	}
	sev := it.Child(nsGDACS, "severity")
	if typ == TypeEarthquake && sev != nil {
		unit, _ := sev.AttrValue("unit")
		v, _ := sev.AttrValue("value")
		if m, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil && strings.EqualFold(unit, "M") {
			e.Magnitude = &m
		} else if err != nil && v != "" {
			r.skip(item, id, "magnitude %q is not a number", v)
			return
		}
		if m := gdacsDepth.FindStringSubmatch(sev.Text); m != nil {
			if d, err := strconv.ParseFloat(m[1], 64); err == nil {
				e.DepthKm = &d
			}
		}
	}
	if l := text(it, "", "link"); l != "" {
		e.Links = append(e.Links, l)
	}
	if c := text(it, nsGDACS, "cap"); c != "" {
		e.Links = append(e.Links, c)
	}
	if glide := text(it, nsGDACS, "glide"); glide != "" {
		e.Keys = append(e.Keys, "glide:"+glide)
	}
	e.Geometry = pointGeometry(lat, lon)
	e.Raw, _ = json.Marshal(map[string]string{"guid": id, "eventtype": etype, "eventid": eventID, "episodeid": text(it, nsGDACS, "episodeid"),
		"alertlevel": text(it, nsGDACS, "alertlevel"), "severity": strings.TrimSpace(textOf(sev)), "population": textOf(it.Child(nsGDACS, "population")),
		"pubDate": text(it, "", "pubDate"), "title": e.Title})
	r.add(item, id, e)
}

func textOf(n *xmltree.Node) string {
	if n == nil {
		return ""
	}
	return strings.TrimSpace(n.Text)
}

// gdacsPoint reads geo:Point (lat, long) or georss:point ("lat lon").
func gdacsPoint(it *xmltree.Node) (lat, lon float64, ok bool) {
	if p := it.Child(nsGeo, "Point"); p != nil {
		la, err1 := strconv.ParseFloat(text(p, nsGeo, "lat"), 64)
		lo, err2 := strconv.ParseFloat(text(p, nsGeo, "long"), 64)
		if err1 == nil && err2 == nil {
			return la, lo, true
		}
	}
	if f := strings.Fields(text(it, nsGeoRSS, "point")); len(f) == 2 {
		la, err1 := strconv.ParseFloat(f[0], 64)
		lo, err2 := strconv.ParseFloat(f[1], 64)
		if err1 == nil && err2 == nil {
			return la, lo, true
		}
	}
	return 0, 0, false
}

// dateLayouts are the date forms feeds use: RFC 822/1123 in RSS (with numeric or named zones,
// with or without the weekday), RFC 3339 in Atom and CAP.
var dateLayouts = []string{time.RFC1123, time.RFC1123Z, "Mon, 2 Jan 2006 15:04:05 MST", "Mon, 2 Jan 2006 15:04:05 -0700",
	"2 Jan 2006 15:04:05 MST", "2 Jan 2006 15:04:05 -0700", time.RFC3339}

func parseDate(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	for _, l := range dateLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("date %q not understood", s)
}
