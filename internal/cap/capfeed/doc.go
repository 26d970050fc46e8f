// Package capfeed reads and validates the containers CAP messages travel
// in: Atom and RSS 2.0 feeds, either thin index feeds whose entries link to
// CAP documents or fat feeds that embed them, and OASIS EDXL-DE 1.0
// distribution envelopes.
//
// Embedded alerts are validated with package cap; their issues appear in
// the container's report with paths below the entry that holds them.
package capfeed
