package cap

// The tree-walking decoder that the streaming one (parse.go) replaced,
// kept as the oracle of TestDecoderMatchesTreeDecoder and FuzzDecoder:
// on every input both must build the same alert and the same issues.

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/taawun/taawun/internal/cap/xmltree"
)

// oracleParseNode is the tree-walking ParseNode the streaming decoder
// replaced.
func oracleParseNode(n *xmltree.Node) (*Alert, error) {
	if n.Name.Local != "alert" {
		return nil, fmt.Errorf("cap: root element is <%s> in namespace %q: %w", n.Name.Local, n.Name.Space, ErrNotCAP)
	}
	v := VersionOf(n.Name.Space)
	if v == "" {
		return nil, fmt.Errorf("cap: <alert> in unknown namespace %q: %w", n.Name.Space, ErrNotCAP)
	}
	p := &oracleParser{ns: n.Name.Space, version: v, slab: make([]fieldPos, oracleDescendants(n))}
	a := &Alert{Version: v, Meta: Meta{Pos: n.Pos}}
	p.path = append(p.path, pathStep{name: "alert", index: -1})
	oracleDecodeChildren(p, a, n, oracleAlertFields, &a.Meta)
	a.Structure = p.issues
	return a, nil
}

type oracleParser struct {
	ns      string
	version Version
	issues  []Issue
	slab    []fieldPos // Meta.fields of all elements are carved from it
	// path leads to the element being decoded; it is rendered only for
	// issues.
	path []pathStep
}

// pathString renders the path to the element being decoded, with more
// appended, e.g. alert/info[0]/area[1].
func (p *oracleParser) pathString(more string) string {
	var b strings.Builder
	for i, s := range p.path {
		if i > 0 {
			b.WriteByte('/')
		}
		b.WriteString(s.name)
		if s.index >= 0 {
			b.WriteString("[" + strconv.Itoa(s.index) + "]")
		}
	}
	if more != "" {
		b.WriteString("/" + more)
	}
	return b.String()
}

// fields returns an empty list with room for n child positions. Lists
// are carved from one slab with their capacity capped, so that Meta.add
// never writes into a neighbour's list.
func (p *oracleParser) fields(n int) []fieldPos {
	if len(p.slab) < n {
		return make([]fieldPos, 0, n)
	}
	f := p.slab[:0:n]
	p.slab = p.slab[n:]
	return f
}

// descendants counts the elements below n: the room the Meta.fields of
// a whole alert need.
func oracleDescendants(n *xmltree.Node) int {
	k := len(n.Children)
	for _, c := range n.Children {
		k += oracleDescendants(c)
	}
	return k
}

// issue records a structural error.
func (p *oracleParser) issue(code string, path string, pos Position, format string, args ...any) {
	p.issues = append(p.issues, Issue{Code: code, Severity: SevError, Path: path, Pos: pos, Message: fmt.Sprintf(format, args...)})
}

// field is one child element of T, listed in schema order.
type oracleField[T any] struct {
	name  string
	multi bool
	only  Version // if set, the element exists only in this version
	set   func(p *oracleParser, t *T, n *xmltree.Node)
}

func oracleText[T any](name string, get func(*T) *string) oracleField[T] {
	return oracleField[T]{name: name, set: func(p *oracleParser, t *T, n *xmltree.Node) {
		*get(t) = oracleLeafText(p, n)
	}}
}

func oracleTexts[T any](name string, get func(*T) *[]string) oracleField[T] {
	return oracleField[T]{name: name, multi: true, set: func(p *oracleParser, t *T, n *xmltree.Node) {
		s := get(t)
		*s = append(*s, oracleLeafText(p, n))
	}}
}

func oracleNamed[T any](name string, get func(*T) *[]NamedValue) oracleField[T] {
	return oracleField[T]{name: name, multi: true, set: func(p *oracleParser, t *T, n *xmltree.Node) {
		nv := oracleGrow(get(t))
		nv.Meta.Pos = n.Pos
		if len(n.Children) == 0 && p.version == V10 {
			// CAP 1.0 writes these as "valueName=value".
			nv.ValueName, nv.Value, _ = strings.Cut(strings.TrimSpace(n.Text), "=")
		} else {
			oracleDecodeChildren(p, nv, n, oracleNamedValueFields, &nv.Meta)
		}
	}}
}

