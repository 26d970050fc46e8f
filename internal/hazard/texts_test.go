package hazard

import (
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/taawun/taawun/internal/alert"
	"github.com/taawun/taawun/internal/clock"
	"github.com/taawun/taawun/internal/feed"
	"github.com/taawun/taawun/internal/i18n"
	"github.com/taawun/taawun/internal/impact"
	"github.com/taawun/taawun/internal/store"
)

// TestContentMatchesOracle: a draft's texts, with the figures every language states alike
// written once, are word for word what writing each language from scratch gave: for random
// earthquakes (with and without depth, magnitudes from felt to great, in and around Pakistan)
// estimated by the embedded model, random other hazards, and estimates stripped of places or
// provinces, in every choice of languages.
func TestContentMatchesOracle(t *testing.T) {
	est, err := impact.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	catalog, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	tr := &Trigger{Catalog: catalog, Clock: clock.NewManual(time.Date(2026, 8, 14, 3, 0, 0, 0, time.UTC))}
	rapid.Check(t, func(t *rapid.T) {
		ev := store.HazardEvent{Meta: store.Meta{ID: "ev-" + strconv.Itoa(rapid.IntRange(0, 99).Draw(t, "id"))},
			Type:  rapid.SampledFrom([]string{feed.TypeEarthquake, feed.TypeEarthquake, feed.TypeFlood, feed.TypeHeat, "drought"}).Draw(t, "type"),
			Title: rapid.SampledFrom([]string{"M 6.5 - 20 km NE of Muzaffarabad", "Flash flood in Swat", ""}).Draw(t, "title"),
			Time:  time.Unix(rapid.Int64Range(1e9, 2e9).Draw(t, "time"), 0).In(time.FixedZone("PKT", 5*3600)),
			Lat:   rapid.Float64Range(23, 40).Draw(t, "lat"), Lon: rapid.Float64Range(60, 80).Draw(t, "lon"),
			AreaDesc: rapid.SampledFrom([]string{"", "Swat valley"}).Draw(t, "area desc"), Revision: rapid.IntRange(1, 5).Draw(t, "revision")}
		var e impact.Estimate
		if ev.Type == feed.TypeEarthquake && rapid.IntRange(0, 9).Draw(t, "no magnitude") > 0 {
			mag := rapid.Float64Range(3, 9).Draw(t, "magnitude")
			ev.Magnitude = &mag
			if rapid.Bool().Draw(t, "depth given") {
				depth := rapid.Float64Range(0, 300).Draw(t, "depth")
				ev.DepthKm = &depth
			}
			if e, err = assess(est, ev, false); err != nil {
				t.Fatal(err)
			}
		} else {
			e = impact.Estimate{Layer: impact.LayerGrid, Population: rapid.Int64Range(0, 1e9).Draw(t, "population")}
		}
		if rapid.IntRange(0, 4).Draw(t, "no places") == 0 {
			e.Places = nil
		}
		if rapid.IntRange(0, 4).Draw(t, "no provinces") == 0 {
			e.Provinces = nil
		}
		h, ok := hazardTemplate(ev)
		if !ok {
			h, _ = alert.HazardByCode("heatwave")
		}
		r := store.TriggerRule{Name: "rule", Languages: rapid.SliceOfNDistinct(rapid.SampledFrom([]string{"en", "ur", "ru", "zh", "fr"}), 0, 5, rapid.ID[string]).Draw(t, "languages")}
		org := store.Org{Country: rapid.SampledFrom([]string{"PK", "AF", "IN"}).Draw(t, "country")}
		areas := []alert.Area{{Desc: "area", Regions: []string{"PK-KP"}}}
		if got, want := tr.content(h, r, org, ev, e, areas), contentOracle(tr, h, r, org, ev, e, areas); !reflect.DeepEqual(got, want) {
			t.Fatalf("content:\n%+v\noracle:\n%+v", got, want)
		}
	})
}

