package cap_test

import (
	"errors"
	"io"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/taawun/taawun/internal/cap"
)

// repeatReader yields head, then body repeated until n bytes in total
// have been produced, then tail: a stream of any size without a file.
type repeatReader struct {
	head, body, tail string
	n, off           int64
}

func (r *repeatReader) Read(p []byte) (int, error) {
	if r.off >= r.n+int64(len(r.head))+int64(len(r.tail)) {
		return 0, io.EOF
	}
	w := 0
	for w < len(p) {
		total := r.n + int64(len(r.head)) + int64(len(r.tail))
		if r.off >= total {
			break
		}
		var b byte
		switch h := int64(len(r.head)); {
		case r.off < h:
			b = r.head[r.off]
		case r.off < h+r.n:
			b = r.body[(r.off-h)%int64(len(r.body))]
		default:
			b = r.tail[r.off-h-r.n]
		}
		p[w] = b
		w++
		r.off++
	}
	return w, nil
}

const alertHead = `<?xml version="1.0" encoding="UTF-8"?>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>x</identifier><sender>s</sender><sent>2026-01-01T00:00:00-00:00</sent><status>Actual</status><msgType>Alert</msgType><scope>Public</scope>`

// hangGuard is how long any bad input may take before the test calls it a
// hang. It is generous on purpose: the tests run under the race detector on
// a loaded two-core CI machine, where honest work is ten times slower; speed
// itself is measured by the benchmarks, not here.
const hangGuard = 2 * time.Minute

// bounded runs fn and fails if it allocates more than maxAlloc bytes, or
// runs into hangGuard. d is the time expected on an idle machine without
// the race detector; it is logged for comparison, not enforced.
func bounded(t *testing.T, d time.Duration, maxAlloc uint64, fn func()) {
	t.Helper()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	start := time.Now()
	fn()
	el := time.Since(start)
	runtime.ReadMemStats(&after)
	if el > hangGuard {
		t.Errorf("took %v: a hang (expected about %v)", el, d)
	} else if el > d {
		t.Logf("took %v (about %v expected on an idle machine without -race)", el, d)
	}
	if a := after.TotalAlloc - before.TotalAlloc; a > maxAlloc {
		t.Errorf("allocated %d MiB, limit %d MiB", a>>20, maxAlloc>>20)
	}
}

