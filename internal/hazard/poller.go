package hazard

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/taawun/taawun/internal/clock"
	"github.com/taawun/taawun/internal/feed"
	"github.com/taawun/taawun/internal/store"
)

// Poller polls the node's hazard sources. Every server of a node runs one: a source is leased
// to one server at a time (HazardSources.Claim), so scaling out polls each source once.
type Poller struct {
	Store    store.Store
	Ingester *Ingester
	Clock    clock.Clock
	// Client fetches feeds; its Timeout bounds one request (default 30 s).
	Client *http.Client
	// Holder names this server in leases; unique per server.
	Holder string
	Limits feed.Limits
	// Lease is how long a claimed source is this server's (default 2 min); Tick how often due
	// sources are looked for (default 1 s).
	Lease, Tick time.Duration
	// MaxLinks bounds the CAP documents fetched from one index feed per poll (default 20).
	MaxLinks int
	// MaxBackoff bounds the wait after repeated failures (default 1 h).
	MaxBackoff time.Duration
	Log        *slog.Logger
	// OnPoll, when set, is called after each poll with its outcome.
	OnPoll func(store.HazardSource, Outcome)
}

// Outcome is what one poll found.
type Outcome struct {
	// Arrived is when the response was read, before parsing.
	Arrived     time.Time
	NotModified bool
	Items       int
	Counts      Counts
	Skipped     []string
	Err         error
}

func (p *Poller) defaults() {
	if p.Client == nil {
		p.Client = &http.Client{Timeout: 30 * time.Second}
	}
	if p.Lease <= 0 {
		p.Lease = 2 * time.Minute
	}
	if p.Tick <= 0 {
		p.Tick = time.Second
	}
	if p.MaxLinks <= 0 {
		p.MaxLinks = 20
	}
	if p.MaxBackoff <= 0 {
		p.MaxBackoff = time.Hour
	}
	if p.Log == nil {
		p.Log = slog.New(slog.DiscardHandler)
	}
}

