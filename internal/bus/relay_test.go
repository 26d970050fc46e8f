package bus

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/taawun/taawun/internal/clock"
	"github.com/taawun/taawun/internal/store"
	"github.com/taawun/taawun/internal/store/sqlstore/sqltest"
)

func openTestBus(t *testing.T) *Bus {
	t.Helper()
	b, err := Open(context.Background(), Options{DataDir: t.TempDir(), Name: "test"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(b.Close)
	return b
}

func commitEvent(t *testing.T, s store.Store, entity string) {
	t.Helper()
	ctx := context.Background()
	err := s.WithTx(ctx, func(tx store.Tx) error {
		return tx.Record(ctx, store.Change{Actor: "system", Action: "test.created", EntityType: "test", EntityID: entity, After: map[string]string{"id": entity}})
	})
	if err != nil {
		t.Fatal(err)
	}
}

// streamMessages reads every message on the stream with an ephemeral consumer.
func streamMessages(t *testing.T, b *Bus) []jetstream.Msg {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	cons, err := b.JS.OrderedConsumer(ctx, StreamName, jetstream.OrderedConsumerConfig{})
	if err != nil {
		t.Fatal(err)
	}
	info, err := b.JS.Stream(ctx, StreamName)
	if err != nil {
		t.Fatal(err)
	}
	n := int(info.CachedInfo().State.Msgs)
	var out []jetstream.Msg
	for len(out) < n {
		msgs, err := cons.Fetch(n-len(out), jetstream.FetchMaxWait(2*time.Second))
		if err != nil {
			t.Fatal(err)
		}
		for m := range msgs.Messages() {
			out = append(out, m)
		}
	}
	return out
}

var errCrash = errors.New("simulated crash between publish and mark")

// TestRelayCrashBetweenPublishAndMark: the relay dies after JetStream took the events and before
// the outbox recorded that; a new relay publishes them again and the stream holds each once.
func TestRelayCrashBetweenPublishAndMark(t *testing.T) {
	ctx := context.Background()
	s := sqltest.Open(t, sqltest.SQLiteURL(t), "pk-test", clock.System{})
	b := openTestBus(t)

	// The change commits while no relay runs (the relay is "stopped after the commit").
	commitEvent(t, s, "a")
	commitEvent(t, s, "b")

	crashing := &Relay{Store: s, JS: b.JS, afterPublish: func([]store.Event) error { return errCrash }}
	if _, err := crashing.PublishPending(ctx); !errors.Is(err, errCrash) {
		t.Fatalf("crashing relay: %v", err)
	}
	if pending, _ := s.Outbox().Pending(ctx, 10); len(pending) != 2 {
		t.Fatalf("events marked despite crash: %d pending", len(pending))
	}

	restarted := &Relay{Store: s, JS: b.JS}
	if n, err := restarted.PublishPending(ctx); err != nil || n != 2 {
		t.Fatalf("restarted relay published %d, %v", n, err)
	}
	if pending, _ := s.Outbox().Pending(ctx, 10); len(pending) != 0 {
		t.Fatalf("%d events still pending", len(pending))
	}
	msgs := streamMessages(t, b)
	if len(msgs) != 2 {
		t.Fatalf("stream holds %d messages, want 2 (each event exactly once)", len(msgs))
	}
	for i, want := range []string{"taawun.pk-test.live.test.created", "taawun.pk-test.live.test.created"} {
		if msgs[i].Subject() != want || msgs[i].Headers().Get("Nats-Msg-Id") == "" {
			t.Errorf("message %d: subject %q, msg id %q", i, msgs[i].Subject(), msgs[i].Headers().Get("Nats-Msg-Id"))
		}
	}
}

// TestRelayRunWakesOnCommit: a running relay publishes a committed event without waiting for its
// poll interval.
func TestRelayRunWakesOnCommit(t *testing.T) {
	s := sqltest.Open(t, sqltest.SQLiteURL(t), "pk-test", clock.System{})
	b := openTestBus(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	r := &Relay{Store: s, JS: b.JS, Wake: s.Committed(), Poll: time.Hour}
	done := make(chan error, 1)
	go func() { done <- r.Run(ctx) }()

	sub, err := b.Conn.SubscribeSync("taawun.pk-test.live.>")
	if err != nil {
		t.Fatal(err)
	}
	commitEvent(t, s, "c")
	m, err := sub.NextMsg(2 * time.Second)
	if err != nil {
		t.Fatalf("no event within 2s: %v", err)
	}
	if m.Header.Get("Taawun-Kind") != "test.created" {
		t.Fatalf("kind header %q", m.Header.Get("Taawun-Kind"))
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
