package hazard

import (
	"context"
	"strconv"
	"testing"

	"github.com/taawun/taawun/internal/clock"
	"github.com/taawun/taawun/internal/feed"
	"github.com/taawun/taawun/internal/store"
)

// TestDraftsNearTheBorderAreValidCAP: earthquakes near Pakistan's eastern border, where clipping
// the footprint to the concave jurisdiction folds polygons, still give drafts that pass the pk
// CAP profile and reach the queue.
func TestDraftsNearTheBorderAreValidCAP(t *testing.T) {
	f := newFixtureClock(t, clock.System{})
	f.rule(t, "NDMA", store.TriggerRule{HazardTypes: []string{"earthquake"}, MinMagnitude: 5})
	ctx := context.Background()
	for i, ll := range [][2]float64{{33.29, 73.28}, {34.90, 72.68}, {33.17, 73.85}, {33.53, 74.00}, {33.37, 73.98}} {
		for _, m := range []float64{6.0, 6.5, 7.0} {
			mag, depth := m, 15.0
			ev := feed.Event{Type: "earthquake", Title: "x", Time: f.now.Now(), Updated: f.now.Now(), Lat: ll[0], Lon: ll[1], Magnitude: &mag, DepthKm: &depth,
				Keys: []string{"k" + string(rune('a'+i)) + string(rune('0'+int(m*2)))}, Geometry: pointGeometry(ll[0], ll[1])}
			f.ingest.Ingest(ctx, f.src, []feed.Event{ev})
			e, _ := f.db.HazardEvents().FindByKeys(ctx, ev.Keys)
			if err := f.trigger.Handle(ctx, e.ID); err != nil {
				t.Errorf("%v M%.1f: handle: %v", ll, m, err)
			}
			ls, _ := f.db.TriggerDrafts().ForEvent(ctx, e.ID)
			if len(ls) == 0 {
				t.Errorf("%v M%.1f: no link", ll, m)
				continue
			}
			if ls[0].State != store.TriggerDrafted || ls[0].Reason != "" {
				t.Errorf("%v M%.1f: %s", ll, m, ls[0].Reason)
			}
		}
	}
}

func pointGeometry(lat, lon float64) []byte {
	return []byte(`{"type":"Point","coordinates":[` + ftoa(lon) + `,` + ftoa(lat) + `]}`)
}

func ftoa(f float64) string { return strconv.FormatFloat(f, 'f', 3, 64) }
