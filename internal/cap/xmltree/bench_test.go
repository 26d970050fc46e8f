package xmltree

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/taawun/taawun/internal/cap/internal/captest"
)

// BenchmarkParserLarge parses the real IPAWS message with ~100 KB of
// base64 audio, reusing the parser's memory as batch validation does.
func BenchmarkParserLarge(b *testing.B) {
	src, err := os.ReadFile(filepath.Join(captest.Dir(b), "willglynn-oasiscap", "ipaws-5e6dd964023f1930ef638846.xml"))
	if err != nil {
		b.Fatal(err)
	}
	benchParser(b, src)
}

// BenchmarkParserSmall parses a typical 2.9 KB message the same way.
func BenchmarkParserSmall(b *testing.B) {
	src, err := os.ReadFile(filepath.Join("..", "testdata", "full.xml"))
	if err != nil {
		b.Fatal(err)
	}
	benchParser(b, src)
}

func benchParser(b *testing.B, src []byte) {
	b.ReportAllocs()
	b.SetBytes(int64(len(src)))
	var p Parser
	for b.Loop() {
		if _, err := p.Parse(src, Limits{}); err != nil {
			b.Fatal(err)
		}
	}
}
