package dissem

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"testing"
	"time"

	"github.com/taawun/taawun/internal/alert"
	"github.com/taawun/taawun/internal/auth"
	"github.com/taawun/taawun/internal/clock"
	"github.com/taawun/taawun/internal/dispatch"
	"github.com/taawun/taawun/internal/ident"
	"github.com/taawun/taawun/internal/seed"
	"github.com/taawun/taawun/internal/store"
	"github.com/taawun/taawun/internal/store/sqlstore/sqltest"
)

// benchRecipients is the size of the dissemination benchmark: 100,000 by default, 1,000,000 with
// TAAWUN_BENCH_RECIPIENTS=1000000 (the issue's figure; about a minute on two cores).
func benchRecipients() int {
	if n, err := strconv.Atoi(os.Getenv("TAAWUN_BENCH_RECIPIENTS")); err == nil && n > 0 {
		return n
	}
	return 100_000
}

// BenchmarkDisseminate measures, on the embedded SQLite store, the time from issuing a warning to
// every delivery recorded as sent, with N recipients inside the area reached by SMS through an
// aggregator's bulk HTTP API (batches of 1,000) on loopback; beside it, the floor: the store's
// raw batched insert of N notification rows. Both report recipients (rows) per second.
func BenchmarkDisseminate(b *testing.B) {
	n := benchRecipients()
	ctx := context.Background()
	for b.Loop() {
		b.StopTimer()
		db := sqltest.Open(b, sqltest.SQLiteURL(b), "pk-ndma", clock.System{})
		as, _ := auth.NewService(db, clock.System{}, auth.HashParams{MemoryKiB: 64, Time: 1, Threads: 1})
		if _, err := seed.Demo(ctx, db, as, "bench password"); err != nil {
			b.Fatal(err)
		}
		if _, err := ImportCSV(ctx, db, &generatedCSV{n: n, inPunjab: true}, nil); err != nil {
			b.Fatal(err)
		}
		msg := issueBenchWarning(b, db, as)
		sink := newBulkSink(b)
		d := dispatch.New()
		d.AddLive("sms", BulkHTTPChannel{URL: sink.srv.URL, Token: "tok"})
		ix := &IndexTargeter{Store: db}
		before := heapInUse()
		if err := ix.Load(ctx); err != nil {
			b.Fatal(err)
		}
		indexBytes := heapInUse() - before
		sender := &Sender{Store: db, Dispatcher: d, Clock: clock.System{}, Batch: 10_000}
		planner := &Planner{Store: db, Targeter: ix, Lease: sender.LeaseTime(), Clock: clock.System{}}
		b.StartTimer()

		start := time.Now()
		planned, err := planner.Plan(ctx, msg)
		if err != nil || len(planned) != (n+store.BatchSize-1)/store.BatchSize {
			b.Fatalf("planned %d batches for %d recipients: %v", len(planned), n, err)
		}
		planDone := time.Now()
		// As the planning server does: deliver what it planned leased to itself, then claim.
		if _, err := sender.DeliverBatches(ctx, planned); err != nil {
			b.Fatal(err)
		}
		for {
			out, err := sender.SendDue(ctx)
			if err != nil {
				b.Fatal(err)
			}
			if out.Sent+out.Failed+out.Retried == 0 {
				break
			}
		}
		total := time.Since(start)
		b.StopTimer()
		if keys, _ := sink.count(); keys != n {
			b.Fatalf("sink received %d of %d", keys, n)
		}
		floor := floorInsert(b, n)
		b.ReportMetric(float64(n)/total.Seconds(), "recipients/s")
		b.ReportMetric(float64(n)/floor.Seconds(), "floor-rows/s")
		b.ReportMetric(floor.Seconds()/total.Seconds(), "ratio-to-floor")
		b.ReportMetric(float64(indexBytes)/float64(n), "index-B/recipient")
		runtime.KeepAlive(ix)
		b.Logf("%d recipients: plan %s, send+record %s, total %s; floor (raw batched insert of %d rows) %s",
			n, planDone.Sub(start).Round(time.Millisecond), total-planDone.Sub(start), total.Round(time.Millisecond), n, floor.Round(time.Millisecond))
		b.StartTimer()
	}
}

func issueBenchWarning(b *testing.B, db store.Store, as *auth.Service) store.AlertMessage {
	ctx := context.Background()
	_, duty, err := as.Login(ctx, "duty.officer", "bench password", "127.0.0.1")
	if err != nil {
		b.Fatal(err)
	}
	_, approver, _ := as.Login(ctx, "approver", "bench password", "127.0.0.1")
	svc := &alert.Service{Store: db, Clock: clock.System{}, Node: "pk-ndma"}
	c := lahoreFlood()
	// The generated recipients lie in 29.5–31.0 N, 71.0–72.8 E: a polygon around all of them.
	c.Areas = []alert.Area{{Desc: "Central Punjab", Polygons: []string{"29.4,70.9 31.1,70.9 31.1,72.9 29.4,72.9 29.4,70.9"}}}
	a, err := svc.Draft(ctx, duty, "riverine_flood", "Actual", c)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := svc.Submit(ctx, duty, a.ID); err != nil {
		b.Fatal(err)
	}
	m, err := svc.Approve(ctx, approver, a.ID)
	if err != nil {
		b.Fatal(err)
	}
	return m
}

// floorInsert times the store's raw batched insert of n notification rows into a fresh database.
func floorInsert(b *testing.B, n int) time.Duration {
	ctx := context.Background()
	db := sqltest.Open(b, sqltest.SQLiteURL(b), "pk-ndma", clock.System{})
	as, _ := auth.NewService(db, clock.System{}, auth.HashParams{MemoryKiB: 64, Time: 1, Threads: 1})
	if _, err := seed.Demo(ctx, db, as, "bench password"); err != nil {
		b.Fatal(err)
	}
	if _, err := ImportCSV(ctx, db, &generatedCSV{n: 1}, nil); err != nil {
		b.Fatal(err)
	}
	rs, _ := db.Recipients().All(ctx)
	msg := issueBenchWarning(b, db, as)
	ns := make([]store.Notification, n)
	for i := range ns {
		ns[i] = store.Notification{Key: fmt.Sprintf("floor/%d", i), MessageID: msg.ID, AlertID: msg.AlertID, RecipientID: rs[0].ID,
			Channel: store.ChannelSMS, ID: ident.NewID()}
	}
	start := time.Now()
	err := db.WithTx(ctx, func(tx store.Tx) error { _, err := tx.Notifications().Plan(ctx, ns); return err })
	if err != nil {
		b.Fatal(err)
	}
	return time.Since(start)
}

// heapInUse is the live heap after a collection.
func heapInUse() int64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return int64(m.HeapAlloc)
}
