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
	// Workers handle batches at once (default 2: one works out drafts while another writes).
	Workers int
	// BatchSize bounds the events handled together (default 100).
	BatchSize int
}

// batchLinger is how long a batch waits for more events once it has one: long enough for a
// feed's burst to arrive together, short against the time a draft takes.
const batchLinger = 2 * time.Millisecond

// Run consumes until ctx ends.
func (c *Consumer) Run(ctx context.Context) error {
	var filters []string
	for _, kind := range []string{KindEventNew, KindEventUpdated} {
		filters = append(filters, subject.Root+"."+c.Node+".*."+kind)
	}
	workers, size := c.Workers, c.BatchSize
	if workers <= 0 {
		workers = 2
	}
	if size <= 0 {
		size = 100
	}
	cons, err := c.JS.CreateOrUpdateConsumer(ctx, bus.StreamName, jetstream.ConsumerConfig{
		Durable: ConsumerName, FilterSubjects: filters, AckPolicy: jetstream.AckExplicitPolicy,
		AckWait: time.Minute, MaxDeliver: -1, DeliverPolicy: jetstream.DeliverAllPolicy, MaxAckPending: 4 * size,
	})
	if err != nil {
		return fmt.Errorf("hazard: consumer: %w", err)
	}
	msgs := make(chan jetstream.Msg, size)
	done := make(chan struct{})
	for range workers {
		go func() {
			for {
				select {
				case m := <-msgs:
					c.handle(ctx, collect(m, msgs, size))
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

// collect gathers a batch: first and whatever else arrives within batchLinger, up to size.
func collect(first jetstream.Msg, msgs <-chan jetstream.Msg, size int) []jetstream.Msg {
	batch := []jetstream.Msg{first}
	linger := time.NewTimer(batchLinger)
	defer linger.Stop()
	for len(batch) < size {
		select {
		case m := <-msgs:
			batch = append(batch, m)
		case <-linger.C:
			return batch
		}
	}
	return batch
}

// handle runs the triggers for a batch of events, by mode, and acknowledges each event only
// after its outcomes are recorded.
func (c *Consumer) handle(ctx context.Context, batch []jetstream.Msg) {
	byMode := map[mode.Mode][]jetstream.Msg{}
	var order []mode.Mode
	for _, m := range batch {
		parts, err := subject.Parse(m.Subject())
		if err != nil {
			c.settle(m, fmt.Errorf("%w: %v", errPermanent, err))
			continue
		}
		if _, ok := byMode[parts.Mode]; !ok {
			order = append(order, parts.Mode)
		}
		byMode[parts.Mode] = append(byMode[parts.Mode], m)
	}
	for _, md := range order {
		var ids []string
		var held []jetstream.Msg
		for _, m := range byMode[md] {
			var ev struct {
				EntityID string `json:"entity_id"`
			}
			if err := json.Unmarshal(m.Data(), &ev); err != nil || ev.EntityID == "" {
				c.settle(m, fmt.Errorf("%w: no entity id (%v)", errPermanent, err))
				continue
			}
			ids, held = append(ids, ev.EntityID), append(held, m)
		}
		if len(ids) == 0 {
			continue
		}
		for i, err := range c.Trigger.HandleBatch(mode.With(ctx, md), ids) {
			if errors.Is(err, store.ErrNotFound) {
				err = fmt.Errorf("%w: %v", errPermanent, err)
			}
			c.settle(held[i], err)
		}
	}
}

// settle acknowledges a handled event, drops an unusable one and has a failed one redelivered.
func (c *Consumer) settle(m jetstream.Msg, err error) {
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

func (c *Consumer) log() *slog.Logger {
	if c.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return c.Log
}
