// Package dissemtest holds real peers for dissemination tests: an in-process SMTP server that
// keeps what it accepts, and a Web Push service that decrypts what it accepts.
package dissemtest

import (
	"io"
	"log"
	"net"
	"sync"
	"testing"

	"github.com/emersion/go-smtp"
)

// SMTPSink is a real SMTP server in the test process that keeps every message it accepts.
type SMTPSink struct {
	mu   sync.Mutex
	msgs []Mail
	// Addr is where the server listens.
	Addr *net.TCPAddr
}

// Mail is one accepted message.
type Mail struct {
	From string
	To   []string
	Data []byte
}

// NewSMTPSink starts a sink on a loopback port, stopped when the test ends.
func NewSMTPSink(t testing.TB) *SMTPSink {
	t.Helper()
	s := &SMTPSink{}
	srv := smtp.NewServer(s)
	srv.Domain = "sink.test"
	srv.AllowInsecureAuth = true
	// Clients killed mid-message (the crash tests do that on purpose) are not news.
	srv.ErrorLog = log.New(io.Discard, "", 0)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s.Addr = ln.Addr().(*net.TCPAddr)
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return s
}

// NewSession implements smtp.Backend.
func (s *SMTPSink) NewSession(*smtp.Conn) (smtp.Session, error) { return &session{sink: s}, nil }

// All returns the messages accepted so far.
func (s *SMTPSink) All() []Mail {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Mail(nil), s.msgs...)
}

type session struct {
	sink *SMTPSink
	cur  Mail
}

func (s *session) Reset()        { s.cur = Mail{} }
func (s *session) Logout() error { return nil }
func (s *session) Mail(from string, _ *smtp.MailOptions) error {
	s.cur.From = from
	return nil
}
func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.cur.To = append(s.cur.To, to)
	return nil
}
func (s *session) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.cur.Data = b
	s.sink.mu.Lock()
	s.sink.msgs = append(s.sink.msgs, s.cur)
	s.sink.mu.Unlock()
	return nil
}