func TestBadInput(t *testing.T) {
	bomb := `<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>&lol3;</identifier></alert>`
	xxe := `<?xml version="1.0"?>
<!DOCTYPE alert [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>&xxe;</identifier></alert>`
	garbage := make([]byte, 4096)
	for i := range garbage {
		garbage[i] = byte(i*7919 + i/3)
	}
	tests := []struct {
		name string
		r    func() io.Reader
		want error
		msg  string
	}{
		{"truncated", func() io.Reader { return strings.NewReader(alertHead + "<info><category>Met</cat") }, cap.ErrSyntax, "unexpected"},
		{"truncated before root end", func() io.Reader { return strings.NewReader(alertHead) }, cap.ErrSyntax, "end of input"},
		{"empty", func() io.Reader { return strings.NewReader("") }, nil, "no root element"},
		{"wrong namespace", func() io.Reader {
			return strings.NewReader(`<alert xmlns="urn:oasis:names:tc:emergency:cap:9.9"><identifier>x</identifier></alert>`)
		}, cap.ErrNotCAP, "unknown namespace"},
		{"no namespace", func() io.Reader { return strings.NewReader(`<alert><identifier>x</identifier></alert>`) }, cap.ErrNotCAP, "unknown namespace"},
		{"wrong root", func() io.Reader { return strings.NewReader(`<feed xmlns="http://www.w3.org/2005/Atom"/>`) }, cap.ErrNotCAP, "<feed>"},
		{"mismatched tags", func() io.Reader { return strings.NewReader(`<a:alert xmlns:a="x"></b:alert>`) }, cap.ErrSyntax, "does not match"},
		{"undeclared prefix", func() io.Reader { return strings.NewReader(`<cap:alert></cap:alert>`) }, cap.ErrSyntax, "undeclared"},
		{"binary garbage", func() io.Reader { return strings.NewReader(string(garbage)) }, cap.ErrSyntax, ""},
		{"unknown encoding", func() io.Reader {
			return strings.NewReader(`<?xml version="1.0" encoding="x-klingon"?><alert/>`)
		}, cap.ErrEncoding, "x-klingon"},
		{"entity bomb", func() io.Reader { return strings.NewReader(bomb) }, cap.ErrDTD, "DOCTYPE"},
		{"external entity", func() io.Reader { return strings.NewReader(xxe) }, cap.ErrDTD, "DOCTYPE"},
		{"undefined entity", func() io.Reader {
			return strings.NewReader(`<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>&xxe;</identifier></alert>`)
		}, cap.ErrSyntax, "entity"},
		{"1 GiB stream", func() io.Reader {
			return &repeatReader{head: alertHead + "<note>", body: "0123456789abcdef", n: 1 << 30, tail: "</note></alert>"}
		}, cap.ErrTooLarge, "bytes"},
		{"1 GiB of elements", func() io.Reader {
			return &repeatReader{head: alertHead, body: "<code>c</code>", n: 1 << 30, tail: "</alert>"}
		}, cap.ErrTooLarge, "bytes"},
		{"too many elements", func() io.Reader {
			return &repeatReader{head: alertHead, body: "<a/>", n: 4 * 300_000, tail: "</alert>"}
		}, cap.ErrTooManyElements, "elements"},
		{"deep nesting", func() io.Reader {
			return &repeatReader{head: alertHead, body: "<note>", n: 6 * 10000, tail: ""}
		}, cap.ErrTooDeep, "depth"},
		{"million-point polygon stream", func() io.Reader {
			return &repeatReader{head: alertHead + "<info><area><areaDesc>a</areaDesc><polygon>", body: "12.345678,67.891234 ", n: 20 * 1_000_000, tail: "</polygon></area></info></alert>"}
		}, cap.ErrTooLarge, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bounded(t, 5*time.Second, 256<<20, func() {
				a, err := cap.Parse(tt.r())
				if err == nil {
					t.Fatalf("parsed %+v, want an error", a)
				}
				if tt.want != nil && !errors.Is(err, tt.want) {
					t.Errorf("error %v, want %v", err, tt.want)
				}
				if !strings.Contains(err.Error(), tt.msg) {
					t.Errorf("error %q does not mention %q", err, tt.msg)
				}
				if !strings.HasPrefix(err.Error(), "cap: ") {
					t.Errorf("error %q lacks the cap: prefix", err)
				}
			})
		})
	}
}

// TestMillionPointPolygon raises the byte limit so that a polygon of a
// million points reaches the validator, which must refuse it quickly.
func TestMillionPointPolygon(t *testing.T) {
	var b strings.Builder
	b.WriteString(alertHead + "<info><category>Met</category><event>e</event><urgency>Past</urgency><severity>Minor</severity><certainty>Observed</certainty><area><areaDesc>a</areaDesc><polygon>")
	for range 1_000_000 {
		b.WriteString("12.3456,67.8912 ")
	}
	b.WriteString("</polygon></area></info></alert>")
	src := b.String()
	bounded(t, 10*time.Second, 512<<20, func() {
		a, err := cap.ParseWithLimits(strings.NewReader(src), cap.Limits{MaxBytes: 64 << 20})
		if err != nil {
			t.Fatal(err)
		}
		rep := cap.Validate(t.Context(), a, cap.Options{})
		found := false
		for _, i := range rep.Issues {
			if i.Code == cap.RulePolygon && strings.Contains(i.Message, "at most") {
				found = true
			}
		}
		if !found || rep.Valid() {
			t.Errorf("want a polygon size error, got %v", rep.Issues)
		}
	})
	if _, err := cap.ParsePolygon(strings.Repeat("1,1 ", cap.MaxPolygonPoints+1)); !errors.Is(err, cap.ErrGeometry) {
		t.Errorf("ParsePolygon over the limit: %v", err)
	}
}

func TestTooManyElements(t *testing.T) {
	src := alertHead + strings.Repeat("<code>c</code>", 100) + "</alert>"
	_, err := cap.ParseWithLimits(strings.NewReader(src), cap.Limits{MaxElements: 50})
	if !errors.Is(err, cap.ErrTooManyElements) {
		t.Fatalf("got %v, want ErrTooManyElements", err)
	}
}
