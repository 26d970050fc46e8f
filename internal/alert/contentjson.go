package alert

import (
	"encoding/json"
	"slices"
	"time"
	"unicode/utf8"
)

// marshalContent is json.Marshal(c), byte for byte, without reflection: a warning's texts in
// Urdu, Russian and Chinese are most of its bytes, and encoding/json reads them a rune at a
// time through its generic path, on every draft a hazard trigger prepares. A time json.Marshal
// would refuse (a year beyond 9999, an offset of a day or more) goes to json.Marshal, for its
// error.
func marshalContent(c Content) ([]byte, error) {
	b := make([]byte, 0, contentSize(c))
	b = append(b, `{"texts":`...)
	if c.Texts == nil {
		b = append(b, "null"...)
	} else {
		b = appendTexts(b, c.Texts)
	}
	b = appendField(b, "urgency", c.Urgency)
	b = appendField(b, "severity", c.Severity)
	b = appendField(b, "certainty", c.Certainty)
	if len(c.ResponseTypes) > 0 {
		b = appendStrings(append(b, `,"response_types":`...), c.ResponseTypes)
	}
	var ok bool
	if !c.Onset.IsZero() {
		if b, ok = appendTime(append(b, `,"onset":`...), c.Onset); !ok {
			return json.Marshal(c)
		}
	}
	if b, ok = appendTime(append(b, `,"expires":`...), c.Expires); !ok {
		return json.Marshal(c)
	}
	b = append(b, `,"areas":`...)
	if c.Areas == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i, a := range c.Areas {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendArea(b, a)
		}
		b = append(b, ']')
	}
	for _, f := range [...]struct{ name, value string }{{"web", c.Web}, {"contact", c.Contact}, {"note", c.Note}} {
		if f.value != "" {
			b = appendField(b, f.name, f.value)
		}
	}
	return append(b, '}'), nil
}

// contentSize is about the length of c's JSON: its strings and their field names, with room
// for a few escapes, so that encoding it fills one buffer.
func contentSize(c Content) int {
	n := 256
	for _, t := range c.Texts {
		n += 64 + len(t.Headline) + len(t.Description) + len(t.Instruction) + len(t.AreaDesc)
	}
	for _, a := range c.Areas {
		n += 64 + len(a.Desc)
		for _, ss := range [...][]string{a.Polygons, a.Circles, a.Regions} {
			for _, s := range ss {
				n += 3 + len(s)
			}
		}
	}
	for _, s := range c.ResponseTypes {
		n += 3 + len(s)
	}
	return n + len(c.Urgency) + len(c.Severity) + len(c.Certainty) + len(c.Web) + len(c.Contact) + len(c.Note)
}

// appendTexts writes the texts as encoding/json writes a map: keys in byte order.
func appendTexts(b []byte, texts map[string]Text) []byte {
	var buf [8]string
	keys := buf[:0]
	for k := range texts {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	b = append(b, '{')
	for i, k := range keys {
		if i > 0 {
			b = append(b, ',')
		}
		t := texts[k]
		b = appendString(b, k)
		b = append(b, `:{"headline":`...)
		b = appendString(b, t.Headline)
		b = appendField(b, "description", t.Description)
		b = appendField(b, "instruction", t.Instruction)
		if t.AreaDesc != "" {
			b = appendField(b, "area_desc", t.AreaDesc)
		}
		b = append(b, '}')
	}
	return append(b, '}')
}

func appendArea(b []byte, a Area) []byte {
	b = append(b, `{"desc":`...)
	b = appendString(b, a.Desc)
	for _, f := range [...]struct {
		name   string
		values []string
	}{{"polygons", a.Polygons}, {"circles", a.Circles}, {"regions", a.Regions}} {
		if len(f.values) > 0 {
			b = append(b, ',', '"')
			b = append(b, f.name...)
			b = appendStrings(append(b, '"', ':'), f.values)
		}
	}
	return append(b, '}')
}

// appendField writes `,"name":"value"`; name needs no escaping.
func appendField(b []byte, name, value string) []byte {
	b = append(b, ',', '"')
	b = append(b, name...)
	b = append(b, '"', ':')
	return appendString(b, value)
}

func appendStrings(b []byte, ss []string) []byte {
	b = append(b, '[')
	for i, s := range ss {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, s)
	}
	return append(b, ']')
}

