package cap

import (
	"bytes"
	"cmp"
	"encoding/xml"
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
	d := newDecoder()
	return d.result(xmltree.Scan(r, lim, d))
}

// ParseNode builds an Alert from an already parsed <alert> element, such
// as one embedded in a feed entry or an EDXL-DE envelope.
func ParseNode(n *xmltree.Node) (*Alert, error) {
	d := newDecoder()
	n.Replay(d)
	return d.result(nil)
}

// Decoder parses alerts one after another, reusing the tokeniser's
// memory and the previous alert's: a batch of many files makes next to
// no garbage. An alert it returns is valid only until the next call.
// The zero Decoder is ready to use; it must not be used by two
// goroutines at once.
type Decoder struct {
	xml xmltree.Parser
	d   decoder
}

// Decode parses the alert in buf within lim, like ParseWithLimits. The
// alert shares memory with buf, which must stay unchanged while the
// alert is in use; its lists may be empty rather than nil.
func (dec *Decoder) Decode(buf []byte, lim Limits) (*Alert, error) {
	dec.d.reset()
	return dec.d.result(dec.xml.Scan(buf, lim, &dec.d))
}

// decoder is the xmltree.Handler that builds an Alert as the tokeniser
// reads the document (or as ParseNode replays a tree): there is no tree
// in between. Each open element is a frame: a CAP element with child
// elements (alert, info, resource, area and the named values), a leaf
// whose text is a field, or an element to skip (unknown, misplaced or
// inside a leaf).
type decoder struct {
	a       *Alert
	spare   *Alert // the previous alert, whose memory a Decoder reuses
	err     error  // the root is not a CAP alert
	ns      string
	version Version
	issues  []Issue
	// path leads to the innermost open element that is decoded; it is
	// rendered only for issues.
	path   []pathStep
	open   []frame
	kids   []fieldPos // child positions of the open elements, moved to their Meta when they close
	counts []uint32   // occurrences of each field of the open elements with children
	texts  []string   // text pieces of the open leaves
	slab   []fieldPos // Meta.fields are carved from it
}

// newDecoder returns a decoder with room for the usual alert.
func newDecoder() *decoder {
	return &decoder{path: make([]pathStep, 0, 8), open: make([]frame, 0, 8), kids: make([]fieldPos, 0, 64),
		counts: make([]uint32, 0, 64), texts: make([]string, 0, 8)}
}

// frameKind tells how an open element is decoded.
type frameKind uint8

const (
	frameSkip   frameKind = iota // ignored with everything inside it
	frameStruct                  // has child elements listed in fields
	frameLeaf                    // its text goes to dst
)

// frame is an open element.
type frame struct {
	kind   frameKind
	name   string // local name, for messages
	dst    *string
	obj    any // *Alert, *Info, ... for frameStruct
	fields *[]field
	meta   *Meta
	// named marks a named value (eventCode, parameter, geocode), which
	// CAP 1.0 writes as text "valueName=value" when it has no children.
	named, hasKids      bool
	last                int // index in fields of the last child placed
	kids, counts, texts int // where its entries start in decoder.kids, .counts and .texts
}

// reset prepares d for another document, whose alert will reuse the
// memory of the previous one.
func (d *decoder) reset() {
	clear(d.texts[:cap(d.texts)]) // drop the previous document's strings
	*d = decoder{spare: cmp.Or(d.a, d.spare), issues: d.issues[:0],
		path: d.path[:0], open: d.open[:0], kids: d.kids[:0], counts: d.counts[:0], texts: d.texts[:0]}
}

// result returns the alert, or the error: the tokeniser's, else the
// root's.
func (d *decoder) result(err error) (*Alert, error) {
	switch {
	case err != nil:
		return nil, fmt.Errorf("cap: parse: %w", err)
	case d.err != nil:
		return nil, d.err
	}
	if len(d.issues) > 0 {
		d.a.Structure = d.issues
	}
	return d.a, nil
}

// StartElement opens an element.
func (d *decoder) StartElement(name xml.Name, _ []xml.Attr, pos Position) {
	if len(d.open) == 0 {
		d.root(name, pos)
		return
	}
	top := &d.open[len(d.open)-1]
	switch top.kind {
	case frameStruct:
		top.hasKids = true
		d.child(top, name, pos)
		return
	case frameLeaf:
		d.issue(RuleUnknown, d.pathString(name.Local), pos, "unexpected element <%s> inside <%s>", name.Local, top.name)
	}
	d.open = append(d.open, frame{kind: frameSkip})
}

