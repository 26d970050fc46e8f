package dissem

import (
	"bytes"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/http"
	"net/http/httptest"
	"net/mail"
	"sync"
	"testing"
)

// parsedMail is the parts of a delivered e-mail the tests look at.
type parsedMail struct {
	Subject, Language, MessageID string
	Text, HTML                   string
	Header                       mail.Header
}

func parseMail(t *testing.T, raw []byte) parsedMail {
	t.Helper()
	m, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	dec := new(mime.WordDecoder)
	subject, _ := dec.DecodeHeader(m.Header.Get("Subject"))
	out := parsedMail{Subject: subject, Language: m.Header.Get("Content-Language"), MessageID: m.Header.Get("Message-ID"), Header: m.Header}
	mt, params, err := mime.ParseMediaType(m.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/alternative" {
		t.Fatalf("Content-Type %q, want multipart/alternative", m.Header.Get("Content-Type"))
	}
	mr := multipart.NewReader(m.Body, params["boundary"])
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(p)
		if p.Header.Get("Content-Transfer-Encoding") == "quoted-printable" {
			body, _ = io.ReadAll(quotedprintable.NewReader(bytes.NewReader(body)))
		}
		switch ct, _, _ := mime.ParseMediaType(p.Header.Get("Content-Type")); ct {
		case "text/plain":
			out.Text = string(body)
		case "text/html":
			out.HTML = string(body)
		}
	}
	return out
}

// webhookSink records what partner systems receive and can be told to fail first.
type webhookSink struct {
	mu       sync.Mutex
	keys     map[string]int
	bodies   [][]byte
	sigs     []string
	failures int // answer 503 this many times first
	srv      *httptest.Server
}

func newWebhookSink(t *testing.T, failures int) *webhookSink {
	s := &webhookSink{keys: map[string]int{}, failures: failures}
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.failures > 0 {
			s.failures--
			http.Error(w, "busy", http.StatusServiceUnavailable)
			return
		}
		body, _ := io.ReadAll(r.Body)
		key := r.Header.Get(IdempotencyHeader)
		s.keys[key]++
		if s.keys[key] == 1 {
			s.bodies = append(s.bodies, body)
			s.sigs = append(s.sigs, r.Header.Get(SignatureHeader))
		}
		w.WriteHeader(http.StatusAccepted)
	}))
	t.Cleanup(s.srv.Close)
	return s
}

func (s *webhookSink) received() ([][]byte, []string, map[string]int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	keys := map[string]int{}
	for k, v := range s.keys {
		keys[k] = v
	}
	return append([][]byte(nil), s.bodies...), append([]string(nil), s.sigs...), keys
}
