package hazard

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/taawun/taawun/internal/bus"
	"github.com/taawun/taawun/internal/clock"
	"github.com/taawun/taawun/internal/mode"
	"github.com/taawun/taawun/internal/store"
	"github.com/taawun/taawun/internal/subject"
)

// quakeFeed is a USGS summary feed of n new earthquakes in northern Pakistan, M6 to M7.
func quakeFeed(n int, seed uint64) []byte {
	r := rand.New(rand.NewPCG(seed, 1))
	var b strings.Builder
	b.WriteString(`{"type":"FeatureCollection","metadata":{"count":` + fmt.Sprint(n) + `},"features":[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		t := time.Date(2026, 8, 14, 0, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Minute).UnixMilli()
		fmt.Fprintf(&b, `{"type":"Feature","id":"bench%05d","properties":{"mag":%.1f,"place":"test","time":%d,"updated":%d,"type":"earthquake","alert":"orange","ids":",bench%05d,"},"geometry":{"type":"Point","coordinates":[%.3f,%.3f,%.1f]}}`,
			i, 6+r.Float64(), t, t, i, 71.5+r.Float64()*2.5, 33+r.Float64()*2, 10+r.Float64()*20)
	}
	b.WriteString(`]}`)
	return []byte(b.String())
}

// pipeline is a node's hazard path: a feed server, the poller, the outbox relay to an embedded
// NATS and the durable trigger consumer.
type pipeline struct {
	f       *fixture
	poller  *Poller
	arrived time.Time
	// queued receives the moment each alert.submitted event reaches a subscriber of the bus, as
	// it reaches the duty officers' live pages: the draft is then committed and in the queue.
	queued chan time.Time
	stop   func()
}

func newPipeline(t testing.TB, clk clock.Clock, body []byte) *pipeline {
	f := newFixtureClock(t, clk)
	f.rule(t, "NDMA", store.TriggerRule{HazardTypes: []string{"earthquake"}, MinMagnitude: 5})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write(body) }))
	t.Cleanup(srv.Close)
	ctx := context.Background()
	b, err := bus.Open(ctx, bus.Options{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	p := &pipeline{f: f, queued: make(chan time.Time, 1<<16)}
	submitted, err := subject.For("pk-ndma", mode.Live, "alert.submitted")
	if err != nil {
		t.Fatal(err)
	}
	sub, err := b.Conn.Subscribe(submitted, func(*nats.Msg) { p.queued <- time.Now() })
	if err != nil {
		t.Fatal(err)
	}
	runCtx, cancel := context.WithCancel(ctx)
	db := f.db.(interface{ Committed() <-chan struct{} })
	relay := &bus.Relay{Store: f.db, JS: b.JS, Clock: clk, Wake: db.Committed()}
	cons := &Consumer{JS: b.JS, Node: "pk-ndma", Trigger: f.trigger}
	done := make(chan struct{}, 2)
	go func() { _ = relay.Run(runCtx); done <- struct{}{} }()
	go func() { _ = cons.Run(runCtx); done <- struct{}{} }()
	var once sync.Once
	p.stop = func() { once.Do(func() { cancel(); <-done; <-done; _ = sub.Unsubscribe(); b.Close() }) }
	t.Cleanup(p.stop)
	f.addSource(t, "bench", store.SourceUSGS, srv.URL)
	p.poller = &Poller{Store: f.db, Ingester: f.ingest, Clock: clk, Holder: "bench", OnPoll: func(_ store.HazardSource, o Outcome) { p.arrived = o.Arrived }}
	return p
}

// run polls once and waits until every event has its draft in the approval queue; it returns
// the time from the response's arrival to each draft's alert.submitted event on the bus.
func (p *pipeline) run(t testing.TB, n int) []time.Duration {
	ctx := context.Background()
	if err := p.poller.PollDue(ctx); err != nil {
		t.Fatal(err)
	}
	lat := make([]time.Duration, 0, n)
	timeout := time.After(5 * time.Minute)
	for len(lat) < n {
		select {
		case at := <-p.queued:
			lat = append(lat, at.Sub(p.arrived))
		case <-timeout:
			slices.Sort(lat)
			if len(lat) > 0 {
				t.Logf("queued %d: p50 %s, p99 %s, max %s", len(lat), percentile(lat, .5), percentile(lat, .99), lat[len(lat)-1])
			}
			p.explain(t)
			t.Fatalf("%d of %d drafts in the queue after 5 minutes", len(lat), n)
		}
	}
	slices.Sort(lat)
	queued, err := p.f.db.Alerts().Submitted(ctx, []string{p.f.orgs["NDMA"].ID})
	if err != nil || len(queued) != n {
		t.Fatalf("%d drafts in the approval queue, want %d (%v)", len(queued), n, err)
	}
	written := make([]time.Duration, 0, n)
	for _, v := range queued {
		written = append(written, v.SubmittedAt.Sub(p.arrived))
	}
	slices.Sort(written)
	t.Logf("written (submitted_at): p50 %s, p99 %s; on the bus: p50 %s, p99 %s", percentile(written, .5), percentile(written, .99), percentile(lat, .5), percentile(lat, .99))
	return lat
}

// explain logs why events have no draft in the queue.
func (p *pipeline) explain(t testing.TB) {
	ctx := context.Background()
	evs, _ := p.f.db.HazardEvents().List(ctx, store.HazardEventFilter{})
	shown := 0
	for _, e := range evs {
		ls, _ := p.f.db.TriggerDrafts().ForEvent(ctx, e.ID)
		if len(ls) == 0 || ls[0].State != store.TriggerDrafted || ls[0].Reason != "" {
			if shown++; shown <= 10 {
				t.Logf("event %s (%.2f, %.2f): links %+v", e.ID, e.Lat, e.Lon, ls)
			}
		}
	}
}

func percentile(sorted []time.Duration, p float64) time.Duration {
	i := int(float64(len(sorted)-1) * p)
	return sorted[i]
}

// TestPipelineFeedToQueue: a feed's new events reach the approval queue through the bus, one
// submitted draft per event, none issued.
func TestPipelineFeedToQueue(t *testing.T) {
	p := newPipeline(t, clock.System{}, quakeFeed(5, 1))
	lat := p.run(t, 5)
	all, err := p.f.db.Alerts().List(context.Background(), store.AlertFilter{})
	if err != nil || len(all) != 5 {
		t.Fatalf("alerts %d, %v", len(all), err)
	}
	for _, a := range all {
		if a.State != store.AlertSubmitted || a.Issued != 0 {
			t.Fatalf("alert %+v", a)
		}
	}
	t.Logf("feed to queue: p50 %s, max %s", percentile(lat, .5), lat[len(lat)-1])
}

// BenchmarkFeedToDrafts serves a feed of 1,000 new earthquakes and measures, for each, the time
// from the response's arrival to its draft in the approval queue. Run it once:
//
//	go test ./internal/hazard -run '^$' -bench FeedToDrafts -benchtime 1x
func BenchmarkFeedToDrafts(b *testing.B) {
	const n = 1000
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		p := newPipeline(b, clock.System{}, quakeFeed(n, uint64(i+1)))
		b.StartTimer()
		lat := p.run(b, n)
		b.StopTimer()
		b.ReportMetric(float64(percentile(lat, .5).Milliseconds()), "p50-ms")
		b.ReportMetric(float64(percentile(lat, .99).Milliseconds()), "p99-ms")
		b.ReportMetric(float64(lat[len(lat)-1].Milliseconds()), "max-ms")
		p.stop()
	}
}
