package dissem

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"
	"unique"

	"github.com/nats-io/nats.go"

	"github.com/taawun/taawun/internal/geotarget"
	"github.com/taawun/taawun/internal/mode"
	"github.com/taawun/taawun/internal/store"
	"github.com/taawun/taawun/internal/subject"
)

// IndexTargeter answers "who is inside" from an in-memory spatial index of the live recipients'
// locations, kept current from the bus: a new recipient is added as its event arrives, and a
// bulk import rebuilds the index. Each server of a node keeps its own index, so nothing depends
// on one server's memory. Exercise modes, whose recipients are few, are scanned.
type IndexTargeter struct {
	Store store.Store
	Log   *slog.Logger

	mu        sync.RWMutex
	index     *geotarget.Index
	entries   []target // by handle
	handles   map[string]geotarget.RecipientID
	broadcast []target
	reload    chan struct{}
	// following is closed once Follow has subscribed (see Following).
	following                 chan struct{}
	followingOnce, subscribed sync.Once
}

// Following returns a channel closed once Follow's subscription is in place at the server:
// changes recorded after that reach the index.
func (t *IndexTargeter) Following() <-chan struct{} {
	t.followingOnce.Do(func() { t.following = make(chan struct{}) })
	return t.following
}

// target is what planning needs of a recipient, kept compact for millions of them: its
// channels and, so that delivery batches carry them and sending reads nothing back, its language,
// phone and e-mail address.
type target struct {
	id, language, phone, email string
	channels                   []store.Channel
	test                       bool
}

func newTarget(r store.Recipient) target {
	// Languages are a handful of tags shared by millions: one copy each.
	return target{id: r.ID, language: unique.Make(r.Language).Value(), phone: r.Phone, email: r.Email, channels: r.Channels, test: r.Test}
}

func (t target) recipient() store.Recipient {
	return store.Recipient{Meta: store.Meta{ID: t.id}, Language: t.language, Phone: t.phone, Email: t.email, Channels: t.channels, Test: t.test}
}

// Load builds the index from the store.
func (t *IndexTargeter) Load(ctx context.Context) error {
	all, err := t.Store.Recipients().All(mode.With(ctx, mode.Live))
	if err != nil {
		return err
	}
	b := geotarget.NewBuilder(len(all))
	entries := make([]target, 0, len(all))
	handles := make(map[string]geotarget.RecipientID, len(all))
	var broadcast []target
	for _, r := range all {
		e := newTarget(r)
		if r.Broadcast {
			broadcast = append(broadcast, e)
			continue
		}
		h := geotarget.RecipientID(len(entries))
		if err := b.Add(h, points(r.Locations)...); err != nil {
			return fmt.Errorf("dissem: index recipient %s: %w", r.ID, err)
		}
		entries = append(entries, e)
		handles[r.ID] = h
	}
	ix, err := b.Build()
	if err != nil {
		return err
	}
	t.mu.Lock()
	t.index, t.entries, t.handles, t.broadcast = ix, entries, handles, broadcast
	t.mu.Unlock()
	t.log().Info("dissem: targeting index built", "recipients", len(entries), "broadcast", len(broadcast))
	return nil
}

func points(ls []store.Location) []geotarget.Point {
	out := make([]geotarget.Point, len(ls))
	for i, l := range ls {
		out[i] = geotarget.Point{Lat: l.Lat, Lon: l.Lon}
	}
	return out
}

// Inside returns the recipients with a location inside area, and every broadcast recipient.
func (t *IndexTargeter) Inside(ctx context.Context, area *Area) ([]store.Recipient, error) {
	if !mode.From(ctx).IsLive() {
		return ScanTargeter{Store: t.Store}.Inside(ctx, area)
	}
	t.mu.RLock()
	defer t.mu.RUnlock()
	if t.index == nil {
		return nil, fmt.Errorf("dissem: targeting index not loaded")
	}
	ids := t.index.Query(area.shapes)
	out := make([]store.Recipient, 0, len(ids)+len(t.broadcast))
	for _, h := range ids {
		out = append(out, t.entries[h].recipient())
	}
	for _, b := range t.broadcast {
		out = append(out, b.recipient())
	}
	return out, nil
}

// Still reports whether a live recipient still takes channel ch, as far as the index knows:
// false once its unsubscribe reached this server. Recipients the index does not hold (broadcast
// recipients, those of exercises, an index not loaded) are assumed to.
func (t *IndexTargeter) Still(ctx context.Context, recipientID string, ch store.Channel) bool {
	if !mode.From(ctx).IsLive() {
		return true
	}
	t.mu.RLock()
	defer t.mu.RUnlock()
	h, ok := t.handles[recipientID]
	if !ok {
		return true
	}
	return slices.Contains(t.entries[h].channels, ch)
}

// add puts one recipient into the index (or replaces its locations).
func (t *IndexTargeter) add(r store.Recipient) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	e := newTarget(r)
	if r.Broadcast {
		t.broadcast = append(t.broadcast, e)
		return nil
	}
	h, ok := t.handles[r.ID]
	if !ok {
		h = geotarget.RecipientID(len(t.entries))
		t.entries = append(t.entries, e)
		t.handles[r.ID] = h
	}
	t.entries[h] = e
	return t.index.Upsert(h, points(r.Locations))
}

// Follow keeps the index current from the bus until ctx ends.
func (t *IndexTargeter) Follow(ctx context.Context, nc *nats.Conn, node string) error {
	t.reload = make(chan struct{}, 1)
	sub, err := nc.Subscribe(subject.Root+"."+node+".live.>", func(m *nats.Msg) {
		parts, err := subject.Parse(m.Subject)
		if err != nil {
			return
		}
		switch parts.Kind {
		// updated: e.g. a push subscription gone; unsubscribed: a channel or the whole
		// recipient gone at its own request, which senders see through Still.
		case "recipient.created", "recipient.updated", "recipient.unsubscribed":
			var ev struct {
				EntityID string `json:"entity_id"`
			}
			if json.Unmarshal(m.Data, &ev) != nil {
				return
			}
			r, err := t.Store.Recipients().Get(mode.With(ctx, mode.Live), ev.EntityID)
			if err == nil {
				err = t.add(r)
			}
			if err != nil {
				t.log().Warn("dissem: index a new recipient", "id", ev.EntityID, "err", err)
			}
		case "recipients.imported":
			select {
			case t.reload <- struct{}{}:
			default:
			}
		}
	})
	if err != nil {
		return fmt.Errorf("dissem: follow recipients: %w", err)
	}
	defer sub.Unsubscribe()
	// The subscription holds once the server has it; a flush waits for that.
	if err := nc.Flush(); err != nil {
		return fmt.Errorf("dissem: follow recipients: %w", err)
	}
	t.Following()
	t.subscribed.Do(func() { close(t.following) })
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.reload:
			// Imports arrive in bursts; one rebuild after a short pause serves them all.
			time.Sleep(time.Second)
			if err := t.Load(ctx); err != nil && ctx.Err() == nil {
				t.log().Error("dissem: rebuild targeting index", "err", err)
			}
		}
	}
}

func (t *IndexTargeter) log() *slog.Logger {
	if t.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return t.Log
}
