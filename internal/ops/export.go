package ops

import (
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
	"time"

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

// ReportArea is one area's line.
type ReportArea struct {
	Code     string            `json:"code" xml:"code,attr"`
	Parent   string            `json:"parent,omitempty" xml:"parent,attr,omitempty"`
	Names    map[string]string `json:"names,omitempty" xml:"-"`
	Name     string            `json:"-" xml:"name"`
	Reported *time.Time        `json:"reported,omitempty" xml:"reported,attr,omitempty"`
	Figures  map[string]int64  `json:"figures" xml:"-"`
	Values   []ReportFigure    `json:"-" xml:"figure"`
	Needs    string            `json:"needs,omitempty" xml:"needs,omitempty"`
}

// ReportFigure is one figure in XML.
type ReportFigure struct {
	Name  string `xml:"name,attr"`
	Value int64  `xml:",chardata"`
}

// RollupRule is the roll-up rule in words.
const RollupRule = "Figures are cumulative. Each area counts its latest report as at as_of; an area's figure is, " +
	"figure by figure, the larger of its own report and the sum of the areas below it (district, province, country)."

// NewReport builds the exchange form of a roll-up.
func NewReport(inc store.OpsRecord, rows []AreaTotal, asOf, generated time.Time, node string) Report {
	d, _ := Decode[IncidentData](inc)
	r := Report{Incident: ReportHeader{ID: inc.ID, Title: inc.Title, Hazard: d.Hazard, Status: inc.Status}, AsOf: asOf.UTC(),
		Generated: generated.UTC(), Node: node, Rule: RollupRule, Areas: []ReportArea{}}
	for _, row := range rows {
		a := ReportArea{Code: row.Code, Parent: row.Parent, Figures: figuresByName(row.Total), Needs: row.Needs}
		if reg, ok, _ := geodata.RegionByCode(row.Code); ok {
			a.Names, a.Name = reg.Names, reg.Names["en"]
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
	return r
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

// WriteCSV writes one line per area: code, parent, English name, time of its own report, the
// figures, needs.
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

// WriteGeoJSON writes one feature per area with its outline (from the embedded regions; an
// area without a known outline has a null geometry, which RFC 7946 allows).
func (r Report) WriteGeoJSON(w io.Writer) error {
	fc := geojson.NewFeatureCollection()
	for _, a := range r.Areas {
		var f *geojson.Feature
		if reg, ok, _ := geodata.RegionByCode(a.Code); ok {
			f = geojson.NewFeature(reg.Geometry)
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
	fc.ExtraMembers = geojson.Properties{"incident": r.Incident.ID, "as_of": r.AsOf, "rule": r.Rule}
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
