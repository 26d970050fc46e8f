package web

import (
	"context"
	"encoding/xml"
	"net/http"
	"strings"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/taawun/taawun/internal/cap"
	"github.com/taawun/taawun/internal/cap/capgeo"
	"github.com/taawun/taawun/internal/store"
)

// Public warnings: the pages, CAP files and feeds anyone may read without logging in. They show
// only live messages of status Actual; exercise and test messages never appear here.

// cancelledShown is how long a cancellation stays in the public feeds, so readers learn of it.
const cancelledShown = 24 * time.Hour

// publicAlert is one current warning as the public pages show it.
type publicAlert struct {
	Message store.AlertMessage
	Info    cap.Info // in the reader's language, or English
	Areas   string
}

// currentPublic loads the current Actual messages with the info block in lang.
func (s *Server) currentPublic(r *http.Request, lang string) ([]publicAlert, error) {
	msgs, err := s.Store.Alerts().Current(r.Context(), "Actual", s.Clock.Now().Add(-cancelledShown), 200)
	if err != nil {
		return nil, err
	}
	out := make([]publicAlert, 0, len(msgs))
	for _, m := range msgs {
		a, err := cap.ParseBytes(m.XML)
		if err != nil || len(a.Infos) == 0 {
			s.Log.Error("stored CAP message does not parse", "id", m.ID, "err", err)
			continue
		}
		in := infoIn(a, lang)
		var names []string
		for _, ar := range in.Areas {
			names = append(names, ar.AreaDesc)
		}
		out = append(out, publicAlert{Message: m, Info: in, Areas: strings.Join(names, "; ")})
	}
	return out, nil
}

// infoIn returns the info block in lang, or the first (English) one.
func infoIn(a *cap.Alert, lang string) cap.Info {
	for _, in := range a.Infos {
		if in.Language == lang {
			return in
		}
	}
	return a.Infos[0]
}

func (s *Server) publicAlertsPage(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	list, err := s.currentPublic(r, string(rc.Lang))
	if err != nil {
		s.internal(w, r, rc, err)
		return
	}
	s.render(w, r, rc, http.StatusOK, "public_alerts", pageData{TitleKey: "public.title", Nav: "public", Data: list})
}

// publicAlert serves /alerts/{ref}: the CAP file when ref ends in .xml, else the warning's page.
func (s *Server) publicAlert(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	ref := r.PathValue("ref")
	id, wantXML := strings.CutSuffix(ref, ".xml")
	m, err := s.Store.Alerts().Message(r.Context(), id)
	if err != nil || m.CAPStatus != "Actual" {
		if wantXML {
			writeProblem(w, http.StatusNotFound, "no public warning "+id)
		} else {
			s.renderError(w, r, rc, http.StatusNotFound, "")
		}
		return
	}
	if wantXML {
		w.Header().Set("Content-Type", "application/cap+xml; charset=utf-8")
		w.Header().Set("Cache-Control", "public, max-age=60")
		_, _ = w.Write(m.XML)
		return
	}
	a, err := cap.ParseBytes(m.XML)
	if err != nil || len(a.Infos) == 0 {
		s.internal(w, r, rc, err)
		return
	}
	s.render(w, r, rc, http.StatusOK, "public_alert", pageData{TitleKey: "public.alert_title", Nav: "public",
		Data: publicAlert{Message: m, Info: infoIn(a, string(rc.Lang))}})
}

// areaFeatures draws the areas of one info block of a message as GeoJSON features (polygons,
// circles and regions named by geocode), with what the maps show of the warning.
func (s *Server) areaFeatures(ctx context.Context, m store.AlertMessage, in cap.Info) []*geojson.Feature {
	var out []*geojson.Feature
	for _, ar := range in.Areas {
		mp, err := capgeo.AreaGeometry(&ar)
		if err != nil {
			continue
		}
		for _, gc := range ar.Geocodes {
			if region, ok, _ := s.Regions.Region(ctx, gc.Value); ok && region.Scheme == gc.ValueName {
				mp = append(mp, region.Geometry...)
			}
		}
		if len(mp) == 0 {
			continue
		}
		f := geojson.NewFeature(orb.Geometry(mp))
		f.Properties = geojson.Properties{
			"id": m.ID, "headline": in.Headline, "area": ar.AreaDesc, "severity": in.Severity,
			"msg_type": m.MsgType, "url": "/alerts/" + m.ID,
		}
		out = append(out, f)
	}
	return out
}

