package xmltree

import (
	"bytes"
	"encoding/binary"
	"encoding/xml"
	"strings"
	"unicode"
	"unicode/utf8"
	"unsafe"

	"golang.org/x/text/encoding/htmlindex"
)

const utf8BOM = "\xef\xbb\xbf"

// decodeDeclared reads the XML declaration, if any, and converts the rest
// of the document to UTF-8 when the declaration names another encoding.
func decodeDeclared(buf []byte) ([]byte, error) {
	if len(buf) < 6 || !bytes.HasPrefix(buf, []byte("<?xml")) || !isSpace(buf[5]) {
		return buf, nil
	}
	end := bytes.Index(buf, []byte("?>"))
	if end < 0 {
		return nil, errorAt(Pos{1, 1}, ErrSyntax, "unterminated XML declaration")
	}
	decl := string(buf[5:end])
	if v, ok := pseudoAttr(decl, "version"); ok && v != "1.0" {
		return nil, errorAt(Pos{1, 1}, ErrSyntax, "unsupported XML version %q; only 1.0 is supported", v)
	}
	enc, ok := pseudoAttr(decl, "encoding")
	if !ok || strings.EqualFold(enc, "utf-8") {
		return buf, nil
	}
	e, err := htmlindex.Get(enc)
	if err != nil {
		return nil, errorAt(Pos{1, 1}, ErrEncoding, "declared encoding %q", enc)
	}
	rest, err := e.NewDecoder().Bytes(buf[end+2:])
	if err != nil {
		return nil, errorAt(Pos{1, 1}, ErrEncoding, "decode %s: %v", enc, err)
	}
	return append(buf[:end+2:end+2], rest...), nil
}

// pseudoAttr finds name = "value" (or 'value') in an XML declaration.
func pseudoAttr(decl, name string) (string, bool) {
	for i := 0; ; {
		k := strings.Index(decl[i:], name)
		if k < 0 {
			return "", false
		}
		j := i + k + len(name)
		for j < len(decl) && isSpace(decl[j]) {
			j++
		}
		if j < len(decl) && decl[j] == '=' {
			j++
			for j < len(decl) && isSpace(decl[j]) {
				j++
			}
			if j < len(decl) && (decl[j] == '"' || decl[j] == '\'') {
				if e := strings.IndexByte(decl[j+1:], decl[j]); e >= 0 {
					return decl[j+1 : j+1+e], true
				}
			}
			return "", false
		}
		i += k + len(name)
	}
}

func isSpace(b byte) bool { return b == ' ' || b == '\t' || b == '\n' || b == '\r' }

func isNameByte(b byte) bool {
	return 'A' <= b && b <= 'Z' || 'a' <= b && b <= 'z' || '0' <= b && b <= '9' ||
		b == '_' || b == ':' || b == '.' || b == '-'
}

// isName checks an XML name: ASCII quickly, other characters by Unicode
// class (letters first; letters, digits, marks and extenders after).
func isName(b []byte) bool {
	if len(b) == 0 {
		return false
	}
	for i := 0; i < len(b); {
		c := b[i]
		if c < utf8.RuneSelf {
			if i == 0 && (c >= '0' && c <= '9' || c == '.' || c == '-') {
				return false
			}
			i++
			continue
		}
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size == 1 {
			return false
		}
		ok := unicode.IsLetter(r) || r == '_'
		if i > 0 {
			ok = ok || unicode.IsDigit(r) || unicode.In(r, unicode.Mn, unicode.Mc, unicode.Lm) || r == '\u00B7'
		}
		if !ok {
			return false
		}
		i += size
	}
	return true
}

func isInCharacterRange(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D ||
		r >= 0x20 && r <= 0xD7FF ||
		r >= 0xE000 && r <= 0xFFFD ||
		r >= 0x10000 && r <= 0x10FFFF
}

