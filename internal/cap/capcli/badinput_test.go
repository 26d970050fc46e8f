package capcli_test

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/taawun/taawun/internal/cap/capcli"
)

// endless yields the same byte forever after a prefix.
type endless struct {
	prefix string
	fill   byte
}

func (e *endless) Read(p []byte) (int, error) {
	n := copy(p, e.prefix)
	e.prefix = e.prefix[n:]
	for i := n; i < len(p); i++ {
		p[i] = e.fill
	}
	return len(p), nil
}

// TestBadStdin: each hostile input ends in a clear error quickly.
func TestBadStdin(t *testing.T) {
	tests := []struct {
		name string
		in   io.Reader
		args []string
		code int
		want string
	}{
		{"endless validate", &endless{prefix: `<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><note>`, fill: 'a'}, []string{"validate", "-"}, 1, "more than"},
		{"endless convert", &endless{prefix: `<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><note>`, fill: 'a'}, []string{"convert", "-"}, 1, "more than"},
		{"endless verify", &endless{prefix: `<a>`, fill: ' '}, []string{"verify", "-"}, 2, "more than"},
		{"1 GiB of zeros", io.LimitReader(&endless{fill: 0}, 1<<30), []string{"validate", "-"}, 1, "CAP001"},
		{"entity bomb", strings.NewReader(`<!DOCTYPE a [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]><alert>&b;</alert>`), []string{"validate", "-"}, 1, "DTD"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			start := time.Now()
			code := capcli.Run(context.Background(), tt.args, tt.in, &out, &errb)
			// A hang guard, not a speed test: benchmarks measure speed.
			if d := time.Since(start); d > 2*time.Minute {
				t.Errorf("took %v", d)
			}
			if code != tt.code {
				t.Errorf("exit %d, want %d: %s %s", code, tt.code, out.String(), errb.String())
			}
			if !strings.Contains(out.String()+errb.String(), tt.want) {
				t.Errorf("output lacks %q: %s %s", tt.want, out.String(), errb.String())
			}
		})
	}
}
