package dissem

import (
	"context"
	"fmt"
	"time"

	"github.com/taawun/taawun/internal/cap"
	"github.com/taawun/taawun/internal/clock"
	"github.com/taawun/taawun/internal/store"
)

// Planner turns an issued message into notifications.
type Planner struct {
	Store    store.Store
	Targeter Targeter
	// Lease, when set, plans notifications leased to the caller for that long, so that it can
	// send them at once without claiming them (one write per delivery fewer). Only as many as
	// can surely be sent within the lease are leased (bornLeasedRate a second); the rest are
	// left for every server's claims, which also spreads a large warning over the servers.
	Lease time.Duration
	Clock clock.Clock
}

// bornLeasedRate is a rate a single server sustains on any channel, used to size born leases.
const bornLeasedRate = 2000

// Key identifies one delivery: the message (which is one version of the alert), the recipient
// and the channel. Sinks receive it to drop repeats.
func Key(messageID, recipientID string, ch store.Channel) string {
	return messageID + "/" + recipientID + "/" + string(ch)
}

// Plan writes the notifications of message m and returns those that were new; those leased to
// the caller come first. Test messages go
// only to test recipients; exercise messages are planned in the exercise's mode, where only the
// exercise's recipients exist.
func (p *Planner) Plan(ctx context.Context, m store.AlertMessage) ([]store.Notification, error) {
	a, err := cap.ParseBytes(m.XML)
	if err != nil {
		return nil, fmt.Errorf("dissem: message %s: %w", m.ID, err)
	}
	area, err := AreaOf(a)
	if err != nil {
		return nil, err
	}
	rs, err := p.Targeter.Inside(ctx, area)
	if err != nil {
		return nil, err
	}
	var (
		leasedUntil time.Time
		leasable    int
	)
	if p.Lease > 0 && p.Clock != nil {
		leasedUntil = p.Clock.Now().Add(p.Lease)
		leasable = int(p.Lease.Seconds()) * bornLeasedRate
	}
	var ns []store.Notification
	for _, r := range rs {
		if m.CAPStatus == "Test" && !r.Test {
			continue
		}
		for _, ch := range r.Channels {
			n := store.Notification{Key: Key(m.ID, r.ID, ch), MessageID: m.ID, AlertID: m.AlertID, RecipientID: r.ID, Channel: ch}
			if len(ns) < leasable {
				n.NextAttempt = leasedUntil
			}
			ns = append(ns, n)
		}
	}
	var added []store.Notification
	err = p.Store.WithTx(ctx, func(tx store.Tx) error {
		added, err = tx.Notifications().Plan(ctx, ns)
		return err
	})
	return added, err
}
