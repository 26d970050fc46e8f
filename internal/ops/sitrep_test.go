package ops_test

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/taawun/taawun/internal/auth"
	"github.com/taawun/taawun/internal/ops"
	"github.com/taawun/taawun/internal/regions"
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
			got := totals(ops.Rollup(tc.reports, asOf, nil))
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
	periods := ops.Periods(reports, nil, start, start.Add(48*time.Hour), 24*time.Hour)
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

// TestRollupImportedDistricts: districts whose codes do not say their province (as imported
// boundary files name them) roll up through the province their import gave, then the nation,
// without double counting; the per-period view counts them under their country.
func TestRollupImportedDistricts(t *testing.T) {
	parents := ops.AreaParents{"PK401": "PK-PB", "PK402": "PK-PB", "SD-07": "PK-SD"}
	reports := []store.Sitrep{
		rep("1", "PK401", 0, 4, 40), rep("2", "PK402", 0, 3, 30), rep("3", "PK-PB", time.Hour, 5, 80),
		rep("4", "SD-07", 0, 2, 20), rep("5", "PK401", 2*time.Hour, 6, 40),
	}
	for _, tc := range []struct {
		name string
		asOf time.Duration
		want map[string][2]int64
	}{
		{"province's own report against its districts, figure by figure", time.Hour,
			map[string][2]int64{"PK401": {4, 40}, "PK402": {3, 30}, "PK-PB": {7, 80}, "SD-07": {2, 20}, "PK-SD": {2, 20}, "PK": {9, 100}}},
		{"a district's later report replaces its earlier one", 2 * time.Hour,
			map[string][2]int64{"PK401": {6, 40}, "PK-PB": {9, 80}, "PK": {11, 100}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rows := ops.Rollup(reports, start.Add(tc.asOf), parents)
			got := totals(rows)
			for code, want := range tc.want {
				if got[code] != want {
					t.Errorf("%s = %v, want %v (all: %v)", code, got[code], want, got)
				}
			}
			parentOf := map[string]string{}
			for i, r := range rows {
				parentOf[r.Code] = r.Parent
				if r.Parent != "" && slices.IndexFunc(rows, func(a ops.AreaTotal) bool { return a.Code == r.Parent }) < i {
					t.Errorf("%s listed after its parent %s", r.Code, r.Parent)
				}
			}
			if parentOf["SD-07"] != "PK-SD" || parentOf["PK-SD"] != "PK" || parentOf["PK"] != "" {
				t.Errorf("parents = %v", parentOf)
			}
			if _, ok := got["SD"]; ok {
				t.Errorf("the district code was read as below an area %q", "SD")
			}
			if ps := ops.ParentsOf(rows); ps["SD-07"] != "PK-SD" || ps["PK401"] != "PK-PB" || len(ps) != 3 {
				t.Errorf("ParentsOf = %v", ps)
			}
		})
	}
	periods := ops.Periods(reports, parents, start, start.Add(24*time.Hour), 24*time.Hour)
	if len(periods) != 1 || len(periods[0].Total) != 1 || periods[0].Total["PK"] != (store.Figures{Dead: 11, Displaced: 100}) {
		t.Fatalf("periods = %+v", periods)
	}
}

// TestSitrepImportedDistricts: a report may name an imported district; its province is the one
// the import gave, else the province holding the district. Unknown codes and districts in no
// province are refused naming the code, and the summary rolls districts up to the nation.
func TestSitrepImportedDistricts(t *testing.T) {
	f := newFixture(t)
	f.svc.Areas = &regions.Lookup{Store: f.db, Clock: f.clk}
	square := func(lon, lat, size float64) json.RawMessage {
		return raw(`{"type":"Polygon","coordinates":[[[%g,%g],[%g,%g],[%g,%g],[%g,%g],[%g,%g]]]}`,
			lon, lat, lon+size, lat, lon+size, lat+size, lon, lat+size, lon, lat)
	}
	err := f.db.WithTx(f.ctx, func(tx store.Tx) error {
		_, err := tx.Geography().ReplaceLayer(f.ctx, &store.GeoLayer{Kind: store.GeoDistricts, Name: "pk-adm2", Source: "test"}, []store.District{
			{Code: "PK401", Name: "Lahore", Province: "PK-PB", Geometry: square(74.1, 31.3, 0.4)},
			{Code: "Kasur", Name: "Kasur", Geometry: square(74.1, 30.8, 0.4)},       // no province given: Punjab holds it
			{Code: "PK701", Name: "Sukkur", Geometry: square(68.6, 27.5, 0.4)},      // Sindh holds it
			{Code: "OFFSHORE", Name: "Offshore", Geometry: square(63.5, 20.5, 0.4)}, // in no province
		}, nil)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	inc := f.incident("PDMA Punjab")
	p := f.ops("PDMA Punjab")
	for _, tc := range []struct {
		code, stored string
		wantErr      string // in the message; "" for accepted
	}{
		{"PK401", "PK401", ""},
		{" pk401 ", "PK401", ""},
		{"Kasur", "Kasur", ""},
		{"PK701", "PK701", ""},
		{"pk-pb", "PK-PB", ""},
		{"PK999", "", `unknown area "PK999"`},
		{"OFFSHORE", "", `district "OFFSHORE" lies in no known province`},
	} {
		r, err := f.svc.SubmitSitrep(f.ctx, p, inc.ID, ops.SitrepInput{AreaCode: tc.code, AsOf: start, Figures: store.Figures{Dead: 1, Displaced: 10}})
		var fe *ops.FieldError
		switch {
		case tc.wantErr == "" && (err != nil || r.AreaCode != tc.stored):
			t.Errorf("%q: stored as %q, %v; want %q", tc.code, r.AreaCode, err, tc.stored)
		case tc.wantErr != "" && (!errors.As(err, &fe) || fe.Field != "area_code" || !strings.Contains(fe.Msg, tc.wantErr)):
			t.Errorf("%q: %v, want an area_code error saying %s", tc.code, err, tc.wantErr)
		}
	}
	f.clk.Advance(time.Minute)
	must(f.svc.SubmitSitrep(f.ctx, p, inc.ID, ops.SitrepInput{AreaCode: "PK-PB", AsOf: start.Add(time.Minute), Figures: store.Figures{Dead: 2, Displaced: 50}}))
	_, _, rows, err := f.svc.SitrepSummary(f.ctx, p, inc.ID, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	got, parents := totals(rows), map[string]string{}
	for _, r := range rows {
		parents[r.Code] = r.Parent
	}
	// Lahore (reported twice, the later report counts) and Kasur under Punjab; Sukkur under Sindh.
	want := map[string][2]int64{"PK401": {1, 10}, "Kasur": {1, 10}, "PK-PB": {2, 50}, "PK701": {1, 10}, "PK-SD": {1, 10}, "PK": {3, 60}}
	for code, w := range want {
		if got[code] != w {
			t.Errorf("%s = %v, want %v (all: %v)", code, got[code], w, got)
		}
	}
	if parents["PK401"] != "PK-PB" || parents["Kasur"] != "PK-PB" || parents["PK701"] != "PK-SD" || len(rows) != 6 {
		t.Errorf("parents = %v", parents)
	}
}
