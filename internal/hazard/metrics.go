package hazard

import (
	"context"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/taawun/taawun/internal/store"
)

// SourceCollector exports the health of every hazard source, read from the database at each
// scrape: any server of a node reports the same figures whichever server polled.
type SourceCollector struct {
	Store store.Store
	Log   *slog.Logger
}

var (
	descUp          = prometheus.NewDesc("taawun_hazard_source_up", "1 when the last poll of the source succeeded.", []string{"id", "source", "kind"}, nil)
	descFailures    = prometheus.NewDesc("taawun_hazard_source_consecutive_failures", "Failed polls since the last success.", []string{"id", "source", "kind"}, nil)
	descLastSuccess = prometheus.NewDesc("taawun_hazard_source_last_success_timestamp_seconds", "When the source was last polled successfully.", []string{"id", "source", "kind"}, nil)
	descItems       = prometheus.NewDesc("taawun_hazard_source_items_total", "Feed items seen.", []string{"id", "source", "kind"}, nil)
	descSkipped     = prometheus.NewDesc("taawun_hazard_source_items_skipped_total", "Feed items skipped (impossible values, unlocatable, not actual).", []string{"id", "source", "kind"}, nil)
	descEvents      = prometheus.NewDesc("taawun_hazard_source_events_total", "Hazard events created or updated from the source.", []string{"id", "source", "kind", "change"}, nil)
)

// Describe sends the descriptors.
func (c SourceCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descUp, descFailures, descLastSuccess, descItems, descSkipped, descEvents} {
		ch <- d
	}
}

// Collect reads the sources and sends their figures.
func (c SourceCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	srcs, err := c.Store.HazardSources().List(ctx)
	if err != nil {
		if c.Log != nil {
			c.Log.Warn("hazard: metrics", "err", err)
		}
		return
	}
	for _, s := range srcs {
		l := []string{s.ID, s.Name, string(s.Kind)}
		up := 0.0
		if !s.LastSuccess.IsZero() && s.Failures == 0 {
			up = 1
		}
		ch <- prometheus.MustNewConstMetric(descUp, prometheus.GaugeValue, up, l...)
		ch <- prometheus.MustNewConstMetric(descFailures, prometheus.GaugeValue, float64(s.Failures), l...)
		if !s.LastSuccess.IsZero() {
			ch <- prometheus.MustNewConstMetric(descLastSuccess, prometheus.GaugeValue, float64(s.LastSuccess.Unix()), l...)
		}
		ch <- prometheus.MustNewConstMetric(descItems, prometheus.CounterValue, float64(s.ItemsSeen), l...)
		ch <- prometheus.MustNewConstMetric(descSkipped, prometheus.CounterValue, float64(s.ItemsSkipped), l...)
		ch <- prometheus.MustNewConstMetric(descEvents, prometheus.CounterValue, float64(s.EventsNew), append(l, "new")...)
		ch <- prometheus.MustNewConstMetric(descEvents, prometheus.CounterValue, float64(s.EventsUpdated), append(l, "updated")...)
	}
}
