package xmltree

import (
	"bufio"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"

	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/transform"
)

// Sentinel errors returned (wrapped) by [Parse]; test for them with errors.Is.
var (
	// ErrTooLarge means the input exceeded Limits.MaxBytes.
	ErrTooLarge = errors.New("document too large")
	// ErrTooDeep means elements nested deeper than Limits.MaxDepth.
	ErrTooDeep = errors.New("elements nested too deeply")
	// ErrTooManyElements means the document has more than Limits.MaxElements elements.
	ErrTooManyElements = errors.New("too many elements")
	// ErrDTD means the document contains a document type declaration;
	// DTDs and entity declarations are never processed.
	ErrDTD = errors.New("document type declarations (DTD) and entities are not allowed")
	// ErrSyntax means the input is not well-formed XML.
	ErrSyntax = errors.New("malformed XML")
	// ErrEncoding means the declared character encoding is unknown or unsupported.
	ErrEncoding = errors.New("unsupported character encoding")
	// ErrEmpty means the input holds no root element.
	ErrEmpty = errors.New("no root element")
)

// Limits bound the resources one document may use. A zero field means the
// corresponding field of [DefaultLimits].
type Limits struct {
	MaxBytes    int64 // bytes read from the input, after which reading stops
	MaxDepth    int   // element nesting depth
	MaxElements int   // total number of elements
}

// DefaultLimits are generous for CAP messages and feeds (the largest real
// samples are a few hundred kilobytes) while keeping memory bounded.
var DefaultLimits = Limits{MaxBytes: 16 << 20, MaxDepth: 64, MaxElements: 200_000}

func (l Limits) orDefault() Limits {
	if l.MaxBytes <= 0 {
		l.MaxBytes = DefaultLimits.MaxBytes
	}
	if l.MaxDepth <= 0 {
		l.MaxDepth = DefaultLimits.MaxDepth
	}
	if l.MaxElements <= 0 {
		l.MaxElements = DefaultLimits.MaxElements
	}
	return l
}

// Pos is a 1-based line and column in the source document.
type Pos struct {
	Line int `json:"line"`
	Col  int `json:"col"`
}

// String formats the position as "line:col".
func (p Pos) String() string { return fmt.Sprintf("%d:%d", p.Line, p.Col) }

// Node is one element: its name, attributes, character data and children.
type Node struct {
	Name     xml.Name
	Attr     []xml.Attr
	Text     string // concatenated character data directly inside the element
	Children []*Node
	Pos      Pos // position of the start tag's '<'
}

// AttrValue returns the value of the attribute with the given local name
// (in any namespace) and whether it was present.
func (n *Node) AttrValue(local string) (string, bool) {
	for _, a := range n.Attr {
		if a.Name.Local == local && a.Name.Space != "xmlns" {
			return a.Value, true
		}
	}
	return "", false
}

// Child returns the first child with the given namespace and local name,
// or nil (also when n is nil).
func (n *Node) Child(space, local string) *Node {
	if n == nil {
		return nil
	}
	for _, c := range n.Children {
		if c.Name.Local == local && c.Name.Space == space {
			return c
		}
	}
	return nil
}

// Parse reads one XML document from r within lim. The declared encoding
// (for example ISO-8859-1 or windows-1252) is honoured; a UTF-8 byte order
// mark is skipped. Any <!DOCTYPE ...> fails with ErrDTD before anything it
// declares could be used.
func Parse(r io.Reader, lim Limits) (*Node, error) {
	lim = lim.orDefault()
	lr := &limitReader{r: r, left: lim.MaxBytes, limit: lim.MaxBytes}
	br := bufio.NewReader(lr)
	if b, _ := br.Peek(len(utf8BOM)); string(b) == utf8BOM {
		br.Discard(len(utf8BOM))
	}
	d := xml.NewDecoder(br)
	d.Strict = true
	d.CharsetReader = charsetReader
	var (
		root     *Node
		stack    []*Node
		text     [][]byte
		elements int
	)
	for {
		startLine, startCol := d.InputPos()
		tok, err := d.RawToken()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, wrapErr(lr, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			elements++
			if elements > lim.MaxElements {
				return nil, fmt.Errorf("xml: more than %d elements at %d:%d: %w", lim.MaxElements, startLine, startCol, ErrTooManyElements)
			}
			if len(stack) >= lim.MaxDepth {
				return nil, fmt.Errorf("xml: depth over %d at %d:%d: %w", lim.MaxDepth, startLine, startCol, ErrTooDeep)
			}
			if root != nil && len(stack) == 0 {
				return nil, fmt.Errorf("xml: second root element <%s> at %d:%d: %w", t.Name.Local, startLine, startCol, ErrSyntax)
			}
			n := &Node{Name: t.Name, Attr: t.Copy().Attr, Pos: Pos{startLine, startCol}}
			if len(stack) == 0 {
				root = n
			} else {
				p := stack[len(stack)-1]
				p.Children = append(p.Children, n)
			}
			stack = append(stack, n)
			text = append(text, nil)
		case xml.EndElement:
			if len(stack) == 0 {
				return nil, fmt.Errorf("xml: unexpected end tag at %d:%d: %w", startLine, startCol, ErrSyntax)
			}
			n := stack[len(stack)-1]
			if n.Name != t.Name {
				return nil, fmt.Errorf("xml: end tag </%s> at %d:%d does not match <%s> at %s: %w", rawName(t.Name), startLine, startCol, rawName(n.Name), n.Pos, ErrSyntax)
			}
			n.Text = string(text[len(text)-1])
			stack = stack[:len(stack)-1]
			text = text[:len(text)-1]
		case xml.CharData:
			if len(stack) == 0 {
				if len(bytes.TrimSpace(t)) > 0 {
					return nil, fmt.Errorf("xml: text outside the root element at %d:%d: %w", startLine, startCol, ErrSyntax)
				}
				continue
			}
			text[len(text)-1] = append(text[len(text)-1], t...)
		case xml.Directive:
			return nil, fmt.Errorf("xml: <!%s> at %d:%d: %w", firstWord(t), startLine, startCol, ErrDTD)
		}
	}
	if len(stack) != 0 {
		return nil, fmt.Errorf("xml: unexpected end of input inside <%s>: %w", stack[len(stack)-1].Name.Local, ErrSyntax)
	}
	if root == nil {
		if lr.err != nil {
			return nil, wrapErr(lr, lr.err)
		}
		return nil, fmt.Errorf("xml: %w", ErrEmpty)
	}
	if err := resolveNamespaces(root, nil); err != nil {
		return nil, err
	}
	return root, nil
}

