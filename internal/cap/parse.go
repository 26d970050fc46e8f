package cap

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/taawun/taawun/internal/cap/xmltree"
)

// Errors returned (wrapped) by Parse. The XML-level ones are shared with
// package xmltree so that errors.Is works whichever package is asked.
var (
	ErrTooLarge        = xmltree.ErrTooLarge
	ErrTooDeep         = xmltree.ErrTooDeep
	ErrTooManyElements = xmltree.ErrTooManyElements
	ErrDTD             = xmltree.ErrDTD
	ErrSyntax          = xmltree.ErrSyntax
	ErrEncoding        = xmltree.ErrEncoding
	// ErrNotCAP means the root element is not a CAP alert in a known namespace.
	ErrNotCAP = errors.New("not a CAP alert")
)

// Limits bounds the resources that parsing one message may use.
type Limits = xmltree.Limits

// DefaultLimits returns the limits Parse uses: 5 MiB, depth 64, 200,000
// elements.
func DefaultLimits() Limits {
	return Limits{MaxBytes: xmltree.DefaultMaxBytes, MaxDepth: xmltree.DefaultMaxDepth, MaxElements: xmltree.DefaultMaxElements}
}

// Parse reads one CAP 1.2, 1.1 or 1.0 alert from r with DefaultLimits.
func Parse(r io.Reader) (*Alert, error) { return ParseWithLimits(r, Limits{}) }

// ParseBytes is Parse on a byte slice.
func ParseBytes(b []byte) (*Alert, error) { return Parse(bytes.NewReader(b)) }

// ParseWithLimits reads one alert from r within lim (zero fields mean the defaults).
func ParseWithLimits(r io.Reader, lim Limits) (*Alert, error) {
	root, err := xmltree.Parse(r, lim)
	if err != nil {
		return nil, fmt.Errorf("cap: parse: %w", err)
	}
	return ParseNode(root)
}

// ParseNode builds an Alert from an already parsed <alert> element, such
// as one embedded in a feed entry or an EDXL-DE envelope.
func ParseNode(n *xmltree.Node) (*Alert, error) {
	if n.Name.Local != "alert" {
		return nil, fmt.Errorf("cap: root element is <%s> in namespace %q: %w", n.Name.Local, n.Name.Space, ErrNotCAP)
	}
	v := VersionOf(n.Name.Space)
	if v == "" {
		return nil, fmt.Errorf("cap: <alert> in unknown namespace %q: %w", n.Name.Space, ErrNotCAP)
	}
	p := &parser{ns: n.Name.Space, version: v, slab: make([]fieldPos, descendants(n))}
	a := &Alert{Version: v, Meta: Meta{Pos: n.Pos}}
	p.path = append(p.path, pathStep{name: "alert", index: -1})
	decodeChildren(p, a, n, alertFields, &a.Meta)
	a.Structure = p.issues
	return a, nil
}

type parser struct {
	ns      string
	version Version
	issues  []Issue
	slab    []fieldPos // Meta.fields of all elements are carved from it
	// path leads to the element being decoded; it is rendered only for
	// issues.
	path []pathStep
}

// pathStep is one element of parser.path.
type pathStep struct {
	name  string
	index int // -1 when the element may occur once
}

// pathString renders the path to the element being decoded, with more
// appended, e.g. alert/info[0]/area[1].
func (p *parser) pathString(more string) string {
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
func (p *parser) fields(n int) []fieldPos {
	if len(p.slab) < n {
		return make([]fieldPos, 0, n)
	}
	f := p.slab[:0:n]
	p.slab = p.slab[n:]
	return f
}

// descendants counts the elements below n: the room the Meta.fields of
// a whole alert need.
func descendants(n *xmltree.Node) int {
	k := len(n.Children)
	for _, c := range n.Children {
		k += descendants(c)
	}
	return k
}

// issue records a structural error.
func (p *parser) issue(code string, path string, pos Position, format string, args ...any) {
	p.issues = append(p.issues, Issue{Code: code, Severity: SevError, Path: path, Pos: pos, Message: fmt.Sprintf(format, args...)})
}

// field is one child element of T, listed in schema order.
type field[T any] struct {
	name  string
	multi bool
	only  Version // if set, the element exists only in this version
	set   func(p *parser, t *T, n *xmltree.Node)
}

func text[T any](name string, get func(*T) *string) field[T] {
	return field[T]{name: name, set: func(p *parser, t *T, n *xmltree.Node) {
		*get(t) = leafText(p, n)
	}}
}

func texts[T any](name string, get func(*T) *[]string) field[T] {
	return field[T]{name: name, multi: true, set: func(p *parser, t *T, n *xmltree.Node) {
		s := get(t)
		*s = append(*s, leafText(p, n))
	}}
}

func named[T any](name string, get func(*T) *[]NamedValue) field[T] {
	return field[T]{name: name, multi: true, set: func(p *parser, t *T, n *xmltree.Node) {
		nv := grow(get(t))
		nv.Meta.Pos = n.Pos
		if len(n.Children) == 0 && p.version == V10 {
			// CAP 1.0 writes these as "valueName=value".
			nv.ValueName, nv.Value, _ = strings.Cut(strings.TrimSpace(n.Text), "=")
		} else {
			decodeChildren(p, nv, n, namedValueFields, &nv.Meta)
		}
	}}
}

// grow appends a zero element to *s and returns it, to be decoded in
// place: building it aside and appending a copy would allocate it twice.
// Nothing appends to *s while the element is decoded.
func grow[E any](s *[]E) *E {
	var zero E
	*s = append(*s, zero)
	return &(*s)[len(*s)-1]
}

// elemPath names a child element for issue paths without building the
// string unless it is needed (the validator's counterpart of parser.path).
type elemPath struct {
	parent, name string
	index        int // -1 when the element may occur once
}

// String renders the path, e.g. alert/info[0]/area[1].
func (e elemPath) String() string {
	s := e.parent + "/" + e.name
	if e.index >= 0 {
		s += "[" + strconv.Itoa(e.index) + "]"
	}
	return s
}

func leafText(p *parser, n *xmltree.Node) string {
	for _, c := range n.Children {
		p.issue(RuleUnknown, p.pathString(c.Name.Local), c.Pos, "unexpected element <%s> inside <%s>", c.Name.Local, n.Name.Local)
	}
	return n.Text
}

// fieldIndex returns the index of the field called name in version v, or
// -1. Names are unique in a field list, so the search may start anywhere:
// it starts at from, the last field matched, because children mostly
// come in schema order.
func fieldIndex[T any](fields []field[T], name string, v Version, from int) int {
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
func decodeChildren[T any](p *parser, t *T, n *xmltree.Node, fields []field[T], m *Meta) {
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
		idx := fieldIndex(fields, c.Name.Local, p.version, max(last, 0))
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
			m.add(f.name, c.Pos)
			f.set(p, t, c)
		}
		p.path = p.path[:len(p.path)-1]
	}
}

