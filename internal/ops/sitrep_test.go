package ops_test

import (
	"errors"
	"testing"
	"time"

	"github.com/taawun/taawun/internal/auth"
	"github.com/taawun/taawun/internal/ops"
	"github.com/taawun/taawun/internal/store"
)

func rep(id, area string, at time.Duration, dead, displaced int64) store.Sitrep {
	return store.Sitrep{Meta: store.Meta{ID: id}, AreaCode: area, AsOf: start.Add(at), Figures: store.Figures{Dead: dead, Displaced: displaced}}
}

func totals(rows []ops.AreaTotal) map[string][2]int64 {
	out := map[string][2]int64{}
	for _, r := range rows {
		out[r.Code] = [2]int64{r.Total.Dead, r.Total.Displaced}
	}
	return out
}

// TestRollupNoDoubleCounting pins the roll-up rule: latest report per area; an area's figure
// is the larger of its own report and the sum of its children.
func TestRollupNoDoubleCounting(t *testing.T) {
	for _, tc := range []struct {
		name    string
		reports []store.Sitrep
		asOf    time.Duration
		want    map[string][2]int64
	}{
		{"later report replaces earlier (cumulative figures)",
			[]store.Sitrep{rep("1", "PK-SD", 0, 10, 100), rep("2", "PK-SD", time.Hour, 12, 90)}, 0,
			map[string][2]int64{"PK-SD": {12, 90}, "PK": {12, 90}}},
		{"provinces add up to the nation",
			[]store.Sitrep{rep("1", "PK-SD", 0, 10, 100), rep("2", "PK-PB", 0, 5, 50)}, 0,
			map[string][2]int64{"PK-SD": {10, 100}, "PK-PB": {5, 50}, "PK": {15, 150}}},
		{"a national report that already includes the provinces is not added again",
			[]store.Sitrep{rep("1", "PK-SD", 0, 10, 100), rep("2", "PK-PB", 0, 5, 50), rep("3", "PK", 0, 15, 150)}, 0,
			map[string][2]int64{"PK": {15, 150}}},
		{"figure by figure: each the larger of own and children",
			[]store.Sitrep{rep("1", "PK-SD", 0, 10, 100), rep("2", "PK-PB", 0, 5, 50), rep("3", "PK", 0, 20, 120)}, 0,
			map[string][2]int64{"PK": {20, 150}}},
		{"districts below a province (imported district codes)",
			[]store.Sitrep{rep("1", "PK-SD-SKR", 0, 4, 40), rep("2", "PK-SD-LRK", 0, 3, 30), rep("3", "PK-SD", 0, 5, 80)}, 0,
			map[string][2]int64{"PK-SD-SKR": {4, 40}, "PK-SD-LRK": {3, 30}, "PK-SD": {7, 80}, "PK": {7, 80}}},
		{"as of a time: later reports ignored",
			[]store.Sitrep{rep("1", "PK-SD", 0, 10, 100), rep("2", "PK-SD", 2*time.Hour, 30, 300)}, time.Hour,
			map[string][2]int64{"PK-SD": {10, 100}, "PK": {10, 100}}},
		{"countries stay apart",
			[]store.Sitrep{rep("1", "PK-SD", 0, 1, 1), rep("2", "KZ", 0, 2, 2)}, 0,
			map[string][2]int64{"PK": {1, 1}, "KZ": {2, 2}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var asOf time.Time
			if tc.asOf > 0 {
				asOf = start.Add(tc.asOf)
			}
			got := totals(ops.Rollup(tc.reports, asOf))
			for code, want := range tc.want {
				if got[code] != want {
					t.Errorf("%s = %v, want %v (all: %v)", code, got[code], want, got)
				}
			}
		})
	}
}

// TestPeriods: the per-period view is the change of the cumulative national totals.
func TestPeriods(t *testing.T) {
	reports := []store.Sitrep{
		rep("1", "PK-SD", 2*time.Hour, 10, 100),
		rep("2", "PK-PB", 26*time.Hour, 5, 50),
		rep("3", "PK-SD", 27*time.Hour, 14, 90),
	}
	periods := ops.Periods(reports, start, start.Add(48*time.Hour), 24*time.Hour)
	if len(periods) != 2 {
		t.Fatalf("%d periods, want 2", len(periods))
	}
	if c := periods[0].Change["PK"]; c.Dead != 10 || c.Displaced != 100 {
		t.Errorf("day 1 change = %+v", c)
	}
	if c := periods[1].Change["PK"]; c.Dead != 9 || c.Displaced != 40 {
		t.Errorf("day 2 change = %+v, want dead +9, displaced +40", c)
	}
	if tot := periods[1].Total["PK"]; tot.Dead != 19 || tot.Displaced != 140 {
		t.Errorf("total after day 2 = %+v", tot)
	}
}

// TestSitrepBadInput: reports dated in the future, of unknown areas or with negative counts
// are refused and nothing is stored.
func TestSitrepBadInput(t *testing.T) {
	f := newFixture(t)
	inc := f.incident("PDMA Punjab")
	p := f.ops("PDMA Punjab")
	for _, tc := range []struct {
		name  string
		p     *auth.Principal
		in    ops.SitrepInput
		want  error
		field string
	}{
		{"in the future", p, ops.SitrepInput{AreaCode: "PK-PB", AsOf: start.Add(time.Hour)}, ops.ErrInvalid, "as_of"},
		{"no time", p, ops.SitrepInput{AreaCode: "PK-PB"}, ops.ErrInvalid, "as_of"},
		{"unknown area", p, ops.SitrepInput{AreaCode: "PK-XX", AsOf: start}, ops.ErrInvalid, "area_code"},
		{"negative count", p, ops.SitrepInput{AreaCode: "PK-PB", AsOf: start, Figures: store.Figures{Injured: -1}}, ops.ErrInvalid, "injured"},
		{"a viewer", f.as("PDMA Punjab", auth.RoleViewer), ops.SitrepInput{AreaCode: "PK-PB", AsOf: start}, ops.ErrForbidden, ""},
	} {
		_, err := f.svc.SubmitSitrep(f.ctx, tc.p, inc.ID, tc.in)
		var fe *ops.FieldError
		if !errors.Is(err, tc.want) || (tc.field != "" && (!errors.As(err, &fe) || fe.Field != tc.field)) {
			t.Errorf("%s: %v, want %v on %q", tc.name, err, tc.want, tc.field)
		}
	}
	if n := len(must(f.db.Sitreps().List(f.ctx, inc.ID, time.Time{}))); n != 0 {
		t.Fatalf("%d reports stored by refused requests", n)
	}
	r := must(f.svc.SubmitSitrep(f.ctx, p, inc.ID, ops.SitrepInput{AreaCode: "pk-pb", AsOf: start, Figures: store.Figures{Dead: 2}, Needs: "tents"}))
	if r.AreaCode != "PK-PB" {
		t.Fatalf("area code not normalised: %q", r.AreaCode)
	}
}
