package ops

import (
	"context"
	"sort"
	"strings"
	"time"

	"github.com/taawun/taawun/internal/auth"
	"github.com/taawun/taawun/internal/geodata"
	"github.com/taawun/taawun/internal/store"
)

// SitrepInput is one situation report as a reporter sends it.
type SitrepInput struct {
	AreaCode string    `json:"area_code"`
	AsOf     time.Time `json:"as_of"`
	store.Figures
	Needs string `json:"needs,omitempty"`
}

// SubmitSitrep stores a situation report: the cumulative figures of one area as at AsOf.
// Any organisation that sees the incident reports.
func (s *Service) SubmitSitrep(ctx context.Context, p *auth.Principal, incidentID string, in SitrepInput) (store.Sitrep, error) {
	if err := need(p, auth.PermReportOps, "reporting"); err != nil {
		return store.Sitrep{}, err
	}
	area, err := s.reportArea(ctx, in.AreaCode)
	if err != nil {
		return store.Sitrep{}, err
	}
	now := s.Clock.Now()
	switch {
	case in.AsOf.IsZero():
		return store.Sitrep{}, invalid("as_of", "say as at when the figures hold")
	case in.AsOf.After(now.Add(MaxClockSkew)):
		return store.Sitrep{}, invalid("as_of", "%s is in the future", in.AsOf.UTC().Format(time.RFC3339))
	}
	for name, v := range figuresByName(in.Figures) {
		if v < 0 {
			return store.Sitrep{}, invalid(name, "a count cannot be negative (%d)", v)
		}
	}
	if len(in.Needs) > MaxEntryText {
		return store.Sitrep{}, invalid("needs", "longer than %d characters", MaxEntryText)
	}
	r := store.Sitrep{IncidentID: incidentID, OrgID: p.Org.ID, AuthorID: p.User.ID, AreaCode: area.Code, AsOf: in.AsOf, Figures: in.Figures,
		Needs: strings.TrimSpace(in.Needs)}
	err = s.Store.WithTx(ctx, func(tx store.Tx) error {
		if _, err := visible(ctx, tx, p, store.OpsIncident, incidentID); err != nil {
			return err
		}
		if err := tx.Sitreps().Create(ctx, &r); err != nil {
			return err
		}
		return record(ctx, tx, p, "sitrep.submitted", "sitrep", r.ID, nil, r)
	})
	return r, err
}

// reportArea resolves the area of a report: a built-in country or province, or a district the
// operators imported (its code matched as given, then in capitals). A district must lie in a
// known province, or its figures could not be rolled up.
func (s *Service) reportArea(ctx context.Context, given string) (geodata.Region, error) {
	code := strings.TrimSpace(given)
	for _, c := range []string{code, strings.ToUpper(code)} {
		r, ok, err := geodata.LookupOr(s.Areas).Region(ctx, c)
		switch {
		case err != nil:
			return r, err
		case !ok:
			continue
		case r.Scheme == geodata.SchemeDistrict && r.Province == "":
			return r, invalid("area_code", "district %q lies in no known province: import it again with its province", r.Code)
		}
		return r, nil
	}
	return geodata.Region{}, invalid("area_code", "unknown area %q (use an ISO 3166-1 country or ISO 3166-2 province code, or the code of an imported district)", given)
}

// FigureNames lists the figures in report order.
var FigureNames = []string{"dead", "injured", "missing", "affected", "displaced", "evacuated", "houses_damaged", "houses_destroyed",
	"livestock_lost", "roads_damaged_km", "bridges_damaged"}

func fields(f *store.Figures) []*int64 {
	return []*int64{&f.Dead, &f.Injured, &f.Missing, &f.Affected, &f.Displaced, &f.Evacuated, &f.HousesDamaged, &f.HousesDestroyed,
		&f.LivestockLost, &f.RoadsDamagedKm, &f.BridgesDamaged}
}

