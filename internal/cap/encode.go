package cap

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// Encode writes a in canonical CAP 1.2: UTF-8, an XML declaration, the
// CAP 1.2 default namespace, elements in schema order, two-space
// indentation. Older versions are upgraded first (see Upgrade). An
// optional element is written when its value is non-empty or when the
// parser saw it (so empty elements survive a round trip). Signatures are
// not written (see Alert.Signatures).
func Encode(w io.Writer, a *Alert) error {
	a = Upgrade(a)
	bw := bufio.NewWriter(w)
	e := &encoder{w: bw}
	bw.WriteString("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
	fmt.Fprintf(bw, "<alert xmlns=\"%s\">\n", NS12)
	m := &a.Meta
	e.leaf(1, m, "identifier", a.Identifier, true)
	e.leaf(1, m, "sender", a.Sender, true)
	e.leaf(1, m, "sent", a.Sent, true)
	e.leaf(1, m, "status", a.Status, true)
	e.leaf(1, m, "msgType", a.MsgType, true)
	e.leaf(1, m, "source", a.Source, false)
	e.leaf(1, m, "scope", a.Scope, true)
	e.leaf(1, m, "restriction", a.Restriction, false)
	e.leaf(1, m, "addresses", a.Addresses, false)
	e.leaves(1, "code", a.Codes)
	e.leaf(1, m, "note", a.Note, false)
	e.leaf(1, m, "references", a.References, false)
	e.leaf(1, m, "incidents", a.Incidents, false)
	for i := range a.Infos {
		e.info(&a.Infos[i])
	}
	bw.WriteString("</alert>\n")
	return bw.Flush()
}

// EncodeBytes is Encode into a byte slice.
func EncodeBytes(a *Alert) ([]byte, error) {
	var b bytes.Buffer
	if err := Encode(&b, a); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

type encoder struct {
	w *bufio.Writer
}

// Upgrade returns a as CAP 1.2: version 1.2, the CAP 1.0 password dropped
// (1.2 has none) and the certainty "Very Likely" (deprecated in 1.1,
// absent from 1.2) mapped to "Likely" as CAP 1.1 directs. a is not
// changed; a 1.2 alert is returned as is.
func Upgrade(a *Alert) *Alert {
	if a.Version == V12 {
		return a
	}
	c := *a
	c.Version, c.Password = V12, ""
	c.Infos = append([]Info(nil), a.Infos...)
	for i := range c.Infos {
		if c.Infos[i].Certainty == "Very Likely" {
			c.Infos[i].Certainty = "Likely"
		}
	}
	return &c
}

func (e *encoder) info(in *Info) {
	m := &in.Meta
	e.open(1, "info")
	e.leaf(2, m, "language", in.Language, false)
	e.leaves(2, "category", in.Categories)
	e.leaf(2, m, "event", in.Event, true)
	e.leaves(2, "responseType", in.ResponseTypes)
	e.leaf(2, m, "urgency", in.Urgency, true)
	e.leaf(2, m, "severity", in.Severity, true)
	e.leaf(2, m, "certainty", in.Certainty, true)
	e.leaf(2, m, "audience", in.Audience, false)
	e.named(2, "eventCode", in.EventCodes)
	e.leaf(2, m, "effective", in.Effective, false)
	e.leaf(2, m, "onset", in.Onset, false)
	e.leaf(2, m, "expires", in.Expires, false)
	e.leaf(2, m, "senderName", in.SenderName, false)
	e.leaf(2, m, "headline", in.Headline, false)
	e.leaf(2, m, "description", in.Description, false)
	e.leaf(2, m, "instruction", in.Instruction, false)
	e.leaf(2, m, "web", in.Web, false)
	e.leaf(2, m, "contact", in.Contact, false)
	e.named(2, "parameter", in.Parameters)
	for i := range in.Resources {
		r := &in.Resources[i]
		rm := &r.Meta
		e.open(2, "resource")
		e.leaf(3, rm, "resourceDesc", r.ResourceDesc, true)
		e.leaf(3, rm, "mimeType", r.MimeType, true)
		e.leaf(3, rm, "size", r.Size, false)
		e.leaf(3, rm, "uri", r.URI, false)
		e.leaf(3, rm, "derefUri", r.DerefURI, false)
		e.leaf(3, rm, "digest", r.Digest, false)
		e.close(2, "resource")
	}
	for i := range in.Areas {
		ar := &in.Areas[i]
		am := &ar.Meta
		e.open(2, "area")
		e.leaf(3, am, "areaDesc", ar.AreaDesc, true)
		e.leaves(3, "polygon", ar.Polygons)
		e.leaves(3, "circle", ar.Circles)
		e.named(3, "geocode", ar.Geocodes)
		e.leaf(3, am, "altitude", ar.Altitude, false)
		e.leaf(3, am, "ceiling", ar.Ceiling, false)
		e.close(2, "area")
	}
	e.close(1, "info")
}

func (e *encoder) indent(depth int) {
	for range depth {
		e.w.WriteString("  ")
	}
}

func (e *encoder) open(depth int, name string) {
	e.indent(depth)
	fmt.Fprintf(e.w, "<%s>\n", name)
}

func (e *encoder) close(depth int, name string) {
	e.indent(depth)
	fmt.Fprintf(e.w, "</%s>\n", name)
}

// leaf writes <name>value</name> when value is set, required, or was present.
func (e *encoder) leaf(depth int, m *Meta, name, value string, required bool) {
	if value == "" && !required && !m.Has(name) {
		return
	}
	e.element(depth, name, value)
}

func (e *encoder) element(depth int, name, value string) {
	e.indent(depth)
	if value == "" {
		fmt.Fprintf(e.w, "<%s/>\n", name)
		return
	}
	fmt.Fprintf(e.w, "<%s>", name)
	escape(e.w, value)
	fmt.Fprintf(e.w, "</%s>\n", name)
}

func (e *encoder) leaves(depth int, name string, values []string) {
	for _, v := range values {
		e.element(depth, name, v)
	}
}

func (e *encoder) named(depth int, name string, nvs []NamedValue) {
	for _, nv := range nvs {
		e.open(depth, name)
		e.element(depth+1, "valueName", nv.ValueName)
		e.element(depth+1, "value", nv.Value)
		e.close(depth, name)
	}
}

// escape writes s as XML character data. Characters XML cannot carry are
// replaced by U+FFFD; carriage returns are escaped so they survive parsing.
func escape(w *bufio.Writer, s string) {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '&':
			b.WriteString("&amp;")
		case r == '<':
			b.WriteString("&lt;")
		case r == '>':
			b.WriteString("&gt;")
		case r == '\r':
			b.WriteString("&#xD;")
		case r == '\n' || r == '\t':
			b.WriteRune(r)
		case r < 0x20 || r == 0xFFFE || r == 0xFFFF || (r >= 0xD800 && r <= 0xDFFF) || r == utf8.RuneError:
			b.WriteRune('\uFFFD')
		default:
			b.WriteRune(r)
		}
	}
	w.WriteString(b.String())
}
