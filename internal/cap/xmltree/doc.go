// Package xmltree reads untrusted XML into a small element tree with hard
// limits on size, depth and element count, and refuses document type
// declarations (and so every entity expansion attack) outright.
//
// It is the one place where CAP, feed and EDXL-DE documents are
// tokenised; the packages above it work on [Node] values that carry the
// line and column of every element for precise diagnostics.
//
// The tokeniser is hand-written for speed (the whole document is held in
// memory, at most Limits.MaxBytes, and names and text are substrings of
// one copy of it; plain character data is checked eight bytes at a
// time). Trees are carved from slabs, and a [Parser] reuses them from one
// document to the next, which with [ReadFile] lets a batch validator read
// thousands of files with next to no garbage.
//
// The tokeniser implements the well-formedness rules encoding/xml applies
// in strict mode, and a few more of the XML specification's (character
// references to excluded characters, CDATA outside the root, an XML
// declaration that is not first). The tests keep the previous
// encoding/xml based reader as an oracle: a fuzz target and a property
// test require both to reach the same verdict and the same tree, and the
// fuzz target also requires a reused Parser to agree with Parse.
package xmltree
