package store

import (
	"context"
	"time"
)

// Channel names an outbound channel.
type Channel string

// Channels a recipient can be reached on.
const (
	ChannelSMS     Channel = "sms"
	ChannelEmail   Channel = "email"
	ChannelWebhook Channel = "webhook"
	ChannelCBC     Channel = "cbc" // an operator's cell broadcast centre: the whole area at once
)

// Recipient is someone (or a system) warnings are sent to: a subscriber from the public page, an
// official of a contact group, a partner system's webhook, or a mobile operator's CBC.
type Recipient struct {
	Meta
	Name     string
	Language string // preferred; English otherwise
	Phone    string // E.164
	Email    string
	// WebhookURL receives CAP XML; WebhookSecret signs it (HMAC-SHA256). CBC endpoints use the
	// same two fields.
	WebhookURL    string
	WebhookSecret string
	Channels      []Channel
	// Broadcast recipients (CBC operators, partner systems) get every warning of the node,
	// wherever its area; others only warnings whose area holds one of their locations.
	Broadcast bool
	// Test recipients also receive messages of CAP status Test; others only Actual.
	Test      bool
	Confirmed bool
	Locations []Location
	// ConfirmHash is the hash of the code that confirms a public subscription, valid until
	// ConfirmExpires; both are empty once confirmed.
	ConfirmHash    string
	ConfirmExpires time.Time
}

// Location is a point a recipient wants warnings for.
type Location struct {
	Label string
	Lat   float64
	Lon   float64
}

// NotificationState is where one delivery stands.
type NotificationState string

// Notification states.
const (
	NotifyPending NotificationState = "pending"
	NotifySent    NotificationState = "sent"
	NotifyFailed  NotificationState = "failed"
)

// Notification is one delivery of one CAP message to one recipient on one channel. Its key is
// unique, which is what makes planning idempotent and lets sinks drop repeats.
type Notification struct {
	ID          string
	Key         string
	MessageID   string
	AlertID     string
	RecipientID string
	Channel     Channel
	State       NotificationState
	Attempts    int
	NextAttempt time.Time
	LastError   string
	ProviderID  string
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// DeliveryCount is the number of notifications of a message by channel and state.
type DeliveryCount struct {
	Channel Channel
	State   NotificationState
	Count   int
}

// Recipients stores recipients.
type Recipients interface {
	Create(ctx context.Context, r *Recipient) error
	// CreateBatch stores many recipients with multi-row inserts, for bulk imports.
	CreateBatch(ctx context.Context, rs []Recipient) error
	Get(ctx context.Context, id string) (Recipient, error)
	// All returns every confirmed recipient with its locations, for the targeting index.
	All(ctx context.Context) ([]Recipient, error)
	// Recent returns the newest recipients, without locations.
	Recent(ctx context.Context, limit int) ([]Recipient, error)
	Count(ctx context.Context) (int, error)
	// GetMany returns the recipients with the given ids (without locations), for sending.
	GetMany(ctx context.Context, ids []string) ([]Recipient, error)
	// Confirm marks a subscription confirmed when codeHash matches and has not expired.
	Confirm(ctx context.Context, id, codeHash string, now time.Time) error
}

// Notifications is the notification log.
type Notifications interface {
	// Plan inserts the notifications that do not exist yet (by key) and returns those it
	// inserted. Notifications with a NextAttempt in the future are born leased to the caller,
	// who sends them at once; if it dies they are claimed again when the lease ends.
	Plan(ctx context.Context, ns []Notification) ([]Notification, error)
	// Claim returns up to limit pending notifications whose next attempt is due and leases them
	// until now+lease, so that several servers never send the same notification at once; a
	// sender that dies leaves them to be claimed again when the lease ends.
	Claim(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]Notification, error)
	Update(ctx context.Context, n *Notification) error
	// MarkSent records many deliveries as sent, with one more attempt each, in few statements.
	MarkSent(ctx context.Context, ids []string, now time.Time) error
	// Counts returns the delivery counts of one CAP message.
	Counts(ctx context.Context, messageID string) ([]DeliveryCount, error)
}
