package xmltree

import (
	"bytes"
	"encoding/binary"
	"encoding/xml"
	"math/bits"
	"strings"
	"unicode"
	"unicode/utf8"

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
	charPlain   = iota // printable ASCII, tab
	charLF             // line feed: counted for positions
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
		case b == '\n':
			t[b] = charLF
		case b == '\t':
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

// special8 finds the bytes packed in w that are not printable ASCII
// other than '&' and ']' (class charPlain without tab and line feed,
// which take the byte-by-byte path): it sets the high bit of each. It is
// zero exactly when all eight bytes are plain, and its lowest bit set
// marks exactly the first byte that is not; a byte above that one may be
// marked wrongly, because a byte that borrows can only make a higher byte
// look special when a lower one already is.
func special8(w uint64) uint64 {
	// Each term sets a byte's high bit when: the byte is non-ASCII (w
	// itself); it is below 0x20; it is zero after xor with '&' or ']'.
	amp := w ^ (ones * '&')
	bracket := w ^ (ones * ']')
	found := w | (w-ones*0x20)&^w | (amp-ones)&^amp | (bracket-ones)&^bracket
	return found & highs
}

// scanner tokenises a UTF-8 document held in memory and reports its
// elements and text to a Handler.
type scanner struct {
	buf      []byte
	str      string // buf as a string: names and text are substrings of it
	i        int
	lim      Limits
	elements int
	// line is the number of the line the scanner is on, lineStart the
	// offset where that line starts: whatever consumes bytes counts the
	// line feeds among them, so that the position of each start tag is
	// known without going back over the text.
	line, lineStart int

	stack []frame    // open elements
	attrs []xml.Attr // attributes of the start tag being read
	nsErr error      // the first undeclared prefix, reported if the document is otherwise well-formed
}

// newScanner returns a scanner, ready for reset.
func newScanner() *scanner {
	return &scanner{stack: make([]frame, 0, 16), attrs: make([]xml.Attr, 0, 8)}
}

// reset prepares the scanner for the document in buf; str holds the
// same bytes and is what names and text are cut from.
func (s *scanner) reset(buf []byte, str string, lim Limits) {
	s.buf, s.str, s.i, s.lim, s.elements = buf, str, 0, lim, 0
	s.line, s.lineStart = 1, 0
	clear(s.stack) // drop the namespace maps of the previous document
	s.stack, s.nsErr = s.stack[:0], nil
}

// frame is an open element.
type frame struct {
	raw string  // qualified name as written, for matching the end tag
	off int     // offset of its start tag's '<'
	ns  nsScope // namespaces in scope inside it
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

// pos returns the line and column (in bytes, 1-based) of offset off,
// which must be on the line the scanner is on: every byte before it has
// been consumed, and none after.
func (s *scanner) pos(off int) Pos { return Pos{s.line, off - s.lineStart + 1} }

// posOf returns the line and column of any offset, counting from the
// start (for errors, which come once).
func (s *scanner) posOf(off int) Pos {
	n, last := countLines(s.buf[:off])
	if n == 0 {
		return Pos{1, off + 1}
	}
	return Pos{1 + n, off - last}
}

// passed counts the line feeds in b, which the scanner passes over
// without looking at each byte; b starts at offset off.
func (s *scanner) passed(b []byte, off int) {
	if n, last := countLines(b); n > 0 {
		s.line += n
		s.lineStart = off + last + 1
	}
}

// newline notes a line feed at offset off.
func (s *scanner) newline(off int) {
	s.line++
	s.lineStart = off + 1
}

// countLines returns the number of line feeds in b and the index of the
// last one. Short stretches (the usual one, from a tag to the next) are
// read eight bytes at a time; long ones go to the vectorised Count.
func countLines(b []byte) (n, last int) {
	if len(b) >= 256 {
		if n = bytes.Count(b, []byte{'\n'}); n > 0 {
			last = bytes.LastIndexByte(b, '\n')
		}
		return n, last
	}
	k := 0
	for ; k+8 <= len(b); k += 8 {
		if z := newlines8(binary.LittleEndian.Uint64(b[k:])); z != 0 {
			n += bits.OnesCount64(z)
			last = k + 7 - bits.LeadingZeros64(z)/8
		}
	}
	for ; k < len(b); k++ {
		if b[k] == '\n' {
			n++
			last = k
		}
	}
	return n, last
}

// newlines8 returns the high bit of each byte of w that is a line feed,
// and no other bit. The test is exact: (x&0x7f)+0x7f cannot carry into
// the next byte.
func newlines8(w uint64) uint64 {
	const low7 = ones * 0x7f
	x := w ^ (ones * '\n')
	return ^((x&low7 + low7) | x | low7)
}

func (s *scanner) fail(off int, err error, format string, args ...any) error {
	return errorAt(s.posOf(off), err, format, args...)
}

func (s *scanner) has(prefix string) bool {
	return bytes.HasPrefix(s.buf[s.i:], []byte(prefix))
}

func (s *scanner) skipSpace() {
	for s.i < len(s.buf) && isSpace(s.buf[s.i]) {
		if s.buf[s.i] == '\n' {
			s.newline(s.i)
		}
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

// document scans the whole buffer, reporting to h. An undeclared
// namespace prefix is reported only when the document is otherwise
// well-formed, as when namespaces were resolved over a finished tree.
func (s *scanner) document(h Handler) error {
	rooted := false
	for s.i < len(s.buf) {
		if s.buf[s.i] != '<' {
			end := len(s.buf)
			if j := bytes.IndexByte(s.buf[s.i:], '<'); j >= 0 {
				end = s.i + j
			}
			seg := s.buf[s.i:end]
			if len(s.stack) == 0 {
				if k := bytes.IndexFunc(seg, func(r rune) bool { return !isSpace(byte(r)) || r >= utf8.RuneSelf }); k >= 0 {
					return s.fail(s.i+k, ErrSyntax, "text outside the root element")
				}
				s.passed(seg, s.i)
			} else {
				t, err := s.textAt(seg, s.i, false)
				if err != nil {
					return err
				}
				if t != "" {
					h.CharData(t)
				}
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
				return err
			}
		case next == '!' && s.has("<!--"):
			k := bytes.Index(s.buf[s.i+4:], []byte("--"))
			if k < 0 {
				return s.fail(len(s.buf), ErrSyntax, "unexpected end of input in a comment")
			}
			s.i += 4 + k + 2
			if s.i >= len(s.buf) || s.buf[s.i] != '>' {
				return s.fail(s.i-2, ErrSyntax, `"--" is not allowed in comments`)
			}
			s.i++
			s.passed(s.buf[start:s.i], start)
		case next == '!' && s.has("<![CDATA["):
			k := bytes.Index(s.buf[s.i+9:], []byte("]]>"))
			if k < 0 {
				return s.fail(len(s.buf), ErrSyntax, "unexpected end of input in CDATA section")
			}
			if len(s.stack) == 0 {
				return s.fail(start, ErrSyntax, "CDATA outside the root element")
			}
			t, err := s.textAt(s.buf[s.i+9:s.i+9+k], s.i+9, true)
			if err != nil {
				return err
			}
			if t != "" {
				h.CharData(t)
			}
			s.i += 9 + k + 3
		case next == '!':
			return s.fail(start, ErrDTD, "<!%s>", firstWord(s.buf[s.i+2:]))
		case next == '/':
			s.i += 2
			if len(s.stack) > 0 && s.endsWith(s.stack[len(s.stack)-1].raw) {
				s.stack = s.stack[:len(s.stack)-1]
				h.EndElement()
				continue
			}
			name, raw, ok := s.qname()
			if !ok {
				return s.fail(start, ErrSyntax, "expected element name after </")
			}
			s.skipSpace()
			if s.i >= len(s.buf) {
				return s.fail(s.i, ErrSyntax, "unexpected end of input in end tag </%s", raw)
			}
			if s.buf[s.i] != '>' {
				return s.fail(s.i, ErrSyntax, "invalid characters between </%s and >", name.Local)
			}
			s.i++
			if len(s.stack) == 0 {
				return s.fail(start, ErrSyntax, "unexpected end tag </%s>", raw)
			}
			f := &s.stack[len(s.stack)-1]
			if f.raw != raw {
				return s.fail(start, ErrSyntax, "end tag </%s> does not match <%s> at %s", raw, f.raw, s.posOf(f.off))
			}
			s.stack = s.stack[:len(s.stack)-1]
			h.EndElement()
		default:
			if err := s.startTag(start, rooted && len(s.stack) == 0, h); err != nil {
				return err
			}
			rooted = true
		}
	}
	if len(s.stack) != 0 {
		f := &s.stack[len(s.stack)-1]
		return s.fail(len(s.buf), ErrSyntax, "unexpected end of input inside <%s> (opened at %s)", f.raw, s.posOf(f.off))
	}
	if !rooted {
		return errorAt(Pos{}, ErrEmpty, "empty document")
	}
	return s.nsErr
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
	if sp := s.i + len(raw); j > sp { // white space before '>'
		s.passed(s.buf[sp:j], sp)
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
	s.passed(s.buf[start:s.i], start)
	return nil
}

// startTag scans <name attr="value" ...> or <name .../> at start and
// reports the element (and its end, when empty) to h.
func (s *scanner) startTag(start int, second bool, h Handler) error {
	s.i++
	name, raw, ok := s.qname()
	if !ok {
		return s.fail(start, ErrSyntax, "expected element name after <")
	}
	s.elements++
	if s.elements > s.lim.MaxElements {
		return s.fail(start, ErrTooManyElements, "more than %d elements", s.lim.MaxElements)
	}
	if len(s.stack) >= s.lim.MaxDepth {
		return s.fail(start, ErrTooDeep, "depth over %d", s.lim.MaxDepth)
	}
	if second {
		return s.fail(start, ErrSyntax, "second root element <%s>", raw)
	}
	pos := s.pos(start)
	s.attrs = s.attrs[:0]
	empty := false
attrs:
	for {
		s.skipSpace()
		if s.i >= len(s.buf) {
			return s.fail(s.i, ErrSyntax, "unexpected end of input in <%s>", raw)
		}
		switch s.buf[s.i] {
		case '/':
			if s.i+1 >= len(s.buf) || s.buf[s.i+1] != '>' {
				return s.fail(s.i, ErrSyntax, "expected /> in element")
			}
			s.i += 2
			empty = true
			break attrs
		case '>':
			s.i++
			break attrs
		}
		aname, _, ok := s.qname()
		if !ok {
			return s.fail(s.i, ErrSyntax, "expected attribute name in element")
		}
		s.skipSpace()
		if s.i >= len(s.buf) || s.buf[s.i] != '=' {
			return s.fail(s.i, ErrSyntax, "attribute name without = in element")
		}
		s.i++
		s.skipSpace()
		if s.i >= len(s.buf) || (s.buf[s.i] != '"' && s.buf[s.i] != '\'') {
			return s.fail(s.i, ErrSyntax, "unquoted or missing attribute value in element")
		}
		q := s.buf[s.i]
		k := bytes.IndexByte(s.buf[s.i+1:], q)
		if k < 0 {
			return s.fail(len(s.buf), ErrSyntax, "unexpected end of input in an attribute value")
		}
		vstart := s.i + 1
		val := s.buf[vstart : vstart+k]
		if j := bytes.IndexByte(val, '<'); j >= 0 {
			return s.fail(vstart+j, ErrSyntax, "unescaped < inside quoted string")
		}
		v, err := s.textAt(val, vstart, false)
		if err != nil {
			return err
		}
		s.attrs = append(s.attrs, xml.Attr{Name: aname, Value: v})
		s.i = vstart + k + 1
	}
	var scope nsScope
	if len(s.stack) > 0 {
		scope = s.stack[len(s.stack)-1].ns
	}
	scope, name = s.resolve(scope, name, start)
	h.StartElement(name, s.attrs, pos)
	if empty {
		h.EndElement()
	} else {
		s.stack = append(s.stack, frame{raw: raw, off: start, ns: scope})
	}
	return nil
}

// resolve applies the namespace declarations among s.attrs to scope and
// turns the prefixes of name and of s.attrs into namespace URIs. The
// first undeclared prefix of the document is kept in s.nsErr.
func (s *scanner) resolve(scope nsScope, name xml.Name, off int) (nsScope, xml.Name) {
	var local map[string]string
	for _, a := range s.attrs {
		switch {
		case a.Name.Space == "" && a.Name.Local == "xmlns":
			scope.def = a.Value
		case a.Name.Space == "xmlns":
			local = extend(local, scope.prefixes)
			local[a.Name.Local] = a.Value
		}
	}
	if local != nil {
		scope.prefixes = local
	}
	if name.Space == "" {
		name.Space = scope.def
	} else if uri, ok := scope.prefixes[name.Space]; ok {
		name.Space = uri
	} else {
		s.undeclared(off, name.Space)
		return scope, name
	}
	for i, a := range s.attrs {
		switch a.Name.Space {
		case "", "xmlns":
		case "xml":
			s.attrs[i].Name.Space = "http://www.w3.org/XML/1998/namespace"
		default:
			u, ok := scope.prefixes[a.Name.Space]
			if !ok {
				s.undeclared(off, a.Name.Space)
				return scope, name
			}
			s.attrs[i].Name.Space = u
		}
	}
	return scope, name
}

// undeclared records an undeclared prefix at off unless one came before.
func (s *scanner) undeclared(off int, prefix string) {
	if s.nsErr == nil {
		s.nsErr = errorAt(s.posOf(off), ErrSyntax, "undeclared namespace prefix %q", prefix)
	}
}

// extend returns local, or when nil a copy of scope to add to.
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

// chars validates character data at offset off and returns it with
// entities decoded and line ends normalised, and whether it is unchanged
// (then it is seg itself). In CDATA sections entities are not decoded.
func (s *scanner) chars(seg []byte, off int, cdata bool) ([]byte, bool, error) {
	change := false
	for k := 0; k < len(seg); {
		// Most text (and all of a base64 resource) is plain: skip it
		// eight bytes at a time, and up to the first byte that is not
		// (a line end, say) in the next eight; that one byte, and any
		// byte of the last seven, is looked at on its own.
		if k+8 <= len(seg) {
			found := special8(binary.LittleEndian.Uint64(seg[k:]))
			if found == 0 {
				k += 8
				continue
			}
			k += bits.TrailingZeros64(found) / 8
		}
		switch b := seg[k]; charClass[b] {
		case charPlain:
			k++
		case charLF:
			s.newline(off + k)
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
