package xmltree

import (
	"encoding/xml"
	"unsafe"
)

// treeBuilder is the Handler that builds the tree Parse returns. The
// children and text segments of the open elements are kept on shared
// stacks and moved into exact-size blocks, carved from slabs, when an
// element closes.
type treeBuilder struct {
	root *Node
	open []openNode
	kids []*Node
	segs []string

	nodes    slabs[Node]
	kidLists slabs[*Node]
	texts    slabs[byte]
}

// openNode is an element being built; kids and segs index its first
// child and text segment in the builder's stacks.
type openNode struct {
	n          *Node
	kids, segs int
}

// newTreeBuilder returns a builder; with reuse, the memory of one
// document's tree is used again for the next after reset (see Parser).
func newTreeBuilder(reuse bool) *treeBuilder {
	return &treeBuilder{
		open:     make([]openNode, 0, 16),
		kids:     make([]*Node, 0, 64),
		segs:     make([]string, 0, 64),
		nodes:    slabs[Node]{size: 64, reuse: reuse},
		kidLists: slabs[*Node]{size: 128, reuse: reuse},
		texts:    slabs[byte]{size: 2048, reuse: reuse},
	}
}

// reset makes the builder's memory available for the next tree: the
// previous one may not be used any more.
func (t *treeBuilder) reset() {
	clear(t.kids[:cap(t.kids)]) // drop references left by a failed document
	t.root, t.open, t.kids, t.segs = nil, t.open[:0], t.kids[:0], t.segs[:0]
	t.nodes.reset()
	t.kidLists.reset()
	t.texts.reset()
}

// StartElement opens a node.
func (t *treeBuilder) StartElement(name xml.Name, attr []xml.Attr, pos Pos) {
	n := &t.nodes.take(1)[0]
	n.Name, n.Pos = name, pos
	if len(attr) > 0 {
		n.Attr = append([]xml.Attr(nil), attr...)
	}
	if len(t.open) == 0 {
		t.root = n
	} else {
		t.kids = append(t.kids, n)
	}
	t.open = append(t.open, openNode{n: n, kids: len(t.kids), segs: len(t.segs)})
}

// CharData records a text segment of the innermost open node.
func (t *treeBuilder) CharData(text string) { t.segs = append(t.segs, text) }

// EndElement closes the innermost open node: it receives its children
// and the concatenation of its text segments.
func (t *treeBuilder) EndElement() {
	o := t.open[len(t.open)-1]
	t.open = t.open[:len(t.open)-1]
	if kids := t.kids[o.kids:]; len(kids) > 0 {
		o.n.Children = t.kidLists.take(len(kids))
		copy(o.n.Children, kids)
		clear(kids) // drop the references held by the stack
		t.kids = t.kids[:o.kids]
	}
	o.n.Text = t.joinText(t.segs[o.segs:])
	t.segs = t.segs[:o.segs]
}

// joinText concatenates an element's text segments. One segment (the
// common case of a leaf) is returned as it is; several (white space
// between children, or text around comments and CDATA sections) are
// copied into a block of the text slabs, which nothing writes to while
// the tree is in use, so the string may share its memory.
func (t *treeBuilder) joinText(segs []string) string {
	switch len(segs) {
	case 0:
		return ""
	case 1:
		return segs[0]
	}
	n := 0
	for _, s := range segs {
		n += len(s)
	}
	b := t.texts.take(n)[:0]
	for _, s := range segs {
		b = append(b, s...)
	}
	return unsafe.String(unsafe.SliceData(b), len(b))
}

// Replay reports the tree under n to h as Scan reported the document:
// each element's text in one piece, before its children.
func (n *Node) Replay(h Handler) {
	h.StartElement(n.Name, n.Attr, n.Pos)
	if n.Text != "" {
		h.CharData(n.Text)
	}
	for _, c := range n.Children {
		c.Replay(h)
	}
	h.EndElement()
}