// grow appends a zero element to *s and returns it, to be decoded in
// place: building it aside and appending a copy would allocate it twice.
// Nothing appends to *s while the element is decoded.
func oracleGrow[E any](s *[]E) *E {
	var zero E
	*s = append(*s, zero)
	return &(*s)[len(*s)-1]
}

func oracleLeafText(p *oracleParser, n *xmltree.Node) string {
	for _, c := range n.Children {
		p.issue(RuleUnknown, p.pathString(c.Name.Local), c.Pos, "unexpected element <%s> inside <%s>", c.Name.Local, n.Name.Local)
	}
	return n.Text
}

// fieldIndex returns the index of the field called name in version v, or
// -1. Names are unique in a field list, so the search may start anywhere:
// it starts at from, the last field matched, because children mostly
// come in schema order.
func oracleFieldIndex[T any](fields []oracleField[T], name string, v Version, from int) int {
	from = min(from, len(fields))
	for k := range fields {
		i := from + k
		if i >= len(fields) {
			i -= len(fields)
		}
		if f := &fields[i]; f.name == name && (f.only == "" || f.only == v) {
			return i
		}
	}
	return -1
}

// decodeChildren assigns n's children to t using fields, recording
// positions in m and structural problems in p; p.path leads to n.
func oracleDecodeChildren[T any](p *oracleParser, t *T, n *xmltree.Node, fields []oracleField[T], m *Meta) {
	last := -1
	var counts [32]int // more than any CAP element has children
	m.fields = p.fields(len(n.Children))
	for _, c := range n.Children {
		if c.Name.Space != p.ns {
			if c.Name.Space == NSDSig && c.Name.Local == "Signature" {
				if a, ok := any(t).(*Alert); ok {
					a.Signatures++
					last = len(fields)
					continue
				}
			}
			p.issue(RuleForeign, p.pathString(c.Name.Local), c.Pos, "element <%s> from namespace %q is not allowed here", c.Name.Local, c.Name.Space)
			continue
		}
		idx := oracleFieldIndex(fields, c.Name.Local, p.version, max(last, 0))
		if idx < 0 {
			p.issue(RuleUnknown, p.pathString(c.Name.Local), c.Pos, "unknown element <%s> in <%s>", c.Name.Local, n.Name.Local)
			continue
		}
		f := fields[idx]
		k := counts[idx]
		counts[idx]++
		at := pathStep{name: f.name, index: -1}
		if f.multi {
			at.index = k
		}
		p.path = append(p.path, at)
		if k > 0 && !f.multi {
			p.issue(RuleRepeated, p.pathString(""), c.Pos, "<%s> may occur only once in <%s>", f.name, n.Name.Local)
		} else {
			if idx < last && p.version != V10 {
				p.issue(RuleOrder, p.pathString(""), c.Pos, "<%s> is out of order in <%s>", f.name, n.Name.Local)
			}
			last = max(last, idx)
			m.fields = append(m.fields, fieldPos{f.name, c.Pos})
			f.set(p, t, c)
		}
		p.path = p.path[:len(p.path)-1]
	}
}

var oracleNamedValueFields = []oracleField[NamedValue]{
	oracleText("valueName", func(v *NamedValue) *string { return &v.ValueName }),
	oracleText("value", func(v *NamedValue) *string { return &v.Value }),
}