// Classes of bytes in character data, for chars.
const (
	charPlain   = iota // printable ASCII, tab, line feed
	charAmp            // '&' starts a reference
	charBracket        // ']' may start "]]>"
	charCR             // carriage return, normalised to line feed
	charControl        // other C0 controls: not allowed in XML
	charHigh           // start of a multi-byte UTF-8 sequence (or invalid)
)

// charClass maps each byte to its class. It is a constant table.
var charClass = func() (t [256]uint8) {
	for b := range 256 {
		switch {
		case b == '&':
			t[b] = charAmp
		case b == ']':
			t[b] = charBracket
		case b == '\r':
			t[b] = charCR
		case b == '\t' || b == '\n':
			t[b] = charPlain
		case b < 0x20:
			t[b] = charControl
		case b >= utf8.RuneSelf:
			t[b] = charHigh
		}
	}
	return t
}()

// Bit patterns for testing eight bytes of a little-endian word at once.
const (
	ones  = 0x0101010101010101
	highs = 0x8080808080808080
)

// plain8 reports whether the eight bytes packed in w are all printable
// ASCII other than '&' and ']' (class charPlain without tab and line
// feed, which take the byte-by-byte path). Each test below is exact: a
// byte that borrows can only make a higher byte look special when a
// lower one already is.
func plain8(w uint64) bool {
	// Each term sets a byte's high bit when: the byte is non-ASCII (w
	// itself); it is below 0x20; it is zero after xor with '&' or ']'.
	amp := w ^ (ones * '&')
	bracket := w ^ (ones * ']')
	found := w | (w-ones*0x20)&^w | (amp-ones)&^amp | (bracket-ones)&^bracket
	return found&highs == 0
}

// scanner tokenises a UTF-8 document held in memory and builds the tree.
type scanner struct {
	buf      []byte
	str      string // buf as a string: names and text are substrings of it
	i        int
	lim      Limits
	elements int
	// position cache: line number and line start at offset scanned
	line, lineStart, scanned int

	// Open elements and, above them, the children and text segments of
	// each open element. When an element closes, its children and text
	// are moved out of the shared stacks into exact-size blocks carved
	// from the slabs below.
	stack []frame
	kids  []*Node
	segs  []string

	nodes    slabs[Node]
	kidLists slabs[*Node]
	texts    slabs[byte]
}

// newScanner returns a scanner; with reuse, the memory of one document's
// tree is used again for the next (see Parser).
func newScanner(reuse bool) *scanner {
	return &scanner{
		stack:    make([]frame, 0, 16),
		kids:     make([]*Node, 0, 64),
		segs:     make([]string, 0, 64),
		nodes:    slabs[Node]{size: 64, reuse: reuse},
		kidLists: slabs[*Node]{size: 128, reuse: reuse},
		texts:    slabs[byte]{size: 2048, reuse: reuse},
	}
}

// reset prepares the scanner for the document in buf; str holds the
// same bytes and is what names and text are cut from.
func (s *scanner) reset(buf []byte, str string, lim Limits) {
	s.buf, s.str, s.i, s.lim, s.elements = buf, str, 0, lim, 0
	s.line, s.lineStart, s.scanned = 0, 0, 0
	s.stack, s.kids, s.segs = s.stack[:0], s.kids[:0], s.segs[:0]
	s.nodes.reset()
	s.kidLists.reset()
	s.texts.reset()
}

// frame is an open element; kids and segs index its first child and
// text segment in the scanner's stacks.
type frame struct {
	n          *Node
	raw        string // qualified name as written, for matching the end tag
	kids, segs int
}

func (s *scanner) newNode() *Node { return &s.nodes.take(1)[0] }

// addText records a text segment of the innermost open element.
func (s *scanner) addText(t string) {
	if t != "" {
		s.segs = append(s.segs, t)
	}
}

// close ends the innermost open element: it receives its children and
// the concatenation of its text segments.
func (s *scanner) close() {
	f := s.stack[len(s.stack)-1]
	s.stack = s.stack[:len(s.stack)-1]
	if kids := s.kids[f.kids:]; len(kids) > 0 {
		f.n.Children = s.kidLists.take(len(kids))
		copy(f.n.Children, kids)
		clear(kids) // drop the references held by the stack
		s.kids = s.kids[:f.kids]
	}
	f.n.Text = s.joinText(s.segs[f.segs:])
	s.segs = s.segs[:f.segs]
}

