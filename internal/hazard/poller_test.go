package hazard

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/taawun/taawun/internal/feed"
	"github.com/taawun/taawun/internal/store"
)

const sharedTestdata = "../../../shared/testdata"

// feedServer serves the shared test data files with validators, and misbehaving endpoints.
type feedServer struct {
	*httptest.Server
	notModified atomic.Int64
}

func newFeedServer(t *testing.T) *feedServer {
	fs := &feedServer{}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /testdata/{path...}", func(w http.ResponseWriter, r *http.Request) {
		b, err := os.ReadFile(filepath.Join(sharedTestdata, r.PathValue("path")))
		if err != nil {
			http.NotFound(w, r)
			return
		}
		sum := sha256.Sum256(b)
		etag := `"` + hex.EncodeToString(sum[:8]) + `"`
		if r.Header.Get("If-None-Match") == etag {
			fs.notModified.Add(1)
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", etag)
		w.Write(b)
	})
	mux.HandleFunc("GET /slow", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	})
	mux.HandleFunc("GET /500", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "boom", http.StatusInternalServerError) })
	mux.HandleFunc("GET /html", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, "<!DOCTYPE html><html><body><h1>Maintenance</h1></body></html>")
	})
	mux.HandleFunc("GET /truncated", func(w http.ResponseWriter, r *http.Request) {
		b, _ := os.ReadFile(filepath.Join(sharedTestdata, "usgs-earthquake-geojson/all_hour.geojson"))
		w.Write(b[:len(b)/2])
	})
	mux.HandleFunc("GET /enormous", func(w http.ResponseWriter, r *http.Request) {
		chunk := bytes.Repeat([]byte(" "), 1<<20)
		for range 12 {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	})
	mux.HandleFunc("GET /impossible", func(w http.ResponseWriter, r *http.Request) {
		f := func(id, mag, lon, lat string) string {
			return `{"type":"Feature","id":"` + id + `","properties":{"mag":` + mag + `,"time":1512726670300,"updated":1512746163040},"geometry":{"type":"Point","coordinates":[` + lon + `,` + lat + `,10]}}`
		}
		fmt.Fprint(w, `{"type":"FeatureCollection","features":[`+f("mag15", "15", "73", "34")+","+f("lat200", "5", "73", "200")+","+f("fine", "5.5", "73", "34")+`]}`)
	})
	fs.Server = httptest.NewServer(mux)
	t.Cleanup(fs.Close)
	return fs
}

// localOnly is a client that reaches only the test server: links in the shared feeds point
// to the real agencies, which a test must not call.
func localOnly(srv *httptest.Server, timeout time.Duration) *http.Client {
	addr := srv.Listener.Addr().String()
	tr := &http.Transport{DialContext: func(ctx context.Context, network, a string) (net.Conn, error) {
		if a != addr {
			return nil, fmt.Errorf("test network: %s is not reachable", a)
		}
		return (&net.Dialer{}).DialContext(ctx, network, a)
	}}
	return &http.Client{Timeout: timeout, Transport: tr}
}

type manifestRow struct{ path, kind, verdict string }

func manifestRows(t *testing.T) []manifestRow {
	b, err := os.ReadFile(filepath.Join(sharedTestdata, "MANIFEST.tsv"))
	if err != nil {
		t.Skipf("shared test data not present: %v", err)
	}
	var rows []manifestRow
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		c := strings.Split(sc.Text(), "\t")
		if len(c) >= 3 && (c[1] == "usgs" || c[1] == "gdacs" || c[1] == "feed") {
			rows = append(rows, manifestRow{c[0], c[1], c[2]})
		}
	}
	return rows
}

func (f *fixture) addSource(t testing.TB, name string, kind store.SourceKind, url string) store.HazardSource {
	t.Helper()
	s := store.HazardSource{Name: name, Kind: kind, URL: url, Interval: time.Minute, Enabled: true}
	if err := f.db.HazardSources().Create(context.Background(), &s); err != nil {
		t.Fatal(err)
	}
	return s
}

