package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/taawun/taawun/internal/clock"
	"github.com/taawun/taawun/internal/store"
)

func testRecipientsAndNotifications(t *testing.T, s store.Store, clk *clock.Manual) {
	ctx := context.Background()
	r := store.Recipient{Name: "Amina", Language: "ur", Phone: "+923001234567", Email: "amina@example.pk", Channels: []store.Channel{store.ChannelSMS, store.ChannelEmail},
		Confirmed: true, Locations: []store.Location{{Label: "home", Lat: 31.55, Lon: 74.34}, {Label: "work", Lat: 31.50, Lon: 74.30}}}
	pending := store.Recipient{Name: "Unconfirmed", Channels: []store.Channel{store.ChannelEmail}, Email: "x@example.pk"}
	for _, rec := range []*store.Recipient{&r, &pending} {
		if err := s.Recipients().Create(ctx, rec); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Recipients().Create(ctx, &store.Recipient{Name: "no channel"}); !errors.Is(err, store.ErrInvalidRecord) {
		t.Fatalf("recipient without channel: %v", err)
	}
	all, err := s.Recipients().All(ctx)
	if err != nil || len(all) != 1 || len(all[0].Locations) != 2 || all[0].Channels[1] != store.ChannelEmail || all[0].Language != "ur" {
		t.Fatalf("All = %+v, %v", all, err)
	}

	msg := mustMessage(t, s, clk)
	plan := []store.Notification{
		{Key: "k1", MessageID: msg.ID, AlertID: msg.AlertID, RecipientID: r.ID, Channel: store.ChannelSMS},
		{Key: "k2", MessageID: msg.ID, AlertID: msg.AlertID, RecipientID: r.ID, Channel: store.ChannelEmail},
	}
	if added, err := s.Notifications().Plan(ctx, plan); err != nil || len(added) != 2 || added[0].Key != "k1" {
		t.Fatalf("Plan = %+v, %v", added, err)
	}
	// Planning again (a redelivered event) adds nothing.
	if added, err := s.Notifications().Plan(ctx, []store.Notification{{Key: "k1", MessageID: msg.ID, AlertID: msg.AlertID, RecipientID: r.ID, Channel: store.ChannelSMS}}); err != nil || len(added) != 0 {
		t.Fatalf("replanned: %d, %v", len(added), err)
	}
	claimed, err := s.Notifications().Claim(ctx, clk.Now(), time.Minute, 10)
	if err != nil || len(claimed) != 2 {
		t.Fatalf("Claim = %d, %v", len(claimed), err)
	}
	if again, _ := s.Notifications().Claim(ctx, clk.Now(), time.Minute, 10); len(again) != 0 {
		t.Fatalf("leased notifications claimed twice: %d", len(again))
	}
	if err := s.Notifications().MarkSent(ctx, []string{claimed[0].ID}, clk.Now()); err != nil {
		t.Fatal(err)
	}
	many, err := s.Recipients().GetMany(ctx, []string{r.ID, pending.ID, "missing"})
	if err != nil || len(many) != 2 {
		t.Fatalf("GetMany = %d, %v", len(many), err)
	}
	clk.Advance(2 * time.Minute)
	if expired, _ := s.Notifications().Claim(ctx, clk.Now(), time.Minute, 10); len(expired) != 1 || expired[0].ID != claimed[1].ID {
		t.Fatalf("after the lease: %+v", expired)
	}
	counts, err := s.Notifications().Counts(ctx, msg.ID)
	if err != nil || len(counts) != 2 {
		t.Fatalf("Counts = %+v, %v", counts, err)
	}
}

// mustMessage stores an issued alert with one CAP message to notify about.
func mustMessage(t *testing.T, s store.Store, clk *clock.Manual) store.AlertMessage {
	t.Helper()
	ctx := context.Background()
	u := mustUser(t, s)
	var msg store.AlertMessage
	err := s.WithTx(ctx, func(tx store.Tx) error {
		a := store.Alert{OrgID: u.OrgID, Hazard: "heatwave", CAPStatus: "Actual", State: store.AlertIssued, DrafterID: u.ID}
		if err := tx.Alerts().Create(ctx, &a); err != nil {
			return err
		}
		v := store.AlertVersion{AlertID: a.ID, Kind: store.KindAlert, State: store.VersionApproved, Content: []byte(`{}`), DrafterID: u.ID}
		if err := tx.Alerts().CreateVersion(ctx, &v); err != nil {
			return err
		}
		msg = store.AlertMessage{AlertID: a.ID, VersionID: v.ID, Identifier: "id-1", MsgType: "Alert", CAPStatus: "Actual", Sent: clk.Now(), Expires: clk.Now().Add(time.Hour)}
		return tx.Alerts().AddMessage(ctx, &msg)
	})
	if err != nil {
		t.Fatal(err)
	}
	return msg
}

func testSubscriptionConfirm(t *testing.T, s store.Store, clk *clock.Manual) {
	ctx := context.Background()
	r := store.Recipient{Name: "public", Email: "p@example.pk", Channels: []store.Channel{store.ChannelEmail},
		Locations: []store.Location{{Lat: 31.5, Lon: 74.3}}, ConfirmHash: "h", ConfirmExpires: clk.Now().Add(time.Hour)}
	if err := s.Recipients().Create(ctx, &r); err != nil {
		t.Fatal(err)
	}
	if all, _ := s.Recipients().All(ctx); len(all) != 0 {
		t.Fatal("unconfirmed recipient targeted")
	}
	if err := s.Recipients().Confirm(ctx, r.ID, "wrong", clk.Now()); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("wrong code: %v", err)
	}
	if err := s.Recipients().Confirm(ctx, r.ID, "h", clk.Now().Add(2*time.Hour)); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("expired code: %v", err)
	}
	if err := s.Recipients().Confirm(ctx, r.ID, "h", clk.Now()); err != nil {
		t.Fatal(err)
	}
	if err := s.Recipients().Confirm(ctx, r.ID, "h", clk.Now()); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("code used twice: %v", err)
	}
	if all, _ := s.Recipients().All(ctx); len(all) != 1 {
		t.Fatal("confirmed recipient not targeted")
	}
}