func rawName(n xml.Name) string {
	if n.Space == "" {
		return n.Local
	}
	return n.Space + ":" + n.Local
}

func firstWord(b []byte) string {
	s := string(b)
	if i := strings.IndexAny(s, " \t\r\n["); i >= 0 {
		s = s[:i]
	}
	if len(s) > 20 {
		s = s[:20]
	}
	return s
}

func wrapErr(lr *limitReader, err error) error {
	if lr.exceeded {
		return fmt.Errorf("xml: more than %d bytes: %w", lr.limit, ErrTooLarge)
	}
	if errors.Is(err, ErrEncoding) {
		return fmt.Errorf("xml: %w", err)
	}
	var se *xml.SyntaxError
	if errors.As(err, &se) {
		return fmt.Errorf("xml: line %d: %s: %w", se.Line, se.Msg, ErrSyntax)
	}
	if err == io.ErrUnexpectedEOF {
		return fmt.Errorf("xml: unexpected end of input: %w", ErrSyntax)
	}
	return fmt.Errorf("xml: %w", err)
}

// resolveNamespaces turns prefixes into namespace URIs (RawToken leaves
// them unresolved so that we can report positions before resolution).
func resolveNamespaces(n *Node, scope map[string]string) error {
	var local map[string]string
	for _, a := range n.Attr {
		switch {
		case a.Name.Space == "" && a.Name.Local == "xmlns":
			local = extend(local, scope)
			local[""] = a.Value
		case a.Name.Space == "xmlns":
			local = extend(local, scope)
			local[a.Name.Local] = a.Value
		}
	}
	if local != nil {
		scope = local
	}
	uri, ok := scope[n.Name.Space]
	if n.Name.Space != "" && !ok {
		return fmt.Errorf("xml: undeclared namespace prefix %q at %s: %w", n.Name.Space, n.Pos, ErrSyntax)
	}
	n.Name.Space = uri
	for i, a := range n.Attr {
		switch a.Name.Space {
		case "", "xmlns":
		case "xml":
			n.Attr[i].Name.Space = "http://www.w3.org/XML/1998/namespace"
		default:
			u, ok := scope[a.Name.Space]
			if !ok {
				return fmt.Errorf("xml: undeclared namespace prefix %q at %s: %w", a.Name.Space, n.Pos, ErrSyntax)
			}
			n.Attr[i].Name.Space = u
		}
	}
	for _, c := range n.Children {
		if err := resolveNamespaces(c, scope); err != nil {
			return err
		}
	}
	return nil
}

func extend(local, scope map[string]string) map[string]string {
	if local != nil {
		return local
	}
	m := make(map[string]string, len(scope)+1)
	for k, v := range scope {
		m[k] = v
	}
	return m
}

func charsetReader(label string, in io.Reader) (io.Reader, error) {
	enc, err := htmlindex.Get(label)
	if err != nil {
		return nil, fmt.Errorf("encoding %q: %w", label, ErrEncoding)
	}
	return transform.NewReader(in, enc.NewDecoder()), nil
}

const utf8BOM = "\xef\xbb\xbf"

// limitReader stops after left bytes and remembers that it did.
type limitReader struct {
	r        io.Reader
	left     int64
	limit    int64
	exceeded bool
	err      error
}

// Read implements io.Reader within the byte limit.
func (l *limitReader) Read(p []byte) (int, error) {
	if l.left <= 0 {
		l.exceeded = true
		l.err = ErrTooLarge
		return 0, ErrTooLarge
	}
	if int64(len(p)) > l.left {
		p = p[:l.left]
	}
	n, err := l.r.Read(p)
	l.left -= int64(n)
	if err != nil && err != io.EOF {
		l.err = err
	}
	if l.left <= 0 && err == nil {
		// Probe whether more input follows: a document exactly at the
		// limit is fine, one byte more is not.
		var one [1]byte
		m, perr := l.r.Read(one[:])
		if m > 0 {
			l.exceeded = true
			l.err = ErrTooLarge
			return n, nil
		}
		if perr == io.EOF {
			return n, io.EOF
		}
	}
	return n, err
}