// contentOracle, textOracle, epicentreOracle and ownProvincesOracle are the texts as they were first written, each
// language from scratch: the oracle of content.
func contentOracle(t *Trigger, h alert.Hazard, r store.TriggerRule, org store.Org, ev store.HazardEvent, est impact.Estimate, areas []alert.Area) alert.Content {
	est = ownProvincesOracle(est, org.Country)
	now := t.Clock.Now()
	expires := ev.Expires
	if !expires.After(now.Add(time.Hour)) {
		expires = now.Add(t.validFor())
	}
	c := alert.Content{Texts: map[string]alert.Text{}, Urgency: h.Urgency, Severity: h.Severity, Certainty: h.Certainty,
		ResponseTypes: h.ResponseTypes, Expires: expires, Areas: areas,
		Note: fmt.Sprintf("Drafted automatically from hazard event %s (revision %d) by rule %q; check the figures before approval.", ev.ID, ev.Revision, r.Name)}
	langs := slices.Clone(alert.RequiredLanguages)
	for _, l := range r.Languages {
		if slices.Contains(alert.OptionalLanguages, l) {
			langs = append(langs, l)
		}
	}
	for _, l := range langs {
		c.Texts[l] = textOracle(t, i18n.Lang(l), h, ev, est)
	}
	return c
}

func textOracle(t *Trigger, l i18n.Lang, h alert.Hazard, ev store.HazardEvent, est impact.Estimate) alert.Text {
	tr := func(key string, args ...any) string { return t.Catalog.T(l, key, args...) }
	places := placeNames(est, ev, string(l))
	var headline string
	var desc []string
	if ev.Type == "earthquake" && ev.Magnitude != nil {
		headline = tr("hazards.draft.headline_quake", strconv.FormatFloat(*ev.Magnitude, 'f', 1, 64), places)
		depth := defaultDepthKm
		if ev.DepthKm != nil {
			depth = *ev.DepthKm
		}
		desc = append(desc, tr("hazards.draft.quake", strconv.FormatFloat(*ev.Magnitude, 'f', 1, 64), strconv.FormatFloat(depth, 'f', 0, 64),
			ev.Time.UTC().Format("2006-01-02 15:04"), epicentreOracle(tr, est, ev, string(l)), roman(strongestBand(est)), group(est.Population), tr("hazards.level."+levelOr(est))))
	} else {
		headline = tr("hazards.draft.headline", h.Event[string(l)], places)
		desc = append(desc, tr("hazards.draft.areas", ev.Title, group(est.Population)))
	}
	if names := topPlaces(est, 5, string(l)); names != "" {
		desc = append(desc, tr("hazards.draft.places", names))
	}
	if est.Layer == impact.LayerGrid {
		desc = append(desc, tr("hazards.draft.layer_grid"))
	} else {
		desc = append(desc, tr("hazards.draft.layer_places"))
	}
	return alert.Text{Headline: headline, Description: strings.Join(desc, " "), Instruction: h.Instruction[string(l)], AreaDesc: places}
}

func epicentreOracle(tr func(string, ...any) string, est impact.Estimate, ev store.HazardEvent, lang string) string {
	best := -1
	for i, p := range est.Places {
		if best < 0 || p.DistanceKm < est.Places[best].DistanceKm {
			best = i
		}
	}
	if best < 0 {
		return fmt.Sprintf("%.2f, %.2f", ev.Lat, ev.Lon)
	}
	return tr("hazards.draft.epicentre", strconv.FormatFloat(est.Places[best].DistanceKm, 'f', 0, 64), placeName(est.Places[best], lang))
}

func ownProvincesOracle(est impact.Estimate, country string) impact.Estimate {
	var own []impact.RegionRef
	for _, p := range est.Provinces {
		if strings.HasPrefix(p.Code, country+"-") {
			own = append(own, p)
		}
	}
	if len(own) > 0 {
		est.Provinces = own
	}
	return est
}
