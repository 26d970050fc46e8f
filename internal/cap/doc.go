// Package cap reads, writes and validates Common Alerting Protocol messages
// (OASIS CAP 1.2, and the older 1.1 and 1.0 for ingest).
//
// [Parse] reads untrusted input safely: size, depth and element-count
// limits, declared character encodings, and refusal of any DTD (so no
// entity expansion or external entity is ever processed). [Encode] writes
// the canonical form of an [Alert]; parse → encode → parse is lossless for
// everything the model holds. [Validate] checks a message against a
// [Profile] and reports [Issue] values with stable rule codes (see [Rules]),
// severities and line:column positions.
//
// The alert is decoded as the tokeniser reads the document, with no
// element tree in between; [ParseNode] replays a tree (an alert inside a
// feed) into the same decoder. A [Decoder] reuses its memory, and the
// previous alert's, from one message to the next, for batch validation.
//
// Subpackages: xmltree (the safe XML reader), capfeed (Atom/RSS feeds and
// EDXL-DE envelopes), capsig (XML signatures), capgeo (geometry) and capcli
// (the "taawun cap" command line).
package cap
