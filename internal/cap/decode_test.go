package cap

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/taawun/taawun/internal/cap/internal/captest"
	"github.com/taawun/taawun/internal/cap/xmltree"
	"pgregory.net/rapid"
)

// canon renders v for comparison: every field, unexported ones and
// positions included, with nil and empty lists alike (a Decoder leaves
// the lists of a reused alert empty rather than nil).
func canon(v reflect.Value, b *strings.Builder) {
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			b.WriteString("nil")
			return
		}
		canon(v.Elem(), b)
	case reflect.Struct:
		b.WriteString("{")
		for i := range v.NumField() {
			b.WriteString(v.Type().Field(i).Name + ":")
			canon(v.Field(i), b)
			b.WriteString(" ")
		}
		b.WriteString("}")
	case reflect.Slice:
		b.WriteString("[")
		for i := range v.Len() {
			canon(v.Index(i), b)
			b.WriteString(",")
		}
		b.WriteString("]")
	case reflect.String:
		fmt.Fprintf(b, "%q", v.String())
	case reflect.Int:
		fmt.Fprintf(b, "%d", v.Int())
	default:
		panic("canon: unexpected kind " + v.Kind().String())
	}
}

func canonAlert(a *Alert) string {
	var b strings.Builder
	canon(reflect.ValueOf(a), &b)
	return b.String()
}

// oracleParse is the tree-walking path the decoder replaced: the tree
// first, then the alert from it.
func oracleParse(src []byte, lim Limits) (*Alert, error) {
	root, err := xmltree.Parse(bytes.NewReader(src), lim)
	if err != nil {
		return nil, fmt.Errorf("cap: parse: %w", err)
	}
	return oracleParseNode(root)
}

// failer is what checkDecoder needs of *testing.T and *rapid.T.
type failer interface {
	Helper()
	Fatal(args ...any)
	Fatalf(format string, args ...any)
}

// checkDecoder requires the streaming decoder, ParseNode (a tree
// replayed into it) and a reused Decoder to give exactly what the
// tree-walking decoder gives on src: the same error, or the same alert
// with the same positions and structural issues, and the same reports.
func checkDecoder(t failer, src []byte, dec *Decoder) {
	t.Helper()
	lim := Limits{MaxBytes: 1 << 20, MaxElements: 10_000}
	want, werr := oracleParse(src, lim)
	got, gerr := ParseWithLimits(bytes.NewReader(src), lim)
	reused, rerr := dec.Decode(bytes.Clone(src), lim)
	if fmt.Sprint(gerr) != fmt.Sprint(werr) || fmt.Sprint(rerr) != fmt.Sprint(werr) {
		t.Fatalf("errors differ on %q:\ndecoder:         %v\nreused Decoder:  %v\ntree decoder:    %v", src, gerr, rerr, werr)
	}
	if werr != nil {
		return
	}
	w := canonAlert(want)
	if g := canonAlert(got); g != w {
		t.Fatalf("alerts differ on %q:\ndecoder:      %s\ntree decoder: %s", src, g, w)
	}
	if r := canonAlert(reused); r != w {
		t.Fatalf("alerts differ on %q:\nreused Decoder: %s\ntree decoder:   %s", src, r, w)
	}
	root, err := xmltree.Parse(bytes.NewReader(src), lim)
	if err != nil {
		t.Fatal(err)
	}
	replayed, err := ParseNode(root)
	if err != nil {
		t.Fatal(err)
	}
	if r := canonAlert(replayed); r != w {
		t.Fatalf("alerts differ on %q:\nParseNode:    %s\ntree decoder: %s", src, r, w)
	}
	for _, p := range Profiles() {
		opts := Options{Profile: p}
		if g, w := fmt.Sprint(Validate(context.Background(), reused, opts)), fmt.Sprint(Validate(context.Background(), want, opts)); g != w {
			t.Fatalf("profile %s: reports differ on %q:\nreused Decoder: %s\ntree decoder:   %s", p, src, g, w)
		}
	}
}

// decoderSeeds are the real CAP samples and the local test files.
func decoderSeeds(t testing.TB) [][]byte {
	docs := captest.Seeds(t, "cap")
	local, _ := filepath.Glob(filepath.Join("testdata", "*.xml"))
	for _, name := range local {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		docs = append(docs, b)
	}
	return docs
}

