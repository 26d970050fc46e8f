package dispatch

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/taawun/taawun/internal/mode"
)

// sink records what reaches it, as a carrier's server would.
type sink struct {
	mu   sync.Mutex
	got  []Message
	name string
}

func (s *sink) Send(_ context.Context, m Message) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.got = append(s.got, m)
	return false, nil
}

func (s *sink) count() int { s.mu.Lock(); defer s.mu.Unlock(); return len(s.got) }

func TestExerciseNeverReachesLiveChannel(t *testing.T) {
	drill, _ := mode.Exercise("indus-2026")
	other, _ := mode.Exercise("tien-shan")
	public, sandbox := &sink{name: "public"}, &sink{name: "sandbox"}
	d := New()
	if err := d.AddLive("sms", public); err != nil {
		t.Fatal(err)
	}
	if err := d.AddExercise(drill, "sms", sandbox); err != nil {
		t.Fatal(err)
	}
	live := context.Background()
	tests := []struct {
		name    string
		ctx     context.Context
		msgCtx  context.Context
		channel string
		wantErr error
		public  int
		sandbox int
	}{
		{"live message goes to the public", live, live, "sms", nil, 1, 0},
		{"exercise message goes to the sandbox", mode.With(live, drill), mode.With(live, drill), "sms", nil, 0, 1},
		{"exercise without its own channel is refused", mode.With(live, other), mode.With(live, other), "sms", ErrNoRoute, 0, 0},
		{"exercise message sent from a live context is refused", live, mode.With(live, drill), "sms", ErrModeMismatch, 0, 0},
		{"unknown channel", live, live, "pager", ErrNoRoute, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p0, s0 := public.count(), sandbox.count()
			_, err := d.Send(tt.ctx, tt.channel, NewMessage(tt.msgCtx, "+923001234567", "k"))
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if public.count()-p0 != tt.public || sandbox.count()-s0 != tt.sandbox {
				t.Fatalf("public +%d, sandbox +%d; want +%d, +%d", public.count()-p0, sandbox.count()-s0, tt.public, tt.sandbox)
			}
		})
	}
}

func TestChannelCannotServeTwoModes(t *testing.T) {
	drill, _ := mode.Exercise("d")
	ch := &sink{}
	d := New()
	if err := d.AddLive("email", ch); err != nil {
		t.Fatal(err)
	}
	if err := d.AddExercise(drill, "email", ch); !errors.Is(err, ErrReused) {
		t.Fatalf("live channel reused for exercise: %v", err)
	}
	if err := d.AddExercise(mode.Live, "email", &sink{}); err == nil {
		t.Fatal("AddExercise accepted live mode")
	}
}

// bulkSink takes batches, as an aggregator's bulk API does.
type bulkSink struct {
	sink
	batches int
}

func (b *bulkSink) SendBatch(_ context.Context, ms []Message) []Result {
	b.mu.Lock()
	b.batches++
	b.got = append(b.got, ms...)
	b.mu.Unlock()
	return make([]Result, len(ms))
}

func TestSendBatchKeepsModesApart(t *testing.T) {
	drill, _ := mode.Exercise("drill")
	public, bulk := &sink{}, &bulkSink{}
	d := New()
	d.AddLive("email", public)
	d.AddLive("sms", bulk)
	live := context.Background()
	msgs := []Message{NewMessage(live, "a", "1"), NewMessage(live, "b", "2"), NewMessage(live, "c", "3")}
	res, err := d.SendBatch(live, "email", msgs)
	if err != nil || len(res) != 3 || public.count() != 3 {
		t.Fatalf("fallback batch: %v, %d sent", err, public.count())
	}
	if _, err := d.SendBatch(live, "sms", msgs); err != nil || bulk.batches != 1 || bulk.count() != 3 {
		t.Fatalf("bulk batch: %v, %d batches", err, bulk.batches)
	}
	mixed := append(msgs, NewMessage(mode.With(live, drill), "d", "4"))
	if _, err := d.SendBatch(live, "email", mixed); !errors.Is(err, ErrModeMismatch) || public.count() != 3 {
		t.Fatalf("batch with an exercise message: %v, %d sent", err, public.count())
	}
	if _, err := d.SendBatch(mode.With(live, drill), "email", []Message{NewMessage(mode.With(live, drill), "d", "4")}); !errors.Is(err, ErrNoRoute) {
		t.Fatalf("exercise batch to a live-only channel: %v", err)
	}
}
