// Package dispatch is the one way out of a node to the outside world (SMS, cell broadcast,
// e-mail, webhooks, push). It makes an exercise leak impossible by construction: a message takes
// its mode from the context it was made in and cannot be given another, and channels are
// registered per mode, so an exercise message can only ever be looked up among that exercise's
// channels. There is no call that sends an exercise message on a live channel.
package dispatch

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/taawun/taawun/internal/mode"
)

// Errors callers test for.
var (
	ErrNoRoute      = errors.New("dispatch: no channel of that name for this mode")
	ErrModeMismatch = errors.New("dispatch: message and context are of different modes")
	ErrReused       = errors.New("dispatch: channel already serves another mode")
)

// Message is one outbound message. Its mode is fixed when it is made.
type Message struct {
	mode mode.Mode
	// Recipient is the channel-specific address: a phone number, an e-mail address, a URL.
	Recipient string
	// Key identifies the message for idempotent delivery (alert, version, recipient, channel).
	Key     string
	Subject string
	Body    []byte
	// ContentType of Body, e.g. "application/cap+xml".
	ContentType string
	// HTML is an alternative rendering of Body, for e-mail.
	HTML []byte
	// Secret signs the body for channels that sign (webhooks); it is never sent.
	Secret string
	// Language of the text, as a language tag.
	Language string
	// Unsubscribe is the https URL that stops these messages to this recipient; e-mail gives
	// it as RFC 8058 one-click List-Unsubscribe headers.
	Unsubscribe string
}

// NewMessage makes a message in the mode of ctx.
func NewMessage(ctx context.Context, recipient, key string) Message {
	return Message{mode: mode.From(ctx), Recipient: recipient, Key: key}
}

// Mode returns the mode the message was made in.
func (m Message) Mode() mode.Mode { return m.mode }

// Channel delivers messages. Implementations return whether a failure is worth retrying.
type Channel interface {
	Send(ctx context.Context, m Message) (retryable bool, err error)
}

type routeKey struct {
	mode mode.Mode
	name string
}

// Dispatcher routes messages to the channels registered for their mode.
type Dispatcher struct {
	mu     sync.RWMutex
	routes map[routeKey]Channel
	modeOf map[Channel]mode.Mode
}

// New returns a dispatcher with no channels.
func New() *Dispatcher {
	return &Dispatcher{routes: map[routeKey]Channel{}, modeOf: map[Channel]mode.Mode{}}
}

// AddLive registers a channel that reaches the public.
func (d *Dispatcher) AddLive(name string, ch Channel) error { return d.add(mode.Live, name, ch) }

// AddExercise registers a channel for one exercise only (a sandbox SMSC, an exercise mailbox).
func (d *Dispatcher) AddExercise(exercise mode.Mode, name string, ch Channel) error {
	if exercise.IsLive() {
		return fmt.Errorf("dispatch: AddExercise(%q): mode is live; use AddLive", name)
	}
	return d.add(exercise, name, ch)
}

func (d *Dispatcher) add(m mode.Mode, name string, ch Channel) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	// One channel value serving two modes would be a path from an exercise to the public.
	if prev, ok := d.modeOf[ch]; ok && prev != m {
		return fmt.Errorf("%w: %q serves %s, cannot also serve %s", ErrReused, name, prev, m)
	}
	d.routes[routeKey{m, name}] = ch
	d.modeOf[ch] = m
	return nil
}

// Send delivers m on the channel called name among those of m's mode.
func (d *Dispatcher) Send(ctx context.Context, name string, m Message) (retryable bool, err error) {
	if mode.From(ctx) != m.mode {
		return false, fmt.Errorf("%w: message is %s, context is %s", ErrModeMismatch, m.mode, mode.From(ctx))
	}
	d.mu.RLock()
	ch, ok := d.routes[routeKey{m.mode, name}]
	d.mu.RUnlock()
	if !ok {
		return false, fmt.Errorf("%w: %q in %s", ErrNoRoute, name, m.mode)
	}
	return ch.Send(ctx, m)
}

// Result is the outcome of one message of a batch.
type Result struct {
	Retryable bool
	Err       error
	// ProviderIDs are the provider's names for an accepted message (an SMSC's message ids,
	// one per segment), which its delivery receipts quote later.
	ProviderIDs []string
}

// TrackedChannel is a channel whose provider names each accepted message, so that delivery
// receipts arriving later can be matched to it.
type TrackedChannel interface {
	Channel
	SendTracked(ctx context.Context, m Message) (ids []string, retryable bool, err error)
}

// BatchChannel is a channel that takes many messages in one call, as SMS aggregators' bulk APIs
// do. It returns one result per message, in order.
type BatchChannel interface {
	Channel
	SendBatch(ctx context.Context, ms []Message) []Result
}

// batchFallbackWorkers is how many messages a channel without a bulk call gets at once.
const batchFallbackWorkers = 8

// SendBatch delivers messages on the channel called name among those of their mode: in one call
// when the channel takes batches, else several at a time. Every message must share the context's
// mode; an error (no such channel, mixed modes) concerns the whole batch and nothing is sent.
func (d *Dispatcher) SendBatch(ctx context.Context, name string, ms []Message) ([]Result, error) {
	m := mode.From(ctx)
	for _, msg := range ms {
		if msg.mode != m {
			return nil, fmt.Errorf("%w: a message is %s, context is %s", ErrModeMismatch, msg.mode, m)
		}
	}
	d.mu.RLock()
	ch, ok := d.routes[routeKey{m, name}]
	d.mu.RUnlock()
	if !ok {
		return nil, fmt.Errorf("%w: %q in %s", ErrNoRoute, name, m)
	}
	if bc, ok := ch.(BatchChannel); ok {
		res := bc.SendBatch(ctx, ms)
		if len(res) != len(ms) {
			return nil, fmt.Errorf("dispatch: channel %q answered %d results for %d messages", name, len(res), len(ms))
		}
		return res, nil
	}
	res := make([]Result, len(ms))
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(batchFallbackWorkers, len(ms)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			tracked, _ := ch.(TrackedChannel)
			for i := range next {
				if tracked != nil {
					res[i].ProviderIDs, res[i].Retryable, res[i].Err = tracked.SendTracked(ctx, ms[i])
				} else {
					res[i].Retryable, res[i].Err = ch.Send(ctx, ms[i])
				}
			}
		}()
	}
	for i := range ms {
		next <- i
	}
	close(next)
	wg.Wait()
	return res, nil
}

// Bulk reports whether the channel called name, in the context's mode, takes batches in one call.
func (d *Dispatcher) Bulk(ctx context.Context, name string) bool {
	d.mu.RLock()
	ch, ok := d.routes[routeKey{mode.From(ctx), name}]
	d.mu.RUnlock()
	_, bulk := ch.(BatchChannel)
	return ok && bulk
}