// publicAlertsGeoJSON serves the areas of the current warnings for the public map.
func (s *Server) publicAlertsGeoJSON(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	list, err := s.currentPublic(r, string(rc.Lang))
	if err != nil {
		s.apiInternal(w, r, err)
		return
	}
	fc := geojson.NewFeatureCollection()
	for _, pa := range list {
		fc.Features = append(fc.Features, s.areaFeatures(r.Context(), pa.Message, pa.Info)...)
	}
	w.Header().Set("Content-Type", "application/geo+json")
	w.Header().Set("Cache-Control", "public, max-age=60")
	b, err := fc.MarshalJSON()
	if err != nil {
		s.apiInternal(w, r, err)
		return
	}
	_, _ = w.Write(b)
}

// Atom (RFC 4287) structures of the public feed.
type atomFeed struct {
	XMLName xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	ID      string      `xml:"id"`
	Title   string      `xml:"title"`
	Updated string      `xml:"updated"`
	Author  atomPerson  `xml:"author"`
	Links   []atomLink  `xml:"link"`
	Entries []atomEntry `xml:"entry"`
}

type atomPerson struct {
	Name string `xml:"name"`
}

type atomLink struct {
	Rel  string `xml:"rel,attr,omitempty"`
	Type string `xml:"type,attr,omitempty"`
	Href string `xml:"href,attr"`
}

type atomEntry struct {
	ID      string     `xml:"id"`
	Title   string     `xml:"title"`
	Updated string     `xml:"updated"`
	Summary string     `xml:"summary,omitempty"`
	Author  atomPerson `xml:"author"`
	Links   []atomLink `xml:"link"`
}

// alertsAtom serves the Atom index feed of the current warnings, each linking to its CAP file.
func (s *Server) alertsAtom(w http.ResponseWriter, r *http.Request, _ *reqCtx) {
	list, err := s.currentPublic(r, "en")
	if err != nil {
		s.apiInternal(w, r, err)
		return
	}
	base := s.baseURL(r)
	updated := s.Clock.Now()
	if len(list) > 0 {
		updated = list[0].Message.Sent
	}
	feed := atomFeed{
		ID: base + "/feeds/alerts.atom", Title: "Taawun warnings — " + s.Node.ID, Updated: updated.UTC().Format(time.RFC3339),
		Author: atomPerson{Name: s.Node.ID},
		Links:  []atomLink{{Rel: "self", Type: "application/atom+xml", Href: base + "/feeds/alerts.atom"}, {Rel: "alternate", Type: "text/html", Href: base + "/alerts"}},
	}
	for _, pa := range list {
		feed.Entries = append(feed.Entries, atomEntry{
			ID: "urn:taawun:cap:" + pa.Message.Identifier, Title: pa.Info.Headline, Updated: pa.Message.Sent.UTC().Format(time.RFC3339),
			Summary: pa.Info.Event + ": " + pa.Areas, Author: atomPerson{Name: pa.Info.SenderName},
			Links: []atomLink{
				{Rel: "alternate", Type: "application/cap+xml", Href: base + "/alerts/" + pa.Message.ID + ".xml"},
				{Rel: "related", Type: "text/html", Href: base + "/alerts/" + pa.Message.ID},
			},
		})
	}
	w.Header().Set("Content-Type", "application/atom+xml; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=60")
	_, _ = w.Write([]byte(xml.Header))
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(feed); err != nil {
		s.Log.Error("encode atom feed", "err", err)
	}
}

// baseURL is the configured public URL, or the scheme and host the request came to.
func (s *Server) baseURL(r *http.Request) string {
	if s.PublicURL != "" {
		return strings.TrimSuffix(s.PublicURL, "/")
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}