// figuresByName names each figure.
func figuresByName(f store.Figures) map[string]int64 {
	out := map[string]int64{}
	for i, p := range fields(&f) {
		out[FigureNames[i]] = *p
	}
	return out
}

// Values returns the figures in FigureNames order.
func Values(f store.Figures) []int64 {
	var out []int64
	for _, p := range fields(&f) {
		out = append(out, *p)
	}
	return out
}

// AreaTotal is one area's figures in a roll-up.
type AreaTotal struct {
	Code   string `json:"code"`
	Parent string `json:"parent,omitempty"`
	// Own is the area's own latest report, if it has one; Reported is when it held.
	Own      *store.Figures `json:"own,omitempty"`
	Reported time.Time      `json:"reported,omitempty"`
	// Total is the rolled-up figure: see Rollup.
	Total store.Figures `json:"total"`
	Needs string        `json:"needs,omitempty"`
}

// ParentArea returns the area above an ISO 3166 code, or a district code written below its
// province: the province of a district ("PK-PB-LHR" → "PK-PB"), the country of a province
// ("PK-PB" → "PK"), "" for a country.
func ParentArea(code string) string {
	i := strings.LastIndex(code, "-")
	if i < 0 {
		return ""
	}
	return code[:i]
}

// AreaParents names the province of each imported district among the reports: a district's
// code need not be written below its province's ("PK401", "Lahore"). Other codes need no entry.
type AreaParents map[string]string

// Of returns the area above code: its entry, else what the code itself says (ParentArea).
func (ps AreaParents) Of(code string) string {
	if p, ok := ps[code]; ok {
		return p
	}
	return ParentArea(code)
}

// depth counts the areas above code: 0 for a country.
func (ps AreaParents) depth(code string) int {
	n := 0
	// Bounded: parents come from imported data, and a loop must not hang the roll-up.
	for p := ps.Of(code); p != "" && n < 8; p = ps.Of(p) {
		n++
	}
	return n
}

// ParentsOf reads back the parents a roll-up used, for Periods over the same reports.
func ParentsOf(rows []AreaTotal) AreaParents {
	ps := AreaParents{}
	for _, r := range rows {
		if r.Parent != ParentArea(r.Code) {
			ps[r.Code] = r.Parent
		}
	}
	return ps
}

// areaParents looks up the province of every imported district reported. A code the lookup no
// longer knows (its layer removed) falls back to ParentArea.
func (s *Service) areaParents(ctx context.Context, reports []store.Sitrep) (AreaParents, error) {
	ps := AreaParents{}
	seen := map[string]bool{}
	for _, r := range reports {
		if seen[r.AreaCode] {
			continue
		}
		seen[r.AreaCode] = true
		reg, ok, err := geodata.LookupOr(s.Areas).Region(ctx, r.AreaCode)
		if err != nil {
			return nil, err
		}
		if ok && reg.Scheme == geodata.SchemeDistrict && reg.Province != "" {
			ps[r.AreaCode] = reg.Province
		}
	}
	return ps, nil
}