// pollAll polls until no source is due.
func pollAll(t *testing.T, p *Poller) {
	t.Helper()
	for range 20 {
		srcs, _ := p.Store.HazardSources().List(context.Background())
		due := 0
		for _, s := range srcs {
			if s.Enabled && !s.NextPoll.After(p.Clock.Now()) {
				due++
			}
		}
		if due == 0 {
			return
		}
		if err := p.PollDue(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	t.Fatal("sources stay due")
}

// TestPollSharedFeedsAndBadSources serves every usgs, gdacs and feed file of the manifest and
// six misbehaving sources from a local server: each file is read as the manifest says (the
// bbox-only GDACS item skipped with its reason), each bad source fails with its own reason
// recorded against it while the others go on, stored events stay as they were, and the next
// round is answered 304 Not Modified.
func TestPollSharedFeedsAndBadSources(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	srv := newFeedServer(t)
	kinds := map[string]store.SourceKind{"usgs": store.SourceUSGS, "gdacs": store.SourceGDACS, "feed": store.SourceCAP}
	byPath := map[string]string{}
	rows := manifestRows(t)
	for _, row := range rows {
		s := f.addSource(t, row.path, kinds[row.kind], srv.URL+"/testdata/"+row.path)
		byPath[row.path] = s.ID
	}
	bad := map[string]string{
		"slow": "Timeout", "500": "HTTP 500", "html": "not the expected format", "truncated": "not the expected format", "enormous": "too large",
	}
	badIDs := map[string]string{}
	for name := range bad {
		badIDs[name] = f.addSource(t, name, store.SourceUSGS, srv.URL+"/"+name).ID
	}
	impossible := f.addSource(t, "impossible", store.SourceUSGS, srv.URL+"/impossible")
	p := &Poller{Store: f.db, Ingester: f.ingest, Clock: f.clk, Client: localOnly(srv.Server, time.Second), Holder: "test",
		Limits: feed.Limits{MaxBytes: 2 << 20}}

	pollAll(t, p)
	quake, err := f.db.HazardEvents().FindByKeys(ctx, []string{"usgs:us2000c1zn"})
	if err != nil {
		t.Fatalf("significant_week event not stored: %v", err)
	}
	for _, row := range rows {
		s, _ := f.db.HazardSources().Get(ctx, byPath[row.path])
		if strings.Contains(row.path, "xee") {
			if s.Failures != 1 || !strings.Contains(s.LastError, "DTD") {
				t.Errorf("%s: %+v", row.path, s)
			}
			continue
		}
		if s.Failures != 0 || s.LastSuccess.IsZero() || s.ETag == "" {
			t.Errorf("%s (%s): failures %d, error %q, etag %q", row.path, row.verdict, s.Failures, s.LastError, s.ETag)
		}
	}
	gd2, _ := f.db.HazardSources().Get(ctx, byPath["exxamalte-python-aio-georss-gdacs/gdacs-2.xml"])
	if gd2.ItemsSeen != 1 || gd2.ItemsSkipped != 1 || len(gd2.LastSkips) != 1 || !strings.Contains(gd2.LastSkips[0], "only a bounding box") {
		t.Errorf("bbox-only GDACS item: %+v", gd2)
	}
	gd, _ := f.db.HazardSources().Get(ctx, byPath["exxamalte-python-aio-georss-gdacs/gdacs-rss-24h.xml"])
	if gd.ItemsSeen != 21 || gd.EventsNew != 21 {
		t.Errorf("GDACS 24h: %+v", gd)
	}
	nws, _ := f.db.HazardSources().Get(ctx, byPath["ibm-cap/nws_atom_feed_example.xml"])
	if nws.ItemsSeen != 163 || nws.EventsNew == 0 {
		t.Errorf("NWS index: %+v", nws)
	}
	for name, want := range bad {
		s, _ := f.db.HazardSources().Get(ctx, badIDs[name])
		if s.Failures != 1 || !strings.Contains(s.LastError, want) || !s.LastSuccess.IsZero() || !s.NextPoll.Equal(f.clk.Now().Add(2*time.Minute)) {
			t.Errorf("%s: failures %d, error %q (want %q), next poll %v", name, s.Failures, s.LastError, want, s.NextPoll)
		}
	}
	imp, _ := f.db.HazardSources().Get(ctx, impossible.ID)
	if imp.Failures != 0 || imp.EventsNew != 1 || imp.ItemsSkipped != 2 || !strings.Contains(strings.Join(imp.LastSkips, "|"), "magnitude 15") ||
		!strings.Contains(strings.Join(imp.LastSkips, "|"), "latitude 200") {
		t.Errorf("impossible values: %+v", imp)
	}

	// Second round, a minute later: every file answers 304, nothing changes; the bad sources
	// are not due yet (back-off) and stored events are as they were.
	f.clk.Advance(time.Minute)
	pollAll(t, p)
	if n := srv.notModified.Load(); n < int64(len(rows)-1) {
		t.Errorf("%d responses were 304 Not Modified, want one per manifest file", n)
	}
	again, _ := f.db.HazardEvents().FindByKeys(ctx, []string{"usgs:us2000c1zn"})
	if again.Revision != quake.Revision || !again.Updated.Equal(quake.Updated) {
		t.Errorf("a 304 changed the event: %+v", again)
	}
	for name := range bad {
		if s, _ := f.db.HazardSources().Get(ctx, badIDs[name]); s.Failures != 1 {
			t.Errorf("%s polled again before its back-off: %+v", name, s)
		}
	}
	f.clk.Advance(time.Minute)
	pollAll(t, p)
	if s, _ := f.db.HazardSources().Get(ctx, badIDs["500"]); s.Failures != 2 || !s.NextPoll.Equal(f.clk.Now().Add(4*time.Minute)) {
		t.Errorf("back-off after a second failure: %+v", s)
	}
}

// TestLeaseKeepsServersApart: two pollers of one node poll a source once between them.
func TestLeaseKeepsServersApart(t *testing.T) {
	f := newFixture(t)
	srv := newFeedServer(t)
	if _, err := os.Stat(filepath.Join(sharedTestdata, "MANIFEST.tsv")); err != nil {
		t.Skip("shared test data not present")
	}
	f.addSource(t, "usgs", store.SourceUSGS, srv.URL+"/testdata/usgs-earthquake-geojson/all_hour.geojson")
	var polls atomic.Int64
	mk := func(holder string) *Poller {
		return &Poller{Store: f.db, Ingester: f.ingest, Clock: f.clk, Client: localOnly(srv.Server, time.Second), Holder: holder,
			OnPoll: func(store.HazardSource, Outcome) { polls.Add(1) }}
	}
	a, b := mk("a"), mk("b")
	done := make(chan struct{})
	go func() { a.PollDue(context.Background()); close(done) }()
	b.PollDue(context.Background())
	<-done
	if polls.Load() != 1 {
		t.Fatalf("%d polls of one due source by two servers", polls.Load())
	}
}
