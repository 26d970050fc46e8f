package xmltree

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"
	"unsafe"
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
// corresponding default (DefaultMaxBytes, DefaultMaxDepth, DefaultMaxElements).
type Limits struct {
	MaxBytes    int64 // bytes read from the input, after which reading stops
	MaxDepth    int   // element nesting depth
	MaxElements int   // total number of elements
}

// Default limits, used for zero Limits fields. They are generous for CAP
// messages and feeds (the largest real samples are a few hundred
// kilobytes) while keeping time and memory bounded.
const (
	DefaultMaxBytes    = 5 << 20 // 5 MiB
	DefaultMaxDepth    = 64
	DefaultMaxElements = 200_000
)

func (l Limits) orDefault() Limits {
	if l.MaxBytes <= 0 {
		l.MaxBytes = DefaultMaxBytes
	}
	if l.MaxDepth <= 0 {
		l.MaxDepth = DefaultMaxDepth
	}
	if l.MaxElements <= 0 {
		l.MaxElements = DefaultMaxElements
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
// mark is skipped. Any <!DOCTYPE ...> fails with ErrDTD: nothing it
// declares is ever used. Reading stops after lim.MaxBytes.
func Parse(r io.Reader, lim Limits) (*Node, error) {
	lim = lim.orDefault()
	buf, err := readLimited(r, lim.MaxBytes)
	if err != nil {
		return nil, err
	}
	// buf is ours and is never written again: the tree may share it.
	return parse(buf, unsafe.String(unsafe.SliceData(buf), len(buf)), lim)
}

// ParseBytes is Parse on a byte slice. The tree does not share memory
// with buf, which the caller may change afterwards.
func ParseBytes(buf []byte, lim Limits) (*Node, error) {
	lim = lim.orDefault()
	if int64(len(buf)) > lim.MaxBytes {
		return nil, errorAt(Pos{}, ErrTooLarge, "more than %d bytes", lim.MaxBytes)
	}
	str := string(buf)
	return parse(unsafe.Slice(unsafe.StringData(str), len(str)), str, lim)
}

// readLimited reads r to the end, failing with ErrTooLarge past max bytes.
// A regular file is read into a buffer of its size.
func readLimited(r io.Reader, max int64) ([]byte, error) {
	size := int64(512)
	if f, ok := r.(interface{ Stat() (fs.FileInfo, error) }); ok {
		if st, err := f.Stat(); err == nil && st.Mode().IsRegular() {
			size = min(st.Size(), max) + 1
		}
	}
	buf := make([]byte, 0, size)
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if int64(len(buf)) > max {
			return nil, errorAt(Pos{}, ErrTooLarge, "more than %d bytes", max)
		}
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return nil, errorAt(Pos{}, err, "read")
		}
	}
}

// parse reads the document in buf; str holds the same bytes (it may share
// their memory) and is what names and text are cut from.
func parse(buf []byte, str string, lim Limits) (*Node, error) {
	if bytes.HasPrefix(buf, []byte(utf8BOM)) {
		buf, str = buf[len(utf8BOM):], str[len(utf8BOM):]
	}
	decoded, err := decodeDeclared(buf)
	if err != nil {
		return nil, err
	}
	if len(decoded) != len(buf) || (len(buf) > 0 && &decoded[0] != &buf[0]) {
		str = string(decoded)
	}
	s := &scanner{buf: decoded, str: str, lim: lim}
	root, err := s.document()
	if err != nil {
		return nil, err
	}
	if err := resolveNamespaces(root, nil); err != nil {
		return nil, err
	}
	return root, nil
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

// Error is the error Parse returns: where the problem is, what it is, and
// the sentinel (ErrSyntax, ErrDTD, ...) or I/O error it wraps.
type Error struct {
	Pos Pos // zero when the position is unknown
	Msg string
	Err error
}

func errorAt(p Pos, err error, format string, args ...any) *Error {
	return &Error{Pos: p, Msg: fmt.Sprintf(format, args...), Err: err}
}

// Error formats the error as "xml: line:col: message: cause".
func (e *Error) Error() string {
	if e.Pos.Line > 0 {
		return fmt.Sprintf("xml: %s: %s: %v", e.Pos, e.Msg, e.Err)
	}
	return fmt.Sprintf("xml: %s: %v", e.Msg, e.Err)
}

// Unwrap returns the wrapped sentinel or I/O error.
func (e *Error) Unwrap() error { return e.Err }

// resolveNamespaces turns prefixes into namespace URIs once the whole
// tree is read (so that errors can name the element's position).
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
		return errorAt(n.Pos, ErrSyntax, "undeclared namespace prefix %q", n.Name.Space)
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
				return errorAt(n.Pos, ErrSyntax, "undeclared namespace prefix %q", a.Name.Space)
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