// CharData keeps the text of leaves and of named values.
func (d *decoder) CharData(text string) {
	top := &d.open[len(d.open)-1]
	if top.kind == frameLeaf || top.named && d.version == V10 {
		d.texts = append(d.texts, text)
	}
}

// EndElement closes the innermost open element.
func (d *decoder) EndElement() {
	f := &d.open[len(d.open)-1]
	switch f.kind {
	case frameLeaf:
		*f.dst = d.text(f)
		d.path = d.path[:len(d.path)-1]
	case frameStruct:
		if f.named && !f.hasKids && d.version == V10 {
			// CAP 1.0 writes these as "valueName=value".
			nv := f.obj.(*NamedValue)
			nv.ValueName, nv.Value, _ = strings.Cut(strings.TrimSpace(d.text(f)), "=")
		}
		d.texts = d.texts[:f.texts]
		if kids := d.kids[f.kids:]; len(kids) > 0 {
			if cap(f.meta.fields) < len(kids) {
				f.meta.fields = d.fieldList(len(kids))
			}
			f.meta.fields = append(f.meta.fields[:0], kids...)
			d.kids = d.kids[:f.kids]
		}
		d.counts = d.counts[:f.counts]
		d.path = d.path[:len(d.path)-1]
	}
	d.open = d.open[:len(d.open)-1]
}

// text returns the text of the leaf or named value f, and drops its
// pieces.
func (d *decoder) text(f *frame) string {
	pieces := d.texts[f.texts:]
	d.texts = d.texts[:f.texts]
	switch len(pieces) {
	case 0:
		return ""
	case 1:
		return pieces[0]
	}
	return strings.Join(pieces, "")
}

// root opens the root element, which must be a CAP alert.
func (d *decoder) root(name xml.Name, pos Position) {
	v := VersionOf(name.Space)
	switch {
	case name.Local != "alert":
		d.err = fmt.Errorf("cap: root element is <%s> in namespace %q: %w", name.Local, name.Space, ErrNotCAP)
	case v == "":
		d.err = fmt.Errorf("cap: <alert> in unknown namespace %q: %w", name.Space, ErrNotCAP)
	default:
		d.ns, d.version = name.Space, v
		if d.a = d.spare; d.a != nil {
			d.a.recycle()
		} else {
			d.a = new(Alert)
		}
		d.a.Version, d.a.Meta.Pos = v, pos
		d.openStruct("alert", d.a, &alertFields, &d.a.Meta, pathStep{name: "alert", index: -1})
		return
	}
	d.open = append(d.open, frame{kind: frameSkip}) // read to the end: a malformed document is reported as such
}

// child opens an element inside the CAP element top.
func (d *decoder) child(top *frame, name xml.Name, pos Position) {
	fields := *top.fields
	if name.Space != d.ns {
		if name.Space == NSDSig && name.Local == "Signature" && top.obj == any(d.a) {
			d.a.Signatures++
			top.last = len(fields)
		} else {
			d.issue(RuleForeign, d.pathString(name.Local), pos, "element <%s> from namespace %q is not allowed here", name.Local, name.Space)
		}
		d.open = append(d.open, frame{kind: frameSkip})
		return
	}
	idx := fieldIndex(fields, name.Local, d.version, max(top.last, 0))
	if idx < 0 {
		d.issue(RuleUnknown, d.pathString(name.Local), pos, "unknown element <%s> in <%s>", name.Local, top.name)
		d.open = append(d.open, frame{kind: frameSkip})
		return
	}
	f := &fields[idx]
	k := int(d.counts[top.counts+idx])
	d.counts[top.counts+idx]++
	at := pathStep{name: f.name, index: -1}
	if f.multi {
		at.index = k
	}
	if k > 0 && !f.multi {
		d.path = append(d.path, at)
		d.issue(RuleRepeated, d.pathString(""), pos, "<%s> may occur only once in <%s>", f.name, top.name)
		d.path = d.path[:len(d.path)-1]
		d.open = append(d.open, frame{kind: frameSkip})
		return
	}
	if idx < top.last && d.version != V10 {
		d.path = append(d.path, at)
		d.issue(RuleOrder, d.pathString(""), pos, "<%s> is out of order in <%s>", f.name, top.name)
		d.path = d.path[:len(d.path)-1]
	}
	top.last = max(top.last, idx)
	d.kids = append(d.kids, fieldPos{f.name, pos})
	f.open(d, top.obj, pos, at) // top is not used after: open may move d.open
}

