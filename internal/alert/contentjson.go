package alert

import (
	"encoding/json"
	"slices"
	"time"

	"github.com/taawun/taawun/internal/jsonstr"
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
		b = jsonstr.Append(b, k)
		b = append(b, `:{"headline":`...)
		b = jsonstr.Append(b, t.Headline)
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
	b = jsonstr.Append(b, a.Desc)
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
	return jsonstr.Append(b, value)
}

func appendStrings(b []byte, ss []string) []byte {
	b = append(b, '[')
	for i, s := range ss {
		if i > 0 {
			b = append(b, ',')
		}
		b = jsonstr.Append(b, s)
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
