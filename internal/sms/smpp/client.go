package smpp

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net"
	"sync"
	"sync/atomic"
	"time"
)

// Config configures a Client. Zero durations and sizes take the defaults noted.
type Config struct {
	Addr       string // host:port of the SMSC
	SystemID   string
	Password   string
	SystemType string

	SourceAddr           string // default source address for messages without From
	SourceTON, SourceNPI byte
	DestTON, DestNPI     byte

	Window          int           // outstanding requests at most; default 10
	ResponseTimeout time.Duration // per request; default 10s
	EnquireInterval time.Duration // enquire_link period; default 30s
	BackoffMin      time.Duration // first reconnect delay; default 250ms
	BackoffMax      time.Duration // reconnect delay cap; default 30s
	Concat          Concat        // ConcatUDH (default) or ConcatSAR

	// OnReceipt receives every delivery receipt, on the connection's reader goroutine, before
	// the deliver_sm is acknowledged; it must not block for long.
	OnReceipt func(Receipt)
	// OnMessage receives every mobile-originated message (a subscriber's reply, such as STOP),
	// on the connection's reader goroutine, before the deliver_sm is acknowledged; it must not
	// block (a Submit from it would wait for a response this goroutine reads). An error answers
	// the SMSC with a temporary failure, so that it delivers the message again later.
	OnMessage func(MO) error
	// Dial opens the connection; net.Dialer.DialContext when nil.
	Dial   func(ctx context.Context, network, addr string) (net.Conn, error)
	Logger *slog.Logger
}

func (c *Config) defaults() {
	if c.Window <= 0 {
		c.Window = 10
	}
	if c.ResponseTimeout <= 0 {
		c.ResponseTimeout = 10 * time.Second
	}
	if c.EnquireInterval <= 0 {
		c.EnquireInterval = 30 * time.Second
	}
	if c.BackoffMin <= 0 {
		c.BackoffMin = 250 * time.Millisecond
	}
	if c.BackoffMax < c.BackoffMin {
		c.BackoffMax = max(30*time.Second, c.BackoffMin)
	}
	if c.Dial == nil {
		c.Dial = (&net.Dialer{}).DialContext
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
}

// Client is an ESME bound as a transceiver. It is safe for concurrent use; Submit calls share
// the window. After the link drops it reconnects with backoff until Close.
type Client struct {
	cfg    Config
	log    *slog.Logger
	seq    atomic.Uint32
	ref    atomic.Uint32
	window chan struct{}

	mu      sync.Mutex
	sess    *session      // nil while reconnecting
	up      chan struct{} // closed while sess is set
	closed  bool
	closing chan struct{}
	wg      sync.WaitGroup
}

// Dial connects and binds to the SMSC. The first bind must succeed, so a wrong password or
// address shows at start-up; later reconnects retry with backoff.
func Dial(ctx context.Context, cfg Config) (*Client, error) {
	cfg.defaults()
	c := &Client{
		cfg:     cfg,
		log:     cfg.Logger.With("smsc", cfg.Addr, "system_id", cfg.SystemID),
		window:  make(chan struct{}, cfg.Window),
		up:      make(chan struct{}),
		closing: make(chan struct{}),
	}
	c.ref.Store(rand.Uint32())
	s, err := c.connect(ctx)
	if err != nil {
		return nil, err
	}
	c.install(s)
	c.wg.Add(1)
	go c.supervise(s)
	return c, nil
}

// Submit sends m, split into as many segments as it needs, and returns the SMSC's message id
// for each segment in order. On failure the error is an *Error (see Retryable) and the ids
// hold those segments the SMSC accepted ("" for the others), so a retry stage can tell whether
// anything went out.
func (c *Client) Submit(ctx context.Context, m Message) ([]string, error) {
	op := "submit_sm to " + m.To
	sms, err := buildSMs(m, &c.cfg, uint16(c.ref.Add(1)))
	if err != nil {
		return nil, &Error{Op: op, Err: err}
	}
	s, err := c.session(ctx)
	if err != nil {
		return nil, &Error{Op: op, Err: err}
	}
	calls := make([]*call, 0, len(sms))
	var sendErr error
	for _, sm := range sms {
		cl, err := s.send(ctx, &PDU{Command: SubmitSM, Body: sm})
		if err != nil {
			sendErr = err
			break
		}
		calls = append(calls, cl)
	}
	ids := make([]string, len(sms))
	var firstErr error
	for i, cl := range calls {
		resp, err := cl.wait(ctx)
		if err == nil && resp.Status != StatusOK {
			err = &Error{Op: op, Status: resp.Status}
		}
		if err != nil {
			firstErr = cmp(firstErr, err)
			continue
		}
		if r, ok := resp.Body.(*SMResp); ok {
			ids[i] = r.MessageID
		}
	}
	if firstErr = cmp(firstErr, sendErr); firstErr != nil {
		var e *Error
		if !errors.As(firstErr, &e) {
			firstErr = &Error{Op: op, Err: firstErr}
		}
		return ids, firstErr
	}
	return ids, nil
}

func cmp(a, b error) error {
	if a != nil {
		return a
	}
	return b
}

// Close unbinds, closes the link and stops reconnecting. It waits at most ResponseTimeout for
// unbind_resp.
func (c *Client) Close() error {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return nil
	}
	c.closed = true
	close(c.closing)
	s := c.sess
	c.mu.Unlock()
	var err error
	if s != nil {
		ctx, cancel := context.WithTimeout(context.Background(), c.cfg.ResponseTimeout)
		_, err = s.request(ctx, &PDU{Command: Unbind}, nil)
		cancel()
		s.kill(ErrClosed)
	}
	c.wg.Wait()
	if err != nil {
		return fmt.Errorf("smpp: close: unbind: %w", err)
	}
	return nil
}

