package dissem

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/taawun/taawun/internal/cap"
	"github.com/taawun/taawun/internal/dispatch"
	"github.com/taawun/taawun/internal/store"
)

// batchesAtOnce is how many claimed batches one sender works on side by side: enough to keep a
// slow channel's round trips overlapping, few enough that a crash leaves little in flight.
const batchesAtOnce = 4

// errLeft marks a batch member who unsubscribed from the batch's channel after it was planned.
var errLeft = errors.New("dissem: recipient unsubscribed from this channel")

// errTakenOver stops a sender whose batch another sender advanced after its lease lapsed.
var errTakenOver = errors.New("dissem: batch taken over")

// DeliverBatches sends delivery batches this sender holds the lease of (claimed, or planned
// leased to it), several side by side.
func (s *Sender) DeliverBatches(ctx context.Context, bs []store.DeliveryBatch) (Outcome, error) {
	var (
		mu      sync.Mutex
		total   Outcome
		firstEr error
		wg      sync.WaitGroup
	)
	slots := make(chan struct{}, batchesAtOnce)
	for i := range bs {
		select {
		case slots <- struct{}{}:
		case <-ctx.Done():
			wg.Wait()
			return total, ctx.Err()
		}
		wg.Add(1)
		go func(b *store.DeliveryBatch) {
			defer func() { <-slots; wg.Done() }()
			out, err := s.deliverBatch(ctx, b)
			mu.Lock()
			defer mu.Unlock()
			total.add(out)
			if err != nil && firstEr == nil {
				firstEr = err
			}
		}(&bs[i])
	}
	wg.Wait()
	return total, firstEr
}

// deliverBatch sends the members of one batch from where it stands, a chunk at a time (a whole
// batch for bulk channels, oneByOneChunk otherwise), and records each chunk as soon as it is
// sent: the members delivered are counted, those that failed move to the notification log,
// which retries them. A crash repeats at most the chunk in flight; a sender that finds the
// batch advanced by another (its lease lapsed) stops.
func (s *Sender) deliverBatch(ctx context.Context, b *store.DeliveryBatch) (Outcome, error) {
	var out Outcome
	m, err := s.Store.Alerts().Message(ctx, b.MessageID)
	if err != nil {
		return out, fmt.Errorf("dissem: batch %s: %w", b.ID, err)
	}
	a, err := cap.ParseBytes(m.XML)
	if err != nil {
		return out, fmt.Errorf("dissem: stored message %s: %w", b.MessageID, err)
	}
	loaded, err := s.loadUnaddressed(ctx, b.Members[b.Done:])
	if err != nil {
		return out, err
	}
	render := newRenderCache(a, s.Unsubscribe)
	size := oneByOneChunk
	if s.Dispatcher.Bulk(ctx, string(b.Channel)) {
		size = bulkSize
	}
	for b.Done < len(b.Members) {
		chunk := b.Members[b.Done:min(b.Done+size, len(b.Members))]
		if err := s.wait(ctx, b.Channel, len(chunk)); err != nil {
			return out, err
		}
		msgs := make([]dispatch.Message, 0, len(chunk))
		sendable := make([]int, 0, len(chunk))
		results := make([]dispatch.Result, len(chunk))
		for i, mb := range chunk {
			n := store.Notification{Key: Key(b.MessageID, mb.RecipientID, b.Channel), MessageID: b.MessageID, AlertID: b.AlertID,
				RecipientID: mb.RecipientID, Channel: b.Channel}
			if s.Subscribed != nil && !s.Subscribed.Still(ctx, mb.RecipientID, b.Channel) {
				results[i].Err = errLeft
				continue
			}
			r, ok := loaded[mb.RecipientID]
			if !ok && mb.Address == "" {
				results[i].Err = fmt.Errorf("dissem: recipient %s no longer exists", mb.RecipientID)
				continue
			}
			if mb.Address != "" {
				r = store.Recipient{Meta: store.Meta{ID: mb.RecipientID}, Language: mb.Language, Phone: mb.Address, Email: mb.Address}
			}
			msg, err := render.build(ctx, r, n)
			if err != nil {
				results[i].Err = err
				continue
			}
			msgs = append(msgs, msg)
			sendable = append(sendable, i)
		}
		if len(msgs) > 0 {
			res, err := s.Dispatcher.SendBatch(ctx, string(b.Channel), msgs)
			if ctx.Err() != nil {
				return out, ctx.Err() // the lease lapses and the chunk is sent again
			}
			for k, i := range sendable {
				if err != nil {
					// No such channel here, or modes mixed: retrying cannot help.
					results[i] = dispatch.Result{Err: err}
				} else {
					results[i] = res[k]
				}
			}
		}
		o, err := s.recordChunk(ctx, b, chunk, results)
		out.add(o)
		if errors.Is(err, errTakenOver) {
			return out, nil
		}
		if err != nil {
			return out, err
		}
	}
	return out, nil
}

