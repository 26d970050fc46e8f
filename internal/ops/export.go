package ops

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/taawun/taawun/internal/geodata"
	"github.com/taawun/taawun/internal/store"
)

// Report is a situation report of one incident as exported to partners: the cumulative
// roll-up as at one time. Its JSON and XML forms are the structured exchange format.
type Report struct {
	XMLName   xml.Name     `json:"-" xml:"situationReport"`
	Incident  ReportHeader `json:"incident" xml:"incident"`
	AsOf      time.Time    `json:"as_of" xml:"asOf,attr"`
	Generated time.Time    `json:"generated" xml:"generated,attr"`
	Node      string       `json:"node" xml:"node,attr"`
	// Lang is the language of the areas' names: the reader's.
	Lang string `json:"lang" xml:"lang,attr"`
	// Rule says in words how the figures were added up, so that a reader need not guess.
	Rule  string       `json:"rule" xml:"rule"`
	Areas []ReportArea `json:"areas" xml:"area"`
}

// ReportHeader names the incident.
type ReportHeader struct {
	ID     string `json:"id" xml:"id,attr"`
	Title  string `json:"title" xml:"title"`
	Hazard string `json:"hazard" xml:"hazard,attr"`
	Status string `json:"status" xml:"status,attr"`
}

// ReportArea is one area's line. Partners match areas by code; people read the name.
type ReportArea struct {
	Code   string `json:"code" xml:"code,attr"`
	Parent string `json:"parent,omitempty" xml:"parent,attr,omitempty"`
	// Name is the area's name in the report's language, else in English, else its code (an
	// area no lookup knows any more, such as a district whose import was replaced).
	Name     string            `json:"name" xml:"name"`
	Names    map[string]string `json:"names,omitempty" xml:"-"`
	Reported *time.Time        `json:"reported,omitempty" xml:"reported,attr,omitempty"`
	Figures  map[string]int64  `json:"figures" xml:"-"`
	Values   []ReportFigure    `json:"-" xml:"figure"`
	Needs    string            `json:"needs,omitempty" xml:"needs,omitempty"`
	// outline is the area's outline, for GeoJSON; nil when unknown.
	outline orb.MultiPolygon
}

// ReportFigure is one figure in XML.
type ReportFigure struct {
	Name  string `xml:"name,attr"`
	Value int64  `xml:",chardata"`
}

// RollupRule is the roll-up rule in words.
const RollupRule = "Figures are cumulative. Each area counts its latest report as at as_of; an area's figure is, " +
	"figure by figure, the larger of its own report and the sum of the areas below it (district, province, country)."

// Report builds the exchange form of a roll-up for a reader of lang, naming the areas as the
// service's Areas know them (imported districts included).
func (s *Service) Report(ctx context.Context, inc store.OpsRecord, rows []AreaTotal, asOf, generated time.Time, node, lang string) (Report, error) {
	return NewReport(ctx, geodata.LookupOr(s.Areas), lang, inc, rows, asOf, generated, node)
}

// NewReport builds the exchange form of a roll-up, the areas named in lang by areas.
func NewReport(ctx context.Context, areas geodata.Lookup, lang string, inc store.OpsRecord, rows []AreaTotal, asOf, generated time.Time, node string) (Report, error) {
	d, _ := Decode[IncidentData](inc)
	r := Report{Incident: ReportHeader{ID: inc.ID, Title: inc.Title, Hazard: d.Hazard, Status: inc.Status}, AsOf: asOf.UTC(),
		Generated: generated.UTC(), Node: node, Lang: lang, Rule: RollupRule, Areas: []ReportArea{}}
	for _, row := range rows {
		a := ReportArea{Code: row.Code, Parent: row.Parent, Name: row.Code, Figures: figuresByName(row.Total), Needs: row.Needs}
		reg, ok, err := areas.Region(ctx, row.Code)
		if err != nil {
			return Report{}, fmt.Errorf("ops: report: area %s: %w", row.Code, err)
		}
		if ok {
			a.Names, a.outline = reg.Names, reg.Geometry
			if n := reg.Name(lang); n != "" {
				a.Name = n
			}
		}
		if row.Own != nil {
			at := row.Reported.UTC()
			a.Reported = &at
		}
		for i, v := range Values(row.Total) {
			a.Values = append(a.Values, ReportFigure{Name: FigureNames[i], Value: v})
		}
		r.Areas = append(r.Areas, a)
	}
	return r, nil
}

