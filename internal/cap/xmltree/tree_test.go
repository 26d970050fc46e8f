package xmltree_test

import (
	"errors"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/taawun/taawun/internal/cap/xmltree"
)

func TestParseTree(t *testing.T) {
	src := "\xef\xbb\xbf<?xml version=\"1.0\"?>\n<!-- c -->\n<a:root xmlns:a=\"urn:a\" xmlns=\"urn:d\" a:x=\"1\" y=\"2\">\n  <child>t1<?pi x?>t2</child>\n  <a:other xmlns=\"\"><plain/></a:other>\n</a:root>\n"
	n, err := xmltree.Parse(strings.NewReader(src), xmltree.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if n.Name.Space != "urn:a" || n.Name.Local != "root" || n.Pos != (xmltree.Pos{Line: 3, Col: 1}) {
		t.Fatalf("root %+v at %v", n.Name, n.Pos)
	}
	if v, ok := n.AttrValue("x"); !ok || v != "1" {
		t.Errorf("attr x = %q, %v", v, ok)
	}
	c := n.Child("urn:d", "child")
	if c == nil || c.Text != "t1t2" || c.Pos != (xmltree.Pos{Line: 4, Col: 3}) {
		t.Fatalf("child %+v", c)
	}
	o := n.Child("urn:a", "other")
	if o == nil || o.Child("", "plain") == nil {
		t.Fatalf("xmlns=\"\" not undeclaring the default namespace: %+v", o)
	}
	var nilNode *xmltree.Node
	if nilNode.Child("", "x") != nil {
		t.Error("Child on nil")
	}
}

func TestLimitsExact(t *testing.T) {
	src := "<a><b/></a>"
	if _, err := xmltree.Parse(strings.NewReader(src), xmltree.Limits{MaxBytes: int64(len(src))}); err != nil {
		t.Errorf("document exactly at the limit: %v", err)
	}
	if _, err := xmltree.Parse(strings.NewReader(src+" "), xmltree.Limits{MaxBytes: int64(len(src))}); !errors.Is(err, xmltree.ErrTooLarge) {
		t.Errorf("one byte over: %v", err)
	}
	if _, err := xmltree.Parse(strings.NewReader(src), xmltree.Limits{MaxDepth: 1}); !errors.Is(err, xmltree.ErrTooDeep) {
		t.Errorf("depth: %v", err)
	}
	if _, err := xmltree.Parse(strings.NewReader(src), xmltree.Limits{MaxElements: 1}); !errors.Is(err, xmltree.ErrTooManyElements) {
		t.Errorf("elements: %v", err)
	}
}

func TestRefusals(t *testing.T) {
	tests := map[string]error{
		"<a/><b/>":         xmltree.ErrSyntax,
		"text<a/>":         xmltree.ErrSyntax,
		"<a></b>":          xmltree.ErrSyntax,
		"":                 xmltree.ErrEmpty,
		"<!DOCTYPE a><a/>": xmltree.ErrDTD,
		"<x:a/>":           xmltree.ErrSyntax,
		"<a x:y=\"1\"/>":   xmltree.ErrSyntax,
		"<?xml version=\"1.0\" encoding=\"nope\"?><a/>": xmltree.ErrEncoding,
	}
	for src, want := range tests {
		if _, err := xmltree.Parse(strings.NewReader(src), xmltree.Limits{}); !errors.Is(err, want) {
			t.Errorf("%q: got %v, want %v", src, err, want)
		}
	}
}

func TestDeclaredEncoding(t *testing.T) {
	src := "<?xml version=\"1.0\" encoding=\"windows-1252\"?><a>\x80 caf\xe9</a>"
	n, err := xmltree.Parse(strings.NewReader(src), xmltree.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if n.Text != "€ café" {
		t.Errorf("text %q", n.Text)
	}
}

func TestBOMOneByteAtATime(t *testing.T) {
	n, err := xmltree.Parse(iotest.OneByteReader(strings.NewReader("\xef\xbb\xbf<a>x</a>")), xmltree.Limits{})
	if err != nil || n.Text != "x" {
		t.Fatalf("%v %+v", err, n)
	}
}

func TestErrorPosition(t *testing.T) {
	_, err := xmltree.Parse(strings.NewReader("<a>\n  <b></c>\n</a>"), xmltree.Limits{})
	var xe *xmltree.Error
	if !errors.As(err, &xe) || xe.Pos != (xmltree.Pos{Line: 2, Col: 6}) || !errors.Is(err, xmltree.ErrSyntax) {
		t.Fatalf("got %#v (%v)", xe, err)
	}
	if !strings.Contains(err.Error(), "2:6") {
		t.Errorf("message %q lacks the position", err)
	}
}
