package dissem

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"slices"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/taawun/taawun/internal/cap"
	"github.com/taawun/taawun/internal/clock"
	"github.com/taawun/taawun/internal/dispatch"
	"github.com/taawun/taawun/internal/store"
)

// Sender delivers due notifications through the dispatcher.
type Sender struct {
	Store      store.Store
	Dispatcher *dispatch.Dispatcher
	Clock      clock.Clock
	Log        *slog.Logger
	// Limits caps each channel's rate (a carrier's throughput); channels without one are not
	// limited.
	Limits map[store.Channel]*rate.Limiter
	// Batch is how many notifications are claimed at once.
	Batch int
	// Lease is how long a claimed notification is reserved for this sender.
	Lease time.Duration
	// MaxAttempts bounds retries of retryable failures.
	MaxAttempts int
	// Poll is the pause when nothing is due.
	Poll time.Duration
	// Unsubscribe, when set, ends every e-mail with its recipient's unsubscribe link.
	Unsubscribe *UnsubscribeLinks
	// Subscribed, when set, is asked before each delivery of a batch whether its recipient
	// still takes the channel, so that someone who left after the warning was planned is
	// skipped (the targeting index, which follows every recipient change).
	Subscribed Subscribed
}

// Subscribed tells whether a recipient still takes a channel.
type Subscribed interface {
	Still(ctx context.Context, recipientID string, ch store.Channel) bool
}

// Outcome counts what one round did.
type Outcome struct {
	Sent, Retried, Failed int
	// Skipped counts batch members who unsubscribed after the batch was planned.
	Skipped int
}

func (o *Outcome) add(p Outcome) {
	o.Sent, o.Retried, o.Failed, o.Skipped = o.Sent+p.Sent, o.Retried+p.Retried, o.Failed+p.Failed, o.Skipped+p.Skipped
}

// Run sends until ctx ends.
func (s *Sender) Run(ctx context.Context) error {
	for {
		out, err := s.SendDue(ctx)
		if ctx.Err() != nil {
			return nil
		}
		if err != nil {
			s.log().Warn("dissem: send round", "err", err)
		}
		if out.Sent+out.Retried+out.Failed == 0 || err != nil {
			select {
			case <-ctx.Done():
				return nil
			case <-time.After(s.poll()):
			}
		}
	}
}

// SendDue claims due delivery batches and due notifications (retries) and delivers them side by
// side. For notifications the CAP messages and recipients are loaded once per claim, messages are
// grouped by channel and handed to the dispatcher in chunks (one call each for channels with a
// bulk API), the channels work side by side, and successes are recorded together.
func (s *Sender) SendDue(ctx context.Context) (Outcome, error) {
	bs, err := s.Store.DeliveryBatches().Claim(ctx, s.Clock.Now(), s.lease(), batchesAtOnce)
	if err != nil {
		return Outcome{}, err
	}
	ns, err := s.Store.Notifications().Claim(ctx, s.Clock.Now(), s.lease(), s.batch())
	if err != nil {
		return Outcome{}, err
	}
	var (
		fromBatches Outcome
		batchErr    error
		done        = make(chan struct{})
	)
	go func() {
		defer close(done)
		fromBatches, batchErr = s.DeliverBatches(ctx, bs)
	}()
	out, err := s.Deliver(ctx, ns)
	<-done
	out.add(fromBatches)
	return out, errors.Join(batchErr, err)
}