// openLeaf opens a leaf whose text goes to dst.
func (d *decoder) openLeaf(name string, dst *string, at pathStep) {
	d.path = append(d.path, at)
	d.open = append(d.open, frame{kind: frameLeaf, name: name, dst: dst, texts: len(d.texts)})
}

// openStruct opens a CAP element with child elements, decoded into obj.
func (d *decoder) openStruct(name string, obj any, fields *[]field, m *Meta, at pathStep) {
	d.path = append(d.path, at)
	d.open = append(d.open, frame{kind: frameStruct, name: name, obj: obj, fields: fields, meta: m, last: -1,
		kids: len(d.kids), counts: len(d.counts), texts: len(d.texts)})
	for range *fields {
		d.counts = append(d.counts, 0)
	}
}

// pathStep is one element of decoder.path.
type pathStep struct {
	name  string
	index int // -1 when the element may occur once
}

// pathString renders the path to the element being decoded, with more
// appended, e.g. alert/info[0]/area[1].
func (d *decoder) pathString(more string) string {
	var b strings.Builder
	for i, s := range d.path {
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

// fieldList returns a list of n child positions. Lists are carved from
// one slab with their capacity capped, so that appending to one never
// writes into a neighbour's.
func (d *decoder) fieldList(n int) []fieldPos {
	if n > 32 {
		return make([]fieldPos, n)
	}
	if len(d.slab) < n {
		d.slab = make([]fieldPos, 128)
	}
	f := d.slab[:n:n]
	d.slab = d.slab[n:]
	return f
}

// issue records a structural error.
func (d *decoder) issue(code string, path string, pos Position, format string, args ...any) {
	d.issues = append(d.issues, Issue{Code: code, Severity: SevError, Path: path, Pos: pos, Message: fmt.Sprintf(format, args...)})
}

// field is one child element of a CAP element, listed in schema order.
type field struct {
	name  string
	multi bool
	only  Version // if set, the element exists only in this version
	// open opens the element found at pos in the parent obj (a *T of the
	// list's element type); at is its path step.
	open func(d *decoder, obj any, pos Position, at pathStep)
}

func text[T any](name string, get func(*T) *string) field {
	return field{name: name, open: func(d *decoder, obj any, _ Position, at pathStep) {
		d.openLeaf(name, get(obj.(*T)), at)
	}}
}

func texts[T any](name string, get func(*T) *[]string) field {
	return field{name: name, multi: true, open: func(d *decoder, obj any, _ Position, at pathStep) {
		d.openLeaf(name, grow(get(obj.(*T)), clearString), at)
	}}
}

func named[T any](name string, get func(*T) *[]NamedValue) field {
	return field{name: name, multi: true, open: func(d *decoder, obj any, pos Position, at pathStep) {
		nv := grow(get(obj.(*T)), (*NamedValue).recycle)
		nv.Meta.Pos = pos
		d.openStruct(name, nv, &namedValueFields, &nv.Meta, at)
		d.open[len(d.open)-1].named = true
	}}
}

// only restricts f to version v.
func only(v Version, f field) field {
	f.only = v
	return f
}

// elements is a repeated child element with children of its own.
func elements[T, E any](name string, get func(*T) *[]E, recycle func(*E), meta func(*E) *Meta, fields *[]field) field {
	return field{name: name, multi: true, open: func(d *decoder, obj any, pos Position, at pathStep) {
		e := grow(get(obj.(*T)), recycle)
		m := meta(e)
		m.Pos = pos
		d.openStruct(name, e, fields, m, at)
	}}
}

// grow appends an empty element to *s and returns it, to be decoded in
// place: building it aside and appending a copy would allocate it twice.
// Nothing appends to *s while the element is decoded. Within the
// capacity of *s, the element left there by a previous document is
// emptied with recycle, which keeps the memory of its lists.
func grow[E any](s *[]E, recycle func(*E)) *E {
	if len(*s) < cap(*s) {
		*s = (*s)[:len(*s)+1]
		e := &(*s)[len(*s)-1]
		recycle(e)
		return e
	}
	var zero E
	*s = append(*s, zero)
	return &(*s)[len(*s)-1]
}

func clearString(s *string) { *s = "" }

// recycle empties a for another document, keeping the memory of its
// lists, and of theirs, to be filled again (see Decoder).
func (a *Alert) recycle() {
	*a = Alert{Codes: a.Codes[:0], Infos: a.Infos[:0], Meta: a.Meta.recycled()}
}

func (in *Info) recycle() {
	*in = Info{Categories: in.Categories[:0], ResponseTypes: in.ResponseTypes[:0], EventCodes: in.EventCodes[:0],
		Parameters: in.Parameters[:0], Resources: in.Resources[:0], Areas: in.Areas[:0], Meta: in.Meta.recycled()}
}

func (r *Resource) recycle() { *r = Resource{Meta: r.Meta.recycled()} }

func (ar *Area) recycle() {
	*ar = Area{Polygons: ar.Polygons[:0], Circles: ar.Circles[:0], Geocodes: ar.Geocodes[:0], Meta: ar.Meta.recycled()}
}

func (nv *NamedValue) recycle() { *nv = NamedValue{Meta: nv.Meta.recycled()} }

func (m *Meta) recycled() Meta { return Meta{fields: m.fields[:0]} }

// elemPath names a child element for issue paths without building the
// string unless it is needed (the validator's counterpart of decoder.path).
type elemPath struct {
	parent, name string
	index        int // -1 when the element may occur once
}

// String renders the path, e.g. alert/info[0]/area[1].
func (e elemPath) String() string {
	if e.index < 0 {
		return e.parent + "/" + e.name
	}
	return e.parent + "/" + e.name + "[" + strconv.Itoa(e.index) + "]" // one allocation
}

// fieldIndex returns the index of the field called name in version v, or
// -1. Names are unique in a field list, so the search may start anywhere:
// it starts at from, the last field matched, because children mostly
// come in schema order.
func fieldIndex(fields []field, name string, v Version, from int) int {
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

var namedValueFields = []field{
	text("valueName", func(v *NamedValue) *string { return &v.ValueName }),
	text("value", func(v *NamedValue) *string { return &v.Value }),
}

var alertFields = []field{
	text("identifier", func(a *Alert) *string { return &a.Identifier }),
	text("sender", func(a *Alert) *string { return &a.Sender }),
	only(V10, text("password", func(a *Alert) *string { return &a.Password })),
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
	elements("info", func(a *Alert) *[]Info { return &a.Infos }, (*Info).recycle, func(i *Info) *Meta { return &i.Meta }, &infoFields),
}

var infoFields = []field{
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
	elements("resource", func(i *Info) *[]Resource { return &i.Resources }, (*Resource).recycle, func(r *Resource) *Meta { return &r.Meta }, &resourceFields),
	elements("area", func(i *Info) *[]Area { return &i.Areas }, (*Area).recycle, func(a *Area) *Meta { return &a.Meta }, &areaFields),
}

var resourceFields = []field{
	text("resourceDesc", func(r *Resource) *string { return &r.ResourceDesc }),
	text("mimeType", func(r *Resource) *string { return &r.MimeType }),
	text("size", func(r *Resource) *string { return &r.Size }),
	text("uri", func(r *Resource) *string { return &r.URI }),
	text("derefUri", func(r *Resource) *string { return &r.DerefURI }),
	text("digest", func(r *Resource) *string { return &r.Digest }),
}

var areaFields = []field{
	text("areaDesc", func(a *Area) *string { return &a.AreaDesc }),
	texts("polygon", func(a *Area) *[]string { return &a.Polygons }),
	texts("circle", func(a *Area) *[]string { return &a.Circles }),
	named("geocode", func(a *Area) *[]NamedValue { return &a.Geocodes }),
	text("altitude", func(a *Area) *string { return &a.Altitude }),
	text("ceiling", func(a *Area) *string { return &a.Ceiling }),
}
