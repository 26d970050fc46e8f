package jsonstr

import (
	"bytes"
	"encoding/json"
	"testing"

	"pgregory.net/rapid"
)

// pieces are what the test strings are made of: the scripts warnings are written in, and
// everything encoding/json escapes or replaces (HTML characters, control characters, U+2028
// and U+2029, invalid and truncated UTF-8, surrogates, overlong forms) beside valid sequences
// that look like them.
var pieces = []string{
	"a", "Z", "0", " ", "~", "\x7f", "/", "'", "سیلاب", "۔", "ё", "Землетрясение", "地震", "€", "😀", "\U0010FFFF", "\uFFFD",
	"<", ">", "&", `"`, `\`, "\b", "\f", "\n", "\r", "\t", "\x00", "\x1f", "\u2028", "\u2029", "\u2027", "\u202a",
	"\x80", "\xbf", "\xc0", "\xc1\xbf", "\xc2", "\xe2", "\xe2\x80", "\xe2\x80\xa8\xa8", "\xe0\x80\x80", "\xe0\x9f\xbf",
	"\xed\xa0\x80", "\xed\x9f\xbf", "\xef\xbf", "\xf0", "\xf0\x90\x80", "\xf4\x90\x80\x80", "\xf5", "\xff",
}

// TestAppendIsJSONMarshal: Append writes what json.Marshal writes for the same string, after
// whatever the buffer held.
func TestAppendIsJSONMarshal(t *testing.T) {
	text := rapid.OneOf(rapid.String(), rapid.Custom(func(t *rapid.T) string {
		var b []byte
		for _, i := range rapid.SliceOfN(rapid.IntRange(0, len(pieces)-1), 0, 12).Draw(t, "pieces") {
			b = append(b, pieces[i]...)
		}
		return string(b)
	}))
	rapid.Check(t, func(t *rapid.T) {
		s := text.Draw(t, "s")
		want, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		if got := Append([]byte("x"), s); !bytes.Equal(got, append([]byte("x"), want...)) {
			t.Fatalf("Append(%q) = %s, want %s", s, got[1:], want)
		}
	})
}
