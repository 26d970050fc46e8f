package xmltree

import (
	"bytes"
	"strings"
	"testing"

	"pgregory.net/rapid"
)

// soupTokens are fragments whose random sequences exercise the corners
// of the XML grammar that CAP feeds meet.
var soupTokens = []string{
	"<a>", "</a>", "<b>", "</b>", "<a/>", "<p:a xmlns:p='u'>", "</p:a>", "<a x='1'>", "<a x=\"1\" y='2'>", "<a x=1>",
	"<a x>", "<a x='<'>", "<a x='&amp;'>", "<a x='\r\n'>", " ", "\n", "\r", "\r\n", "\t", "text", "&amp;", "&lt;", "&gt;",
	"&quot;", "&apos;", "&#65;", "&#x41;", "&#0;", "&#xD800;", "&nbsp;", "&", "&#;", "&#x;", "]]>", "]]", ">",
	"<![CDATA[", "]]>", "<!-- c -->", "<!--", "-->", "--", "<?pi data?>", "<?xml version='1.0'?>", "<!DOCTYPE a>",
	"<!ENTITY x 'y'>", "<", "</", "/>", "\x00", "\x01", "é", "\xff", "€", "<a\n>", "</a >", "</a\t\n>", "<1/>", "<-a/>",
	"<a:b:c/>", "<:a/>", "<a:/>", "<é/>", "'", "\"", "=", "<a x='1' x='2'/>", "<a x = '1'/>",
	// Line feeds in every place the scanner passes over, for positions.
	"<!--\n-->", "<?pi a\nb?>", "<![CDATA[\n]]>", "<a\nx='1'\n/>", "<a x='\n&amp;\n'>", "</a\n>", "<b\n/>", "\n\n",
}

// TestDifferentialTokenSoup compares the scanner with encoding/xml on
// random sequences of grammar fragments.
func TestDifferentialTokenSoup(t *testing.T) {
	lim := Limits{MaxBytes: 1 << 16, MaxDepth: 64, MaxElements: 1000}
	rapid.Check(t, func(rt *rapid.T) {
		parts := rapid.SliceOfN(rapid.SampledFrom(soupTokens), 1, 12).Draw(rt, "parts")
		src := []byte(strings.Join(parts, ""))
		got, gerr := Parse(bytes.NewReader(src), lim)
		want, werr := referenceParse(bytes.NewReader(src), lim)
		if !comparable(src) {
			return
		}
		if (gerr == nil) != (werr == nil) {
			if werr == nil && (!asciiNames(want) || stricter(gerr)) {
				return
			}
			rt.Fatalf("verdicts differ on %q:\nscanner:      %v\nencoding/xml: %v", src, gerr, werr)
		}
		if gerr == nil && asciiNames(want) {
			var g, w strings.Builder
			dump(got, &g)
			dump(want, &w)
			if g.String() != w.String() {
				rt.Fatalf("trees differ on %q:\nscanner:      %s\nencoding/xml: %s", src, g.String(), w.String())
			}
		}
	})
}
