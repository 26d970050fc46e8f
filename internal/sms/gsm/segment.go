package gsm

import "unicode/utf16"

// Encoding is how a text travels: GSM-7 when every character is in the GSM alphabet, else UCS-2.
type Encoding int

const (
	// GSM7 is the GSM 7-bit default alphabet (SMPP data_coding 0).
	GSM7 Encoding = iota
	// UCS2 is UTF-16BE (SMPP data_coding 8); characters beyond the BMP take surrogate pairs.
	UCS2
)

// String returns "GSM-7" or "UCS-2".
func (e Encoding) String() string {
	if e == GSM7 {
		return "GSM-7"
	}
	return "UCS-2"
}

// Capacity of one segment in code units: alone, and as part of a concatenated message (the user
// data header takes the difference).
const (
	GSM7Single = 160
	GSM7Concat = 153
	UCS2Single = 70
	UCS2Concat = 67
)

// Plan is how a text will be sent.
type Plan struct {
	Encoding Encoding
	// Units is the length in code units: septets for GSM-7 (extension characters count 2),
	// UTF-16 code units for UCS-2 (characters beyond the BMP count 2).
	Units int
	// Segments is the number of SMS the text needs; 0 for the empty text.
	Segments int
	// PerSegment is the capacity of each segment in code units: the single-message capacity
	// when Segments <= 1, else the concatenated capacity.
	PerSegment int
}

// Segment is one SMS worth of a text.
type Segment struct {
	Text  string
	Units int
}

// Segments plans text: its encoding, length in code units and how many segments it needs. It
// does not allocate, so the composer can call it on every keystroke.
func Segments(text string) Plan {
	p := Plan{Encoding: EncodingOf(text)}
	p.Units = Units(text, p.Encoding)
	single, concat := capacity(p.Encoding)
	p.PerSegment = single
	if p.Units > single {
		p.PerSegment = concat
	}
	walk(text, p.Encoding, func(string, int) { p.Segments++ })
	return p
}

// Split cuts text into segments no longer than the capacity its Plan gives. It never separates
// a GSM-7 escape pair or a UTF-16 surrogate pair, so a segment may fall one unit short.
// Concatenating the segments' texts gives text back; the empty text gives no segments.
func Split(text string) []Segment {
	var segs []Segment
	walk(text, EncodingOf(text), func(s string, units int) {
		segs = append(segs, Segment{Text: s, Units: units})
	})
	return segs
}

// EncodingOf returns GSM7 if text fits the GSM alphabet, else UCS2.
func EncodingOf(text string) Encoding {
	if IsGSM7(text) {
		return GSM7
	}
	return UCS2
}

// Units returns the length of text in code units of enc. For GSM7 the text must be GSM-7.
func Units(text string, enc Encoding) int {
	n := 0
	for _, r := range text {
		n += runeUnits(r, enc)
	}
	return n
}

func runeUnits(r rune, enc Encoding) int {
	if enc == GSM7 {
		return septets(r)
	}
	// Ranging over a string never yields a surrogate code point (invalid UTF-8 becomes
	// U+FFFD), so RuneLen is 1 or 2 here.
	return utf16.RuneLen(r)
}

func capacity(enc Encoding) (single, concat int) {
	if enc == GSM7 {
		return GSM7Single, GSM7Concat
	}
	return UCS2Single, UCS2Concat
}

// walk calls emit with each segment of text in order, cutting only between characters.
func walk(text string, enc Encoding, emit func(seg string, units int)) {
	single, concat := capacity(enc)
	total := Units(text, enc)
	if total == 0 {
		return
	}
	if total <= single {
		emit(text, total)
		return
	}
	start, units := 0, 0
	for i, r := range text {
		u := runeUnits(r, enc)
		if units+u > concat {
			emit(text[start:i], units)
			start, units = i, 0
		}
		units += u
	}
	emit(text[start:], units)
}
