package dissem

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/taawun/taawun/internal/dispatch"
)

// bulkSink is an aggregator's bulk API: it accepts batches, refuses one number, and counts keys.
type bulkSink struct {
	mu      sync.Mutex
	keys    map[string]int
	batches int
	srv     *httptest.Server
}

func newBulkSink(t testing.TB) *bulkSink {
	s := &bulkSink{keys: map[string]int{}}
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req BulkRequest
		if r.Header.Get("Authorization") != "Bearer tok" || json.NewDecoder(r.Body).Decode(&req) != nil {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		out := BulkResponse{Results: make([]BulkResult, len(req.Messages))}
		s.mu.Lock()
		s.batches++
		for i, m := range req.Messages {
			out.Results[i] = BulkResult{Key: m.Key, Accepted: m.To != "+920000000000"}
			if !out.Results[i].Accepted {
				out.Results[i].Error = "unknown subscriber"
				continue
			}
			s.keys[m.Key]++
		}
		s.mu.Unlock()
		json.NewEncoder(w).Encode(out)
	}))
	t.Cleanup(s.srv.Close)
	return s
}

func (s *bulkSink) count() (int, int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.keys), s.batches
}

func TestBulkHTTPChannel(t *testing.T) {
	sink := newBulkSink(t)
	ch := BulkHTTPChannel{URL: sink.srv.URL, Token: "tok"}
	ctx := context.Background()
	ms := []dispatch.Message{dispatch.NewMessage(ctx, "+923001234567", "k1"), dispatch.NewMessage(ctx, "+920000000000", "k2")}
	res := ch.SendBatch(ctx, ms)
	if res[0].Err != nil || res[1].Err == nil || res[1].Retryable {
		t.Fatalf("results %+v", res)
	}
	if keys, batches := sink.count(); keys != 1 || batches != 1 {
		t.Fatalf("sink saw %d keys in %d batches", keys, batches)
	}
	bad := BulkHTTPChannel{URL: sink.srv.URL, Token: "wrong"}
	if r := bad.SendBatch(ctx, ms); r[0].Err == nil || r[0].Retryable {
		t.Fatalf("refused batch: %+v", r[0])
	}
	down := BulkHTTPChannel{URL: "http://127.0.0.1:1"}
	if retry, err := down.Send(ctx, ms[0]); err == nil || !retry {
		t.Fatalf("unreachable aggregator: %v %v", retry, err)
	}
}