// WriteJSON writes the report as JSON.
func (r Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// WriteXML writes the report as XML.
func (r Report) WriteXML(w io.Writer) error {
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(r); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// WriteCSV writes one line per area: code, parent, name in the report's language, time of its
// own report, the figures, needs.
func (r Report) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	header := append([]string{"area_code", "parent_code", "area_name", "reported"}, FigureNames...)
	if err := cw.Write(append(header, "needs")); err != nil {
		return err
	}
	for _, a := range r.Areas {
		reported := ""
		if a.Reported != nil {
			reported = a.Reported.Format(time.RFC3339)
		}
		row := []string{a.Code, a.Parent, a.Name, reported}
		for _, name := range FigureNames {
			row = append(row, strconv.FormatInt(a.Figures[name], 10))
		}
		if err := cw.Write(append(row, a.Needs)); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// WriteGeoJSON writes one feature per area with its outline (an area without a known outline
// has a null geometry, which RFC 7946 allows).
func (r Report) WriteGeoJSON(w io.Writer) error {
	fc := geojson.NewFeatureCollection()
	for _, a := range r.Areas {
		var f *geojson.Feature
		if a.outline != nil {
			f = geojson.NewFeature(a.outline)
		} else {
			f = &geojson.Feature{Type: "Feature", Properties: geojson.Properties{}}
		}
		f.ID = a.Code
		f.Properties["code"], f.Properties["parent"], f.Properties["name"] = a.Code, a.Parent, a.Name
		for k, v := range a.Figures {
			f.Properties[k] = v
		}
		if a.Needs != "" {
			f.Properties["needs"] = a.Needs
		}
		fc.Append(f)
	}
	fc.ExtraMembers = geojson.Properties{"incident": r.Incident.ID, "as_of": r.AsOf, "lang": r.Lang, "rule": r.Rule}
	b, err := fc.MarshalJSON()
	if err != nil {
		return fmt.Errorf("ops: report geojson: %w", err)
	}
	_, err = w.Write(b)
	return err
}

// LogCSVHeader is the first line of a log export.
var LogCSVHeader = []string{"id", "incident_id", "occurred_at", "org_id", "author_id", "state", "vetted_by", "vetted_at", "text"}

// LogCSV writes log entries one at a time, so that an export of any length uses constant
// memory.
type LogCSV struct {
	cw *csv.Writer
	n  int
}

// NewLogCSV starts a log export on w.
func NewLogCSV(w io.Writer) (*LogCSV, error) {
	l := &LogCSV{cw: csv.NewWriter(w)}
	return l, l.cw.Write(LogCSVHeader)
}

// Write adds one entry, flushing every thousand lines.
func (l *LogCSV) Write(e store.LogEntry) error {
	vetted := ""
	if !e.VettedAt.IsZero() {
		vetted = e.VettedAt.UTC().Format(time.RFC3339)
	}
	if err := l.cw.Write([]string{e.ID, e.IncidentID, e.OccurredAt.UTC().Format(time.RFC3339), e.OrgID, e.AuthorID, string(e.State),
		e.VettedBy, vetted, e.Body}); err != nil {
		return err
	}
	if l.n++; l.n%1000 == 0 {
		l.cw.Flush()
	}
	return l.cw.Error()
}

// Close flushes what is left.
func (l *LogCSV) Close() error {
	l.cw.Flush()
	return l.cw.Error()
}
