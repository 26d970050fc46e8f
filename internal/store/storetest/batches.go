package storetest

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/taawun/taawun/internal/clock"
	"github.com/taawun/taawun/internal/store"
)

func testDeliveryBatches(t *testing.T, s store.Store, clk *clock.Manual) {
	ctx := context.Background()
	r := store.Recipient{Name: "Amina", Language: "ur", Phone: "+923001234567", Channels: []store.Channel{store.ChannelSMS}, Confirmed: true}
	if err := s.Recipients().Create(ctx, &r); err != nil {
		t.Fatal(err)
	}
	msg := mustMessage(t, s, clk)
	members := func(n int) []store.BatchMember {
		ms := make([]store.BatchMember, n)
		for i := range ms {
			ms[i] = store.BatchMember{RecipientID: fmt.Sprintf("r%04d", i), Language: "ur", Address: fmt.Sprintf("+92300%07d", i)}
		}
		return ms
	}
	plan := func(bs []store.DeliveryBatch) (bool, error) {
		var fresh bool
		err := s.WithTx(ctx, func(tx store.Tx) error {
			var err error
			fresh, err = tx.DeliveryBatches().Plan(ctx, bs)
			return err
		})
		return fresh, err
	}
	bad := []struct {
		name string
		b    store.DeliveryBatch
	}{
		{"no members", store.DeliveryBatch{MessageID: msg.ID, AlertID: msg.AlertID, Channel: store.ChannelSMS}},
		{"too many members", store.DeliveryBatch{MessageID: msg.ID, AlertID: msg.AlertID, Channel: store.ChannelSMS, Members: members(store.BatchSize + 1)}},
		{"tab in an address", store.DeliveryBatch{MessageID: msg.ID, AlertID: msg.AlertID, Channel: store.ChannelSMS,
			Members: []store.BatchMember{{RecipientID: "x", Address: "a\tb"}}}},
	}
	for _, tt := range bad {
		if _, err := plan([]store.DeliveryBatch{tt.b}); !errors.Is(err, store.ErrInvalidRecord) {
			t.Errorf("%s: %v, want ErrInvalidRecord", tt.name, err)
		}
	}
	leasedUntil := clk.Now().Add(time.Minute)
	bs := []store.DeliveryBatch{
		{MessageID: msg.ID, AlertID: msg.AlertID, Channel: store.ChannelSMS, Seq: 0, Members: members(store.BatchSize), NextAttempt: leasedUntil},
		{MessageID: msg.ID, AlertID: msg.AlertID, Channel: store.ChannelSMS, Seq: 1, Members: members(3)},
	}
	if fresh, err := plan(bs); err != nil || !fresh || bs[0].ID == "" || bs[1].State != store.NotifyPending {
		t.Fatalf("Plan = %v, %v, %+v", fresh, err, bs[1])
	}
	// Planning the message again (a redelivered event) stores nothing.
	again := []store.DeliveryBatch{{MessageID: msg.ID, AlertID: msg.AlertID, Channel: store.ChannelSMS, Seq: 0, Members: members(1)}}
	if fresh, err := plan(again); err != nil || fresh {
		t.Fatalf("replanned: %v, %v", fresh, err)
	}
	// The born-leased batch is not claimable until its lease ends; the other is.
	claimed, err := s.DeliveryBatches().Claim(ctx, clk.Now(), time.Minute, 10)
	if err != nil || len(claimed) != 1 || claimed[0].ID != bs[1].ID || len(claimed[0].Members) != 3 || claimed[0].Members[2] != bs[1].Members[2] {
		t.Fatalf("Claim = %+v, %v", claimed, err)
	}
	if again, _ := s.DeliveryBatches().Claim(ctx, clk.Now(), time.Minute, 10); len(again) != 0 {
		t.Fatalf("leased batch claimed twice: %d", len(again))
	}

	// Advancing: in order, from where the batch stands, never past its end.
	b := bs[0]
	if err := s.DeliveryBatches().Advance(ctx, &b, 64, 60, leasedUntil); err != nil || b.Done != 64 || b.Sent != 60 {
		t.Fatalf("Advance = %v, %+v", err, b)
	}
	stale := bs[0] // a sender whose lease lapsed still believes the batch is at 0
	if err := s.DeliveryBatches().Advance(ctx, &stale, 64, 64, leasedUntil); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("stale advance: %v, want ErrConflict", err)
	}
	for _, tt := range []struct{ done, sent int }{{store.BatchSize + 1, 0}, {63, 0}, {100, 37}} {
		c := b
		if err := s.DeliveryBatches().Advance(ctx, &c, tt.done, tt.sent, leasedUntil); !errors.Is(err, store.ErrInvalidRecord) {
			t.Errorf("advance to %d with %d sent: %v, want ErrInvalidRecord", tt.done, tt.sent, err)
		}
	}
	if err := s.DeliveryBatches().Advance(ctx, &b, store.BatchSize, store.BatchSize-64, leasedUntil); err != nil || b.State != store.NotifySent {
		t.Fatalf("final advance = %v, %+v", err, b)
	}
	// A sent batch is never claimed again, even after its lease.
	clk.Advance(2 * time.Minute)
	if left, _ := s.DeliveryBatches().Claim(ctx, clk.Now(), time.Minute, 10); len(left) != 1 || left[0].ID != bs[1].ID {
		t.Fatalf("after the leases: %+v", left)
	}
	// The four members that failed went to the notification log (one retrying, three failed).
	var failed []store.Notification
	for i, state := range []store.NotificationState{store.NotifyPending, store.NotifyFailed, store.NotifyFailed, store.NotifyFailed} {
		failed = append(failed, store.Notification{Key: fmt.Sprintf("f%d", i), MessageID: msg.ID, AlertID: msg.AlertID, RecipientID: r.ID,
			Channel: store.ChannelSMS, State: state, Attempts: 1, LastError: "carrier said no", NextAttempt: clk.Now().Add(time.Hour)})
	}
	if _, err := s.Notifications().Plan(ctx, failed); err != nil {
		t.Fatal(err)
	}
	counts, err := s.Notifications().Counts(ctx, msg.ID)
	if err != nil {
		t.Fatal(err)
	}
	got := map[store.NotificationState]int{}
	for _, c := range counts {
		got[c.State] += c.Count
	}
	// Sent: 996 from the first batch. Pending: 3 members of the second batch and 1 retry.
	if got[store.NotifySent] != store.BatchSize-4 || got[store.NotifyPending] != 4 || got[store.NotifyFailed] != 3 {
		t.Fatalf("Counts = %+v", counts)
	}
}