// Run polls due sources until ctx ends.
func (p *Poller) Run(ctx context.Context) error {
	p.defaults()
	t := time.NewTicker(p.Tick)
	defer t.Stop()
	for {
		if err := p.PollDue(ctx); err != nil && ctx.Err() == nil {
			p.Log.Warn("hazard: poll", "err", err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

// PollDue claims the sources that are due and polls them, several at once.
func (p *Poller) PollDue(ctx context.Context) error {
	p.defaults()
	now := p.Clock.Now()
	srcs, err := p.Store.HazardSources().Claim(ctx, p.Holder, now, now.Add(p.Lease), 8)
	if err != nil {
		return err
	}
	var wg sync.WaitGroup
	for _, src := range srcs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out := p.Poll(ctx, &src)
			if err := p.Store.HazardSources().RecordPoll(ctx, p.Holder, &src); err != nil {
				p.Log.Warn("hazard: record poll", "source", src.Name, "err", err)
			}
			if p.OnPoll != nil {
				p.OnPoll(src, out)
			}
		}()
	}
	wg.Wait()
	return nil
}

// Poll fetches and ingests one source, and updates its poll state and health in src (the
// caller stores them).
func (p *Poller) Poll(ctx context.Context, src *store.HazardSource) Outcome {
	p.defaults()
	now := p.Clock.Now()
	src.LastPoll = now
	out := p.fetchAndIngest(ctx, src)
	if out.Err != nil {
		src.Failures++
		src.LastError, src.LastErrorAt = out.Err.Error(), now
		src.NextPoll = now.Add(p.backoff(src.Interval, src.Failures))
		p.Log.Warn("hazard: source failed", "source", src.Name, "failures", src.Failures, "err", out.Err)
		return out
	}
	src.Failures, src.LastSuccess, src.NextPoll = 0, now, now.Add(src.Interval)
	src.ItemsSeen += int64(out.Items)
	src.ItemsSkipped += int64(len(out.Skipped))
	src.EventsNew += int64(out.Counts.New)
	src.EventsUpdated += int64(out.Counts.Updated)
	if !out.NotModified {
		src.LastSkips = out.Skipped[:min(len(out.Skipped), 50)]
	}
	return out
}

// backoff doubles the interval with each consecutive failure, up to MaxBackoff.
func (p *Poller) backoff(interval time.Duration, failures int) time.Duration {
	d := interval
	for i := 0; i < failures && d < p.MaxBackoff; i++ {
		d *= 2
	}
	return min(d, p.MaxBackoff)
}

// errNotModified is the 304 answer to a conditional GET.
var errNotModified = errors.New("not modified")

func (p *Poller) fetchAndIngest(ctx context.Context, src *store.HazardSource) Outcome {
	var out Outcome
	body, etag, lastMod, err := p.get(ctx, src.URL, src.ETag, src.LastModified)
	out.Arrived = p.Clock.Now()
	if errors.Is(err, errNotModified) {
		out.NotModified = true
		return out
	}
	if err != nil {
		out.Err = err
		return out
	}
	res, err := feed.Parse(string(src.Kind), body, p.Limits)
	if err != nil {
		out.Err = err
		return out
	}
	if src.Kind == store.SourceCAP {
		p.fetchLinked(ctx, res)
	}
	out.Items = res.Items
	for _, s := range res.Skipped {
		out.Skipped = append(out.Skipped, s.String())
	}
	out.Counts, err = p.Ingester.Ingest(ctx, *src, res.Events)
	for _, f := range out.Counts.Failed {
		out.Skipped = append(out.Skipped, f.String())
	}
	if err != nil {
		out.Err = fmt.Errorf("store events: %w", err)
		return out
	}
	// The validators are kept only once the events are stored, so a failure refetches.
	src.ETag, src.LastModified = etag, lastMod
	return out
}

// fetchLinked fetches the CAP documents an index feed links to, except those already read at
// the same entry version, at most MaxLinks per poll; the rest wait for the next poll.
func (p *Poller) fetchLinked(ctx context.Context, res *feed.Result) {
	fetched := 0
	for _, l := range res.Links {
		entryKey := "capentry:" + l.ID + "@" + l.Updated
		if _, err := p.Store.HazardEvents().FindByKeys(ctx, []string{entryKey}); err == nil {
			continue
		}
		if fetched == p.MaxLinks {
			res.Skipped = append(res.Skipped, feed.Skip{Item: l.Item, ID: l.ID, Reason: "linked alert left for the next poll (fetch limit)"})
			continue
		}
		fetched++
		body, _, _, err := p.get(ctx, l.URL, "", "")
		if err != nil {
			res.Skipped = append(res.Skipped, feed.Skip{Item: l.Item, ID: l.ID, Reason: "linked alert: " + err.Error()})
			continue
		}
		doc, err := feed.ParseCAP(body, p.Limits)
		if err != nil {
			res.Skipped = append(res.Skipped, feed.Skip{Item: l.Item, ID: l.ID, Reason: "linked alert: " + err.Error()})
			continue
		}
		for _, s := range doc.Skipped {
			res.Skipped = append(res.Skipped, feed.Skip{Item: l.Item, ID: l.ID, Reason: "linked alert: " + s.Reason})
		}
		for _, e := range doc.Events {
			e.Keys = append(e.Keys, entryKey)
			res.Events = append(res.Events, e)
		}
	}
}

// get fetches url conditionally. The body is bounded by the feed limit: a larger one is an
// error, not a truncated feed.
func (p *Poller) get(ctx context.Context, url, etag, lastMod string) (body []byte, newETag, newLastMod string, err error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, "", "", fmt.Errorf("request %s: %w", url, err)
	}
	req.Header.Set("User-Agent", "Taawun hazard monitor")
	if etag != "" {
		req.Header.Set("If-None-Match", etag)
	}
	if lastMod != "" {
		req.Header.Set("If-Modified-Since", lastMod)
	}
	resp, err := p.Client.Do(req)
	if err != nil {
		return nil, "", "", fmt.Errorf("fetch: %w", err)
	}
	defer resp.Body.Close()
	switch {
	case resp.StatusCode == http.StatusNotModified:
		return nil, "", "", errNotModified
	case resp.StatusCode != http.StatusOK:
		return nil, "", "", fmt.Errorf("fetch: HTTP %s", resp.Status)
	}
	limit := p.Limits.MaxBytes
	if limit <= 0 {
		limit = feed.DefaultMaxBytes
	}
	body, err = io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return nil, "", "", fmt.Errorf("read body: %w", err)
	}
	if int64(len(body)) > limit {
		return nil, "", "", fmt.Errorf("%w: more than %d bytes", feed.ErrTooLarge, limit)
	}
	return body, resp.Header.Get("ETag"), resp.Header.Get("Last-Modified"), nil
}
