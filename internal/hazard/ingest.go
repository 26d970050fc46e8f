package hazard

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/taawun/taawun/internal/auth"
	"github.com/taawun/taawun/internal/feed"
	"github.com/taawun/taawun/internal/store"
)

// Event kinds recorded on the bus.
const (
	KindEventNew     = "hazard.event.new"
	KindEventUpdated = "hazard.event.updated"
)

// ForEveryOfficer reports whether a bus event of kind is for every duty officer of the node: a
// hazard event belongs to no organisation (it is read from public sources), yet every officer
// watching the hazards page should see it arrive.
func ForEveryOfficer(kind string) bool { return kind == KindEventNew || kind == KindEventUpdated }

// Counts says what one ingest did.
type Counts struct {
	New, Updated, Unchanged int
	// Failed lists events that could not be stored, with the reason.
	Failed []feed.Skip
}

func (c *Counts) add(o Counts) {
	c.New, c.Updated, c.Unchanged = c.New+o.New, c.Updated+o.Updated, c.Unchanged+o.Unchanged
}

// Ingester stores the events of a feed.
type Ingester struct {
	Store store.Store
}

// batchSize is how many events share a transaction. A batch that fails is retried one event
// per transaction, so one bad event costs only itself.
const batchSize = 100

// Ingest stores evs read from src: new events are created, known ones (by any key or CAP
// reference) updated when the source's version is newer.
func (in *Ingester) Ingest(ctx context.Context, src store.HazardSource, evs []feed.Event) (Counts, error) {
	var c Counts
	for start := 0; start < len(evs); start += batchSize {
		batch := evs[start:min(start+batchSize, len(evs))]
		var bc Counts
		err := in.Store.WithTx(ctx, func(tx store.Tx) error {
			bc = Counts{}
			// Most items of a feed are new or unchanged: one lookup of the batch's keys tells
			// which items need their stored event read.
			var keys []string
			for i := range batch {
				keys = append(append(keys, batch[i].Keys...), batch[i].Refs...)
			}
			held, err := tx.HazardEvents().KeyHolders(ctx, keys)
			if err != nil {
				return err
			}
			for i := range batch {
				if err := ingestOne(ctx, tx, src, &batch[i], &bc, held); err != nil {
					return err
				}
			}
			return nil
		})
		if err == nil {
			c.add(bc)
			continue
		}
		if ctx.Err() != nil {
			return c, err
		}
		for i := range batch {
			var one Counts
			err := in.Store.WithTx(ctx, func(tx store.Tx) error {
				one = Counts{}
				return ingestOne(ctx, tx, src, &batch[i], &one, nil)
			})
			if err != nil {
				if ctx.Err() != nil {
					return c, err
				}
				c.Failed = append(c.Failed, feed.Skip{ID: batch[i].Keys[0], Reason: err.Error()})
				continue
			}
			c.add(one)
		}
	}
	return c, nil
}

// Summary is what audit entries and bus events carry of a hazard event.
type Summary struct {
	ID         string    `json:"id"`
	Type       string    `json:"type"`
	Title      string    `json:"title"`
	Time       time.Time `json:"time"`
	Lat        float64   `json:"lat"`
	Lon        float64   `json:"lon"`
	Magnitude  *float64  `json:"magnitude,omitempty"`
	DepthKm    *float64  `json:"depth_km,omitempty"`
	Severity   string    `json:"severity,omitempty"`
	AlertLevel string    `json:"alert_level,omitempty"`
	Cancelled  bool      `json:"cancelled,omitempty"`
	Revision   int       `json:"revision"`
	SourceID   string    `json:"source_id"`
}

// Summarise returns the summary of e.
func Summarise(e store.HazardEvent) Summary {
	return Summary{ID: e.ID, Type: e.Type, Title: e.Title, Time: e.Time, Lat: e.Lat, Lon: e.Lon, Magnitude: e.Magnitude, DepthKm: e.DepthKm,
		Severity: e.Severity, AlertLevel: e.AlertLevel, Cancelled: e.Cancelled, Revision: e.Revision, SourceID: e.SourceID}
}