// joinText concatenates an element's text segments. One segment (the
// common case of a leaf) is returned as it is; several (white space
// between children, or text around comments and CDATA sections) are
// copied into a block of the text slabs, which nothing writes to while
// the tree is in use, so the string may share its memory.
func (s *scanner) joinText(segs []string) string {
	switch len(segs) {
	case 0:
		return ""
	case 1:
		return segs[0]
	}
	n := 0
	for _, t := range segs {
		n += len(t)
	}
	b := s.texts.take(n)[:0]
	for _, t := range segs {
		b = append(b, t...)
	}
	return unsafe.String(unsafe.SliceData(b), len(b))
}

// textAt returns the character data seg found at offset off, validated
// and decoded, as a string that shares memory with the document when
// nothing had to change.
func (s *scanner) textAt(seg []byte, off int, cdata bool) (string, error) {
	t, same, err := s.chars(seg, off, cdata)
	if err != nil {
		return "", err
	}
	if same {
		return s.str[off : off+len(seg)], nil
	}
	return string(t), nil
}

// pos returns the line and column (in bytes, 1-based) of offset off.
func (s *scanner) pos(off int) Pos {
	if off < s.scanned || s.line == 0 {
		s.line, s.lineStart, s.scanned = 1, 0, 0
	}
	seg := s.buf[s.scanned:off]
	if len(seg) < 64 {
		// The usual stretch, from one tag to the next, is short: cheaper
		// to walk than to hand to the vectorised Count.
		for i, c := range seg {
			if c == '\n' {
				s.line++
				s.lineStart = s.scanned + i + 1
			}
		}
	} else if n := bytes.Count(seg, []byte{'\n'}); n > 0 {
		s.line += n
		s.lineStart = s.scanned + bytes.LastIndexByte(seg, '\n') + 1
	}
	s.scanned = off
	return Pos{s.line, off - s.lineStart + 1}
}

func (s *scanner) fail(off int, err error, format string, args ...any) error {
	return errorAt(s.pos(off), err, format, args...)
}

func (s *scanner) has(prefix string) bool {
	return bytes.HasPrefix(s.buf[s.i:], []byte(prefix))
}

func (s *scanner) skipSpace() {
	for s.i < len(s.buf) && isSpace(s.buf[s.i]) {
		s.i++
	}
}

// inName tells the bytes a name may contain: ASCII name characters and
// every byte of a multi-byte UTF-8 sequence (checked by isName).
var inName = func() (t [256]bool) {
	for b := range 256 {
		t[b] = b >= utf8.RuneSelf || isNameByte(byte(b))
	}
	return t
}()

// name reads an XML name at s.i.
func (s *scanner) name() ([]byte, bool) {
	start, high := s.i, byte(0)
	for s.i < len(s.buf) && inName[s.buf[s.i]] {
		high |= s.buf[s.i]
		s.i++
	}
	b := s.buf[start:s.i]
	if high < utf8.RuneSelf { // ASCII: only the first character is restricted
		return b, len(b) > 0 && !(b[0] >= '0' && b[0] <= '9' || b[0] == '.' || b[0] == '-')
	}
	return b, isName(b)
}

// qname reads a possibly prefixed name, splitting it like encoding/xml;
// it also returns the name as written.
func (s *scanner) qname() (xml.Name, string, bool) {
	start := s.i
	_, ok := s.name()
	raw := s.str[start:s.i]
	k := strings.IndexByte(raw, ':')
	if !ok || k >= 0 && strings.IndexByte(raw[k+1:], ':') >= 0 {
		return xml.Name{}, raw, false
	}
	if k > 0 && k < len(raw)-1 {
		return xml.Name{Space: raw[:k], Local: raw[k+1:]}, raw, true
	}
	return xml.Name{Local: raw}, raw, true
}

