package hazard

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/taawun/taawun/internal/bus"
	"github.com/taawun/taawun/internal/mode"
	"github.com/taawun/taawun/internal/store"
	"github.com/taawun/taawun/internal/subject"
)

// ConsumerName is the durable JetStream consumer shared by every server of a node: each event
// is handled by one of them, and redelivered if that server dies before acknowledging.
const ConsumerName = "hazard-triggers"

// Consumer runs the triggers for every new or updated hazard event on the bus.
type Consumer struct {
	JS      jetstream.JetStream
	Node    string
	Trigger *Trigger
	Log     *slog.Logger
	// Workers handle events at once (default 4); each event is acknowledged when handled.
	Workers int
}

// Run consumes until ctx ends.
func (c *Consumer) Run(ctx context.Context) error {
	var filters []string
	for _, kind := range []string{KindEventNew, KindEventUpdated} {
		filters = append(filters, subject.Root+"."+c.Node+".*."+kind)
	}
	workers := c.Workers
	if workers <= 0 {
		workers = 4
	}
	cons, err := c.JS.CreateOrUpdateConsumer(ctx, bus.StreamName, jetstream.ConsumerConfig{
		Durable: ConsumerName, FilterSubjects: filters, AckPolicy: jetstream.AckExplicitPolicy,
		AckWait: time.Minute, MaxDeliver: -1, DeliverPolicy: jetstream.DeliverAllPolicy, MaxAckPending: 1000,
	})
	if err != nil {
		return fmt.Errorf("hazard: consumer: %w", err)
	}
	msgs := make(chan jetstream.Msg)
	done := make(chan struct{})
	for range workers {
		go func() {
			for {
				select {
				case m := <-msgs:
					c.handle(ctx, m)
				case <-done:
					return
				}
			}
		}()
	}
	cc, err := cons.Consume(func(m jetstream.Msg) {
		select {
		case msgs <- m:
		case <-ctx.Done():
		}
	})
	if err != nil {
		close(done)
		return fmt.Errorf("hazard: consume: %w", err)
	}
	<-ctx.Done()
	cc.Stop()
	close(done)
	return nil
}

// handle runs the triggers for one event and acknowledges it only after they are recorded.
func (c *Consumer) handle(ctx context.Context, m jetstream.Msg) {
	err := c.run(ctx, m.Subject(), m.Data())
	switch {
	case err == nil:
		_ = m.Ack()
	case errors.Is(err, errPermanent):
		c.log().Error("hazard: dropping unusable event", "subject", m.Subject(), "err", err)
		_ = m.Term()
	default:
		c.log().Warn("hazard: triggers failed; will retry", "subject", m.Subject(), "err", err)
		_ = m.NakWithDelay(5 * time.Second)
	}
}

var errPermanent = errors.New("hazard: event cannot be handled")

func (c *Consumer) run(ctx context.Context, subj string, data []byte) error {
	parts, err := subject.Parse(subj)
	if err != nil {
		return fmt.Errorf("%w: %v", errPermanent, err)
	}
	var ev struct {
		EntityID string `json:"entity_id"`
	}
	if err := json.Unmarshal(data, &ev); err != nil || ev.EntityID == "" {
		return fmt.Errorf("%w: no entity id (%v)", errPermanent, err)
	}
	err = c.Trigger.Handle(mode.With(ctx, parts.Mode), ev.EntityID)
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("%w: %v", errPermanent, err)
	}
	return err
}

func (c *Consumer) log() *slog.Logger {
	if c.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return c.Log
}
