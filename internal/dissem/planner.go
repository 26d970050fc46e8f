package dissem

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/taawun/taawun/internal/cap"
	"github.com/taawun/taawun/internal/clock"
	"github.com/taawun/taawun/internal/geodata"
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
	// Officials, when set, adds the officials that contact groups select.
	Officials *Officials
	// Regions resolves geocodes; the embedded countries and provinces when nil.
	Regions geodata.Lookup
}

// bornLeasedRate is a rate a single server sustains on any channel, used to size born leases.
const bornLeasedRate = 2000

// Key identifies one delivery: the message (which is one version of the alert), the recipient
// and the channel. Sinks receive it to drop repeats.
func Key(messageID, recipientID string, ch store.Channel) string {
	return messageID + "/" + recipientID + "/" + string(ch)
}

// Plan writes the delivery batches of message m, one channel's recipients in batches of up to
// store.BatchSize, and returns them; those leased to the caller come first. A message is planned
// once: planning it again (a redelivered event) returns nothing. Test messages go only to test
// recipients; exercise messages are planned in the exercise's mode, where only the exercise's
// recipients exist.
func (p *Planner) Plan(ctx context.Context, m store.AlertMessage) ([]store.DeliveryBatch, error) {
	a, err := cap.ParseBytes(m.XML)
	if err != nil {
		return nil, fmt.Errorf("dissem: message %s: %w", m.ID, err)
	}
	area, err := AreaOf(ctx, p.Regions, a)
	if err != nil {
		return nil, err
	}
	rs, err := p.Targeter.Inside(ctx, area)
	if err != nil {
		return nil, err
	}
	if p.Officials != nil {
		if rs, err = p.addOfficials(ctx, m, a, rs); err != nil {
			return nil, err
		}
	}
	var leasedUntil time.Time
	leasable := 0
	if p.Lease > 0 && p.Clock != nil {
		leasedUntil = p.Clock.Now().Add(p.Lease)
		leasable = int(p.Lease.Seconds()) * bornLeasedRate
	}
	members := map[store.Channel][]store.BatchMember{}
	var order []store.Channel
	for _, r := range rs {
		if m.CAPStatus == "Test" && !r.Test {
			continue
		}
		for _, ch := range r.Channels {
			if _, ok := members[ch]; !ok {
				order = append(order, ch)
			}
			members[ch] = append(members[ch], member(r, ch))
		}
	}
	var bs []store.DeliveryBatch
	planned := 0
	for _, ch := range order {
		all := members[ch]
		for seq := 0; seq*store.BatchSize < len(all); seq++ {
			b := store.DeliveryBatch{MessageID: m.ID, AlertID: m.AlertID, Channel: ch, Seq: seq,
				Members: all[seq*store.BatchSize : min((seq+1)*store.BatchSize, len(all))]}
			if planned < leasable {
				b.NextAttempt = leasedUntil
			}
			planned += len(b.Members)
			bs = append(bs, b)
		}
	}
	var fresh bool
	err = p.Store.WithTx(ctx, func(tx store.Tx) error {
		fresh, err = tx.DeliveryBatches().Plan(ctx, bs)
		return err
	})
	if errors.Is(err, store.ErrConflict) {
		// Another server planned it at the same moment (a redelivery racing the first try).
		return nil, nil
	}
	if err != nil || !fresh {
		return nil, err
	}
	return bs, nil
}

// addOfficials adds to rs the officials the issuing organisation's contact groups select, each
// recipient once.
func (p *Planner) addOfficials(ctx context.Context, m store.AlertMessage, a *cap.Alert, rs []store.Recipient) ([]store.Recipient, error) {
	al, err := p.Store.Alerts().Get(ctx, m.AlertID)
	if err != nil {
		return nil, fmt.Errorf("dissem: alert of message %s: %w", m.ID, err)
	}
	officials, err := p.Officials.Reached(ctx, al.OrgID, a)
	if err != nil || len(officials) == 0 {
		return rs, err
	}
	seen := make(map[string]bool, len(rs))
	for _, r := range rs {
		seen[r.ID] = true
	}
	for _, r := range officials {
		if !seen[r.ID] {
			seen[r.ID] = true
			rs = append(rs, r)
		}
	}
	return rs, nil
}

// member is what a batch needs of a recipient on a channel. Webhooks and CBCs also need a secret,
// which is not copied: the sender loads those few recipients.
func member(r store.Recipient, ch store.Channel) store.BatchMember {
	m := store.BatchMember{RecipientID: r.ID, Language: r.Language}
	switch ch {
	case store.ChannelSMS:
		m.Address = r.Phone
	case store.ChannelEmail:
		m.Address = r.Email
	}
	return m
}