// Deliver sends notifications this sender holds the lease of: claimed ones, or ones a planner
// created leased to it. Each channel's messages go out in chunks and every chunk is recorded as
// soon as it is sent, so a crash repeats at most the chunks in flight (each recognisable by its
// key) and loses nothing.
func (s *Sender) Deliver(ctx context.Context, ns []store.Notification) (Outcome, error) {
	if len(ns) == 0 {
		return Outcome{}, nil
	}
	msgs, errs, err := s.buildAll(ctx, ns)
	if err != nil {
		return Outcome{}, err
	}
	var (
		mu      sync.Mutex
		total   Outcome
		firstEr error
	)
	add := func(o Outcome, err error) {
		mu.Lock()
		defer mu.Unlock()
		total.add(o)
		if err != nil && firstEr == nil {
			firstEr = err
		}
	}
	groups := map[store.Channel][]int{}
	var unbuildable []int
	for i, n := range ns {
		if errs[i] != nil {
			unbuildable = append(unbuildable, i)
			continue
		}
		groups[n.Channel] = append(groups[n.Channel], i)
	}
	if len(unbuildable) > 0 {
		results := make([]dispatch.Result, len(unbuildable))
		sub := make([]store.Notification, len(unbuildable))
		for k, i := range unbuildable {
			sub[k], results[k] = ns[i], dispatch.Result{Err: errs[i]}
		}
		add(s.record(ctx, sub, results))
	}
	var wg sync.WaitGroup
	for ch, idx := range groups {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s.sendChannel(ctx, ch, idx, ns, msgs, add)
		}()
	}
	wg.Wait()
	if ctx.Err() != nil {
		return total, ctx.Err() // leases lapse and the rest is claimed again
	}
	return total, firstEr
}

// Chunk sizes: a bulk API takes up to bulkSize in one call; one-by-one channels are recorded
// every oneByOneChunk messages, which bounds the repeats after a crash.
const (
	bulkSize      = 1000
	oneByOneChunk = 64
)

// sendChannel sends one channel's messages in chunks, each after its rate limit allows and
// recorded before the next.
func (s *Sender) sendChannel(ctx context.Context, ch store.Channel, idx []int, ns []store.Notification, msgs []dispatch.Message, add func(Outcome, error)) {
	size := oneByOneChunk
	if s.Dispatcher.Bulk(ctx, string(ch)) {
		size = bulkSize
	}
	for start := 0; start < len(idx); start += size {
		chunk := idx[start:min(start+size, len(idx))]
		if err := s.wait(ctx, ch, len(chunk)); err != nil {
			return
		}
		batch := make([]dispatch.Message, len(chunk))
		sub := make([]store.Notification, len(chunk))
		for i, j := range chunk {
			batch[i], sub[i] = msgs[j], ns[j]
		}
		res, err := s.Dispatcher.SendBatch(ctx, string(ch), batch)
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			// No such channel here, or modes mixed: retrying cannot help.
			res = make([]dispatch.Result, len(chunk))
			for i := range res {
				res[i] = dispatch.Result{Err: err}
			}
		}
		add(s.record(ctx, sub, res))
	}
}

// wait blocks until the channel's rate limit allows n more messages.
func (s *Sender) wait(ctx context.Context, ch store.Channel, n int) error {
	lim := s.Limits[ch]
	if lim == nil {
		return nil
	}
	for left := n; left > 0; {
		k := min(left, max(lim.Burst(), 1))
		if err := lim.WaitN(ctx, k); err != nil {
			return err
		}
		left -= k
	}
	return nil
}

// record writes the outcomes: successes in bulk, retries and failures one by one.
func (s *Sender) record(ctx context.Context, ns []store.Notification, results []dispatch.Result) (Outcome, error) {
	var (
		out       Outcome
		sent      []string
		submitted []store.HandsetReceipt
	)
	now := s.Clock.Now()
	for i := range ns {
		n, r := &ns[i], results[i]
		if r.Err == nil {
			sent = append(sent, n.ID)
			submitted = appendSubmitted(submitted, n.Channel, n.MessageID, n.Key, r, now)
			continue
		}
		n.Attempts++
		if r.Retryable && n.Attempts < s.maxAttempts() {
			n.State, n.NextAttempt = store.NotifyPending, now.Add(retryDelay(n.Attempts, r.Err))
			out.Retried++
		} else {
			n.State = store.NotifyFailed
			out.Failed++
		}
		n.LastError = r.Err.Error()
		s.log().Warn("dissem: delivery failed", "key", n.Key, "attempt", n.Attempts, "state", n.State, "err", r.Err)
		if err := s.Store.Notifications().Update(ctx, n); err != nil {
			return out, fmt.Errorf("dissem: record delivery %s: %w", n.Key, err)
		}
	}
	// Together, so that a delivery recorded as sent always has its provider ids for the
	// receipts to meet (batches do the same in recordChunk).
	err := s.Store.WithTx(ctx, func(tx store.Tx) error {
		if err := tx.Notifications().MarkSent(ctx, sent, now); err != nil {
			return err
		}
		return tx.HandsetReceipts().Submitted(ctx, submitted)
	})
	if err != nil {
		return out, err
	}
	out.Sent = len(sent)
	return out, nil
}

