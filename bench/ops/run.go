package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/taawun/taawun/internal/auth"
	"github.com/taawun/taawun/internal/clock"
	"github.com/taawun/taawun/internal/i18n"
	"github.com/taawun/taawun/internal/node"
	"github.com/taawun/taawun/internal/ops"
	"github.com/taawun/taawun/internal/store"
	"github.com/taawun/taawun/internal/store/sqlstore"
	"github.com/taawun/taawun/internal/web"
)

const benchPassword = "benchmark password, not secret"

// serve starts the node's HTTP server on a loopback port and returns its base URL and an API
// token of the national benchmark user.
func serve(ctx context.Context, db *sqlstore.DB, picture bool) (base, token string, stop func(), err error) {
	svc, err := auth.NewService(db, clock.System{}, auth.HashParams{MemoryKiB: 64, Time: 1, Threads: 1})
	if err != nil {
		return "", "", nil, err
	}
	if _, err := db.Users().GetByUsername(ctx, benchUser); errors.Is(err, store.ErrNotFound) {
		orgs, err := db.Orgs().List(ctx)
		if err != nil || len(orgs) == 0 {
			return "", "", nil, fmt.Errorf("no organisations: run seed first (%v)", err)
		}
		err = db.WithTx(ctx, func(tx store.Tx) error {
			_, err := svc.CreateUser(ctx, tx, auth.SystemActor, auth.NewUser{Username: benchUser, Password: benchPassword, OrgID: orgs[0].ID, Role: auth.RoleOperationsOfficer})
			return err
		})
		if err != nil {
			return "", "", nil, err
		}
	}
	_, p, err := svc.Login(ctx, benchUser, benchPassword, "127.0.0.1")
	if err != nil {
		return "", "", nil, err
	}
	token, _, err = svc.CreateToken(ctx, p, "bench", time.Hour)
	if err != nil {
		return "", "", nil, err
	}
	cat, err := i18n.Load()
	if err != nil {
		return "", "", nil, err
	}
	// The operating picture from memory, as a node serves it (app.Start), unless asked to
	// measure the store's query alone.
	opsSvc := ops.New(db, clock.System{})
	if picture {
		opsSvc.Picture = &ops.COPIndex{Store: db}
		t0 := time.Now()
		if err := opsSvc.Picture.Load(ctx); err != nil {
			return "", "", nil, err
		}
		took := time.Since(t0)
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		fmt.Printf("picture index built in %s; Go heap in use after it %s\n", took.Round(time.Millisecond), mb(ms.HeapInuse))
	}
	srv, err := web.New(web.Options{Store: db, Auth: svc, Ops: opsSvc, Node: node.Identity{ID: db.NodeID()}, Catalog: cat, Log: slog.New(slog.DiscardHandler)})
	if err != nil {
		return "", "", nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", "", nil, err
	}
	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = hs.Serve(ln) }()
	return "http://" + ln.Addr().String(), token, func() { _ = hs.Close() }, nil
}

