// Package live fans the node's bus events out to open browser pages (server-sent events). Every
// server of a node subscribes to the bus itself, so an event published through one server reaches
// pages connected to any other: nothing about who is listening needs to be shared.
package live

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"

	"github.com/nats-io/nats.go"

	"github.com/taawun/taawun/internal/mode"
	"github.com/taawun/taawun/internal/subject"
)

// Event is one bus event as pages see it.
type Event struct {
	ID      string
	Kind    string
	Node    string
	Mode    mode.Mode
	OrgID   string
	Payload json.RawMessage
}

// Hub delivers bus events to subscribers of the matching mode.
type Hub struct {
	sub     *nats.Subscription
	log     *slog.Logger
	mu      sync.RWMutex
	clients map[*Client]struct{}
	dropped atomic.Int64
}

// Start subscribes to every Taawun subject on nc.
func Start(nc *nats.Conn, log *slog.Logger) (*Hub, error) {
	h := &Hub{log: log, clients: map[*Client]struct{}{}}
	if h.log == nil {
		h.log = slog.New(slog.DiscardHandler)
	}
	sub, err := nc.Subscribe(subject.Root+".>", h.deliver)
	if err != nil {
		return nil, fmt.Errorf("live: subscribe: %w", err)
	}
	h.sub = sub
	return h, nil
}

// Stop ends the subscription. Clients stay open until they close.
func (h *Hub) Stop() {
	if h.sub != nil {
		_ = h.sub.Unsubscribe()
	}
}

// Dropped counts events not delivered to a client whose buffer was full.
func (h *Hub) Dropped() int64 { return h.dropped.Load() }

func (h *Hub) deliver(m *nats.Msg) {
	parts, err := subject.Parse(m.Subject)
	if err != nil {
		h.log.Debug("live: ignoring message", "subject", m.Subject, "err", err)
		return
	}
	var head struct {
		ID    string `json:"id"`
		OrgID string `json:"org_id"`
	}
	_ = json.Unmarshal(m.Data, &head)
	e := Event{ID: head.ID, Kind: parts.Kind, Node: parts.Node, Mode: parts.Mode, OrgID: head.OrgID, Payload: m.Data}
	h.mu.RLock()
	defer h.mu.RUnlock()
	for c := range h.clients {
		if c.mode != e.Mode {
			continue
		}
		select {
		case c.ch <- e:
		default:
			// A stalled page must not hold up the others; it misses the event and its
			// client reloads on its next reconnect.
			h.dropped.Add(1)
		}
	}
}

// Client is one open page.
type Client struct {
	hub  *Hub
	mode mode.Mode
	ch   chan Event
}

// Subscribe returns a client receiving events of mode m.
func (h *Hub) Subscribe(m mode.Mode) *Client {
	c := &Client{hub: h, mode: m, ch: make(chan Event, 64)}
	h.mu.Lock()
	h.clients[c] = struct{}{}
	h.mu.Unlock()
	return c
}

// Events delivers the client's events.
func (c *Client) Events() <-chan Event { return c.ch }

// Close unsubscribes the client.
func (c *Client) Close() {
	c.hub.mu.Lock()
	delete(c.hub.clients, c)
	c.hub.mu.Unlock()
}

// Count returns the number of open clients.
func (h *Hub) Count() int {
	h.mu.RLock()
	defer h.mu.RUnlock()
	return len(h.clients)
}
