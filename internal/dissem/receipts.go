package dissem

import (
	"context"
	"log/slog"
	"time"

	"github.com/taawun/taawun/internal/sms/smpp"
	"github.com/taawun/taawun/internal/store"
)

// ReceiptRecorder stores an SMSC's delivery receipts. The SMPP client hands them over on its
// reader goroutine before acknowledging them; Add only queues (blocking when the queue is full,
// so that the SMSC waits and resends rather than a receipt being dropped), and Run writes them in
// batches.
type ReceiptRecorder struct {
	store store.Store
	log   *slog.Logger
	queue chan store.HandsetReceipt
}

// receiptQueue is how many receipts may wait for the database.
const receiptQueue = 10_000

// NewReceiptRecorder makes a recorder for the SMS channel's receipts.
func NewReceiptRecorder(st store.Store, log *slog.Logger) *ReceiptRecorder {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &ReceiptRecorder{store: st, log: log, queue: make(chan store.HandsetReceipt, receiptQueue)}
}

// Add queues one receipt.
func (r *ReceiptRecorder) Add(rc smpp.Receipt) {
	r.queue <- store.HandsetReceipt{ProviderID: ProviderID(store.ChannelSMS, rc.ID), Status: rc.Stat, Error: rc.Err, DoneAt: rc.DoneDate}
}

// Run writes queued receipts, up to 500 at a time, until ctx ends. A failed write is retried.
func (r *ReceiptRecorder) Run(ctx context.Context) error {
	var batch []store.HandsetReceipt
	for {
		if len(batch) == 0 {
			select {
			case <-ctx.Done():
				return nil
			case rc := <-r.queue:
				batch = append(batch, rc)
			}
		}
	fill:
		for len(batch) < 500 {
			select {
			case rc := <-r.queue:
				batch = append(batch, rc)
			default:
				break fill
			}
		}
		if err := r.store.HandsetReceipts().Received(ctx, batch); err != nil {
			if ctx.Err() != nil {
				return nil
			}
			r.log.Warn("dissem: record delivery receipts; retrying", "receipts", len(batch), "err", err)
			select {
			case <-ctx.Done():
				return nil
			case <-time.After(time.Second):
			}
			continue
		}
		batch = batch[:0]
	}
}