// document scans the whole buffer and returns the root element.
func (s *scanner) document() (*Node, error) {
	var root *Node
	for s.i < len(s.buf) {
		if s.buf[s.i] != '<' {
			end := len(s.buf)
			if j := bytes.IndexByte(s.buf[s.i:], '<'); j >= 0 {
				end = s.i + j
			}
			seg := s.buf[s.i:end]
			if len(s.stack) == 0 {
				if k := bytes.IndexFunc(seg, func(r rune) bool { return !isSpace(byte(r)) || r >= utf8.RuneSelf }); k >= 0 {
					return nil, s.fail(s.i+k, ErrSyntax, "text outside the root element")
				}
			} else {
				t, err := s.textAt(seg, s.i, false)
				if err != nil {
					return nil, err
				}
				s.addText(t)
			}
			s.i = end
			continue
		}
		start := s.i
		// The byte after '<' tells the kind of markup.
		next := byte(0)
		if s.i+1 < len(s.buf) {
			next = s.buf[s.i+1]
		}
		switch {
		case next == '?':
			if err := s.procInst(start); err != nil {
				return nil, err
			}
		case next == '!' && s.has("<!--"):
			k := bytes.Index(s.buf[s.i+4:], []byte("--"))
			if k < 0 {
				return nil, s.fail(len(s.buf), ErrSyntax, "unexpected end of input in a comment")
			}
			s.i += 4 + k + 2
			if s.i >= len(s.buf) || s.buf[s.i] != '>' {
				return nil, s.fail(s.i-2, ErrSyntax, `"--" is not allowed in comments`)
			}
			s.i++
		case next == '!' && s.has("<![CDATA["):
			k := bytes.Index(s.buf[s.i+9:], []byte("]]>"))
			if k < 0 {
				return nil, s.fail(len(s.buf), ErrSyntax, "unexpected end of input in CDATA section")
			}
			if len(s.stack) == 0 {
				return nil, s.fail(start, ErrSyntax, "CDATA outside the root element")
			}
			t, err := s.textAt(s.buf[s.i+9:s.i+9+k], s.i+9, true)
			if err != nil {
				return nil, err
			}
			s.addText(t)
			s.i += 9 + k + 3
		case next == '!':
			return nil, s.fail(start, ErrDTD, "<!%s>", firstWord(s.buf[s.i+2:]))
		case next == '/':
			s.i += 2
			if len(s.stack) > 0 && s.endsWith(s.stack[len(s.stack)-1].raw) {
				s.close()
				continue
			}
			name, raw, ok := s.qname()
			if !ok {
				return nil, s.fail(start, ErrSyntax, "expected element name after </")
			}
			s.skipSpace()
			if s.i >= len(s.buf) {
				return nil, s.fail(s.i, ErrSyntax, "unexpected end of input in end tag </%s", raw)
			}
			if s.buf[s.i] != '>' {
				return nil, s.fail(s.i, ErrSyntax, "invalid characters between </%s and >", name.Local)
			}
			s.i++
			if len(s.stack) == 0 {
				return nil, s.fail(start, ErrSyntax, "unexpected end tag </%s>", raw)
			}
			f := &s.stack[len(s.stack)-1]
			if f.raw != raw {
				return nil, s.fail(start, ErrSyntax, "end tag </%s> does not match <%s> at %s", raw, f.raw, f.n.Pos)
			}
			s.close()
		default:
			n, raw, empty, err := s.startTag(start, len(s.stack), root != nil && len(s.stack) == 0)
			if err != nil {
				return nil, err
			}
			if len(s.stack) == 0 {
				root = n
			} else {
				s.kids = append(s.kids, n)
			}
			if !empty {
				s.stack = append(s.stack, frame{n: n, raw: raw, kids: len(s.kids), segs: len(s.segs)})
			}
		}
	}
	if len(s.stack) != 0 {
		f := &s.stack[len(s.stack)-1]
		return nil, s.fail(len(s.buf), ErrSyntax, "unexpected end of input inside <%s> (opened at %s)", f.raw, f.n.Pos)
	}
	if root == nil {
		return nil, errorAt(Pos{}, ErrEmpty, "empty document")
	}
	return root, nil
}

