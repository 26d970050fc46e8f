package smpp_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/taawun/taawun/internal/sms/smpp"
	"github.com/taawun/taawun/internal/sms/smpptest"
)

const urdu = "سیلاب کا خطرہ: فوری طور پر محفوظ مقام پر منتقل ہو جائیں"

// env is a test SMSC and a client bound to it.
type env struct {
	srv      *smpptest.Server
	client   *smpp.Client
	mu       sync.Mutex
	receipts []smpp.Receipt
}

func newEnv(t testing.TB, tweak func(*smpp.Config)) *env {
	t.Helper()
	srv, err := smpptest.NewServer(smpptest.Config{SystemID: "taawun", Password: "secret"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	e := &env{srv: srv}
	cfg := smpp.Config{Addr: srv.Addr(), SystemID: "taawun", Password: "secret", SourceAddr: "NDMA",
		ResponseTimeout: 2 * time.Second, BackoffMin: 5 * time.Millisecond, BackoffMax: 50 * time.Millisecond,
		OnReceipt: func(r smpp.Receipt) { e.mu.Lock(); e.receipts = append(e.receipts, r); e.mu.Unlock() }}
	if tweak != nil {
		tweak(&cfg)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	e.client, err = smpp.Dial(ctx, cfg)
	if err != nil {
		t.Fatalf("Dial: %v", err)
	}
	t.Cleanup(func() { e.client.Close() })
	return e
}

func ctx(t testing.TB) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	t.Cleanup(cancel)
	return c
}

// waitFor polls cond until it holds; it fails the test after a generous limit rather than
// asserting any timing.
func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); !cond(); time.Sleep(2 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
	}
}

func TestBindRefused(t *testing.T) {
	srv, err := smpptest.NewServer(smpptest.Config{SystemID: "taawun", Password: "secret"})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	_, err = smpp.Dial(ctx(t), smpp.Config{Addr: srv.Addr(), SystemID: "taawun", Password: "wrong"})
	var e *smpp.Error
	if !errors.As(err, &e) || e.Status != smpp.StatusInvPaswd || e.Retryable() {
		t.Fatalf("Dial with wrong password: %v", err)
	}
}

func TestSubmitGSM7AndUCS2(t *testing.T) {
	e := newEnv(t, nil)
	if st := e.srv.Stats(); st.Binds != 1 {
		t.Fatalf("binds = %d", st.Binds)
	}
	for _, tc := range []struct {
		text string
		dc   byte
	}{
		{"Flood warning {Swat}: move to high ground. Relief €20 at ~5pm [NDMA]", smpp.DataCodingDefault},
		{urdu, smpp.DataCodingUCS2},
		{"Внимание! Угроза наводнения.", smpp.DataCodingUCS2},
		{"洪水警报：请立即撤离 🌊", smpp.DataCodingUCS2},
	} {
		ids, err := e.client.Submit(ctx(t), smpp.Message{To: "923001234567", Text: tc.text})
		if err != nil || len(ids) != 1 || ids[0] == "" {
			t.Fatalf("Submit(%q) = %v, %v", tc.text, ids, err)
		}
		msgs := e.srv.Messages()
		got := msgs[len(msgs)-1]
		if got.Text != tc.text || got.DataCoding != tc.dc || got.To != "923001234567" || got.From != "NDMA" || got.IDs[0] != ids[0] {
			t.Errorf("server got %+v, want %q dc %d", got, tc.text, tc.dc)
		}
	}
}

func TestSubmitLongUrdu(t *testing.T) {
	for _, concat := range []smpp.Concat{smpp.ConcatUDH, smpp.ConcatSAR} {
		e := newEnv(t, func(c *smpp.Config) { c.Concat = concat })
		text := strings.Repeat(urdu+" ", 3) // 168 UTF-16 units: three segments of at most 67
		ids, err := e.client.Submit(ctx(t), smpp.Message{To: "923001234567", Text: text})
		if err != nil || len(ids) != 3 {
			t.Fatalf("Submit: %v, %v", ids, err)
		}
		msgs := e.srv.Messages()
		if len(msgs) != 1 {
			t.Fatalf("server has %d messages", len(msgs))
		}
		m := msgs[0]
		wantConcat := map[smpp.Concat]string{smpp.ConcatUDH: "udh", smpp.ConcatSAR: "sar"}[concat]
		if m.Text != text || m.Segments != 3 || m.Concat != wantConcat || strings.Join(m.IDs, ",") != strings.Join(ids, ",") {
			t.Errorf("reassembled %+v", m)
		}
	}
}

func TestReceipts(t *testing.T) {
	e := newEnv(t, nil)
	ids, err := e.client.Submit(ctx(t), smpp.Message{To: "923001234567", Text: "Test"})
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, "receipt", func() bool { e.mu.Lock(); defer e.mu.Unlock(); return len(e.receipts) == 1 })
	r := e.receipts[0]
	if r.ID != ids[0] || r.Stat != "DELIVRD" || !r.Success() || r.Err != "000" || r.DoneDate.IsZero() || r.From != "923001234567" {
		t.Errorf("receipt %+v for id %s", r, ids[0])
	}
	waitFor(t, "deliver_sm_resp", func() bool { return e.srv.Stats().ReceiptsAcked == 1 })
}

