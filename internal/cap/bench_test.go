package cap_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/taawun/taawun/internal/cap"
	"github.com/taawun/taawun/internal/cap/internal/captest"
)

func benchParseValidate(b *testing.B, src []byte) {
	b.ReportAllocs()
	b.SetBytes(int64(len(src)))
	ctx := context.Background()
	for b.Loop() {
		a, err := cap.Parse(bytes.NewReader(src))
		if err != nil {
			b.Fatal(err)
		}
		if rep := cap.Validate(ctx, a, cap.Options{}); !rep.Valid() {
			b.Fatal(rep.Issues)
		}
	}
}

// benchDecodeValidate is benchParseValidate with one Decoder reused
// from message to message, as batch validation (taawun cap validate)
// reads files.
func benchDecodeValidate(b *testing.B, src []byte) {
	b.ReportAllocs()
	b.SetBytes(int64(len(src)))
	ctx := context.Background()
	var dec cap.Decoder
	for b.Loop() {
		a, err := dec.Decode(src, cap.Limits{})
		if err != nil {
			b.Fatal(err)
		}
		if rep := cap.Validate(ctx, a, cap.Options{}); !rep.Valid() {
			b.Fatal(rep.Issues)
		}
	}
}

// BenchmarkParseValidate parses and validates one typical message.
func BenchmarkParseValidate(b *testing.B) {
	src, err := os.ReadFile("testdata/full.xml")
	if err != nil {
		b.Fatal(err)
	}
	benchParseValidate(b, src)
}

// BenchmarkDecodeValidate is BenchmarkParseValidate with a reused Decoder.
func BenchmarkDecodeValidate(b *testing.B) {
	src, err := os.ReadFile("testdata/full.xml")
	if err != nil {
		b.Fatal(err)
	}
	benchDecodeValidate(b, src)
}

// BenchmarkParseValidateLarge uses the real IPAWS message with ~100 KB of
// base64 audio.
func BenchmarkParseValidateLarge(b *testing.B) {
	dir := captest.Dir(b)
	src, err := os.ReadFile(filepath.Join(dir, "willglynn-oasiscap", "ipaws-5e6dd964023f1930ef638846.xml"))
	if err != nil {
		b.Fatal(err)
	}
	benchParseValidate(b, src)
}

func BenchmarkEncode(b *testing.B) {
	src, err := os.ReadFile("testdata/full.xml")
	if err != nil {
		b.Fatal(err)
	}
	a, err := cap.ParseBytes(src)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	var buf bytes.Buffer
	for b.Loop() {
		buf.Reset()
		if err := cap.Encode(&buf, a); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecodeValidateLarge is BenchmarkParseValidateLarge with a
// reused Decoder.
func BenchmarkDecodeValidateLarge(b *testing.B) {
	src, err := os.ReadFile(filepath.Join(captest.Dir(b), "willglynn-oasiscap", "ipaws-5e6dd964023f1930ef638846.xml"))
	if err != nil {
		b.Fatal(err)
	}
	benchDecodeValidate(b, src)
}
