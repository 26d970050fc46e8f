package xmltree

// The encoding/xml based reader that scanner.go replaced, kept as the
// oracle of the differential fuzz test: on every input both must agree.

import (
	"bufio"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"

	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/transform"
)

func referenceParse(r io.Reader, lim Limits) (*Node, error) {
	lim = lim.orDefault()
	lr := &refLimitReader{r: r, left: lim.MaxBytes, limit: lim.MaxBytes}
	br := bufio.NewReader(lr)
	if b, _ := br.Peek(len(utf8BOM)); string(b) == utf8BOM {
		br.Discard(len(utf8BOM))
	}
	d := xml.NewDecoder(br)
	d.Strict = true
	d.CharsetReader = refCharsetReader
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
			return nil, refWrapErr(d, lr, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			elements++
			if elements > lim.MaxElements {
				return nil, errorAt(Pos{startLine, startCol}, ErrTooManyElements, "more than %d elements", lim.MaxElements)
			}
			if len(stack) >= lim.MaxDepth {
				return nil, errorAt(Pos{startLine, startCol}, ErrTooDeep, "depth over %d", lim.MaxDepth)
			}
			if root != nil && len(stack) == 0 {
				return nil, errorAt(Pos{startLine, startCol}, ErrSyntax, "second root element <%s>", t.Name.Local)
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
				return nil, errorAt(Pos{startLine, startCol}, ErrSyntax, "unexpected end tag")
			}
			n := stack[len(stack)-1]
			if n.Name != t.Name {
				return nil, errorAt(Pos{startLine, startCol}, ErrSyntax, "end tag </%s> does not match <%s> at %s", rawName(t.Name), rawName(n.Name), n.Pos)
			}
			n.Text = string(text[len(text)-1])
			stack = stack[:len(stack)-1]
			text = text[:len(text)-1]
		case xml.CharData:
			if len(stack) == 0 {
				if len(bytes.TrimSpace(t)) > 0 {
					return nil, errorAt(Pos{startLine, startCol}, ErrSyntax, "text outside the root element")
				}
				continue
			}
			text[len(text)-1] = append(text[len(text)-1], t...)
		case xml.Directive:
			return nil, errorAt(Pos{startLine, startCol}, ErrDTD, "<!%s>", firstWord(t))
		}
	}
	if len(stack) != 0 {
		line, col := d.InputPos()
		return nil, errorAt(Pos{line, col}, ErrSyntax, "unexpected end of input inside <%s> (opened at %s)", stack[len(stack)-1].Name.Local, stack[len(stack)-1].Pos)
	}
	if root == nil {
		if lr.err != nil {
			return nil, refWrapErr(d, lr, lr.err)
		}
		return nil, errorAt(Pos{}, ErrEmpty, "empty document")
	}
	if err := resolveNamespaces(root, nsScope{}); err != nil {
		return nil, err
	}
	return root, nil
}

func refWrapErr(d *xml.Decoder, lr *refLimitReader, err error) error {
	line, col := d.InputPos()
	at := Pos{line, col}
	if lr.exceeded {
		return errorAt(at, ErrTooLarge, "more than %d bytes", lr.limit)
	}
	if errors.Is(err, ErrEncoding) {
		return errorAt(Pos{}, err, "declared encoding")
	}
	var se *xml.SyntaxError
	if errors.As(err, &se) {
		return errorAt(at, ErrSyntax, "%s", se.Msg)
	}
	if err == io.ErrUnexpectedEOF {
		return errorAt(at, ErrSyntax, "unexpected end of input")
	}
	return errorAt(at, err, "read")
}

func refCharsetReader(label string, in io.Reader) (io.Reader, error) {
	enc, err := htmlindex.Get(label)
	if err != nil {
		return nil, fmt.Errorf("encoding %q: %w", label, ErrEncoding)
	}
	return transform.NewReader(in, enc.NewDecoder()), nil
}

// limitReader stops after left bytes and remembers that it did.
type refLimitReader struct {
	r        io.Reader
	left     int64
	limit    int64
	exceeded bool
	err      error
}

// Read implements io.Reader within the byte limit.
func (l *refLimitReader) Read(p []byte) (int, error) {
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

func rawName(n xml.Name) string {
	if n.Space == "" {
		return n.Local
	}
	return n.Space + ":" + n.Local
}

// resolveNamespaces turns prefixes into namespace URIs over a finished
// tree, as the scanner once did (it now resolves them as it reads).
func resolveNamespaces(n *Node, scope nsScope) error {
	var local map[string]string
	for _, a := range n.Attr {
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
	if n.Name.Space == "" {
		n.Name.Space = scope.def
	} else {
		uri, ok := scope.prefixes[n.Name.Space]
		if !ok {
			return errorAt(n.Pos, ErrSyntax, "undeclared namespace prefix %q", n.Name.Space)
		}
		n.Name.Space = uri
	}
	for i, a := range n.Attr {
		switch a.Name.Space {
		case "", "xmlns":
		case "xml":
			n.Attr[i].Name.Space = "http://www.w3.org/XML/1998/namespace"
		default:
			u, ok := scope.prefixes[a.Name.Space]
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
