// Package xmltree reads untrusted XML into a small element tree with hard
// limits on size, depth and element count, and refuses document type
// declarations (and so every entity expansion attack) outright.
//
// It is the one place where CAP, feed and EDXL-DE documents meet the
// encoding/xml tokenizer; the packages above it work on [Node] values that
// carry the line and column of every element for precise diagnostics.
package xmltree
