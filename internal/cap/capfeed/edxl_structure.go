package capfeed

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/taawun/taawun/internal/cap"
	"github.com/taawun/taawun/internal/cap/xmltree"
)

// particle is one element of an EDXL-DE schema sequence.
type particle struct {
	name     string
	min, max int // max < 0: unbounded
	content  *sequence
}

// sequence is an EDXL-DE complex type: its elements in order, and whether
// elements of other namespaces may follow (xsd:any ##other).
type sequence struct {
	items    []particle
	anyOther bool
}

// The EDXL-DE 1.0 schema (edxlde-1_0.xsd) as sequences. Functions rather
// than variables: no package-level mutable state.
func valueList() *sequence {
	return &sequence{items: []particle{{name: "valueListUrn", min: 1, max: 1}, {name: "value", min: 1, max: -1}}}
}

func edxlDistribution() *sequence {
	return &sequence{items: []particle{
		{name: "distributionID", min: 1, max: 1},
		{name: "senderID", min: 1, max: 1},
		{name: "dateTimeSent", min: 1, max: 1},
		{name: "distributionStatus", min: 1, max: 1},
		{name: "distributionType", min: 1, max: 1},
		{name: "combinedConfidentiality", min: 1, max: 1},
		{name: "language", max: 1},
		{name: "senderRole", max: -1, content: valueList()},
		{name: "recipientRole", max: -1, content: valueList()},
		{name: "keyword", max: -1, content: valueList()},
		{name: "distributionReference", max: -1},
		{name: "explicitAddress", max: -1, content: &sequence{items: []particle{
			{name: "explicitAddressScheme", min: 1, max: 1}, {name: "explicitAddressValue", min: 1, max: -1}}}},
		{name: "targetArea", max: -1, content: &sequence{items: []particle{
			{name: "circle", max: -1}, {name: "polygon", max: -1}, {name: "country", max: -1},
			{name: "subdivision", max: -1}, {name: "locCodeUN", max: -1}}}},
		{name: "contentObject", max: -1, content: contentObject()},
	}}
}

func contentObject() *sequence {
	anyXML := &sequence{anyOther: true}
	return &sequence{anyOther: true, items: []particle{
		{name: "contentDescription", max: 1},
		{name: "contentKeyword", max: -1, content: valueList()},
		{name: "incidentID", max: 1},
		{name: "incidentDescription", max: 1},
		{name: "originatorRole", max: -1, content: valueList()},
		{name: "consumerRole", max: -1, content: valueList()},
		{name: "confidentiality", max: 1},
		// xsd:choice of exactly one of these two; checked in edxlStructure.
		{name: "nonXMLContent", max: 1, content: &sequence{items: []particle{
			{name: "mimeType", min: 1, max: 1}, {name: "size", max: 1}, {name: "digest", max: 1},
			{name: "uri", max: 1}, {name: "contentData", max: 1}}}},
		{name: "xmlContent", max: 1, content: &sequence{items: []particle{
			{name: "keyXMLContent", max: -1, content: anyXML}, {name: "embeddedXMLContent", max: -1, content: anyXML}}}},
	}}
}

// edxlStructure checks n's children against s, recursively, like the
// EDXL-DE schema: order, unknown and repeated elements, required ones.
func (v *validator) edxlStructure(path string, n *xmltree.Node, s *sequence) {
	counts := make([]int, len(s.items))
	last, other := -1, 0
	for _, c := range n.Children {
		if c.Name.Space != NSEDXLDE {
			if !s.anyOther {
				v.add(RuleEDXLUnknown, cap.SevError, path+"/"+c.Name.Local, c.Pos, "element <%s> from namespace %q is not allowed in <%s>", c.Name.Local, c.Name.Space, n.Name.Local)
			}
			other++
			continue
		}
		idx := -1
		for i, it := range s.items {
			if it.name == c.Name.Local {
				idx = i
				break
			}
		}
		cp := path + "/" + c.Name.Local
		switch {
		case idx < 0:
			v.add(RuleEDXLUnknown, cap.SevError, cp, c.Pos, "unknown element <%s> in <%s>", c.Name.Local, n.Name.Local)
			continue
		case other > 0:
			v.add(RuleEDXLOrder, cap.SevError, cp, c.Pos, "<%s> after foreign content in <%s>", c.Name.Local, n.Name.Local)
		case idx < last:
			v.add(RuleEDXLOrder, cap.SevError, cp, c.Pos, "<%s> is out of order in <%s>", c.Name.Local, n.Name.Local)
		}
		last = max(last, idx)
		counts[idx]++
		it := s.items[idx]
		if it.max >= 0 && counts[idx] > it.max {
			v.add(RuleEDXLRepeated, cap.SevError, cp, c.Pos, "<%s> may occur at most %d times in <%s>", it.name, it.max, n.Name.Local)
		}
		if it.content != nil {
			v.edxlStructure(fmt.Sprintf("%s[%d]", cp, counts[idx]-1), c, it.content)
		} else {
			v.edxlLeaf(cp, c)
		}
	}
	for i, it := range s.items {
		if counts[i] < it.min {
			v.add(RuleEDXLField, cap.SevError, path, n.Pos, "<%s> requires <%s>", n.Name.Local, it.name)
		}
	}
	if s.anyOther && len(s.items) == 0 && other == 0 {
		v.add(RuleEDXLContent, cap.SevError, path, n.Pos, "<%s> must hold XML content", n.Name.Local)
	}
	if n.Name.Local == "contentObject" {
		choice := counts[len(counts)-1] + counts[len(counts)-2]
		if choice != 1 {
			v.add(RuleEDXLContent, cap.SevError, path, n.Pos, "contentObject needs exactly one of <nonXMLContent> or <xmlContent>, not %d", choice)
		}
	}
}

// edxlLeaf checks a simple-typed element: no child elements; integers.
func (v *validator) edxlLeaf(path string, n *xmltree.Node) {
	for _, c := range n.Children {
		v.add(RuleEDXLUnknown, cap.SevError, path+"/"+c.Name.Local, c.Pos, "unexpected element <%s> inside <%s>", c.Name.Local, n.Name.Local)
	}
	if n.Name.Local == "size" {
		if _, err := strconv.ParseInt(strings.TrimSpace(n.Text), 10, 64); err != nil {
			v.add(RuleEDXLField, cap.SevError, path, n.Pos, "<size> %q is not an integer", n.Text)
		}
	}
}