// endsWith consumes "raw>" (white space allowed before '>') at s.i, the
// common case of an end tag that matches the open element.
func (s *scanner) endsWith(raw string) bool {
	j := s.i + len(raw)
	if j > len(s.buf) || string(s.buf[s.i:j]) != raw {
		return false
	}
	for j < len(s.buf) && isSpace(s.buf[j]) {
		j++
	}
	if j >= len(s.buf) || s.buf[j] != '>' {
		return false
	}
	s.i = j + 1
	return true
}

func (s *scanner) procInst(start int) error {
	s.i += 2
	target, ok := s.name()
	if !ok {
		return s.fail(start, ErrSyntax, "expected target name after <?")
	}
	k := bytes.Index(s.buf[s.i:], []byte("?>"))
	if k < 0 {
		return s.fail(len(s.buf), ErrSyntax, "unexpected end of input in a processing instruction")
	}
	if string(target) == "xml" && start != 0 {
		return s.fail(start, ErrSyntax, "XML declaration not at the start of the document")
	}
	s.i += k + 2
	return nil
}

// startTag scans <name attr="value" ...> or <name .../> at start.
func (s *scanner) startTag(start, depth int, second bool) (n *Node, raw string, empty bool, err error) {
	s.i++
	name, raw, ok := s.qname()
	if !ok {
		return nil, "", false, s.fail(start, ErrSyntax, "expected element name after <")
	}
	s.elements++
	if s.elements > s.lim.MaxElements {
		return nil, "", false, s.fail(start, ErrTooManyElements, "more than %d elements", s.lim.MaxElements)
	}
	if depth >= s.lim.MaxDepth {
		return nil, "", false, s.fail(start, ErrTooDeep, "depth over %d", s.lim.MaxDepth)
	}
	if second {
		return nil, "", false, s.fail(start, ErrSyntax, "second root element <%s>", raw)
	}
	n = s.newNode()
	n.Name, n.Pos = name, s.pos(start)
	for {
		s.skipSpace()
		if s.i >= len(s.buf) {
			return nil, "", false, s.fail(s.i, ErrSyntax, "unexpected end of input in <%s>", raw)
		}
		switch s.buf[s.i] {
		case '/':
			if s.i+1 >= len(s.buf) || s.buf[s.i+1] != '>' {
				return nil, "", false, s.fail(s.i, ErrSyntax, "expected /> in element")
			}
			s.i += 2
			return n, raw, true, nil
		case '>':
			s.i++
			return n, raw, false, nil
		}
		aname, _, ok := s.qname()
		if !ok {
			return nil, "", false, s.fail(s.i, ErrSyntax, "expected attribute name in element")
		}
		s.skipSpace()
		if s.i >= len(s.buf) || s.buf[s.i] != '=' {
			return nil, "", false, s.fail(s.i, ErrSyntax, "attribute name without = in element")
		}
		s.i++
		s.skipSpace()
		if s.i >= len(s.buf) || (s.buf[s.i] != '"' && s.buf[s.i] != '\'') {
			return nil, "", false, s.fail(s.i, ErrSyntax, "unquoted or missing attribute value in element")
		}
		q := s.buf[s.i]
		k := bytes.IndexByte(s.buf[s.i+1:], q)
		if k < 0 {
			return nil, "", false, s.fail(len(s.buf), ErrSyntax, "unexpected end of input in an attribute value")
		}
		vstart := s.i + 1
		val := s.buf[vstart : vstart+k]
		if j := bytes.IndexByte(val, '<'); j >= 0 {
			return nil, "", false, s.fail(vstart+j, ErrSyntax, "unescaped < inside quoted string")
		}
		v, err := s.textAt(val, vstart, false)
		if err != nil {
			return nil, "", false, err
		}
		n.Attr = append(n.Attr, xml.Attr{Name: aname, Value: v})
		s.i = vstart + k + 1
	}
}

