package storetest

import (
	"context"
	"errors"
	"testing"

	"github.com/taawun/taawun/internal/clock"
	"github.com/taawun/taawun/internal/mode"
	"github.com/taawun/taawun/internal/store"
)

// testUnsubscribeByAddress: recipients are found by the address of a channel they take, only in
// their mode; forgetting one leaves nothing personal and nothing to target; a push subscription
// moves to a renewed endpoint.
func testUnsubscribeByAddress(t *testing.T, s store.Store, _ *clock.Manual) {
	ctx := context.Background()
	phone := store.Recipient{Name: "Ayesha", Language: "ur", Phone: "+923001234567", Channels: []store.Channel{store.ChannelSMS}, Confirmed: true,
		Locations: []store.Location{{Label: "home", Lat: 31.5, Lon: 74.3}}}
	mailOnly := store.Recipient{Name: "same phone, no sms", Phone: "+923001234567", Email: "a@example.pk", Channels: []store.Channel{store.ChannelEmail}, Confirmed: true}
	browser := store.Recipient{Name: "browser", WebhookURL: "https://push.example/old", WebhookSecret: "k.a", Channels: []store.Channel{store.ChannelPush}, Confirmed: true}
	for _, r := range []*store.Recipient{&phone, &mailOnly, &browser} {
		if err := s.Recipients().Create(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.Recipients().ByAddress(ctx, store.ChannelSMS, "+923001234567")
	if err != nil || len(got) != 1 || got[0].ID != phone.ID {
		t.Fatalf("by phone: %+v, %v; want only the SMS subscriber", got, err)
	}
	ex, _ := mode.Exercise("ex1")
	if got, _ := s.Recipients().ByAddress(mode.With(ctx, ex), store.ChannelSMS, "+923001234567"); len(got) != 0 {
		t.Fatalf("found from another mode: %+v", got)
	}
	if got, _ := s.Recipients().ByAddress(ctx, store.ChannelEmail, ""); len(got) != 0 {
		t.Fatalf("an empty address matched: %+v", got)
	}

	if err := s.Recipients().Forget(mode.With(ctx, ex), phone.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("forgot from another mode: %v", err)
	}
	if err := s.Recipients().Forget(ctx, phone.ID); err != nil {
		t.Fatal(err)
	}
	left, err := s.Recipients().Get(ctx, phone.ID)
	if err != nil {
		t.Fatal(err)
	}
	if left.Name != "" || left.Phone != "" || len(left.Channels) != 0 || len(left.Locations) != 0 || left.Confirmed {
		t.Fatalf("forgotten recipient keeps %+v", left)
	}
	all, _ := s.Recipients().All(ctx)
	for _, r := range all {
		if r.ID == phone.ID {
			t.Fatal("a forgotten recipient is still targeted")
		}
	}
	if err := s.Recipients().Forget(ctx, "no-such-recipient"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("unknown recipient: %v", err)
	}

	if err := s.Recipients().Readdress(ctx, browser.ID, store.ChannelPush, "https://push.example/new", "k2.a2"); err != nil {
		t.Fatal(err)
	}
	if b, _ := s.Recipients().Get(ctx, browser.ID); b.WebhookURL != "https://push.example/new" || b.WebhookSecret != "k2.a2" {
		t.Fatalf("after readdress: %+v", b)
	}
	if err := s.Recipients().Readdress(ctx, mailOnly.ID, store.ChannelPush, "https://push.example/x", "k.a"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("readdressed a channel the recipient does not take: %v", err)
	}
}
