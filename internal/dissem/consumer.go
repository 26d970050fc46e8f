package dissem

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/taawun/taawun/internal/alert"
	"github.com/taawun/taawun/internal/bus"
	"github.com/taawun/taawun/internal/mode"
	"github.com/taawun/taawun/internal/store"
	"github.com/taawun/taawun/internal/subject"
)

// ConsumerName is the durable JetStream consumer shared by every server of a node: each issued
// message is planned by one of them, and redelivered if that server dies before acknowledging.
const ConsumerName = "dissem-planner"

// Consumer plans deliveries for every alert event on the bus.
type Consumer struct {
	JS      jetstream.JetStream
	Node    string
	Planner *Planner
	// Sender, when set, delivers what this server just planned at once, in batches of the
	// sender's size, instead of leaving it to the next claim.
	Sender *Sender
	Log    *slog.Logger
}

// Run consumes until ctx ends.
func (c *Consumer) Run(ctx context.Context) error {
	var filters []string
	for _, kind := range []string{"alert.issued", "alert.updated", "alert.cancelled"} {
		filters = append(filters, subject.Root+"."+c.Node+".*."+kind)
	}
	cons, err := c.JS.CreateOrUpdateConsumer(ctx, bus.StreamName, jetstream.ConsumerConfig{
		Durable: ConsumerName, FilterSubjects: filters, AckPolicy: jetstream.AckExplicitPolicy,
		AckWait: 30 * time.Second, MaxDeliver: -1, DeliverPolicy: jetstream.DeliverAllPolicy,
	})
	if err != nil {
		return fmt.Errorf("dissem: consumer: %w", err)
	}
	cc, err := cons.Consume(func(m jetstream.Msg) { c.handle(ctx, m) })
	if err != nil {
		return fmt.Errorf("dissem: consume: %w", err)
	}
	<-ctx.Done()
	cc.Stop()
	return nil
}

// handle plans one event and acknowledges it only after the plan is committed.
func (c *Consumer) handle(ctx context.Context, m jetstream.Msg) {
	err := c.plan(ctx, m.Subject(), m.Data())
	if err == nil {
		_ = m.Ack()
		return
	}
	var permanent *permanentError
	if errors.As(err, &permanent) {
		c.log().Error("dissem: dropping unusable event", "subject", m.Subject(), "err", err)
		_ = m.Term()
		return
	}
	c.log().Warn("dissem: planning failed; will retry", "subject", m.Subject(), "err", err)
	_ = m.NakWithDelay(5 * time.Second)
}

// permanentError marks events that can never be planned (malformed), which are not retried.
type permanentError struct{ err error }

func (e *permanentError) Error() string { return e.err.Error() }

func (c *Consumer) plan(ctx context.Context, subj string, data []byte) error {
	parts, err := subject.Parse(subj)
	if err != nil {
		return &permanentError{err}
	}
	var ev struct {
		Data alert.IssuedEvent `json:"data"`
	}
	if err := json.Unmarshal(data, &ev); err != nil || ev.Data.MessageID == "" {
		return &permanentError{fmt.Errorf("event without a message id: %v", err)}
	}
	ctx = mode.With(ctx, parts.Mode)
	msg, err := c.Planner.Store.Alerts().Message(ctx, ev.Data.MessageID)
	if errors.Is(err, store.ErrNotFound) {
		return &permanentError{err}
	}
	if err != nil {
		return err
	}
	added, err := c.Planner.Plan(ctx, msg)
	if err != nil {
		return err
	}
	deliveries := 0
	for _, b := range added {
		deliveries += len(b.Members)
	}
	c.log().Info("dissem: planned", "message", msg.Identifier, "mode", parts.Mode, "batches", len(added), "deliveries", deliveries)
	if c.Sender != nil && c.Planner.Lease > 0 {
		// The event is acknowledged once planned; sending the born-leased batches carries on,
		// and a crash leaves them to be claimed when the lease ends.
		now := c.Sender.Clock.Now()
		leased := added
		for i, b := range added {
			if !b.NextAttempt.After(now) {
				leased = added[:i]
				break
			}
		}
		go func() {
			if _, err := c.Sender.DeliverBatches(ctx, leased); err != nil {
				c.log().Warn("dissem: direct delivery", "err", err)
			}
		}()
	}
	return nil
}

func (c *Consumer) log() *slog.Logger {
	if c.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return c.Log
}