func TestThrottledIsRetryable(t *testing.T) {
	e := newEnv(t, nil)
	e.srv.Throttle(1)
	_, err := e.client.Submit(ctx(t), smpp.Message{To: "923001234567", Text: "Test"})
	var se *smpp.Error
	if !errors.As(err, &se) || se.Status != smpp.StatusThrottled || !se.Retryable() {
		t.Fatalf("throttled submit: %v", err)
	}
	if _, err := e.client.Submit(ctx(t), smpp.Message{To: "923001234567", Text: "Test"}); err != nil {
		t.Fatalf("retry after throttling: %v", err)
	}
}

func TestInvalidDestinationIsFinal(t *testing.T) {
	e := newEnv(t, nil)
	e.srv.Reject("000", smpp.StatusInvDstAdr)
	_, err := e.client.Submit(ctx(t), smpp.Message{To: "000", Text: "Test"})
	var se *smpp.Error
	if !errors.As(err, &se) || se.Status != smpp.StatusInvDstAdr || se.Retryable() || smpp.IsRetryable(err) {
		t.Fatalf("invalid destination: %v", err)
	}
}

func TestTimeoutIsRetryable(t *testing.T) {
	e := newEnv(t, func(c *smpp.Config) { c.ResponseTimeout = 50 * time.Millisecond })
	e.srv.Hold()
	_, err := e.client.Submit(ctx(t), smpp.Message{To: "923001234567", Text: "Test"})
	if !errors.Is(err, smpp.ErrTimeout) || !smpp.IsRetryable(err) {
		t.Fatalf("held response: %v", err)
	}
	e.srv.Release() // the late response must be dropped quietly
	if _, err := e.client.Submit(ctx(t), smpp.Message{To: "923001234567", Text: "Test"}); err != nil {
		t.Fatalf("after timeout: %v", err)
	}
}

func TestReconnectAfterDrop(t *testing.T) {
	e := newEnv(t, nil)
	e.srv.Hold()
	errc := make(chan error, 1)
	go func() {
		_, err := e.client.Submit(ctx(t), smpp.Message{To: "923001234567", Text: "in flight"})
		errc <- err
	}()
	waitFor(t, "submit in flight", func() bool { return e.srv.Stats().InFlight == 1 })
	e.srv.DropConnections()
	if err := <-errc; !errors.Is(err, smpp.ErrConnLost) || !smpp.IsRetryable(err) {
		t.Fatalf("submit during drop: %v", err)
	}
	e.srv.Release()
	ids, err := e.client.Submit(ctx(t), smpp.Message{To: "923001234567", Text: "after reconnect"})
	if err != nil || len(ids) != 1 {
		t.Fatalf("submit after reconnect: %v", err)
	}
	if st := e.srv.Stats(); st.Binds != 2 {
		t.Errorf("binds = %d, want 2", st.Binds)
	}
}

func TestEnquireLinkKeepsLinkAlive(t *testing.T) {
	e := newEnv(t, func(c *smpp.Config) { c.EnquireInterval = 5 * time.Millisecond })
	waitFor(t, "three enquire_links", func() bool { return e.srv.Stats().EnquireLinks >= 3 })
	if _, err := e.client.Submit(ctx(t), smpp.Message{To: "923001234567", Text: "still bound"}); err != nil {
		t.Fatal(err)
	}
	if st := e.srv.Stats(); st.Binds != 1 {
		t.Errorf("binds = %d: enquire_link did not keep the first link", st.Binds)
	}
}

func TestWindowBoundsConcurrency(t *testing.T) {
	const window, n = 4, 12
	e := newEnv(t, func(c *smpp.Config) { c.Window = window })
	e.srv.Hold()
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for range n {
		wg.Go(func() {
			_, err := e.client.Submit(ctx(t), smpp.Message{To: "923001234567", Text: "window"})
			errs <- err
		})
	}
	waitFor(t, "a full window", func() bool { return e.srv.Stats().InFlight == window })
	e.srv.Release()
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if st := e.srv.Stats(); st.MaxInFlight != window || st.Submits != n {
		t.Errorf("max in flight %d (window %d), submits %d", st.MaxInFlight, window, st.Submits)
	}
}

func TestCloseUnbinds(t *testing.T) {
	e := newEnv(t, nil)
	if err := e.client.Close(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "unbind", func() bool { return e.srv.Stats().Unbinds == 1 })
	_, err := e.client.Submit(ctx(t), smpp.Message{To: "1", Text: "x"})
	if !errors.Is(err, smpp.ErrClosed) || smpp.IsRetryable(err) {
		t.Errorf("submit after Close: %v", err)
	}
}

func BenchmarkSubmit(b *testing.B) {
	for _, window := range []int{1, 10} {
		b.Run(fmt.Sprintf("window=%d", window), func(b *testing.B) {
			srv, err := smpptest.NewServer(smpptest.Config{SystemID: "taawun", Password: "secret", NoReceipts: true})
			if err != nil {
				b.Fatal(err)
			}
			defer srv.Close()
			c, err := smpp.Dial(context.Background(), smpp.Config{Addr: srv.Addr(), SystemID: "taawun", Password: "secret", Window: window})
			if err != nil {
				b.Fatal(err)
			}
			defer c.Close()
			msg := smpp.Message{To: "923001234567", Text: "Flood warning: move to high ground now."}
			b.ReportAllocs()
			b.ResetTimer()
			var wg sync.WaitGroup
			work := make(chan struct{}, window)
			for range window {
				wg.Go(func() {
					for range work {
						if _, err := c.Submit(context.Background(), msg); err != nil {
							b.Error(err)
						}
					}
				})
			}
			for range b.N {
				work <- struct{}{}
			}
			close(work)
			wg.Wait()
			b.StopTimer()
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msg/s")
		})
	}
}
