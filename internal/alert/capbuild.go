package alert

import (
	"slices"
	"strings"
	"time"

	"github.com/taawun/taawun/internal/cap"
	"github.com/taawun/taawun/internal/geodata"
	"github.com/taawun/taawun/internal/store"
)

// capTime formats a time as CAP 1.2 requires (§3.3.2): an explicit offset, no fractional
// seconds, no "Z"; UTC is written with the offset "-00:00".
func capTime(t time.Time) string {
	return t.UTC().Truncate(time.Second).Format("2006-01-02T15:04:05") + "-00:00"
}

// exercisePrefix marks every exercise message, as exercise practice requires.
var exercisePrefix = map[string]string{"en": "EXERCISE", "ur": "مشق", "ru": "УЧЕНИЯ", "zh": "演练"}

// cancelPrefix marks the headline of a cancellation.
var cancelPrefix = map[string]string{"en": "CANCELLED", "ur": "منسوخ", "ru": "ОТМЕНА", "zh": "已取消"}

// message describes one CAP message to build.
type message struct {
	identifier, sender string
	sent               time.Time
	status             string // Actual, Exercise, Test, System
	msgType            store.VersionKind
	references         []store.AlertMessage
	hazard             Hazard
	content            Content
	org                store.Org
	// schemes gives each region code's geocode scheme (districts are not recognisable by
	// their form); codes missing from it are countries (two letters) or provinces.
	schemes map[string]string
}

// buildCAP makes the CAP alert: one info block per language written, English first.
func buildCAP(m message) *cap.Alert {
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
	expires, onset := capTime(m.content.Expires), ""
	if !m.content.Onset.IsZero() {
		onset = capTime(m.content.Onset)
	}
	if len(m.content.Texts) > 0 {
		a.Infos = make([]cap.Info, 0, len(m.content.Texts))
	}
	for _, lang := range slices.Concat(RequiredLanguages, OptionalLanguages) {
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
			Expires:    expires, Onset: onset, SenderName: senderName, Headline: headline,
			Description: t.Description, Instruction: t.Instruction, Web: m.content.Web, Contact: m.content.Contact,
		}
		if m.msgType == store.KindCancel {
			info.ResponseTypes = []string{"AllClear"}
		}
		if len(m.content.Areas) > 0 {
			info.Areas = make([]cap.Area, 0, len(m.content.Areas))
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
	if len(a.Infos) == 0 {
		a.Infos = nil // no text to write: as without any
	}
	return a
}