// benchCOP runs clients that each ask for the operating picture of a random window inside
// Pakistan, one request after another, for d; it prints the latency percentiles.
func benchCOP(ctx context.Context, db *sqlstore.DB, clients int, d time.Duration, window float64, layers string, picture bool) error {
	base, token, stop, err := serve(ctx, db, picture)
	if err != nil {
		return err
	}
	defer stop()
	hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: clients, MaxConnsPerHost: clients}}
	get := func(rng *rand.Rand) (time.Duration, int, int64, error) {
		lon := west + rng.Float64()*(east-west-window)
		lat := south + rng.Float64()*(north-south-window)
		url := fmt.Sprintf("%s/api/v1/cop?bbox=%.4f,%.4f,%.4f,%.4f&layers=%s", base, lon, lat, lon+window, lat+window, layers)
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		req.Header.Set("Authorization", "Bearer "+token)
		t0 := time.Now()
		resp, err := hc.Do(req)
		if err != nil {
			return 0, 0, 0, err
		}
		n, err := io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return time.Since(t0), resp.StatusCode, n, err
	}
	// Warm up: connections, plans, caches.
	warm := rand.New(rand.NewPCG(9, 9))
	for range 50 {
		if _, status, _, err := get(warm); err != nil || status != http.StatusOK {
			return fmt.Errorf("warm-up: %d %v", status, err)
		}
	}
	var (
		mu       sync.Mutex
		lat      []time.Duration
		bytes    atomic.Int64
		failures atomic.Int64
		wg       sync.WaitGroup
	)
	deadline := time.Now().Add(d)
	for c := range clients {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(c), 7))
			var mine []time.Duration
			for time.Now().Before(deadline) {
				took, status, n, err := get(rng)
				if err != nil || status != http.StatusOK {
					failures.Add(1)
					continue
				}
				bytes.Add(n)
				mine = append(mine, took)
			}
			mu.Lock()
			lat = append(lat, mine...)
			mu.Unlock()
		})
	}
	wg.Wait()
	if len(lat) == 0 {
		return errors.New("no request succeeded")
	}
	slices.Sort(lat)
	pct := func(p float64) time.Duration { return lat[min(len(lat)-1, int(p*float64(len(lat))))] }
	fmt.Printf("COP: %d clients, %s, window %.2f°, layers %s\n", clients, d, window, layers)
	fmt.Printf("requests %d (%.0f/s), failures %d, mean body %d bytes\n", len(lat), float64(len(lat))/d.Seconds(), failures.Load(), bytes.Load()/int64(len(lat)))
	fmt.Printf("p50 %s  p90 %s  p99 %s  max %s\n", pct(0.50).Round(time.Microsecond), pct(0.90).Round(time.Microsecond),
		pct(0.99).Round(time.Microsecond), lat[len(lat)-1].Round(time.Microsecond))
	return nil
}

// benchExport downloads the whole shared log as CSV and reports rows, time and the process's
// peak resident memory, sampled while it runs and read from the kernel's high-water mark.
func benchExport(ctx context.Context, db *sqlstore.DB) error {
	base, token, stop, err := serve(ctx, db, false)
	if err != nil {
		return err
	}
	defer stop()
	runtime.GC()
	before := peakRSS()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+"/api/v1/log/export", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	t0 := time.Now()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("export: %s", resp.Status)
	}
	var heapPeak uint64
	done := make(chan struct{})
	go func() {
		var ms runtime.MemStats
		for {
			select {
			case <-done:
				return
			case <-time.After(100 * time.Millisecond):
				runtime.ReadMemStats(&ms)
				heapPeak = max(heapPeak, ms.HeapInuse)
			}
		}
	}()
	rows, n := 0, int64(0)
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		rows++
		n += int64(len(sc.Bytes()) + 1)
		if rows%200_000 == 0 {
			// Resident memory along the way: flat means the export does not grow with the log.
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			fmt.Printf("  after %7d rows: RSS %s, Go heap in use %s\n", rows, currentRSS(), mb(ms.HeapInuse))
		}
	}
	close(done)
	if err := sc.Err(); err != nil {
		return err
	}
	took := time.Since(t0)
	fmt.Printf("export: %d lines (with header), %.1f MB in %s (%.0f rows/s)\n", rows, float64(n)/1e6, took.Round(time.Millisecond), float64(rows)/took.Seconds())
	fmt.Printf("peak RSS before %s, after %s; peak Go heap in use during export %s (client and server in one process)\n",
		before, peakRSS(), mb(heapPeak))
	return nil
}

// currentRSS reads VmRSS, the resident set size now, from /proc/self/status.
func currentRSS() string { return procStatus("VmRSS:") }

// peakRSS reads VmHWM, the peak resident set size, from /proc/self/status.
func peakRSS() string { return procStatus("VmHWM:") }

func procStatus(key string) string {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return "?"
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, key); ok {
			return strings.TrimSpace(v)
		}
	}
	return "?"
}

func mb(n uint64) string { return fmt.Sprintf("%.1f MB", float64(n)/(1<<20)) }