// backoff is exponential from 5 s, capped at 10 minutes, with full jitter so that a carrier
// coming back is not hit by every retry at once.
func backoff(attempt int) time.Duration {
	d := 5 * time.Second << min(attempt-1, 7)
	d = min(d, 10*time.Minute)
	return d/2 + rand.N(d/2+1)
}

// buildAll makes the outbound message of every notification, loading each CAP message and
// recipient once; errs holds a final error for a notification that cannot be built.
func (s *Sender) buildAll(ctx context.Context, ns []store.Notification) ([]dispatch.Message, []error, error) {
	alerts := map[string]*renderCache{}
	var ids []string
	seen := map[string]bool{}
	for _, n := range ns {
		if _, ok := alerts[n.MessageID]; !ok {
			m, err := s.Store.Alerts().Message(ctx, n.MessageID)
			if err != nil {
				return nil, nil, err
			}
			a, err := cap.ParseBytes(m.XML)
			if err != nil {
				return nil, nil, fmt.Errorf("dissem: stored message %s: %w", n.MessageID, err)
			}
			alerts[n.MessageID] = newRenderCache(a, s.Unsubscribe)
		}
		if !seen[n.RecipientID] {
			seen[n.RecipientID] = true
			ids = append(ids, n.RecipientID)
		}
	}
	rs, err := s.Store.Recipients().GetMany(ctx, ids)
	if err != nil {
		return nil, nil, err
	}
	byID := make(map[string]store.Recipient, len(rs))
	for _, r := range rs {
		byID[r.ID] = r
	}
	msgs := make([]dispatch.Message, len(ns))
	errs := make([]error, len(ns))
	for i, n := range ns {
		r, ok := byID[n.RecipientID]
		if !ok {
			errs[i] = fmt.Errorf("dissem: recipient %s no longer exists", n.RecipientID)
			continue
		}
		if !slices.Contains(r.Channels, n.Channel) {
			errs[i] = errLeft // a retry after the recipient left: recorded as failed, not sent
			continue
		}
		msgs[i], errs[i] = alerts[n.MessageID].build(ctx, r, n)
	}
	return msgs, errs, nil
}

// build makes the outbound message of a notification for the channels whose message is the CAP
// message itself or made per recipient; renderCache.build makes SMS and e-mail, whose texts are
// shared by every recipient of a language.
func build(ctx context.Context, a *cap.Alert, r store.Recipient, n store.Notification) (dispatch.Message, error) {
	switch n.Channel {
	case store.ChannelWebhook, store.ChannelCBC:
		body, err := cap.EncodeBytes(a)
		if err != nil {
			return dispatch.Message{}, err
		}
		m := dispatch.NewMessage(ctx, r.WebhookURL, n.Key)
		m.Body, m.ContentType, m.Secret = body, "application/cap+xml", r.WebhookSecret
		return m, nil
	case store.ChannelPush:
		return pushMessage(ctx, a, r, n.Key, n.MessageID, n.AlertID)
	}
	return dispatch.Message{}, fmt.Errorf("dissem: channel %q is not known", n.Channel)
}

func (s *Sender) log() *slog.Logger {
	if s.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return s.Log
}

func (s *Sender) batch() int       { return pick(s.Batch, 2000) }
func (s *Sender) maxAttempts() int { return pick(s.MaxAttempts, 8) }

// LeaseTime is how long a claim (or a planner's born lease) reserves notifications.
func (s *Sender) LeaseTime() time.Duration { return s.lease() }

func (s *Sender) lease() time.Duration {
	if s.Lease <= 0 {
		return 2 * time.Minute
	}
	return s.Lease
}

func (s *Sender) poll() time.Duration {
	if s.Poll <= 0 {
		return 500 * time.Millisecond
	}
	return s.Poll
}

func pick(v, def int) int {
	if v <= 0 {
		return def
	}
	return v
}
