package bus

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/taawun/taawun/internal/clock"
	"github.com/taawun/taawun/internal/store"
)

// Relay publishes the outbox to JetStream, in commit order, with each event's id as the message
// id. It marks events published only after JetStream acknowledged them; if it stops in between,
// the next run publishes them again and JetStream drops the duplicates.
type Relay struct {
	Store store.Store
	JS    jetstream.JetStream
	Clock clock.Clock
	Log   *slog.Logger
	// Wake, when set, makes the relay publish at once after a commit instead of at the next poll.
	Wake <-chan struct{}
	// Poll is the interval between checks when nothing wakes the relay; it also bounds how long
	// an event committed by another server waits.
	Poll time.Duration
	// Batch is the most events published in one round (default 1,000: a round costs one read,
	// one wait for acknowledgements and one write, which a burst of events should share).
	Batch int

	// afterPublish, in tests, runs after JetStream acknowledged a batch and before the outbox is
	// marked; an error stops the relay there, as a crash would.
	afterPublish func([]store.Event) error
}

// Run publishes until ctx ends.
func (r *Relay) Run(ctx context.Context) error {
	poll := r.Poll
	if poll <= 0 {
		poll = 250 * time.Millisecond
	}
	t := time.NewTicker(poll)
	defer t.Stop()
	for {
		for {
			n, err := r.PublishPending(ctx)
			if err != nil {
				if ctx.Err() != nil {
					return nil
				}
				r.log().Warn("outbox relay", "err", err)
				break
			}
			if n < r.batch() {
				break
			}
		}
		select {
		case <-ctx.Done():
			return nil
		case <-r.Wake:
		case <-t.C:
		}
	}
}

// PublishPending publishes one batch of pending events and returns how many it published.
func (r *Relay) PublishPending(ctx context.Context) (int, error) {
	events, err := r.Store.Outbox().Pending(ctx, r.batch())
	if err != nil || len(events) == 0 {
		return 0, err
	}
	// Published without waiting for each acknowledgement (the stream keeps one connection's
	// messages in the order sent), then all acknowledgements awaited before the batch counts
	// as published: one round trip per batch instead of one per event.
	acks := make([]jetstream.PubAckFuture, len(events))
	for i, e := range events {
		msg := &nats.Msg{Subject: e.Subject, Data: e.Payload, Header: nats.Header{}}
		msg.Header.Set("Taawun-Kind", e.Kind)
		msg.Header.Set("Taawun-Mode", e.Mode.String())
		if acks[i], err = r.JS.PublishMsgAsync(msg, jetstream.WithMsgID(e.ID)); err != nil {
			return 0, fmt.Errorf("bus: publish event %s on %s: %w", e.ID, e.Subject, err)
		}
	}
	timeout := time.NewTimer(publishTimeout)
	defer timeout.Stop()
	for i, ack := range acks {
		select {
		case <-ack.Ok():
		case err := <-ack.Err():
			return 0, fmt.Errorf("bus: publish event %s on %s: %w", events[i].ID, events[i].Subject, err)
		case <-timeout.C:
			return 0, fmt.Errorf("bus: publish event %s on %s: no acknowledgement within %s", events[i].ID, events[i].Subject, publishTimeout)
		case <-ctx.Done():
			return 0, ctx.Err()
		}
	}
	if r.afterPublish != nil {
		if err := r.afterPublish(events); err != nil {
			return 0, err
		}
	}
	if err := r.Store.Outbox().MarkPublished(ctx, events, r.clock().Now()); err != nil {
		return 0, fmt.Errorf("bus: mark %d events published: %w", len(events), err)
	}
	return len(events), nil
}

// publishTimeout bounds the wait for a batch's acknowledgements; events not acknowledged are
// published again (the stream drops repeats by event id).
const publishTimeout = 10 * time.Second

func (r *Relay) batch() int {
	if r.Batch <= 0 {
		return 1000
	}
	return r.Batch
}

func (r *Relay) clock() clock.Clock {
	if r.Clock == nil {
		return clock.System{}
	}
	return r.Clock
}

func (r *Relay) log() *slog.Logger {
	if r.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return r.Log
}