// loadUnaddressed loads the members that carry no address (webhooks, CBCs, push endpoints).
func (s *Sender) loadUnaddressed(ctx context.Context, ms []store.BatchMember) (map[string]store.Recipient, error) {
	var ids []string
	for _, m := range ms {
		if m.Address == "" {
			ids = append(ids, m.RecipientID)
		}
	}
	if len(ids) == 0 {
		return nil, nil
	}
	rs, err := s.Store.Recipients().GetMany(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("dissem: load recipients: %w", err)
	}
	out := make(map[string]store.Recipient, len(rs))
	for _, r := range rs {
		out[r.ID] = r
	}
	return out, nil
}

// recordChunk advances the batch past chunk and, in the same transaction, enters the members
// whose delivery failed into the notification log: retryable ones pending with backoff, the
// others failed.
func (s *Sender) recordChunk(ctx context.Context, b *store.DeliveryBatch, chunk []store.BatchMember, results []dispatch.Result) (Outcome, error) {
	var (
		out       Outcome
		failed    []store.Notification
		submitted []store.HandsetReceipt
	)
	now := s.Clock.Now()
	for i, r := range results {
		if r.Err == nil {
			out.Sent++
			submitted = appendSubmitted(submitted, b.Channel, b.MessageID, Key(b.MessageID, chunk[i].RecipientID, b.Channel), r, now)
			continue
		}
		if errors.Is(r.Err, errLeft) {
			out.Skipped++ // handled: nothing to send, nothing to retry
			continue
		}
		mb := chunk[i]
		n := store.Notification{Key: Key(b.MessageID, mb.RecipientID, b.Channel), MessageID: b.MessageID, AlertID: b.AlertID,
			RecipientID: mb.RecipientID, Channel: b.Channel, Attempts: 1, LastError: r.Err.Error()}
		if r.Retryable && s.maxAttempts() > 1 {
			n.State, n.NextAttempt = store.NotifyPending, now.Add(retryDelay(1, r.Err))
			out.Retried++
		} else {
			n.State, n.NextAttempt = store.NotifyFailed, now
			out.Failed++
		}
		s.log().Warn("dissem: delivery failed", "key", n.Key, "attempt", 1, "state", n.State, "err", r.Err)
		failed = append(failed, n)
	}
	err := s.Store.WithTx(ctx, func(tx store.Tx) error {
		if err := tx.DeliveryBatches().Advance(ctx, b, b.Done+len(chunk), out.Sent, now.Add(s.lease())); err != nil {
			return err
		}
		if len(submitted) > 0 {
			if err := tx.HandsetReceipts().Submitted(ctx, submitted); err != nil {
				return err
			}
		}
		if len(failed) > 0 {
			_, err := tx.Notifications().Plan(ctx, failed)
			return err
		}
		return nil
	})
	if errors.Is(err, store.ErrConflict) {
		s.log().Warn("dissem: batch taken over by another sender", "batch", b.ID, "err", err)
		return Outcome{}, errTakenOver
	}
	if err != nil {
		return Outcome{}, fmt.Errorf("dissem: record batch %s: %w", b.ID, err)
	}
	return out, nil
}

// appendSubmitted adds the provider ids of an accepted delivery, qualified by channel, so that
// the provider's receipts can be matched to it.
func appendSubmitted(rs []store.HandsetReceipt, ch store.Channel, messageID, key string, r dispatch.Result, now time.Time) []store.HandsetReceipt {
	for _, id := range r.ProviderIDs {
		rs = append(rs, store.HandsetReceipt{ProviderID: ProviderID(ch, id), MessageID: messageID, Key: key, SubmittedAt: now})
	}
	return rs
}

// ProviderID qualifies a provider's message id by channel: ids are unique per provider only.
func ProviderID(ch store.Channel, id string) string { return string(ch) + ":" + id }
