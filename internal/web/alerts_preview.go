package web

import (
	"fmt"
	"net/http"

	"github.com/paulmach/orb/geojson"

	"github.com/taawun/taawun/internal/cap"
	"github.com/taawun/taawun/internal/dissem"
	"github.com/taawun/taawun/internal/sms/gsm"
	"github.com/taawun/taawun/internal/store"
)

// smsPlan is how an SMS in one language will be sent.
type smsPlan struct {
	Text     string `json:"text"`
	Encoding string `json:"encoding"`
	Units    int    `json:"units"`
	Segments int    `json:"segments"`
}

// previewResponse is what the composer shows beside the form.
type previewResponse struct {
	Problems   any                `json:"problems"`
	Findings   []cap.Issue        `json:"findings"`
	Valid      bool               `json:"valid"`
	Recipients *int               `json:"recipients,omitempty"`
	SMS        map[string]smsPlan `json:"sms,omitempty"`
}

// apiAlertPreview checks a draft without storing it: problems, the pk profile's findings, the
// number of recipients inside the area, and each language's SMS with its encoding and segments.
func (s *Server) apiAlertPreview(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	var in alertInput
	if !decodeJSON(w, r, &in) {
		return
	}
	if in.CAPStatus == "" {
		in.CAPStatus = "Actual"
	}
	pv, err := s.Alerts.Preview(r.Context(), rc.P, in.Hazard, in.CAPStatus, in.Content)
	if err != nil {
		s.apiInternal(w, r, err)
		return
	}
	out := previewResponse{Problems: pv.Problems, Findings: pv.Report.Issues, Valid: len(pv.Problems) == 0 && pv.Report.Valid()}
	if out.Problems == nil {
		out.Problems = []any{}
	}
	if pv.CAP != nil {
		out.SMS = map[string]smsPlan{}
		for _, in := range pv.CAP.Infos {
			text := dissem.SMSText(in)
			plan := gsm.Segments(text)
			out.SMS[in.Language] = smsPlan{Text: text, Encoding: plan.Encoding.String(), Units: plan.Units, Segments: plan.Segments}
		}
		if area, err := dissem.AreaOf(r.Context(), s.Regions, pv.CAP); err == nil {
			rs, err := s.Targeter.Inside(r.Context(), area)
			if err != nil {
				s.apiInternal(w, r, err)
				return
			}
			n := 0
			for _, rec := range rs {
				if !rec.Broadcast && (in.CAPStatus != "Test" || rec.Test) {
					n++
				}
			}
			out.Recipients = &n
		}
	}
	writeJSON(w, http.StatusOK, out)
}

// apiAlertDeliveries reports, per issued message, how many deliveries are pending, sent and
// failed on each channel; the warning's page polls it.
func (s *Server) apiAlertDeliveries(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	d, err := s.Alerts.Load(r.Context(), rc.P, r.PathValue("id"))
	if err != nil {
		s.apiAlertError(w, r, err, nil)
		return
	}
	type row struct {
		MessageID string                `json:"message_id"`
		MsgType   string                `json:"msg_type"`
		Counts    []store.DeliveryCount `json:"counts"`
		// Handset is what the SMSC reported about the SMS segments it accepted.
		Handset []store.ReceiptCount `json:"handset"`
	}
	out := []row{}
	for _, m := range d.Messages {
		counts, err := s.Store.Notifications().Counts(r.Context(), m.ID)
		if err != nil {
			s.apiInternal(w, r, err)
			return
		}
		if counts == nil {
			counts = []store.DeliveryCount{}
		}
		handset, err := s.Store.HandsetReceipts().Counts(r.Context(), m.ID)
		if err != nil {
			s.apiInternal(w, r, err)
			return
		}
		if handset == nil {
			handset = []store.ReceiptCount{}
		}
		out = append(out, row{m.ID, m.MsgType, counts, handset})
	}
	writeJSON(w, http.StatusOK, map[string]any{"messages": out})
}

// apiAlertAreas serves the areas of the warning's latest issued message as GeoJSON, in the
// caller's language, for the map on the warning's page.
func (s *Server) apiAlertAreas(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	d, err := s.Alerts.Load(r.Context(), rc.P, r.PathValue("id"))
	if err != nil {
		s.apiAlertError(w, r, err, nil)
		return
	}
	fc := geojson.NewFeatureCollection()
	if n := len(d.Messages); n > 0 {
		m := d.Messages[n-1]
		a, err := cap.ParseBytes(m.XML)
		if err != nil || len(a.Infos) == 0 {
			s.apiInternal(w, r, fmt.Errorf("stored message %s: %v", m.ID, err))
			return
		}
		fc.Features = s.areaFeatures(r.Context(), m, infoIn(a, string(rc.Lang)))
	}
	w.Header().Set("Content-Type", "application/geo+json")
	b, err := fc.MarshalJSON()
	if err != nil {
		s.apiInternal(w, r, err)
		return
	}
	_, _ = w.Write(b)
}