var oracleAlertFields = []oracleField[Alert]{
	oracleText("identifier", func(a *Alert) *string { return &a.Identifier }),
	oracleText("sender", func(a *Alert) *string { return &a.Sender }),
	{name: "password", only: V10, set: func(p *oracleParser, a *Alert, n *xmltree.Node) { a.Password = oracleLeafText(p, n) }},
	oracleText("sent", func(a *Alert) *string { return &a.Sent }),
	oracleText("status", func(a *Alert) *string { return &a.Status }),
	oracleText("msgType", func(a *Alert) *string { return &a.MsgType }),
	oracleText("source", func(a *Alert) *string { return &a.Source }),
	oracleText("scope", func(a *Alert) *string { return &a.Scope }),
	oracleText("restriction", func(a *Alert) *string { return &a.Restriction }),
	oracleText("addresses", func(a *Alert) *string { return &a.Addresses }),
	oracleTexts("code", func(a *Alert) *[]string { return &a.Codes }),
	oracleText("note", func(a *Alert) *string { return &a.Note }),
	oracleText("references", func(a *Alert) *string { return &a.References }),
	oracleText("incidents", func(a *Alert) *string { return &a.Incidents }),
	{name: "info", multi: true, set: func(p *oracleParser, a *Alert, n *xmltree.Node) {
		in := oracleGrow(&a.Infos)
		in.Meta.Pos = n.Pos
		oracleDecodeChildren(p, in, n, oracleInfoFields, &in.Meta)
	}},
}

var oracleInfoFields = []oracleField[Info]{
	oracleText("language", func(i *Info) *string { return &i.Language }),
	oracleTexts("category", func(i *Info) *[]string { return &i.Categories }),
	oracleText("event", func(i *Info) *string { return &i.Event }),
	oracleTexts("responseType", func(i *Info) *[]string { return &i.ResponseTypes }),
	oracleText("urgency", func(i *Info) *string { return &i.Urgency }),
	oracleText("severity", func(i *Info) *string { return &i.Severity }),
	oracleText("certainty", func(i *Info) *string { return &i.Certainty }),
	oracleText("audience", func(i *Info) *string { return &i.Audience }),
	oracleNamed("eventCode", func(i *Info) *[]NamedValue { return &i.EventCodes }),
	oracleText("effective", func(i *Info) *string { return &i.Effective }),
	oracleText("onset", func(i *Info) *string { return &i.Onset }),
	oracleText("expires", func(i *Info) *string { return &i.Expires }),
	oracleText("senderName", func(i *Info) *string { return &i.SenderName }),
	oracleText("headline", func(i *Info) *string { return &i.Headline }),
	oracleText("description", func(i *Info) *string { return &i.Description }),
	oracleText("instruction", func(i *Info) *string { return &i.Instruction }),
	oracleText("web", func(i *Info) *string { return &i.Web }),
	oracleText("contact", func(i *Info) *string { return &i.Contact }),
	oracleNamed("parameter", func(i *Info) *[]NamedValue { return &i.Parameters }),
	{name: "resource", multi: true, set: func(p *oracleParser, in *Info, n *xmltree.Node) {
		r := oracleGrow(&in.Resources)
		r.Meta.Pos = n.Pos
		oracleDecodeChildren(p, r, n, oracleResourceFields, &r.Meta)
	}},
	{name: "area", multi: true, set: func(p *oracleParser, in *Info, n *xmltree.Node) {
		ar := oracleGrow(&in.Areas)
		ar.Meta.Pos = n.Pos
		oracleDecodeChildren(p, ar, n, oracleAreaFields, &ar.Meta)
	}},
}

var oracleResourceFields = []oracleField[Resource]{
	oracleText("resourceDesc", func(r *Resource) *string { return &r.ResourceDesc }),
	oracleText("mimeType", func(r *Resource) *string { return &r.MimeType }),
	oracleText("size", func(r *Resource) *string { return &r.Size }),
	oracleText("uri", func(r *Resource) *string { return &r.URI }),
	oracleText("derefUri", func(r *Resource) *string { return &r.DerefURI }),
	oracleText("digest", func(r *Resource) *string { return &r.Digest }),
}

var oracleAreaFields = []oracleField[Area]{
	oracleText("areaDesc", func(a *Area) *string { return &a.AreaDesc }),
	oracleTexts("polygon", func(a *Area) *[]string { return &a.Polygons }),
	oracleTexts("circle", func(a *Area) *[]string { return &a.Circles }),
	oracleNamed("geocode", func(a *Area) *[]NamedValue { return &a.Geocodes }),
	oracleText("altitude", func(a *Area) *string { return &a.Altitude }),
	oracleText("ceiling", func(a *Area) *string { return &a.Ceiling }),
}
