package alert

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/taawun/taawun/internal/cap"
	"github.com/taawun/taawun/internal/geodata"
	"github.com/taawun/taawun/internal/store"
)

// TestBuildCAPMatchesOracle: the CAP message, with its times written once and its lists made
// at their size, is what it was (buildCAPOracle), field for field, nil lists included: for
// random alerts, updates and cancellations, live and exercise, with texts in any languages
// (blank headlines and languages CAP blocks are not written for among them), with and without
// onset, areas and references.
func TestBuildCAPMatchesOracle(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		h, _ := HazardByCode(rapid.SampledFrom([]string{"riverine_flood", "earthquake", "glof"}).Draw(t, "hazard"))
		sent := time.Date(2026, 8, 14, 3, 0, 0, rapid.IntRange(0, 999_999_999).Draw(t, "nanos"), time.UTC)
		c := Content{Texts: map[string]Text{}, Urgency: "Expected", Severity: "Severe", Certainty: "Likely",
			ResponseTypes: rapid.SliceOfN(rapid.SampledFrom(responses), 0, 2).Draw(t, "responses"),
			Expires:       sent.Add(time.Duration(rapid.IntRange(1, 48).Draw(t, "hours")) * time.Hour), Note: "note",
			Web: rapid.SampledFrom([]string{"", "https://ndma.gov.pk"}).Draw(t, "web")}
		if rapid.Bool().Draw(t, "onset") {
			c.Onset = sent.Add(30 * time.Minute).In(time.FixedZone("PKT", 5*3600))
		}
		for _, l := range rapid.SliceOfDistinct(rapid.SampledFrom([]string{"en", "ur", "ru", "zh", "fr"}), rapid.ID[string]).Draw(t, "languages") {
			c.Texts[l] = Text{Headline: rapid.SampledFrom([]string{"", " ", "Flood"}).Draw(t, "headline"), Description: "Water rising.",
				AreaDesc: rapid.SampledFrom([]string{"", "جھنگ"}).Draw(t, "area desc")}
		}
		for range rapid.IntRange(0, 2).Draw(t, "areas") {
			c.Areas = append(c.Areas, Area{Desc: "Jhang", Polygons: rapid.SliceOfN(rapid.Just("31.1,72.2 31.4,72.2 31.4,72.5 31.1,72.2"), 0, 1).Draw(t, "polygons"),
				Circles: rapid.SliceOfN(rapid.Just("31.15,72.15 10"), 0, 1).Draw(t, "circles"),
				Regions: rapid.SliceOfN(rapid.SampledFrom([]string{"PK-PB", "PK", "PK-PB-JHG"}), 0, 2).Draw(t, "regions")})
		}
		m := message{identifier: "x", sender: "taawun:pk-ndma", sent: sent, hazard: h, content: c,
			status:  rapid.SampledFrom([]string{"Actual", "Exercise"}).Draw(t, "status"),
			msgType: rapid.SampledFrom([]store.VersionKind{store.KindAlert, store.KindUpdate, store.KindCancel}).Draw(t, "kind"),
			org:     store.Org{Name: "PDMA Punjab", Names: map[string]string{"ur": "پی ڈی ایم اے پنجاب"}},
			schemes: map[string]string{"PK-PB-JHG": geodata.SchemeDistrict}}
		for i := range rapid.IntRange(0, 2).Draw(t, "references") {
			m.references = append(m.references, store.AlertMessage{Identifier: "ref" + string(rune('a'+i)), Sent: sent.Add(-time.Hour)})
		}
		if got, want := buildCAP(m), buildCAPOracle(m); !reflect.DeepEqual(got, want) {
			t.Fatalf("buildCAP:\n%+v\noracle:\n%+v", got, want)
		}
	})
}

// buildCAPOracle is buildCAP as it was first written.
func buildCAPOracle(m message) *cap.Alert {
	a := &cap.Alert{
		Version: cap.V12, Identifier: m.identifier, Sender: m.sender, Sent: capTime(m.sent),
		Status: m.status, MsgType: string(m.msgType), Scope: "Public", Note: m.content.Note,
	}
	if len(m.references) > 0 {
		refs := make([]string, len(m.references))
		for i, r := range m.references {
			refs[i] = m.sender + "," + r.Identifier + "," + capTime(r.Sent)
		}
		a.References = strings.Join(refs, " ")
	}
	for _, lang := range append(append([]string(nil), RequiredLanguages...), OptionalLanguages...) {
		t, ok := m.content.Texts[lang]
		if !ok || strings.TrimSpace(t.Headline) == "" {
			continue
		}
		headline := t.Headline
		if m.msgType == store.KindCancel {
			headline = cancelPrefix[lang] + ": " + headline
		}
		if m.status == "Exercise" {
			headline = exercisePrefix[lang] + " — " + headline
		}
		senderName := m.org.Name
		if n := m.org.Names[lang]; n != "" {
			senderName = n
		}
		event := m.hazard.Event[lang]
		if event == "" {
			event = m.hazard.Event["en"]
		}
		info := cap.Info{
			Language: lang, Categories: []string{m.hazard.Category}, Event: event, ResponseTypes: m.content.ResponseTypes,
			Urgency: m.content.Urgency, Severity: m.content.Severity, Certainty: m.content.Certainty,
			EventCodes: []cap.NamedValue{{ValueName: "taawun:hazard", Value: m.hazard.Code}},
			Expires:    capTime(m.content.Expires), SenderName: senderName, Headline: headline,
			Description: t.Description, Instruction: t.Instruction, Web: m.content.Web, Contact: m.content.Contact,
		}
		if m.msgType == store.KindCancel {
			info.ResponseTypes = []string{"AllClear"}
		}
		if !m.content.Onset.IsZero() {
			info.Onset = capTime(m.content.Onset)
		}
		for _, ar := range m.content.Areas {
			desc := ar.Desc
			if lang != "en" && t.AreaDesc != "" {
				desc = t.AreaDesc
			}
			ca := cap.Area{AreaDesc: desc, Polygons: ar.Polygons, Circles: ar.Circles}
			for _, code := range ar.Regions {
				scheme, ok := m.schemes[code]
				if !ok {
					scheme = geodata.SchemeProvince
					if !strings.Contains(code, "-") {
						scheme = geodata.SchemeCountry
					}
				}
				ca.Geocodes = append(ca.Geocodes, cap.NamedValue{ValueName: scheme, Value: code})
			}
			info.Areas = append(info.Areas, ca)
		}
		a.Infos = append(a.Infos, info)
	}
	return a
}
