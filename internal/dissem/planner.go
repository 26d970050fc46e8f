package dissem

import (
	"context"
	"fmt"

	"github.com/taawun/taawun/internal/cap"
	"github.com/taawun/taawun/internal/store"
)

// Planner turns an issued message into notifications.
type Planner struct {
	Store    store.Store
	Targeter Targeter
}

// Key identifies one delivery: the message (which is one version of the alert), the recipient
// and the channel. Sinks receive it to drop repeats.
func Key(messageID, recipientID string, ch store.Channel) string {
	return messageID + "/" + recipientID + "/" + string(ch)
}

// Plan writes the notifications of message m and returns how many were new. Test messages go
// only to test recipients; exercise messages are planned in the exercise's mode, where only the
// exercise's recipients exist.
func (p *Planner) Plan(ctx context.Context, m store.AlertMessage) (int, error) {
	a, err := cap.ParseBytes(m.XML)
	if err != nil {
		return 0, fmt.Errorf("dissem: message %s: %w", m.ID, err)
	}
	area, err := AreaOf(a)
	if err != nil {
		return 0, err
	}
	rs, err := p.Targeter.Inside(ctx, area)
	if err != nil {
		return 0, err
	}
	var ns []store.Notification
	for _, r := range rs {
		if m.CAPStatus == "Test" && !r.Test {
			continue
		}
		for _, ch := range r.Channels {
			ns = append(ns, store.Notification{Key: Key(m.ID, r.ID, ch), MessageID: m.ID, AlertID: m.AlertID, RecipientID: r.ID, Channel: ch})
		}
	}
	var added int
	err = p.Store.WithTx(ctx, func(tx store.Tx) error {
		added, err = tx.Notifications().Plan(ctx, ns)
		return err
	})
	return added, err
}
