package capfeed

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/taawun/taawun/internal/cap"
	"github.com/taawun/taawun/internal/cap/xmltree"
)

// Rule codes of containers. They are stable, like those of package cap.
const (
	RuleFeedField    = "FEED001" // feed/channel id, title or updated missing
	RuleEntryField   = "FEED002" // entry id, title or updated missing
	RuleEntryCAP     = "FEED003" // entry neither embeds nor links a CAP alert
	RuleUnknown      = "FEED004" // unknown element in the Atom namespace
	RuleMisplacedCAP = "FEED005" // CAP alert outside an entry
	RuleDate         = "FEED006" // date not in the container's format
	RuleCAPSummary   = "FEED007" // non-standard cap: summary element in an entry
	RuleContent      = "FEED008" // entry content is XML but not a CAP alert
	RuleDuplicateID  = "FEED009" // two entries share an id
	RuleEDXLField    = "EDXL001" // EDXL-DE required element missing or empty
	RuleEDXLEnum     = "EDXL002" // EDXL-DE value not in its enumeration
	RuleEDXLContent  = "EDXL003" // contentObject carries no content
	RuleEDXLUnknown  = "EDXL004" // unknown or misplaced element in EDXL-DE
	RuleEDXLOrder    = "EDXL005" // EDXL-DE element out of schema order
	RuleEDXLRepeated = "EDXL006" // EDXL-DE element repeated too often
)

// Rules lists the container rule codes with a summary each.
func Rules() []cap.Rule {
	return []cap.Rule{
		{Code: RuleFeedField, Summary: "feed or channel lacks id, title or updated (RSS: title, link, description)"},
		{Code: RuleEntryField, Summary: "entry lacks id, title or updated; RSS item lacks both title and description"},
		{Code: RuleEntryCAP, Summary: "entry neither embeds a CAP alert nor links to one"},
		{Code: RuleUnknown, Summary: "unknown element in the Atom namespace"},
		{Code: RuleMisplacedCAP, Summary: "CAP alert outside an entry (it is ignored)"},
		{Code: RuleDate, Summary: "date not in RFC 3339 (Atom) or RFC 822 (RSS) form"},
		{Code: RuleCAPSummary, Summary: "cap: element in an entry that is not a CAP element name"},
		{Code: RuleContent, Summary: "entry content is XML but not a CAP alert"},
		{Code: RuleDuplicateID, Summary: "two entries (or RSS items) share an id (guid)"},
		{Code: RuleEDXLField, Summary: "EDXL-DE required element missing or empty"},
		{Code: RuleEDXLEnum, Summary: "EDXL-DE value not in its enumeration"},
		{Code: RuleEDXLContent, Summary: "EDXL-DE contentObject carries no content, or both or neither of nonXMLContent and xmlContent"},
		{Code: RuleEDXLUnknown, Summary: "unknown or foreign element where the EDXL-DE schema allows none"},
		{Code: RuleEDXLOrder, Summary: "EDXL-DE element out of the order the schema requires"},
		{Code: RuleEDXLRepeated, Summary: "EDXL-DE element repeated more often than the schema allows"},
	}
}

// Check parses and validates one container. An unparseable document gives
// a nil Feed and a report with a single error.
func Check(ctx context.Context, r io.Reader, opts cap.Options) (*Feed, cap.Report) {
	f, err := Parse(r)
	if err != nil {
		rep := cap.ParseErrorReport(err, opts.Profile)
		return nil, rep
	}
	return f, Validate(ctx, f, opts)
}

// Validate checks the container and every embedded alert (with opts).
func Validate(ctx context.Context, f *Feed, opts cap.Options) cap.Report {
	if opts.Profile == "" {
		opts.Profile = cap.ProfileStrict
	}
	v := &validator{ctx: ctx, opts: opts}
	switch f.Kind {
	case KindAtom:
		v.atom(f)
		v.uniqueIDs(f, "feed/entry")
	case KindRSS:
		v.rss(f)
		v.uniqueIDs(f, "rss/channel/item")
	case KindEDXLDE:
		v.edxl(f)
	}
	return cap.Report{Profile: opts.Profile, Issues: v.issues}
}

type validator struct {
	ctx    context.Context
	opts   cap.Options
	issues []cap.Issue
}

func (v *validator) add(code string, sev cap.Severity, path string, pos cap.Position, format string, args ...any) {
	v.issues = append(v.issues, cap.Issue{Code: code, Severity: sev, Path: path, Pos: pos, Message: fmt.Sprintf(format, args...)})
}

// alerts validates embedded alerts, placing their issues under path.
func (v *validator) alerts(path string, alerts []*cap.Alert) {
	for i, a := range alerts {
		rep := cap.Validate(v.ctx, a, v.opts)
		for _, is := range rep.Issues {
			is.Path = fmt.Sprintf("%s/alert[%d]%s", path, i, strings.TrimPrefix(is.Path, "alert"))
			v.issues = append(v.issues, is)
		}
	}
}

