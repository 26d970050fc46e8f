package gazetteer

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// arabicVariants maps Arabic-script letters to the form Urdu writes, so a
// name typed on an Arabic keyboard finds the Urdu spelling and back.
var arabicVariants = map[rune]rune{
	'\u064A': '\u06CC', // ARABIC YEH → FARSI YEH (ی)
	'\u0649': '\u06CC', // ALEF MAKSURA → ی
	'\u0643': '\u06A9', // ARABIC KAF → KEHEH (ک)
	'\u0647': '\u06C1', // HEH → HEH GOAL (ہ)
	'\u0629': '\u06C1', // TEH MARBUTA → ہ
	'\u06C3': '\u06C1', // TEH MARBUTA GOAL → ہ
	'\u06D5': '\u06C1', // AE → ہ
}

// Fold returns the form in which names are compared: decomposed, without
// combining marks, case-folded, Arabic-script variants unified, apostrophes
// dropped and other punctuation as single spaces, trimmed.
func Fold(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range norm.NFD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r), r == '\u0640': // combining marks, tatweel
			continue
		case r == '\'' || r == '’' || r == 'ʼ' || r == 'ʻ' || r == '`' || r == 'ʹ':
			continue
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			if v, ok := arabicVariants[r]; ok {
				r = v
			}
			b.WriteRune(unicode.ToLower(r))
		default:
			space = true
		}
	}
	return b.String()
}
