package store

import (
	"context"
	"encoding/json"
	"time"
)

// AlertState is where a warning stands in its life.
type AlertState string

// Alert states. An alert is a thread of versions; its state follows the latest decision.
const (
	AlertDraft     AlertState = "draft"     // never issued; being written
	AlertSubmitted AlertState = "submitted" // never issued; waiting for a second officer
	AlertIssued    AlertState = "issued"    // public; may have a revision in progress
	AlertCancelled AlertState = "cancelled"
	AlertExpired   AlertState = "expired"
)

// Alert is one warning thread: the first CAP message and every update and cancellation of it.
type Alert struct {
	Meta
	OrgID     string
	Hazard    string
	CAPStatus string // Actual, Exercise, Test or System
	State     AlertState
	// Identifier is the CAP identifier of the first issued message; empty until issued.
	Identifier string
	// Issued counts the CAP messages issued for the thread.
	Issued int
	// Expires is when the issued content expires; zero before the first issue.
	Expires   time.Time
	DrafterID string
	// Headline is the English headline of the latest version, for lists.
	Headline string
}

// VersionKind says what a version asks to publish.
type VersionKind string

// Version kinds, matching CAP msgType.
const (
	KindAlert  VersionKind = "Alert"
	KindUpdate VersionKind = "Update"
	KindCancel VersionKind = "Cancel"
)

// VersionState is the decision state of one version.
type VersionState string

// Version states.
const (
	VersionDraft     VersionState = "draft"
	VersionSubmitted VersionState = "submitted"
	VersionApproved  VersionState = "approved"
	VersionRejected  VersionState = "rejected"
)

// AlertVersion is one proposed content of an alert, written by one officer and approved or
// rejected by another.
type AlertVersion struct {
	ID           string
	AlertID      string
	Seq          int
	Kind         VersionKind
	State        VersionState
	Content      json.RawMessage
	DrafterID    string
	SubmitterID  string
	ApproverID   string
	RejectReason string
	CreatedAt    time.Time
	UpdatedAt    time.Time
	SubmittedAt  time.Time
	DecidedAt    time.Time
}

// AlertMessage is one issued CAP message, kept exactly as published.
type AlertMessage struct {
	ID         string
	AlertID    string
	VersionID  string
	OrgID      string
	Identifier string
	MsgType    string
	CAPStatus  string
	Sent       time.Time
	Expires    time.Time
	XML        []byte
}

// AlertFilter selects alerts for lists.
type AlertFilter struct {
	OrgIDs []string // nil: any organisation
	States []AlertState
	Limit  int
}

// Alerts stores warnings, their versions and their issued messages.
type Alerts interface {
	Create(ctx context.Context, a *Alert) error
	Get(ctx context.Context, id string) (Alert, error)
	Update(ctx context.Context, a *Alert) error
	List(ctx context.Context, f AlertFilter) ([]Alert, error)
	// DueToExpire lists issued alerts whose expiry is at or before now.
	DueToExpire(ctx context.Context, now time.Time) ([]Alert, error)

	CreateVersion(ctx context.Context, v *AlertVersion) error
	UpdateVersion(ctx context.Context, v *AlertVersion) error
	// Versions returns the alert's versions, oldest first.
	Versions(ctx context.Context, alertID string) ([]AlertVersion, error)
	// Submitted returns versions waiting for approval on alerts of the given organisations.
	Submitted(ctx context.Context, orgIDs []string) ([]AlertVersion, error)

	AddMessage(ctx context.Context, m *AlertMessage) error
	// Messages returns the alert's issued messages, oldest first.
	Messages(ctx context.Context, alertID string) ([]AlertMessage, error)
	// Message returns one issued message by its id or its CAP identifier.
	Message(ctx context.Context, idOrIdentifier string) (AlertMessage, error)
	// Current returns the latest message of every alert in state issued with the given CAP
	// status, and of every alert cancelled after cancelledSince (so feed readers learn of the
	// cancellation), newest first: what the public feeds show.
	Current(ctx context.Context, capStatus string, cancelledSince time.Time, limit int) ([]AlertMessage, error)
}