// ingestOne stores fe. held, when not nil, holds every key of the batch already held by an
// event, with the event's id; ingestOne adds the keys of what it stores.
func ingestOne(ctx context.Context, tx store.Tx, src store.HazardSource, fe *feed.Event, c *Counts, held map[string]string) error {
	rev := store.HazardRevision{SourceID: src.ID, Updated: fe.Updated, Data: fe.Raw}
	keys := append(slices.Clone(fe.Keys), fe.Refs...)
	var (
		cur store.HazardEvent
		err = store.ErrNotFound
	)
	if held == nil || slices.ContainsFunc(keys, func(k string) bool { return held[k] != "" }) {
		cur, err = tx.HazardEvents().FindByKeys(ctx, keys)
	}
	if errors.Is(err, store.ErrNotFound) {
		e := store.HazardEvent{SourceID: src.ID}
		apply(&e, fe)
		if err := tx.HazardEvents().Create(ctx, &e, rev); err != nil {
			return fmt.Errorf("hazard: store %s: %w", fe.Keys[0], err)
		}
		hold(held, e)
		c.New++
		return tx.Record(ctx, store.Change{Actor: auth.SystemActor, Action: KindEventNew, EntityType: "hazard_event", EntityID: e.ID, After: Summarise(e)})
	}
	if err != nil {
		return err
	}
	// A source repeating what it said, or an older version arriving late, changes nothing.
	if !fe.Updated.After(cur.Updated) {
		c.Unchanged++
		return nil
	}
	before := Summarise(cur)
	merged := cur.Keys
	apply(&cur, fe)
	for _, k := range fe.Keys {
		if !slices.Contains(merged, k) {
			merged = append(merged, k)
		}
	}
	cur.Keys, cur.SourceID = merged, src.ID
	if err := tx.HazardEvents().Update(ctx, &cur, rev); err != nil {
		return fmt.Errorf("hazard: update %s: %w", cur.ID, err)
	}
	hold(held, cur)
	c.Updated++
	return tx.Record(ctx, store.Change{Actor: auth.SystemActor, Action: KindEventUpdated, EntityType: "hazard_event", EntityID: cur.ID,
		Before: before, After: Summarise(cur)})
}

// hold notes e's keys as held, for the items after it in the batch.
func hold(held map[string]string, e store.HazardEvent) {
	if held == nil {
		return
	}
	for _, k := range e.Keys {
		held[k] = e.ID
	}
}

// apply copies what the feed says onto the stored event. A CAP update may leave out what the
// earlier message said (an area, a link), so only values present replace stored ones.
func apply(e *store.HazardEvent, fe *feed.Event) {
	e.Type, e.Time, e.Updated, e.Lat, e.Lon = fe.Type, fe.Time, fe.Updated, fe.Lat, fe.Lon
	e.Cancelled, e.Tsunami = fe.Cancelled, fe.Tsunami
	setIf := func(dst *string, v string) {
		if v != "" {
			*dst = v
		}
	}
	setIf(&e.Title, fe.Title)
	setIf(&e.Severity, fe.Severity)
	setIf(&e.AlertLevel, fe.AlertLevel)
	setIf(&e.AreaDesc, fe.AreaDesc)
	setIf(&e.Country, fe.Country)
	if fe.Magnitude != nil {
		e.Magnitude = fe.Magnitude
	}
	if fe.DepthKm != nil {
		e.DepthKm = fe.DepthKm
	}
	if !fe.Expires.IsZero() {
		e.Expires = fe.Expires
	}
	if len(fe.Geometry) > 0 {
		e.Geometry = json.RawMessage(fe.Geometry)
	}
	if len(fe.Regions) > 0 {
		e.Regions = fe.Regions
	}
	for _, l := range fe.Links {
		if !slices.Contains(e.Links, l) {
			e.Links = append(e.Links, l)
		}
	}
	if e.Keys == nil {
		e.Keys = slices.Clone(fe.Keys)
	}
}
