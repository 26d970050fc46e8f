package store

import (
	"context"
	"time"
)

// BatchSize is the most deliveries one batch holds: one call of an aggregator's bulk API, and
// the unit servers claim.
const BatchSize = 1000

// DeliveryBatch is up to BatchSize deliveries of one CAP message on one channel, planned
// together and sent in member order. Planning a warning for a million people writes a thousand
// of these instead of a million rows; the per-delivery notification log keeps only the members
// whose delivery failed (for retries and the record).
type DeliveryBatch struct {
	ID        string
	MessageID string
	AlertID   string
	Channel   Channel
	// Seq numbers the batches of one message and channel from 0; with the message and channel
	// it is unique, which makes planning a message twice impossible.
	Seq     int
	Members []BatchMember
	// Done counts the members handled, in order: sent, or moved to the notification log.
	Done int
	// Sent counts the handled members that were delivered.
	Sent  int
	State NotificationState // pending until every member is handled, then sent
	// NextAttempt is when the batch may be claimed: now for a new batch, the end of the lease
	// while a sender holds it.
	NextAttempt time.Time
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// BatchMember is one recipient of a batch with what sending needs, copied at planning so that
// sending reads nothing back. Address is empty for channels whose recipients carry more than an
// address (webhooks and CBCs, which have secrets); the sender loads those few recipients.
type BatchMember struct {
	RecipientID string
	Language    string
	Address     string
}

// DeliveryBatches stores delivery batches.
type DeliveryBatches interface {
	// Plan stores a message's batches, all or none: when the message already has batches it
	// stores nothing and reports false.
	Plan(ctx context.Context, bs []DeliveryBatch) (bool, error)
	// Claim leases up to limit pending batches whose next attempt is due until now+lease.
	Claim(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]DeliveryBatch, error)
	// Advance records that the members from b.Done up to done are handled, sent of them
	// delivered, and extends the lease to leaseUntil. It fails with ErrConflict when the batch
	// is no longer at b.Done (another sender took it over after this one's lease lapsed), and
	// sets b's Done, Sent and State on success.
	Advance(ctx context.Context, b *DeliveryBatch, done, sent int, leaseUntil time.Time) error
}

// HandsetReceipt ties a provider's id for an accepted message (an SMSC message id, one per
// segment) to the delivery it belongs to, and holds the provider's report on it once it came.
type HandsetReceipt struct {
	ProviderID  string // qualified by channel, e.g. "sms:3f2a…"
	MessageID   string
	Key         string // the delivery's notification key
	SubmittedAt time.Time
	// Status is the provider's final word (DELIVRD, UNDELIV, EXPIRED, REJECTD, …); empty until
	// the receipt arrives.
	Status string
	Error  string
	DoneAt time.Time
}

// ReceiptCount is the number of a message's submitted segments with one receipt status.
type ReceiptCount struct {
	Status string // "" while no receipt came
	Count  int
}

// HandsetReceipts stores what providers said about accepted messages. A receipt may come before
// its submission is recorded; both are kept and meet by provider id.
type HandsetReceipts interface {
	// Submitted records the provider ids of accepted deliveries.
	Submitted(ctx context.Context, rs []HandsetReceipt) error
	// Received records providers' receipts (ProviderID, Status, Error, DoneAt).
	Received(ctx context.Context, rs []HandsetReceipt) error
	// Counts returns a message's segments by receipt status.
	Counts(ctx context.Context, messageID string) ([]ReceiptCount, error)
}