// chars validates character data at offset off and returns it with
// entities decoded and line ends normalised, and whether it is unchanged
// (then it is seg itself). In CDATA sections entities are not decoded.
func (s *scanner) chars(seg []byte, off int, cdata bool) ([]byte, bool, error) {
	change := false
	for k := 0; k < len(seg); {
		// Most text (and all of a base64 resource) is plain: skip it
		// eight bytes at a time. When some byte of the next eight is
		// not, look at those eight one by one.
		if k+8 <= len(seg) && plain8(binary.LittleEndian.Uint64(seg[k:])) {
			k += 8
			continue
		}
		for end := min(k+8, len(seg)); k < end; {
			switch b := seg[k]; charClass[b] {
			case charPlain:
				k++
			case charAmp:
				change = change || !cdata
				k++
			case charBracket:
				if !cdata && k+2 < len(seg) && seg[k+1] == ']' && seg[k+2] == '>' {
					return nil, false, s.fail(off+k, ErrSyntax, "unescaped ]]> not in CDATA section")
				}
				k++
			case charCR:
				change = true
				k++
			case charControl:
				return nil, false, s.fail(off+k, ErrSyntax, "illegal character code U+%04X", b)
			default: // non-ASCII
				r, size := utf8.DecodeRune(seg[k:])
				if r == utf8.RuneError && size == 1 {
					return nil, false, s.fail(off+k, ErrSyntax, "invalid UTF-8")
				}
				if !isInCharacterRange(r) {
					return nil, false, s.fail(off+k, ErrSyntax, "illegal character code %U", r)
				}
				k += size
			}
		}
	}
	if !change {
		return seg, true, nil
	}
	out := make([]byte, 0, len(seg))
	for k := 0; k < len(seg); k++ {
		switch b := seg[k]; {
		case b == '\r':
			if k+1 >= len(seg) || seg[k+1] != '\n' {
				out = append(out, '\n')
			}
		case b == '&' && !cdata:
			r, n, err := entity(seg[k:])
			if err != nil {
				return nil, false, s.fail(off+k, ErrSyntax, "%s", err.Error())
			}
			out = utf8.AppendRune(out, r)
			k += n - 1
		default:
			out = append(out, b)
		}
	}
	return out, false, nil
}

type entityError string

// Error returns the message.
func (e entityError) Error() string { return string(e) }

// entity decodes the reference at the start of b ("&amp;", "&#38;",
// "&#x26;"): only the five predefined entities and character references
// that name XML characters. It returns the rune and the bytes consumed.
func entity(b []byte) (rune, int, error) {
	end := bytes.IndexByte(b, ';')
	if end < 0 || end > 40 {
		return 0, 0, entityError("invalid character entity (no semicolon)")
	}
	name := string(b[1:end])
	switch name {
	case "lt":
		return '<', end + 1, nil
	case "gt":
		return '>', end + 1, nil
	case "amp":
		return '&', end + 1, nil
	case "apos":
		return '\'', end + 1, nil
	case "quot":
		return '"', end + 1, nil
	}
	if num, ok := strings.CutPrefix(name, "#"); ok && num != "" {
		base := 10
		if hex, ok := strings.CutPrefix(num, "x"); ok {
			num, base = hex, 16
		}
		var r rune
		for _, c := range num {
			d := digitValue(c, base)
			if d < 0 || r > unicode.MaxRune {
				return 0, 0, entityError("invalid character entity &" + name + ";")
			}
			r = r*rune(base) + rune(d)
		}
		if num != "" && isInCharacterRange(r) {
			return r, end + 1, nil
		}
	}
	return 0, 0, entityError("invalid character entity &" + name + ";")
}

func digitValue(c rune, base int) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case base == 16 && c >= 'a' && c <= 'f':
		return int(c-'a') + 10
	case base == 16 && c >= 'A' && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}
