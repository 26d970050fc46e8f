// Package xmltree reads untrusted XML with hard limits on size, depth
// and element count, and refuses document type declarations (and so
// every entity expansion attack) outright.
//
// It is the one place where CAP, feed and EDXL-DE documents are
// tokenised. [Parse] builds a small element tree of [Node] values that
// carry the line and column of every element for precise diagnostics;
// [Scan] hands the same elements and text to a [Handler] as it reads
// them, for a reader (the CAP decoder) that builds its own structure
// without a tree in between. Namespace prefixes are resolved as the
// elements are read; an undeclared one is reported only when the rest of
// the document is well-formed, as when the tree was resolved afterwards.
//
// The tokeniser is hand-written for speed (the whole document is held in
// memory, at most Limits.MaxBytes, and names and text are substrings of
// one copy of it; plain character data is checked eight bytes at a time;
// line feeds are counted as the bytes are passed over, so that the
// position of an element costs nothing more). Trees are carved from
// slabs, and a [Parser] reuses its memory from one document to the
// next, which with [ReadFile] lets a batch validator read thousands of
// files with next to no garbage.
//
// The tokeniser implements the well-formedness rules encoding/xml applies
// in strict mode, and a few more of the XML specification's (character
// references to excluded characters, CDATA outside the root, an XML
// declaration that is not first). The tests keep the previous
// encoding/xml based reader as an oracle: a fuzz target and a property
// test require both to reach the same verdict and the same tree,
// positions included, and the fuzz target also requires a reused Parser
// to agree with Parse.
package xmltree