// uniqueIDs reports entries whose id repeats an earlier entry's.
func (v *validator) uniqueIDs(f *Feed, path string) {
	seen := make(map[string]int, len(f.Entries))
	for i := range f.Entries {
		id := strings.TrimSpace(f.Entries[i].ID)
		if id == "" {
			continue
		}
		if j, dup := seen[id]; dup {
			v.add(RuleDuplicateID, cap.SevError, fmt.Sprintf("%s[%d]", path, i), f.Entries[i].Pos, "id %q repeats entry %d's", short(id), j)
			continue
		}
		seen[id] = i
	}
}

func short(s string) string {
	if len(s) > 80 {
		return s[:77] + "..."
	}
	return s
}

var (
	atomFeedElems  = []string{"author", "category", "contributor", "generator", "icon", "id", "link", "logo", "rights", "subtitle", "title", "updated", "entry"}
	atomEntryElems = []string{"author", "category", "content", "contributor", "id", "link", "published", "rights", "source", "summary", "title", "updated"}
	// capNames are the element names of CAP that index feeds copy into entries.
	capNames = []string{"identifier", "sender", "sent", "status", "msgType", "source", "scope", "restriction", "addresses", "code", "note", "references", "incidents",
		"language", "category", "event", "responseType", "urgency", "severity", "certainty", "audience", "eventCode", "effective", "onset", "expires", "senderName",
		"headline", "description", "instruction", "web", "contact", "parameter", "areaDesc", "polygon", "circle", "geocode", "altitude", "ceiling"}
)

func (v *validator) require(code, path string, pos cap.Position, what, value string) {
	if strings.TrimSpace(value) == "" {
		v.add(code, cap.SevError, path, pos, "<%s> is missing or empty", what)
	}
}

func (v *validator) atomDate(path string, pos cap.Position, s string) {
	if s = strings.TrimSpace(s); s == "" {
		return
	}
	if _, err := time.Parse(time.RFC3339Nano, s); err != nil {
		v.add(RuleDate, cap.SevWarning, path, pos, "date %q is not RFC 3339", s)
	}
}

func (v *validator) atom(f *Feed) {
	v.require(RuleFeedField, "feed", f.Pos, "id", f.ID)
	v.require(RuleFeedField, "feed", f.Pos, "title", f.Title)
	v.require(RuleFeedField, "feed", f.Pos, "updated", f.Updated)
	v.atomDate("feed/updated", f.Pos, f.Updated)
	if f.root != nil {
		v.unknownChildren("feed", f.root, atomFeedElems)
	}
	entryNodes := childrenNamed(f.root, NSAtom, "entry")
	for i := range f.Entries {
		e := &f.Entries[i]
		p := fmt.Sprintf("feed/entry[%d]", i)
		v.require(RuleEntryField, p, e.Pos, "id", e.ID)
		v.require(RuleEntryField, p, e.Pos, "title", e.Title)
		v.require(RuleEntryField, p, e.Pos, "updated", e.Updated)
		v.atomDate(p+"/updated", e.Pos, e.Updated)
		if i < len(entryNodes) {
			n := entryNodes[i]
			v.unknownChildren(p, n, atomEntryElems)
			v.capSummary(p, n)
			if c := n.Child(NSAtom, "content"); c != nil && len(c.Children) > 0 && len(e.Alerts) == 0 {
				v.add(RuleContent, cap.SevError, p+"/content", c.Pos, "content holds <%s> (namespace %q), not a CAP alert", c.Children[0].Name.Local, c.Children[0].Name.Space)
			}
		}
		if len(e.Alerts) == 0 && len(e.CAPLinks()) == 0 {
			v.add(RuleEntryCAP, cap.SevError, p, e.Pos, "entry neither embeds a CAP alert nor links to one")
		}
		v.alerts(p+"/content", e.Alerts)
	}
}

func childrenNamed(n *xmltree.Node, space, local string) []*xmltree.Node {
	if n == nil {
		return nil
	}
	var out []*xmltree.Node
	for _, c := range n.Children {
		if c.Name.Space == space && c.Name.Local == local {
			out = append(out, c)
		}
	}
	return out
}

// unknownChildren reports Atom-namespace children not in allowed, and CAP
// alerts outside entries.
func (v *validator) unknownChildren(path string, n *xmltree.Node, allowed []string) {
	for _, c := range n.Children {
		switch {
		case c.Name.Space == NSAtom && !slices.Contains(allowed, c.Name.Local):
			v.add(RuleUnknown, cap.SevError, path+"/"+c.Name.Local, c.Pos, "unknown Atom element <%s>", c.Name.Local)
		case c.Name.Local == "alert" && cap.VersionOf(c.Name.Space) != "":
			v.add(RuleMisplacedCAP, cap.SevError, path+"/alert", c.Pos, "CAP alert outside an entry is ignored; put it in an entry's <content>")
		}
	}
}