// Rollup totals an incident's reports as at asOf (zero: all) without double counting, district
// → province → country, parents naming the provinces of imported districts:
//
//   - Reports are cumulative, so only the latest report of each area counts (a later report
//     replaces an earlier one; ties go to the one stored last).
//   - An area's total is, figure by figure, the larger of its own latest report and the sum of
//     its children's totals. A province that reports its own figures and whose districts also
//     report is counted once: its own report is taken to include the districts, unless the
//     districts together report more (then they are the better count). National = the same rule
//     over provinces.
//
// The result lists every area reported or above a reported one, deepest first within each
// country, then countries.
func Rollup(reports []store.Sitrep, asOf time.Time, parents AreaParents) []AreaTotal {
	latest := map[string]store.Sitrep{}
	for _, r := range reports {
		if !asOf.IsZero() && r.AsOf.After(asOf) {
			continue
		}
		cur, ok := latest[r.AreaCode]
		if !ok || r.AsOf.After(cur.AsOf) || (r.AsOf.Equal(cur.AsOf) && r.ID > cur.ID) {
			latest[r.AreaCode] = r
		}
	}
	areas := map[string]*AreaTotal{}
	var add func(code string) *AreaTotal
	add = func(code string) *AreaTotal {
		if a, ok := areas[code]; ok {
			return a
		}
		a := &AreaTotal{Code: code, Parent: parents.Of(code)}
		areas[code] = a
		if a.Parent != "" {
			add(a.Parent)
		}
		return a
	}
	for code, r := range latest {
		a := add(code)
		own := r.Figures
		a.Own, a.Reported, a.Needs = &own, r.AsOf, r.Needs
	}
	ordered := make([]*AreaTotal, 0, len(areas))
	for _, a := range areas {
		ordered = append(ordered, a)
	}
	// Deepest first, so that children are complete before their parent adds them up.
	sort.Slice(ordered, func(i, j int) bool {
		di, dj := parents.depth(ordered[i].Code), parents.depth(ordered[j].Code)
		if di != dj {
			return di > dj
		}
		return ordered[i].Code < ordered[j].Code
	})
	sums := map[string]*store.Figures{}
	out := make([]AreaTotal, 0, len(ordered))
	for _, a := range ordered {
		var children store.Figures
		if s := sums[a.Code]; s != nil {
			children = *s
		}
		if a.Own != nil {
			own := *a.Own
			for i, p := range fields(&a.Total) {
				*p = max(*fields(&own)[i], *fields(&children)[i])
			}
		} else {
			a.Total = children
		}
		if a.Parent != "" {
			if sums[a.Parent] == nil {
				sums[a.Parent] = &store.Figures{}
			}
			for i, p := range fields(sums[a.Parent]) {
				*p += *fields(&a.Total)[i]
			}
		}
		out = append(out, *a)
	}
	return out
}

// Period is the change of the national totals over one period.
type Period struct {
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
	// Change per country code: total at End minus total at Start (negative when a later report
	// corrected a count down).
	Change map[string]store.Figures `json:"change"`
	// Total per country code at End.
	Total map[string]store.Figures `json:"total"`
}

// Periods slices [from, to) into periods of length step and gives each one's change of the
// country totals: the per-period view beside Rollup's cumulative one.
func Periods(reports []store.Sitrep, parents AreaParents, from, to time.Time, step time.Duration) []Period {
	if step <= 0 || !to.After(from) {
		return nil
	}
	countries := func(at time.Time) map[string]store.Figures {
		out := map[string]store.Figures{}
		for _, a := range Rollup(reports, at, parents) {
			if a.Parent == "" {
				out[a.Code] = a.Total
			}
		}
		return out
	}
	var out []Period
	prev := countries(from)
	for start := from; start.Before(to) && len(out) < 1000; start = start.Add(step) {
		end := start.Add(step)
		cur := countries(end)
		p := Period{Start: start, End: end, Change: map[string]store.Figures{}, Total: cur}
		for code, f := range cur {
			before := prev[code]
			var d store.Figures
			for i, ptr := range fields(&d) {
				*ptr = *fields(&f)[i] - *fields(&before)[i]
			}
			p.Change[code] = d
		}
		out = append(out, p)
		prev = cur
	}
	return out
}

// SitrepSummary is the cumulative view of an incident's reports.
func (s *Service) SitrepSummary(ctx context.Context, p *auth.Principal, incidentID string, asOf time.Time) (store.OpsRecord, []store.Sitrep, []AreaTotal, error) {
	inc, err := s.Get(ctx, p, store.OpsIncident, incidentID)
	if err != nil {
		return inc, nil, nil, err
	}
	reports, err := s.Store.Sitreps().List(ctx, incidentID, asOf)
	if err != nil {
		return inc, nil, nil, err
	}
	parents, err := s.areaParents(ctx, reports)
	if err != nil {
		return inc, nil, nil, err
	}
	return inc, reports, Rollup(reports, asOf, parents), nil
}
