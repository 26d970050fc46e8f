package hazard

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/taawun/taawun/internal/alert"
	"github.com/taawun/taawun/internal/i18n"
	"github.com/taawun/taawun/internal/impact"
	"github.com/taawun/taawun/internal/store"
)

// content writes the warning of ev under r for areas: texts in English and Urdu and the
// rule's other languages, from the catalogue's sentences filled with the estimate's numbers
// and place names, and the template's CAP values.
func (t *Trigger) content(h alert.Hazard, r store.TriggerRule, org store.Org, ev store.HazardEvent, est impact.Estimate, areas []alert.Area) alert.Content {
	est = ownProvinces(est, org.Country)
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
	f := factsOf(ev, est)
	for _, l := range langs {
		c.Texts[l] = t.text(i18n.Lang(l), h, ev, est, &f)
	}
	return c
}

func (t *Trigger) validFor() time.Duration {
	if t.ValidFor > 0 {
		return t.ValidFor
	}
	return 6 * time.Hour
}

// facts are the figures every language's text states alike, written once.
type facts struct {
	magnitude, depth, time, strongest, population, level string
	// nearest is the index of the place nearest the epicentre, -1 when there is none.
	nearest int
}

func factsOf(ev store.HazardEvent, est impact.Estimate) facts {
	f := facts{population: group(est.Population), nearest: -1}
	for i, p := range est.Places {
		if f.nearest < 0 || p.DistanceKm < est.Places[f.nearest].DistanceKm {
			f.nearest = i
		}
	}
	if ev.Type == "earthquake" && ev.Magnitude != nil {
		depth := defaultDepthKm
		if ev.DepthKm != nil {
			depth = *ev.DepthKm
		}
		f.magnitude, f.depth = strconv.FormatFloat(*ev.Magnitude, 'f', 1, 64), strconv.FormatFloat(depth, 'f', 0, 64)
		f.time, f.strongest, f.level = ev.Time.UTC().Format("2006-01-02 15:04"), roman(strongestBand(est)), "hazards.level."+levelOr(est)
	}
	return f
}

// text is the wording in one language.
func (t *Trigger) text(l i18n.Lang, h alert.Hazard, ev store.HazardEvent, est impact.Estimate, f *facts) alert.Text {
	tr := func(key string, args ...any) string { return t.Catalog.T(l, key, args...) }
	places := placeNames(est, ev, string(l))
	var headline string
	desc := make([]string, 0, 3)
	if f.magnitude != "" {
		headline = tr("hazards.draft.headline_quake", f.magnitude, places)
		desc = append(desc, tr("hazards.draft.quake", f.magnitude, f.depth, f.time, epicentre(tr, est, f.nearest, ev, string(l)), f.strongest, f.population, tr(f.level)))
	} else {
		headline = tr("hazards.draft.headline", h.Event[string(l)], places)
		desc = append(desc, tr("hazards.draft.areas", ev.Title, f.population))
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

func levelOr(est impact.Estimate) string {
	if est.Level == "" {
		return "none"
	}
	return string(est.Level)
}

// ownProvinces keeps, of the provinces an estimate touches, those of country, when there are
// any: a provincial or national warning names its own provinces.
func ownProvinces(est impact.Estimate, country string) impact.Estimate {
	prefix := country + "-"
	n := 0
	for _, p := range est.Provinces {
		if strings.HasPrefix(p.Code, prefix) {
			n++
		}
	}
	if n == 0 || n == len(est.Provinces) {
		return est // none of the country's, or only the country's: the list as it is
	}
	own := make([]impact.RegionRef, 0, n)
	for _, p := range est.Provinces {
		if strings.HasPrefix(p.Code, prefix) {
			own = append(own, p)
		}
	}
	est.Provinces = own
	return est
}

// placeNames names the provinces touched, in lang, most affected first; the source's own area
// description when the estimate names none.
func placeNames(est impact.Estimate, ev store.HazardEvent, lang string) string {
	var names []string
	for _, p := range est.Provinces {
		if len(names) == 3 {
			break
		}
		n := p.Names[lang]
		if n == "" {
			n = p.Names["en"]
		}
		if n != "" {
			names = append(names, n)
		}
	}
	if len(names) == 0 {
		if ev.AreaDesc != "" {
			return ev.AreaDesc
		}
		return fmt.Sprintf("%.2f, %.2f", ev.Lat, ev.Lon)
	}
	return strings.Join(names, listSeparator(lang))
}

// topPlaces lists the most affected places with their predicted intensity or population.
func topPlaces(est impact.Estimate, n int, lang string) string {
	parts := make([]string, 0, min(n, len(est.Places)))
	for _, p := range est.Places[:min(n, len(est.Places))] {
		if p.MMI > 0 {
			parts = append(parts, placeName(p, lang)+" ("+roman(int(math.Round(p.MMI)))+")")
		} else {
			parts = append(parts, placeName(p, lang))
		}
	}
	return strings.Join(parts, listSeparator(lang))
}

// placeName is a place's name in lang, or its GeoNames name.
func placeName(p impact.PlaceExposure, lang string) string {
	if n := p.Names.In(lang); n != "" {
		return n
	}
	return p.Name
}

// listSeparator separates the items of a list written in lang.
func listSeparator(lang string) string {
	switch lang {
	case "ur":
		return "، "
	case "zh":
		return "、"
	}
	return ", "
}

// epicentre describes where the epicentre is from the nearest named place, est.Places[nearest].
func epicentre(tr func(string, ...any) string, est impact.Estimate, nearest int, ev store.HazardEvent, lang string) string {
	if nearest < 0 {
		return fmt.Sprintf("%.2f, %.2f", ev.Lat, ev.Lon)
	}
	p := est.Places[nearest]
	return tr("hazards.draft.epicentre", strconv.FormatFloat(p.DistanceKm, 'f', 0, 64), placeName(p, lang))
}

// strongestBand is the highest intensity band the shaking reaches.
func strongestBand(est impact.Estimate) int {
	top := 0
	for _, b := range est.Bands {
		if b.RadiusKm > 0 {
			top = b.MMI
		}
	}
	return top
}

// roman writes an intensity as a Roman numeral (MMI I–XII).
func roman(n int) string {
	numerals := []string{"", "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"}
	if n <= 0 || n >= len(numerals) {
		return "–"
	}
	return numerals[n]
}

// group writes a count with thousands separated by commas.
func group(n int64) string {
	s := strconv.FormatInt(n, 10)
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return b.String()
}
