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

// Handler receives the elements and character data of a document from
// [Scan] or [Parser.Scan], in document order, as they are read.
type Handler interface {
	// StartElement opens an element: its name and its attributes' names
	// are resolved to namespace URIs, pos is where its start tag's '<'
	// is. attr is valid only during the call.
	StartElement(name xml.Name, attr []xml.Attr, pos Pos)
	// CharData is character data directly inside the innermost open
	// element, with references decoded and line ends normalised; an
	// element's text may come in several pieces (around comments, CDATA
	// sections and child elements). It is never empty.
	CharData(text string)
	// EndElement closes the innermost open element (an empty-element
	// tag is opened and closed at once).
	EndElement()
}

// Parse reads one XML document from r within lim. The declared encoding
// (for example ISO-8859-1 or windows-1252) is honoured; a UTF-8 byte order
// mark is skipped. Any <!DOCTYPE ...> fails with ErrDTD: nothing it
// declares is ever used. Reading stops after lim.MaxBytes.
func Parse(r io.Reader, lim Limits) (*Node, error) {
	t := newTreeBuilder(false)
	if err := Scan(r, lim, t); err != nil {
		return nil, err
	}
	return t.root, nil
}

// Scan reads one XML document from r within lim like Parse, but hands
// its elements and text to h as it reads them instead of building a
// tree. On an error, what h received is to be discarded: the document
// is well-formed only when Scan returns nil. The strings h receives stay
// valid after Scan returns.
func Scan(r io.Reader, lim Limits, h Handler) error {
	lim = lim.orDefault()
	buf, err := readLimited(r, lim.MaxBytes)
	if err != nil {
		return err
	}
	// buf is ours and is never written again: what h keeps may share it.
	return newScanner().scan(buf, unsafe.String(unsafe.SliceData(buf), len(buf)), lim, h)
}

// ParseBytes is Parse on a byte slice. The tree does not share memory
// with buf, which the caller may change afterwards.
func ParseBytes(buf []byte, lim Limits) (*Node, error) {
	lim = lim.orDefault()
	if int64(len(buf)) > lim.MaxBytes {
		return nil, errorAt(Pos{}, ErrTooLarge, "more than %d bytes", lim.MaxBytes)
	}
	str := string(buf)
	t := newTreeBuilder(false)
	if err := newScanner().scan(unsafe.Slice(unsafe.StringData(str), len(str)), str, lim, t); err != nil {
		return nil, err
	}
	return t.root, nil
}

// Parser reads documents one after another and reuses its memory from
// one document to the next: a batch of many small documents then makes
// little garbage. The tree Parse returns, and every string in it, is
// valid only until the next call; it also shares the memory of buf,
// which must stay unchanged until then. The strings Scan hands over
// share buf's memory likewise. The zero Parser is ready to use; it must
// not be used by two goroutines at once.
type Parser struct {
	s    *scanner
	tree *treeBuilder
}

// Parse reads the document in buf within lim, like the function Parse.
func (p *Parser) Parse(buf []byte, lim Limits) (*Node, error) {
	if p.tree == nil {
		p.tree = newTreeBuilder(true)
	}
	p.tree.reset()
	if err := p.Scan(buf, lim, p.tree); err != nil {
		return nil, err
	}
	return p.tree.root, nil
}

// Scan reads the document in buf within lim, like the function Scan.
func (p *Parser) Scan(buf []byte, lim Limits, h Handler) error {
	lim = lim.orDefault()
	if int64(len(buf)) > lim.MaxBytes {
		return errorAt(Pos{}, ErrTooLarge, "more than %d bytes", lim.MaxBytes)
	}
	if p.s == nil {
		p.s = newScanner()
	}
	return p.s.scan(buf, unsafe.String(unsafe.SliceData(buf), len(buf)), lim, h)
}

// ReadFile reads the named file, refusing more than lim.MaxBytes with
// ErrTooLarge, into buf's memory when it is large enough (else into a new
// buffer) and returns the bytes read. A batch of files can so be read
// through one buffer: pass back the slice returned for the previous file.
// Failing to open or read the file returns an *fs.PathError; a directory
// is refused.
func ReadFile(name string, buf []byte, lim Limits) ([]byte, error) {
	lim = lim.orDefault()
	f, info, err := openRead(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if info.dir {
		return nil, fmt.Errorf("%s is a directory", name)
	}
	size := int64(-1)
	if info.regular {
		size = info.size
		if size > lim.MaxBytes {
			return nil, errorAt(Pos{}, ErrTooLarge, "more than %d bytes", lim.MaxBytes)
		}
	}
	buf = buf[:0]
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, make([]byte, max(size+1-int64(len(buf)), 512))...)[:len(buf)]
		}
		n, err := f.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if int64(len(buf)) > lim.MaxBytes {
			return nil, errorAt(Pos{}, ErrTooLarge, "more than %d bytes", lim.MaxBytes)
		}
		switch {
		case err == io.EOF:
			return buf, nil
		case err != nil:
			return nil, err
		case int64(len(buf)) == size && len(buf) < cap(buf):
			// A regular file that gave all its stat size when asked for
			// more is at its end: skip the read that would say so.
			return buf, nil
		}
	}
}

// fileInfo is what ReadFile needs to know of an open file.
type fileInfo struct {
	dir, regular bool
	size         int64
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

// scan reads the document in buf, reporting to h; str holds the same
// bytes (it may share their memory) and is what names and text are cut
// from.
func (s *scanner) scan(buf []byte, str string, lim Limits, h Handler) error {
	if bytes.HasPrefix(buf, []byte(utf8BOM)) {
		buf, str = buf[len(utf8BOM):], str[len(utf8BOM):]
	}
	decoded, err := decodeDeclared(buf)
	if err != nil {
		return err
	}
	if len(decoded) != len(buf) || (len(buf) > 0 && &decoded[0] != &buf[0]) {
		str = string(decoded)
	}
	s.reset(decoded, str, lim)
	return s.document(h)
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

// nsScope is the namespaces in scope: the default one, and the prefixed
// ones (nil when none is declared).
type nsScope struct {
	def      string
	prefixes map[string]string
}