var namedValueFields = []field[NamedValue]{
	text("valueName", func(v *NamedValue) *string { return &v.ValueName }),
	text("value", func(v *NamedValue) *string { return &v.Value }),
}

var alertFields = []field[Alert]{
	text("identifier", func(a *Alert) *string { return &a.Identifier }),
	text("sender", func(a *Alert) *string { return &a.Sender }),
	{name: "password", only: V10, set: func(p *parser, a *Alert, n *xmltree.Node) { a.Password = leafText(p, n) }},
	text("sent", func(a *Alert) *string { return &a.Sent }),
	text("status", func(a *Alert) *string { return &a.Status }),
	text("msgType", func(a *Alert) *string { return &a.MsgType }),
	text("source", func(a *Alert) *string { return &a.Source }),
	text("scope", func(a *Alert) *string { return &a.Scope }),
	text("restriction", func(a *Alert) *string { return &a.Restriction }),
	text("addresses", func(a *Alert) *string { return &a.Addresses }),
	texts("code", func(a *Alert) *[]string { return &a.Codes }),
	text("note", func(a *Alert) *string { return &a.Note }),
	text("references", func(a *Alert) *string { return &a.References }),
	text("incidents", func(a *Alert) *string { return &a.Incidents }),
	{name: "info", multi: true, set: func(p *parser, a *Alert, n *xmltree.Node) {
		in := grow(&a.Infos)
		in.Meta.Pos = n.Pos
		decodeChildren(p, in, n, infoFields, &in.Meta)
	}},
}

var infoFields = []field[Info]{
	text("language", func(i *Info) *string { return &i.Language }),
	texts("category", func(i *Info) *[]string { return &i.Categories }),
	text("event", func(i *Info) *string { return &i.Event }),
	texts("responseType", func(i *Info) *[]string { return &i.ResponseTypes }),
	text("urgency", func(i *Info) *string { return &i.Urgency }),
	text("severity", func(i *Info) *string { return &i.Severity }),
	text("certainty", func(i *Info) *string { return &i.Certainty }),
	text("audience", func(i *Info) *string { return &i.Audience }),
	named("eventCode", func(i *Info) *[]NamedValue { return &i.EventCodes }),
	text("effective", func(i *Info) *string { return &i.Effective }),
	text("onset", func(i *Info) *string { return &i.Onset }),
	text("expires", func(i *Info) *string { return &i.Expires }),
	text("senderName", func(i *Info) *string { return &i.SenderName }),
	text("headline", func(i *Info) *string { return &i.Headline }),
	text("description", func(i *Info) *string { return &i.Description }),
	text("instruction", func(i *Info) *string { return &i.Instruction }),
	text("web", func(i *Info) *string { return &i.Web }),
	text("contact", func(i *Info) *string { return &i.Contact }),
	named("parameter", func(i *Info) *[]NamedValue { return &i.Parameters }),
	{name: "resource", multi: true, set: func(p *parser, in *Info, n *xmltree.Node) {
		r := grow(&in.Resources)
		r.Meta.Pos = n.Pos
		decodeChildren(p, r, n, resourceFields, &r.Meta)
	}},
	{name: "area", multi: true, set: func(p *parser, in *Info, n *xmltree.Node) {
		ar := grow(&in.Areas)
		ar.Meta.Pos = n.Pos
		decodeChildren(p, ar, n, areaFields, &ar.Meta)
	}},
}

var resourceFields = []field[Resource]{
	text("resourceDesc", func(r *Resource) *string { return &r.ResourceDesc }),
	text("mimeType", func(r *Resource) *string { return &r.MimeType }),
	text("size", func(r *Resource) *string { return &r.Size }),
	text("uri", func(r *Resource) *string { return &r.URI }),
	text("derefUri", func(r *Resource) *string { return &r.DerefURI }),
	text("digest", func(r *Resource) *string { return &r.Digest }),
}

var areaFields = []field[Area]{
	text("areaDesc", func(a *Area) *string { return &a.AreaDesc }),
	texts("polygon", func(a *Area) *[]string { return &a.Polygons }),
	texts("circle", func(a *Area) *[]string { return &a.Circles }),
	named("geocode", func(a *Area) *[]NamedValue { return &a.Geocodes }),
	text("altitude", func(a *Area) *string { return &a.Altitude }),
	text("ceiling", func(a *Area) *string { return &a.Ceiling }),
}
