package gsm

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Escape is the septet that switches the next septet to the extension table.
const Escape = 0x1B

// ErrNotGSM7 reports a character outside the GSM 7-bit default alphabet and its extension table.
var ErrNotGSM7 = errors.New("gsm: character not in the GSM 7-bit alphabet")

// ErrInvalidSeptet reports a byte above 0x7F where a septet was expected.
var ErrInvalidSeptet = errors.New("gsm: byte is not a septet")

// ErrDanglingEscape reports an escape septet with nothing after it.
var ErrDanglingEscape = errors.New("gsm: escape septet at end of input")

// basic is the default alphabet in septet order; the escape position holds a placeholder that
// Encode never matches because it is checked against the escape code first.
const basic = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
	"¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"

// extension lists the basic extension table as septet/character pairs.
const extension = "\x0a\f\x14^\x28{\x29}\x2f\\\x3c[\x3d~\x3e]\x40|\x65€"

// The tables below are built once at start-up and only read afterwards, which is why they may
// be package-level: they are constants that Go cannot spell as constants.
var (
	basicRunes  [128]rune
	extRunes    [128]rune
	basicByRune = map[rune]byte{}
	extByRune   = map[rune]byte{}
)

func init() {
	i := 0
	for _, r := range basic {
		basicRunes[i] = r
		if i != Escape {
			basicByRune[r] = byte(i)
		}
		i++
	}
	if i != 128 {
		panic(fmt.Sprintf("gsm: basic table has %d characters, want 128", i))
	}
	for s := extension; s != ""; {
		code := s[0]
		r, n := utf8.DecodeRuneInString(s[1:])
		extRunes[code] = r
		extByRune[r] = code
		s = s[1+n:]
	}
}

// septets returns how many septets r needs in GSM-7 (1 or 2), or 0 if it cannot be encoded.
func septets(r rune) int {
	if _, ok := basicByRune[r]; ok {
		return 1
	}
	if _, ok := extByRune[r]; ok {
		return 2
	}
	return 0
}

// IsGSM7 reports whether every character of s is in the default alphabet or its extension table.
func IsGSM7(s string) bool {
	for _, r := range s {
		if septets(r) == 0 {
			return false
		}
	}
	return true
}

// Encode returns s as unpacked septets, one per byte, as SMPP sends with data_coding 0.
// Extension characters become an escape septet followed by their code.
func Encode(s string) ([]byte, error) {
	return AppendEncode(make([]byte, 0, len(s)), s)
}

// AppendEncode appends the unpacked septets of s to dst.
func AppendEncode(dst []byte, s string) ([]byte, error) {
	for i, r := range s {
		if c, ok := basicByRune[r]; ok {
			dst = append(dst, c)
			continue
		}
		if c, ok := extByRune[r]; ok {
			dst = append(dst, Escape, c)
			continue
		}
		return dst, fmt.Errorf("gsm: encode %q at byte %d: %w", r, i, ErrNotGSM7)
	}
	return dst, nil
}

// Decode turns unpacked septets back into text. An escape followed by a code the extension
// table does not define decodes as that code's basic character, and two escapes as a space,
// as TS 23.038 tells receivers to do.
func Decode(septets []byte) (string, error) {
	var b strings.Builder
	b.Grow(len(septets))
	for i := 0; i < len(septets); i++ {
		c := septets[i]
		if c > 0x7F {
			return "", fmt.Errorf("gsm: decode byte %d (0x%02X): %w", i, c, ErrInvalidSeptet)
		}
		if c != Escape {
			b.WriteRune(basicRunes[c])
			continue
		}
		i++
		if i == len(septets) {
			return "", fmt.Errorf("gsm: decode byte %d: %w", i-1, ErrDanglingEscape)
		}
		e := septets[i]
		switch {
		case e > 0x7F:
			return "", fmt.Errorf("gsm: decode byte %d (0x%02X): %w", i, e, ErrInvalidSeptet)
		case e == Escape:
			b.WriteByte(' ')
		case extRunes[e] != 0:
			b.WriteRune(extRunes[e])
		default:
			b.WriteRune(basicRunes[e])
		}
	}
	return b.String(), nil
}
