package storetest

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/taawun/taawun/internal/clock"
	"github.com/taawun/taawun/internal/mode"
	"github.com/taawun/taawun/internal/store"
)

// testRemoveChannel: taking a gone push subscription off a recipient keeps its other channels
// and addresses, forgets the endpoint and keys, and stays within the recipient's mode.
func testRemoveChannel(t *testing.T, s store.Store, _ *clock.Manual) {
	ctx := context.Background()
	r := store.Recipient{Name: "browser and phone", Phone: "+923001112233", WebhookURL: "https://push.example/abc", WebhookSecret: "key.auth",
		Channels: []store.Channel{store.ChannelSMS, store.ChannelPush}, Confirmed: true, Locations: []store.Location{{Lat: 31.5, Lon: 74.3}}}
	if err := s.Recipients().Create(ctx, &r); err != nil {
		t.Fatal(err)
	}
	ex, _ := mode.Exercise("ex1")
	if err := s.Recipients().RemoveChannel(mode.With(ctx, ex), r.ID, store.ChannelPush); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("removed from another mode: %v", err)
	}
	if err := s.Recipients().RemoveChannel(ctx, r.ID, store.ChannelPush); err != nil {
		t.Fatal(err)
	}
	got, err := s.Recipients().Get(ctx, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got.Channels, []store.Channel{store.ChannelSMS}) || got.Phone != r.Phone || got.WebhookURL != "" || got.WebhookSecret != "" {
		t.Fatalf("after removing push: %+v", got)
	}
	if err := s.Recipients().RemoveChannel(ctx, r.ID, store.ChannelSMS); err != nil {
		t.Fatal(err)
	}
	if got, _ = s.Recipients().Get(ctx, r.ID); len(got.Channels) != 0 || got.Phone != "" {
		t.Fatalf("after removing sms: %+v", got)
	}
	if err := s.Recipients().RemoveChannel(ctx, "no-such-recipient", store.ChannelPush); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("unknown recipient: %v", err)
	}
}
