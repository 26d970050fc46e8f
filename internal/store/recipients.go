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
	// ChannelPush is Web Push to a browser (RFC 8030, 8291, 8292).
	ChannelPush Channel = "push"
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
	// same two fields, and so does a browser's push subscription: its push service endpoint and
	// its keys (see dissem.PushSubscription); a recipient has at most one of the three.
	WebhookURL    string
	WebhookSecret string
	Channels      []Channel
	// Broadcast recipients (CBC operators, partner systems) get every warning of the node,
	// wherever its area; others only warnings whose area holds one of their locations.
	Broadcast bool
	// Test recipients also receive messages of CAP status Test; others only Actual.
	Test      bool
	Confirmed bool
	// OrgID is the organisation an official works for; empty for the public. Contact groups
	// reach officials through it (see ContactGroup).
	OrgID     string
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
	// Officials returns the confirmed recipients who work for one of the organisations.
	Officials(ctx context.Context, orgIDs []string) ([]Recipient, error)
	// Confirm marks a subscription confirmed when codeHash matches and has not expired.
	Confirm(ctx context.Context, id, codeHash string, now time.Time) error
	// RemoveChannel takes one channel off a recipient and forgets the address only it used (a
	// browser's push subscription that its push service says is gone), so that the recipient is
	// not targeted on it again.
	RemoveChannel(ctx context.Context, id string, ch Channel) error
	// ByAddress returns the recipients that take channel ch at address (a phone number, an
	// e-mail address, a push endpoint), so that someone can leave by the address they are
	// reached at (an SMS "STOP", a browser's subscription).
	ByAddress(ctx context.Context, ch Channel, address string) ([]Recipient, error)
	// Forget erases a recipient left with nothing to receive: name, addresses, secret and
	// locations go, and it is no longer confirmed, so nothing targets it again. The row keeps
	// only its id, mode, language and times, because the notification log refers to it.
	Forget(ctx context.Context, id string) error
	// Readdress moves a recipient's channel ch to a new address (and secret, for push): a
	// browser's push subscription that its push service renewed.
	Readdress(ctx context.Context, id string, ch Channel, address, secret string) error
}

// Notifications is the notification log.
type Notifications interface {
	// Plan inserts the notifications that do not exist yet (by key) and returns those it
	// inserted. Notifications with a NextAttempt in the future are born leased to the caller,
	// who sends them at once; if it dies they are claimed again when the lease ends. State
	// (pending when empty), Attempts and LastError are stored as given, so that a batch member
	// whose delivery failed enters the log with its first attempt counted.
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

// ContactGroup selects officials by jurisdiction: a warning issued by the group's organisation,
// or by one below it, reaches the officials of every organisation of Tier below the group's
// organisation whose jurisdiction meets the warning's area. "DDMA officers" of PDMA Punjab is
// the group with Tier district: a flood warning for two districts reaches the officials of
// those two DDMAs.
type ContactGroup struct {
	Meta
	OrgID string
	Name  string
	Tier  Tier
}

// ContactGroups stores contact groups.
type ContactGroups interface {
	Create(ctx context.Context, g *ContactGroup) error
	// List returns every contact group, by name.
	List(ctx context.Context) ([]ContactGroup, error)
}