// capSummary checks the cap: elements an index entry copies from its alert.
func (v *validator) capSummary(path string, n *xmltree.Node) {
	for _, c := range n.Children {
		if cap.VersionOf(c.Name.Space) != "" && c.Name.Local != "alert" && !slices.Contains(capNames, c.Name.Local) {
			v.add(RuleCAPSummary, cap.SevWarning, path+"/"+c.Name.Local, c.Pos, "<cap:%s> is not a CAP element; tolerated and ignored", c.Name.Local)
		}
	}
}

var rssDateLayouts = []string{time.RFC1123Z, time.RFC1123, "Mon, 2 Jan 2006 15:04:05 MST", "Mon, 2 Jan 2006 15:04:05 -0700", time.RFC822, time.RFC822Z}

func (v *validator) rssDate(path string, pos cap.Position, s string) {
	if s = strings.TrimSpace(s); s == "" {
		return
	}
	for _, l := range rssDateLayouts {
		if _, err := time.Parse(l, s); err == nil {
			return
		}
	}
	v.add(RuleDate, cap.SevWarning, path, pos, "date %q is not RFC 822", s)
}

func (v *validator) rss(f *Feed) {
	ch := f.root.Child("", "channel")
	if ch == nil {
		v.add(RuleFeedField, cap.SevError, "rss", f.Pos, "<channel> is missing")
		return
	}
	desc := ""
	if d := ch.Child("", "description"); d != nil {
		desc = d.Text
	}
	v.require(RuleFeedField, "rss/channel", ch.Pos, "title", f.Title)
	v.require(RuleFeedField, "rss/channel", ch.Pos, "link", f.ID)
	v.require(RuleFeedField, "rss/channel", ch.Pos, "description", desc)
	v.rssDate("rss/channel/pubDate", ch.Pos, f.Updated)
	for i := range f.Entries {
		e := &f.Entries[i]
		p := fmt.Sprintf("rss/channel/item[%d]", i)
		if strings.TrimSpace(e.Title) == "" && strings.TrimSpace(e.Summary) == "" {
			v.add(RuleEntryField, cap.SevError, p, e.Pos, "item has neither <title> nor <description>")
		}
		v.rssDate(p+"/pubDate", e.Pos, e.Updated)
		if len(e.Alerts) == 0 && len(e.CAPLinks()) == 0 {
			v.add(RuleEntryCAP, cap.SevError, p, e.Pos, "item neither embeds a CAP alert nor links to one")
		}
		v.alerts(p, e.Alerts)
	}
}

var (
	edxlStatus = []string{"Actual", "Exercise", "System", "Test"}
	edxlType   = []string{"Report", "Update", "Cancel", "Request", "Response", "Dispatch", "Ack", "Error", "SensorConfiguration", "SensorControl", "SensorStatus", "SensorDetection"}
)

func (v *validator) edxl(f *Feed) {
	const p = "EDXLDistribution"
	if f.root != nil {
		v.edxlStructure(p, f.root, edxlDistribution())
	}
	text := func(name string) (string, cap.Position) {
		if c := f.root.Child(NSEDXLDE, name); c != nil {
			return c.Text, c.Pos
		}
		return "", f.Pos
	}
	for _, name := range []string{"distributionID", "senderID", "combinedConfidentiality"} {
		if s, pos := text(name); f.root.Child(NSEDXLDE, name) != nil && strings.TrimSpace(s) == "" {
			v.add(RuleEDXLField, cap.SevWarning, p+"/"+name, pos, "<%s> is empty", name)
		}
	}
	if s, pos := text("dateTimeSent"); f.root.Child(NSEDXLDE, "dateTimeSent") != nil && !xsDateTime(s) {
		v.add(RuleDate, cap.SevError, p+"/dateTimeSent", pos, "dateTimeSent %q is not an xs:dateTime", s)
	}
	for _, e := range []struct {
		name    string
		allowed []string
	}{{"distributionStatus", edxlStatus}, {"distributionType", edxlType}} {
		if s, pos := text(e.name); f.root.Child(NSEDXLDE, e.name) != nil && !slices.Contains(e.allowed, strings.TrimSpace(s)) {
			v.add(RuleEDXLEnum, cap.SevError, p+"/"+e.name, pos, "<%s> %q is not one of %s", e.name, s, strings.Join(e.allowed, ", "))
		}
	}
	for i := range f.Entries {
		e := &f.Entries[i]
		v.alerts(fmt.Sprintf("%s/contentObject[%d]", p, i), e.Alerts)
	}
}

// xsDateTime reports whether s (white space collapsed) is an xs:dateTime:
// fractional seconds and the time zone are optional.
func xsDateTime(s string) bool {
	s = strings.TrimSpace(s)
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999"} {
		if _, err := time.Parse(layout, s); err == nil {
			return true
		}
	}
	return false
}
