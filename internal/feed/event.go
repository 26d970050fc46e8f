package feed

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"time"
)

// Errors a whole feed fails with; test for them with errors.Is.
var (
	ErrTooLarge     = errors.New("feed: body too large")
	ErrTooManyItems = errors.New("feed: too many items")
	ErrFormat       = errors.New("feed: not the expected format")
)

// Limits bound what one feed may cost. Zero fields take the defaults.
type Limits struct {
	MaxBytes int64 // body size
	MaxItems int   // items in one feed
}

// Default limits: real feeds are well below them (the USGS month feed of all events is about
// 10 MB; GDACS and national CAP indexes a few hundred kB).
const (
	DefaultMaxBytes = 10 << 20
	DefaultMaxItems = 20_000
)

func (l Limits) orDefault() Limits {
	if l.MaxBytes <= 0 {
		l.MaxBytes = DefaultMaxBytes
	}
	if l.MaxItems <= 0 {
		l.MaxItems = DefaultMaxItems
	}
	return l
}

// Hazard types events are sorted into.
const (
	TypeEarthquake = "earthquake"
	TypeFlood      = "flood"
	TypeCyclone    = "cyclone"
	TypeDrought    = "drought"
	TypeVolcano    = "volcano"
	TypeWildfire   = "wildfire"
	TypeTsunami    = "tsunami"
	TypeStorm      = "storm"
	TypeHeat       = "heat"
	TypeLandslide  = "landslide"
	TypeAvalanche  = "avalanche"
	TypeOther      = "other"
)

// Types lists the hazard types in a stable order.
func Types() []string {
	return []string{TypeEarthquake, TypeFlood, TypeCyclone, TypeDrought, TypeVolcano, TypeWildfire, TypeTsunami, TypeStorm, TypeHeat,
		TypeLandslide, TypeAvalanche, TypeOther}
}

// Event is a hazard event as one item of a feed describes it.
type Event struct {
	Type  string
	Title string
	// Time is when the hazard began; Updated is the item's version time (newer wins).
	Time    time.Time
	Updated time.Time
	Expires time.Time
	// Lat, Lon is the epicentre or a representative point of the areas.
	Lat, Lon   float64
	DepthKm    *float64
	Magnitude  *float64
	Severity   string // CAP severity
	AlertLevel string // green, yellow, orange, red
	Tsunami    bool
	Cancelled  bool
	// Geometry is GeoJSON: a Point, or a MultiPolygon of a warning's areas.
	Geometry json.RawMessage
	// Regions are ISO 3166 codes of areas given by geocode.
	Regions  []string
	AreaDesc string
	Country  string
	// Keys identify the event; Refs are keys of earlier messages this one updates or cancels.
	Keys  []string
	Refs  []string
	Links []string
	// Raw is the item as the source gave it (compact JSON), kept as the revision's record.
	Raw json.RawMessage
}

// Skip records an item that was not turned into an event, and why.
type Skip struct {
	Item   int    // 1-based position in the feed
	ID     string // the item's id, when it has one
	Reason string
}

func (s Skip) String() string {
	if s.ID != "" {
		return fmt.Sprintf("item %d (%s): %s", s.Item, s.ID, s.Reason)
	}
	return fmt.Sprintf("item %d: %s", s.Item, s.Reason)
}

// Link is an entry of a CAP index feed whose alert must be fetched from URL.
type Link struct {
	Item    int
	ID      string
	Updated string
	URL     string
}

// Result is what a feed held.
type Result struct {
	Items   int
	Events  []Event
	Skipped []Skip
	// Links are index entries without an embedded alert or a usable summary.
	Links []Link
}

func (r *Result) skip(item int, id, format string, args ...any) {
	r.Skipped = append(r.Skipped, Skip{Item: item, ID: id, Reason: fmt.Sprintf(format, args...)})
}

// Physical bounds of the values events carry.
const (
	MinMagnitude = -2.0
	MaxMagnitude = 10.0
	MaxDepthKm   = 800.0
)

// check returns why e cannot be a real event, or "".
func (e *Event) check() string {
	finite := func(f float64) bool { return !math.IsNaN(f) && !math.IsInf(f, 0) }
	switch {
	case !finite(e.Lat) || !finite(e.Lon):
		return fmt.Sprintf("position %v,%v is not a number", e.Lat, e.Lon)
	case e.Lat < -90 || e.Lat > 90:
		return fmt.Sprintf("latitude %v outside [-90, 90]", e.Lat)
	case e.Lon < -180 || e.Lon > 180:
		return fmt.Sprintf("longitude %v outside [-180, 180]", e.Lon)
	case e.Magnitude != nil && (!finite(*e.Magnitude) || *e.Magnitude < MinMagnitude || *e.Magnitude > MaxMagnitude):
		return fmt.Sprintf("magnitude %v outside [%g, %g]", *e.Magnitude, MinMagnitude, MaxMagnitude)
	case e.DepthKm != nil && (!finite(*e.DepthKm) || *e.DepthKm < -10 || *e.DepthKm > MaxDepthKm):
		return fmt.Sprintf("depth %v km outside [-10, %g]", *e.DepthKm, MaxDepthKm)
	case e.Time.IsZero():
		return "no time"
	case len(e.Keys) == 0:
		return "no identifier"
	}
	if e.Updated.IsZero() {
		e.Updated = e.Time
	}
	return ""
}

// add keeps e when it is possible, else records why not.
func (r *Result) add(item int, id string, e Event) {
	if reason := e.check(); reason != "" {
		r.skip(item, id, "%s", reason)
		return
	}
	r.Events = append(r.Events, e)
}

// pointGeometry is a GeoJSON Point.
func pointGeometry(lat, lon float64) json.RawMessage {
	b, _ := json.Marshal(map[string]any{"type": "Point", "coordinates": []float64{lon, lat}})
	return b
}

// Parse reads a feed of the given kind ("usgs", "gdacs" or "cap").
func Parse(kind string, body []byte, lim Limits) (*Result, error) {
	switch kind {
	case "usgs":
		return ParseUSGS(body, lim)
	case "gdacs":
		return ParseGDACS(body, lim)
	case "cap":
		return ParseCAP(body, lim)
	}
	return nil, fmt.Errorf("%w: unknown feed kind %q", ErrFormat, kind)
}
