// Package jsonstr writes JSON strings exactly as encoding/json does, without reflection, for the
// few hot paths that build JSON by hand (a drafted warning's content, every bus event's
// payload) and must stay byte for byte what json.Marshal would give.
package jsonstr

import "unicode/utf8"

// How Append treats a string's bytes.
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

// Append appends s as a JSON string exactly as encoding/json writes it (HTML escaping on):
// invalid UTF-8 becomes \ufffd, U+2028 and U+2029 are escaped. The two- and three-byte
// characters of Urdu, Russian and Chinese are stepped over a character at a time, checked for
// their continuation bytes, without decoding them; encoding/json decodes every rune.
func Append(b []byte, s string) []byte {
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