// session waits until the client is bound.
func (c *Client) session(ctx context.Context) (*session, error) {
	for {
		c.mu.Lock()
		s, up, closed := c.sess, c.up, c.closed
		c.mu.Unlock()
		if closed {
			return nil, ErrClosed
		}
		if s != nil {
			return s, nil
		}
		select {
		case <-up:
		case <-c.closing:
		case <-ctx.Done():
			return nil, fmt.Errorf("waiting for bind: %w", ctx.Err())
		}
	}
}

// supervise waits for the session to end and binds a new one, with backoff, until Close.
func (c *Client) supervise(s *session) {
	defer c.wg.Done()
	for {
		select {
		case <-s.done:
		case <-c.closing:
			return
		}
		c.log.Warn("smpp link down", "err", s.err)

		ctx, cancel := context.WithCancel(context.Background())
		go func() {
			select {
			case <-c.closing:
			case <-ctx.Done():
			}
			cancel()
		}()
		var err error
		delay := c.cfg.BackoffMin
		for attempt := 1; ; attempt++ {
			// Jitter spreads the reconnects of many clients after an SMSC restart.
			t := time.NewTimer(delay/2 + rand.N(delay/2+1))
			select {
			case <-t.C:
			case <-c.closing:
				t.Stop()
				cancel()
				return
			}
			if s, err = c.connect(ctx); err == nil {
				break
			}
			c.log.Warn("smpp reconnect failed", "attempt", attempt, "err", err)
			delay = min(2*delay, c.cfg.BackoffMax)
		}
		cancel()
		if c.install(s) {
			c.log.Info("smpp link up")
		}
	}
}

// install publishes a bound session to Submit. A session that died meanwhile is not published
// (supervise sees its end and reconnects); after Close the session is ended instead.
func (c *Client) install(s *session) bool {
	c.mu.Lock()
	closed := c.closed
	ok := !closed && !s.dead
	if ok {
		c.sess = s
		close(c.up)
	}
	c.mu.Unlock()
	if closed {
		s.kill(ErrClosed)
	}
	return ok
}

// connect dials and binds a new session.
func (c *Client) connect(ctx context.Context) (*session, error) {
	op := "bind_transceiver to " + c.cfg.Addr
	dctx, cancel := context.WithTimeout(ctx, c.cfg.ResponseTimeout)
	defer cancel()
	conn, err := c.cfg.Dial(dctx, "tcp", c.cfg.Addr)
	if err != nil {
		return nil, &Error{Op: op, Err: err}
	}
	s := newSession(c, conn)
	c.wg.Add(1)
	go s.readLoop()
	resp, err := s.request(dctx, &PDU{Command: BindTransceiver, Body: &Bind{
		SystemID: c.cfg.SystemID, Password: c.cfg.Password, SystemType: c.cfg.SystemType,
		InterfaceVersion: InterfaceVersion,
	}}, nil)
	if err == nil && resp.Status != StatusOK {
		err = &Error{Op: op, Status: resp.Status}
	}
	if err != nil {
		s.kill(err)
		var e *Error
		if !errors.As(err, &e) {
			err = &Error{Op: op, Err: err}
		}
		return nil, err
	}
	c.wg.Add(1)
	go s.enquireLoop()
	return s, nil
}

func (c *Client) nextSeq() uint32 {
	// Sequence numbers run 1..0x7FFFFFFF and wrap (SMPP 3.4 §5.1.4).
	for {
		n := c.seq.Add(1) & 0x7FFFFFFF
		if n != 0 {
			return n
		}
	}
}
