package dissem

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
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
	// Batch is how many notifications are claimed at once; Workers send them concurrently.
	Batch   int
	Workers int
	// Lease is how long a claimed notification is reserved for this sender.
	Lease time.Duration
	// MaxAttempts bounds retries of retryable failures.
	MaxAttempts int
	// Poll is the pause when nothing is due.
	Poll time.Duration
}

// Outcome counts what one round did.
type Outcome struct {
	Sent, Retried, Failed int
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

// SendDue claims one batch of due notifications and delivers them.
func (s *Sender) SendDue(ctx context.Context) (Outcome, error) {
	ns, err := s.Store.Notifications().Claim(ctx, s.Clock.Now(), s.lease(), s.batch())
	if err != nil || len(ns) == 0 {
		return Outcome{}, err
	}
	cache := &lookups{messages: map[string]*cap.Alert{}, recipients: map[string]store.Recipient{}}
	work := make(chan store.Notification)
	var (
		mu  sync.Mutex
		out Outcome
		wg  sync.WaitGroup
	)
	for range s.workers() {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := range work {
				state := s.deliver(ctx, cache, n)
				mu.Lock()
				switch state {
				case store.NotifySent:
					out.Sent++
				case store.NotifyFailed:
					out.Failed++
				default:
					out.Retried++
				}
				mu.Unlock()
			}
		}()
	}
	for _, n := range ns {
		work <- n
	}
	close(work)
	wg.Wait()
	return out, nil
}

// deliver sends one notification and records the outcome.
func (s *Sender) deliver(ctx context.Context, cache *lookups, n store.Notification) store.NotificationState {
	msg, err := s.build(ctx, cache, n)
	retryable := true
	if err == nil {
		if lim := s.Limits[n.Channel]; lim != nil {
			if err = lim.Wait(ctx); err != nil {
				return store.NotifyPending // shutting down: the lease will lapse and it is claimed again
			}
		}
		retryable, err = s.Dispatcher.Send(ctx, string(n.Channel), msg)
	}
	n.Attempts++
	now := s.Clock.Now()
	switch {
	case err == nil:
		n.State, n.LastError = store.NotifySent, ""
	case retryable && n.Attempts < s.maxAttempts():
		n.State, n.LastError, n.NextAttempt = store.NotifyPending, err.Error(), now.Add(backoff(n.Attempts))
	default:
		n.State, n.LastError = store.NotifyFailed, err.Error()
	}
	if uerr := s.Store.Notifications().Update(ctx, &n); uerr != nil {
		s.log().Error("dissem: record delivery", "key", n.Key, "err", uerr)
	}
	if err != nil {
		s.log().Warn("dissem: delivery failed", "key", n.Key, "attempt", n.Attempts, "state", n.State, "err", err)
	}
	return n.State
}

// backoff is exponential from 5 s, capped at 10 minutes, with full jitter so that a carrier
// coming back is not hit by every retry at once.
func backoff(attempt int) time.Duration {
	d := 5 * time.Second << min(attempt-1, 7)
	d = min(d, 10*time.Minute)
	return d/2 + rand.N(d/2+1)
}

// lookups caches messages and recipients within one batch.
type lookups struct {
	mu         sync.Mutex
	messages   map[string]*cap.Alert
	recipients map[string]store.Recipient
}

// build makes the outbound message of a notification in the recipient's language.
func (s *Sender) build(ctx context.Context, cache *lookups, n store.Notification) (dispatch.Message, error) {
	cache.mu.Lock()
	a, ok := cache.messages[n.MessageID]
	r, rok := cache.recipients[n.RecipientID]
	cache.mu.Unlock()
	if !ok {
		m, err := s.Store.Alerts().Message(ctx, n.MessageID)
		if err != nil {
			return dispatch.Message{}, err
		}
		if a, err = cap.ParseBytes(m.XML); err != nil {
			return dispatch.Message{}, fmt.Errorf("dissem: stored message %s: %w", n.MessageID, err)
		}
		cache.mu.Lock()
		cache.messages[n.MessageID] = a
		cache.mu.Unlock()
	}
	if !rok {
		var err error
		if r, err = s.Store.Recipients().Get(ctx, n.RecipientID); err != nil {
			return dispatch.Message{}, err
		}
		cache.mu.Lock()
		cache.recipients[n.RecipientID] = r
		cache.mu.Unlock()
	}
	in := infoFor(a, r.Language)
	switch n.Channel {
	case store.ChannelSMS:
		m := dispatch.NewMessage(ctx, r.Phone, n.Key)
		m.Body, m.Language = []byte(SMSText(in)), in.Language
		return m, nil
	case store.ChannelEmail:
		m := dispatch.NewMessage(ctx, r.Email, n.Key)
		html, err := htmlText(in)
		if err != nil {
			return dispatch.Message{}, err
		}
		m.Subject, m.Body, m.HTML, m.Language, m.ContentType = in.Headline, []byte(plainText(in)), html, in.Language, "text/plain"
		return m, nil
	case store.ChannelWebhook, store.ChannelCBC:
		body, err := cap.EncodeBytes(a)
		if err != nil {
			return dispatch.Message{}, err
		}
		m := dispatch.NewMessage(ctx, r.WebhookURL, n.Key)
		m.Body, m.ContentType, m.Secret = body, "application/cap+xml", r.WebhookSecret
		return m, nil
	}
	return dispatch.Message{}, fmt.Errorf("dissem: channel %q is not known", n.Channel)
}

func (s *Sender) log() *slog.Logger {
	if s.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return s.Log
}

func (s *Sender) batch() int       { return pick(s.Batch, 200) }
func (s *Sender) workers() int     { return pick(s.Workers, 8) }
func (s *Sender) maxAttempts() int { return pick(s.MaxAttempts, 8) }

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