// appendTime writes t as time.Time's MarshalJSON does; ok is false where that fails.
func appendTime(b []byte, t time.Time) ([]byte, bool) {
	b = append(b, '"')
	n0 := len(b)
	b = t.AppendFormat(b, time.RFC3339Nano)
	// The checks of time's appendStrictRFC3339: a year of four digits, an offset under a day.
	switch {
	case b[n0+len("9999")] != '-':
		return b, false
	case b[len(b)-1] != 'Z':
		c := b[len(b)-len("Z07:00")]
		h := 10*(b[len(b)-len("07:00")]-'0') + (b[len(b)-len("7:00")] - '0')
		if '0' <= c && c <= '9' || h >= 24 {
			return b, false
		}
	}
	return append(b, '"'), true
}

// How appendString treats a string's bytes.
const (
	jsonPlain  = iota // ASCII written as it is
	jsonEscape        // ASCII encoding/json escapes (HTML escaping on)
	jsonLead2         // first of two bytes (C2–DF)
	jsonLead3         // first of three bytes that can be neither a separator nor a surrogate
	jsonRune          // anything else: decoded as a rune
)

// jsonClass classes every byte; jsonEscape marks control characters, '"', '\\', '<', '>' and
// '&'; jsonRune the continuation bytes, the bytes no UTF-8 has, E0 (overlong forms), E2
// (U+2028 and U+2029) and ED (surrogates), and the first bytes of four-byte sequences.
var jsonClass = func() (class [256]uint8) {
	for c := range 256 {
		switch {
		case c < ' ' || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&':
			class[c] = jsonEscape
		case c < utf8.RuneSelf:
			class[c] = jsonPlain
		case c >= 0xC2 && c <= 0xDF:
			class[c] = jsonLead2
		case c >= 0xE1 && c <= 0xEF && c != 0xE2 && c != 0xED:
			class[c] = jsonLead3
		default:
			class[c] = jsonRune
		}
	}
	return class
}()

const hexDigits = "0123456789abcdef"

// appendString writes s as a JSON string exactly as encoding/json does (HTML escaping on):
// invalid UTF-8 becomes \ufffd, U+2028 and U+2029 are escaped. The two- and three-byte
// characters of Urdu, Russian and Chinese are stepped over a character at a time, checked for
// their continuation bytes, without decoding them; encoding/json decodes every rune.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		switch jsonClass[c] {
		case jsonPlain:
			i++
			continue
		case jsonEscape:
			b = append(b, s[start:i]...)
			b = appendEscape(b, c)
			i++
			start = i
			continue
		case jsonLead2:
			if i+1 < len(s) && s[i+1]&0xC0 == 0x80 {
				i += 2
				continue
			}
		case jsonLead3:
			if i+2 < len(s) && s[i+1]&0xC0 == 0x80 && s[i+2]&0xC0 == 0x80 {
				i += 3
				continue
			}
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			start = i + size
		case r == '\u2028' || r == '\u2029':
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
			start = i + size
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// appendEscape writes the escape encoding/json writes for the ASCII byte c.
func appendEscape(b []byte, c byte) []byte {
	switch c {
	case '\\', '"':
		return append(b, '\\', c)
	case '\b':
		return append(b, '\\', 'b')
	case '\f':
		return append(b, '\\', 'f')
	case '\n':
		return append(b, '\\', 'n')
	case '\r':
		return append(b, '\\', 'r')
	case '\t':
		return append(b, '\\', 't')
	}
	return append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
}