func testContactGroupsAndOfficials(t *testing.T, s store.Store, clk *clock.Manual) {
	ctx := context.Background()
	nat := mustOrg(t, ctx, s, "NDMA", "")
	prov := mustOrg(t, ctx, s, "PDMA Punjab", nat.ID)
	for _, g := range []store.ContactGroup{
		{OrgID: nat.ID, Name: "", Tier: store.TierDistrict},
		{OrgID: nat.ID, Name: "no tier"},
		{Name: "no organisation", Tier: store.TierDistrict},
	} {
		if err := s.ContactGroups().Create(ctx, &g); !errors.Is(err, store.ErrInvalidRecord) {
			t.Errorf("group %+v: %v, want ErrInvalidRecord", g, err)
		}
	}
	g := store.ContactGroup{OrgID: nat.ID, Name: "DDMA officers", Tier: store.TierDistrict}
	if err := s.ContactGroups().Create(ctx, &g); err != nil {
		t.Fatal(err)
	}
	dup := store.ContactGroup{OrgID: nat.ID, Name: "DDMA officers", Tier: store.TierProvincial}
	if err := s.ContactGroups().Create(ctx, &dup); !errors.Is(err, store.ErrConflict) {
		t.Errorf("duplicate group name: %v, want ErrConflict", err)
	}
	if gs, err := s.ContactGroups().List(ctx); err != nil || len(gs) != 1 || gs[0].Tier != store.TierDistrict || gs[0].OrgID != nat.ID {
		t.Fatalf("List = %+v, %v", gs, err)
	}
	official := store.Recipient{Name: "PDMA control room", Email: "control@pdma.test", OrgID: prov.ID, Confirmed: true, Channels: []store.Channel{store.ChannelEmail}}
	public := store.Recipient{Name: "resident", Email: "r@example.pk", Confirmed: true, Channels: []store.Channel{store.ChannelEmail}}
	for _, r := range []*store.Recipient{&official, &public} {
		if err := s.Recipients().Create(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	if got, err := s.Recipients().Officials(ctx, []string{prov.ID, nat.ID}); err != nil || len(got) != 1 || got[0].ID != official.ID || got[0].OrgID != prov.ID {
		t.Fatalf("Officials = %+v, %v", got, err)
	}
	if got, err := s.Recipients().Officials(ctx, nil); err != nil || len(got) != 0 {
		t.Fatalf("Officials of no organisation = %+v, %v", got, err)
	}
}

func testHandsetReceipts(t *testing.T, s store.Store, clk *clock.Manual) {
	ctx := context.Background()
	msg := mustMessage(t, s, clk)
	now := clk.Now()
	// One receipt comes before its submission is recorded, one after; one submission never
	// gets a receipt; one receipt names a message of another node's past (no submission).
	if err := s.HandsetReceipts().Received(ctx, []store.HandsetReceipt{{ProviderID: "sms:early", Status: "DELIVRD", Error: "000", DoneAt: now}}); err != nil {
		t.Fatal(err)
	}
	err := s.HandsetReceipts().Submitted(ctx, []store.HandsetReceipt{
		{ProviderID: "sms:early", MessageID: msg.ID, Key: "k1", SubmittedAt: now},
		{ProviderID: "sms:late", MessageID: msg.ID, Key: "k2", SubmittedAt: now},
		{ProviderID: "sms:never", MessageID: msg.ID, Key: "k3", SubmittedAt: now},
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.HandsetReceipts().Received(ctx, []store.HandsetReceipt{
		{ProviderID: "sms:late", Status: "UNDELIV", Error: "001", DoneAt: now},
		{ProviderID: "sms:stranger", Status: "DELIVRD", DoneAt: now},
	}); err != nil {
		t.Fatal(err)
	}
	counts, err := s.HandsetReceipts().Counts(ctx, msg.ID)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for _, c := range counts {
		got[c.Status] = c.Count
	}
	if len(got) != 3 || got["DELIVRD"] != 1 || got["UNDELIV"] != 1 || got[""] != 1 {
		t.Fatalf("Counts = %+v", counts)
	}
}
