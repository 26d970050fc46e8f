package xmltree

import (
	"bytes"
	"strings"
	"testing"

	"github.com/taawun/taawun/internal/cap/internal/captest"
)

// TestParserReuse parses the real samples one after another with one
// Parser, whose memory is reused from one to the next, and requires the
// same verdicts and trees as Parse gives each on its own.
func TestParserReuse(t *testing.T) {
	docs := captest.Seeds(t, "cap", "feed", "edxlde")
	docs = append(docs, []byte("<a>x<b/>y<!-- c -->z<c>1</c><c>2</c></a>"), []byte("<a><b>"), []byte("<a/>"))
	var p Parser
	for round := range 2 {
		for i, src := range docs {
			want, werr := Parse(bytes.NewReader(src), Limits{})
			got, gerr := p.Parse(bytes.Clone(src), Limits{})
			if (gerr == nil) != (werr == nil) || (gerr != nil && gerr.Error() != werr.Error()) {
				t.Fatalf("round %d, doc %d: Parser error %v, Parse error %v", round, i, gerr, werr)
			}
			if gerr != nil {
				continue
			}
			var g, w strings.Builder
			dump(got, &g)
			dump(want, &w)
			if g.String() != w.String() {
				t.Fatalf("round %d, doc %d: trees differ:\nParser: %s\nParse:  %s", round, i, g.String(), w.String())
			}
		}
	}
}
