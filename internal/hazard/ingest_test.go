package hazard

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/taawun/taawun/internal/clock"
	"github.com/taawun/taawun/internal/feed"
)

const capTemplate = `<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>{ID}</identifier><sender>pmd.gov.pk</sender>
<sent>{SENT}</sent><status>Actual</status><msgType>{TYPE}</msgType><scope>Public</scope>{REFS}
<info><language>en</language><category>Met</category><event>Flash flood</event><urgency>Immediate</urgency><severity>{SEV}</severity>
<certainty>Likely</certainty><headline>Flash flood in Swat</headline><area><areaDesc>Swat</areaDesc>
<polygon>35.0,72.2 35.0,72.6 35.4,72.6 35.4,72.2 35.0,72.2</polygon></area></info></alert>`

func capAlert(id, sent, msgType, refs, sev string) []byte {
	r := strings.NewReplacer("{ID}", id, "{SENT}", sent, "{TYPE}", msgType, "{SEV}", sev, "{REFS}", refs)
	return []byte(r.Replace(capTemplate))
}

func (f *fixture) ingestBody(t *testing.T, kind string, body []byte) Counts {
	t.Helper()
	r, err := feed.Parse(kind, body, feed.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	c, err := f.ingest.Ingest(context.Background(), f.src, r.Events)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestCAPUpdateAndCancelAreOneEvent: an Update referencing an earlier message and a Cancel
// referencing the Update are revisions of the same event.
func TestCAPUpdateAndCancelAreOneEvent(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	if c := f.ingestBody(t, "cap", capAlert("FF-1", "2026-08-14T01:00:00+05:00", "Alert", "", "Severe")); c.New != 1 {
		t.Fatalf("first: %+v", c)
	}
	upd := capAlert("FF-2", "2026-08-14T02:00:00+05:00", "Update", "<references>pmd.gov.pk,FF-1,2026-08-14T01:00:00+05:00</references>", "Extreme")
	if c := f.ingestBody(t, "cap", upd); c.Updated != 1 || c.New != 0 {
		t.Fatalf("update: %+v", c)
	}
	// The same message again changes nothing.
	if c := f.ingestBody(t, "cap", upd); c.Unchanged != 1 {
		t.Fatalf("repeat: %+v", c)
	}
	cancel := capAlert("FF-3", "2026-08-14T03:00:00+05:00", "Cancel", "<references>pmd.gov.pk,FF-2,2026-08-14T02:00:00+05:00</references>", "Extreme")
	if c := f.ingestBody(t, "cap", cancel); c.Updated != 1 {
		t.Fatalf("cancel: %+v", c)
	}
	e, err := f.db.HazardEvents().FindByKeys(ctx, []string{"cap:pmd.gov.pk,FF-1"})
	if err != nil || e.Revision != 3 || !e.Cancelled || e.Severity != "Extreme" || e.Type != feed.TypeFlood || len(e.Keys) != 3 {
		t.Fatalf("event %+v, %v", e, err)
	}
	revs, _ := f.db.HazardEvents().Revisions(ctx, e.ID)
	if len(revs) != 3 || !strings.Contains(string(revs[0].Data), "FF-1") {
		t.Fatalf("revisions %+v", revs)
	}
	audit, _ := f.db.Audit().ListForEntity(ctx, "hazard_event", e.ID)
	if len(audit) != 3 || audit[0].Action != KindEventUpdated {
		t.Fatalf("audit %+v", audit)
	}
}

// TestOneBatchHoldsAnEventAndItsUpdate: items of one feed read that are the same hazard (a CAP
// message and its update, a message repeated) are one event, as they are across polls. (The
// batch recognises them by the keys it has just written; were it not to, its transaction would
// fail on the repeated key and the items be stored one by one with the same outcome, only
// slower: this checks the outcome, not which path gave it.)
func TestOneBatchHoldsAnEventAndItsUpdate(t *testing.T) {
	f := newFixture(t)
	var evs []feed.Event
	for _, body := range [][]byte{
		capAlert("FF-1", "2026-08-14T01:00:00+05:00", "Alert", "", "Severe"),
		capAlert("FF-1", "2026-08-14T01:00:00+05:00", "Alert", "", "Severe"),
		capAlert("FF-2", "2026-08-14T02:00:00+05:00", "Update", "<references>pmd.gov.pk,FF-1,2026-08-14T01:00:00+05:00</references>", "Extreme"),
		capAlert("GG-1", "2026-08-14T01:30:00+05:00", "Alert", "", "Moderate"),
	} {
		r, err := feed.Parse("cap", body, feed.Limits{})
		if err != nil {
			t.Fatal(err)
		}
		evs = append(evs, r.Events...)
	}
	c, err := f.ingest.Ingest(context.Background(), f.src, evs)
	if err != nil || c.New != 2 || c.Unchanged != 1 || c.Updated != 1 {
		t.Fatalf("counts %+v, %v", c, err)
	}
	e, err := f.db.HazardEvents().FindByKeys(context.Background(), []string{"cap:pmd.gov.pk,FF-2"})
	if err != nil || e.Revision != 2 || e.Severity != "Extreme" || len(e.Keys) != 2 {
		t.Fatalf("event %+v, %v", e, err)
	}
}

// TestUSGSPreferredIDChanges: USGS often first publishes an event under one network's id and
// later under another's, listing both in ids: it stays one event.
func TestUSGSPreferredIDChanges(t *testing.T) {
	f := newFixture(t)
	first := []byte(`{"type":"FeatureCollection","features":[{"type":"Feature","id":"pt17342002","properties":{"mag":6.1,"time":1512726670300,"updated":1512726700000,"ids":",pt17342002,"},"geometry":{"type":"Point","coordinates":[140,10,10]}}]}`)
	later := []byte(`{"type":"FeatureCollection","features":[{"type":"Feature","id":"us2000c1zn","properties":{"mag":6.4,"time":1512726670300,"updated":1512746163040,"ids":",pt17342002,at00p0mzdc,us2000c1zn,"},"geometry":{"type":"Point","coordinates":[140.1315,10.009,20.27]}}]}`)
	if c := f.ingestBody(t, "usgs", first); c.New != 1 {
		t.Fatalf("first %+v", c)
	}
	if c := f.ingestBody(t, "usgs", later); c.Updated != 1 || c.New != 0 {
		t.Fatalf("later %+v", c)
	}
	// An older version arriving late changes nothing.
	if c := f.ingestBody(t, "usgs", first); c.Unchanged != 1 {
		t.Fatalf("late %+v", c)
	}
	e, err := f.db.HazardEvents().FindByKeys(context.Background(), []string{"usgs:at00p0mzdc"})
	if err != nil || *e.Magnitude != 6.4 || len(e.Keys) != 3 || e.Revision != 2 {
		t.Fatalf("event %+v, %v", e, err)
	}
}

// TestSourceMetrics: /metrics reports each source's health from the database.
func TestSourceMetrics(t *testing.T) {
	f := newFixture(t)
	reg := prometheus.NewRegistry()
	reg.MustRegister(SourceCollector{Store: f.db})
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]float64{}
	for _, mf := range mfs {
		for _, m := range mf.GetMetric() {
			v := m.GetGauge().GetValue() + m.GetCounter().GetValue()
			got[mf.GetName()] += v
			if m.GetLabel()[0].GetValue() != f.src.ID && m.GetLabel()[0].GetName() == "id" {
				t.Errorf("labels %v", m.GetLabel())
			}
		}
	}
	// A source never polled: down, no last success, nothing seen.
	if len(got) != 5 || got["taawun_hazard_source_up"] != 0 || got["taawun_hazard_source_items_total"] != 0 {
		t.Fatalf("metrics %v", got)
	}
}

// BenchmarkIngestFeed stores a feed of 1,000 new earthquakes, the writer's share of the feed
// benchmark before any trigger runs.
func BenchmarkIngestFeed(b *testing.B) {
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		f := newFixtureClock(b, clock.System{})
		res, err := feed.Parse("usgs", quakeFeed(1000, uint64(i+1)), feed.Limits{})
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		start := time.Now()
		if c, err := f.ingest.Ingest(context.Background(), f.src, res.Events); err != nil || c.New != 1000 {
			b.Fatalf("ingest: %+v, %v", c, err)
		}
		b.ReportMetric(float64(time.Since(start).Microseconds())/1000, "µs/event")
	}
}