// mutations are fragments inserted at tag boundaries: misplaced,
// repeated, unknown and foreign elements, elements inside leaves, text
// in pieces, CAP 1.0 named values; brokenMarkup, less often, makes the
// document malformed.
var mutations = []string{
	"<foo>bar</foo>", "<ds:Signature xmlns:ds='http://www.w3.org/2000/09/xmldsig#'><x/></ds:Signature>", "<code>c</code>",
	"<area><areaDesc>a</areaDesc><geocode>k=v</geocode><foo/></area>", "<valueName>v</valueName>", "<value>1</value>",
	"<!-- c -->", "<![CDATA[q]]>", "x&amp;y", "\n  ", "<x:y xmlns:x='urn:oasis:names:tc:emergency:cap:1.2'>z</x:y>",
	"<info><category>Geo</category><eventCode>a=b</eventCode></info>", "<eventCode><valueName>a</valueName>t<value>b</value></eventCode>",
	"<geocode>k=v</geocode>", "<parameter/>", "<parameter> a = b <!-- c --> </parameter>", "<resource><resourceDesc>d</resourceDesc><foo/></resource>",
	"<polygon>1,1 2,2 1,1</polygon>", "<identifier>x</identifier>", "<sent>2020-01-01T00:00:00+00:00</sent>", "<language><b/>en<c><d/></c></language>",
	"<password>p</password>", "<p:q xmlns:p='u'><r/></p:q>", "<headline>a<![CDATA[b]]>c&lt;</headline>", "<info/>", "<note/>",
}

var brokenMarkup = []string{"<a:b/>", "</info>", "<info>", "<", "&bad;", "<x:y/>"}

var capNamespaces = []string{NS12, NS11, NS10, NS12, NS11, NS10, "urn:example"}

// mutate applies random edits at tag boundaries of doc.
func mutate(t *rapid.T, doc []byte) []byte {
	if rapid.Bool().Draw(t, "other version") {
		ns := rapid.SampledFrom(capNamespaces).Draw(t, "namespace")
		for _, from := range capNamespaces[:3] {
			doc = bytes.ReplaceAll(doc, []byte(from), []byte(ns))
		}
	}
	for range rapid.IntRange(0, 5).Draw(t, "edits") {
		var tags []int
		for i, c := range doc {
			if c == '<' {
				tags = append(tags, i)
			}
		}
		if len(tags) < 2 {
			break
		}
		k := rapid.IntRange(1, len(tags)-1).Draw(t, "at")
		at := tags[k]
		switch rapid.IntRange(0, 9).Draw(t, "edit") {
		case 0: // drop the element that starts there
			if end := elementEnd(doc, at); end > at {
				doc = append(doc[:at:at], doc[end:]...)
			}
		case 1: // repeat it
			if end := elementEnd(doc, at); end > at {
				doc = append(doc[:end:end], append(bytes.Clone(doc[at:end]), doc[end:]...)...)
			}
		case 2:
			frag := rapid.SampledFrom(brokenMarkup).Draw(t, "broken")
			doc = append(doc[:at:at], append([]byte(frag), doc[at:]...)...)
		default:
			frag := rapid.SampledFrom(mutations).Draw(t, "fragment")
			doc = append(doc[:at:at], append([]byte(frag), doc[at:]...)...)
		}
	}
	return doc
}

// elementEnd returns the offset just past the element whose start tag
// is at offset at, or -1 when there is none (end tags, comments; CDATA
// sections and attribute values are taken as they come).
func elementEnd(doc []byte, at int) int {
	if at+1 >= len(doc) || strings.IndexByte("/!?", doc[at+1]) >= 0 {
		return -1
	}
	depth := 0
	for i := at; i < len(doc); {
		gt := bytes.IndexByte(doc[i:], '>')
		if gt < 0 {
			return -1
		}
		tag := doc[i : i+gt+1]
		switch {
		case tag[1] == '/':
			depth--
		case tag[1] != '!' && tag[1] != '?' && tag[len(tag)-2] != '/':
			depth++
		}
		i += gt + 1
		if depth == 0 {
			return i
		}
		next := bytes.IndexByte(doc[i:], '<')
		if next < 0 {
			return -1
		}
		i += next
	}
	return -1
}

// TestDecoderMatchesTreeDecoder checks the streaming decoder against the
// tree-walking one it replaced, on the real samples and on random
// structural mutations of them.
func TestDecoderMatchesTreeDecoder(t *testing.T) {
	seeds := decoderSeeds(t)
	var dec Decoder // reused from one input to the next, as in batch validation
	for _, src := range seeds {
		checkDecoder(t, src, &dec)
	}
	rapid.Check(t, func(rt *rapid.T) {
		src := mutate(rt, bytes.Clone(rapid.SampledFrom(seeds).Draw(rt, "sample")))
		checkDecoder(rt, src, &dec)
	})
}

// FuzzDecoder is TestDecoderMatchesTreeDecoder on any input.
func FuzzDecoder(f *testing.F) {
	for _, b := range decoderSeeds(f) {
		f.Add(b)
	}
	var dec Decoder
	f.Fuzz(func(t *testing.T, src []byte) {
		checkDecoder(t, src, &dec)
	})
}
