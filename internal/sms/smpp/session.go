package smpp

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"sync"
	"time"
)

// session is one bound TCP connection. It ends once (kill) and is then replaced by the client.
type session struct {
	c    *Client
	conn net.Conn

	wmu sync.Mutex // serialises writes
	buf []byte

	mu      sync.Mutex
	pending map[uint32]chan *PDU

	once sync.Once
	done chan struct{}
	err  error // why the session ended; set before done closes
	dead bool  // set by kill under c.mu, so install never publishes a dead session
}

// call is a request in flight; it holds a window slot until wait returns.
type call struct {
	s    *session
	seq  uint32
	ch   chan *PDU
	slot chan struct{}
}

func newSession(c *Client, conn net.Conn) *session {
	return &session{c: c, conn: conn, pending: map[uint32]chan *PDU{}, done: make(chan struct{})}
}

func (s *session) kill(err error) {
	s.once.Do(func() {
		s.err = err
		// Unpublish before waking anyone, so no Submit picks up a dead session.
		c := s.c
		c.mu.Lock()
		s.dead = true
		if c.sess == s {
			c.sess, c.up = nil, make(chan struct{})
		}
		c.mu.Unlock()
		close(s.done)
		s.conn.Close()
	})
}

// lost is the error for requests cut off by the session's end.
func (s *session) lost() error {
	if errors.Is(s.err, ErrConnLost) {
		return s.err
	}
	return fmt.Errorf("%w: %w", ErrConnLost, s.err)
}

func (s *session) write(p *PDU) error {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	var err error
	if s.buf, err = p.AppendBinary(s.buf[:0]); err != nil {
		return err
	}
	s.conn.SetWriteDeadline(time.Now().Add(s.c.cfg.ResponseTimeout))
	if _, err := s.conn.Write(s.buf); err != nil {
		err = fmt.Errorf("write %v: %w: %w", p.Command, ErrConnLost, err)
		s.kill(err)
		return err
	}
	return nil
}

// send writes a request after taking a window slot (nil slot: the request is not windowed).
func (s *session) send(ctx context.Context, p *PDU) (*call, error) {
	slot := s.c.window
	select {
	case slot <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-s.done:
		return nil, s.lost()
	}
	cl, err := s.sendSlot(p, slot)
	if err != nil {
		<-slot
	}
	return cl, err
}

func (s *session) sendSlot(p *PDU, slot chan struct{}) (*call, error) {
	p.Seq = s.c.nextSeq()
	cl := &call{s: s, seq: p.Seq, ch: make(chan *PDU, 1), slot: slot}
	s.mu.Lock()
	s.pending[p.Seq] = cl.ch
	s.mu.Unlock()
	select {
	case <-s.done:
		s.forget(p.Seq)
		return nil, s.lost()
	default:
	}
	if err := s.write(p); err != nil {
		s.forget(p.Seq)
		return nil, err
	}
	return cl, nil
}

func (s *session) forget(seq uint32) {
	s.mu.Lock()
	delete(s.pending, seq)
	s.mu.Unlock()
}

// wait returns the response, or an error for link loss, time-out or ctx.
func (cl *call) wait(ctx context.Context) (*PDU, error) {
	defer func() {
		if cl.slot != nil {
			<-cl.slot
		}
	}()
	t := time.NewTimer(cl.s.c.cfg.ResponseTimeout)
	defer t.Stop()
	select {
	case p := <-cl.ch:
		if p.Command == GenericNack && p.Status == StatusOK {
			p.Status = StatusUnknownErr // a nack that gives no reason is still a refusal
		}
		return p, nil
	case <-cl.s.done:
		// A response may have raced the link going down.
		select {
		case p := <-cl.ch:
			return p, nil
		default:
		}
		return nil, cl.s.lost()
	case <-t.C:
		cl.s.forget(cl.seq)
		return nil, ErrTimeout
	case <-ctx.Done():
		cl.s.forget(cl.seq)
		return nil, ctx.Err()
	}
}

// request sends p outside the window (binds, enquire_link, unbind) and waits for the response.
func (s *session) request(ctx context.Context, p *PDU, slot chan struct{}) (*PDU, error) {
	cl, err := s.sendSlot(p, slot)
	if err != nil {
		return nil, err
	}
	return cl.wait(ctx)
}

func (s *session) readLoop() {
	defer s.c.wg.Done()
	r := bufio.NewReader(s.conn)
	for {
		p, err := ReadPDU(r)
		if err != nil && p == nil {
			s.kill(fmt.Errorf("%w: %w", ErrConnLost, err))
			break
		}
		if err != nil {
			s.c.log.Warn("smpp bad PDU", "err", err)
			status := StatusInvCmdID
			if !errors.Is(err, ErrUnknownCommand) {
				status = StatusInvMsgLen
			}
			if !p.Command.IsResponse() {
				_ = s.write(&PDU{Command: GenericNack, Status: status, Seq: p.Seq})
				continue
			}
			// A malformed response still answers its request; its status is what counts.
		}
		s.handle(p)
	}
	// Fail everything still waiting: the session is gone.
	s.mu.Lock()
	s.pending = map[uint32]chan *PDU{}
	s.mu.Unlock()
}

func (s *session) handle(p *PDU) {
	if p.Command.IsResponse() {
		s.mu.Lock()
		ch, ok := s.pending[p.Seq]
		delete(s.pending, p.Seq)
		s.mu.Unlock()
		if ok {
			ch <- p
		} else {
			s.c.log.Debug("smpp response without request", "command", p.Command, "seq", p.Seq)
		}
		return
	}
	switch p.Command {
	case EnquireLink:
		_ = s.write(&PDU{Command: EnquireLinkResp, Seq: p.Seq})
	case Unbind:
		_ = s.write(&PDU{Command: UnbindResp, Seq: p.Seq})
		s.kill(fmt.Errorf("%w: SMSC unbound", ErrConnLost))
	case DeliverSM:
		s.deliver(p)
	default:
		_ = s.write(&PDU{Command: GenericNack, Status: StatusInvCmdID, Seq: p.Seq})
	}
}

func (s *session) deliver(p *PDU) {
	sm, ok := p.Body.(*SM)
	if !ok {
		return
	}
	status := StatusOK
	if sm.ESMClass&esmTypeMask == ESMClassReceipt {
		r, err := ParseReceipt(sm)
		if err != nil {
			s.c.log.Warn("smpp unreadable receipt", "err", err)
		} else if s.c.cfg.OnReceipt != nil {
			s.c.cfg.OnReceipt(r)
		}
	} else if mo, err := ParseMO(sm); err != nil || s.c.cfg.OnMessage == nil {
		// Acknowledged all the same: the SMSC would only send it again.
		s.c.log.Info("smpp mobile-originated message ignored", "from", sm.SourceAddr, "err", err)
	} else if err := s.c.cfg.OnMessage(mo); err != nil {
		s.c.log.Warn("smpp mobile-originated message refused for now", "from", sm.SourceAddr, "err", err)
		status = StatusXTAppn
	}
	_ = s.write(&PDU{Command: DeliverSMResp, Status: status, Seq: p.Seq, Body: &SMResp{}})
}

func (s *session) enquireLoop() {
	defer s.c.wg.Done()
	t := time.NewTicker(s.c.cfg.EnquireInterval)
	defer t.Stop()
	for {
		select {
		case <-s.done:
			return
		case <-t.C:
		}
		resp, err := s.request(context.Background(), &PDU{Command: EnquireLink}, nil)
		if err == nil && resp.Status != StatusOK {
			err = fmt.Errorf("enquire_link: %v", resp.Status)
		}
		if err != nil {
			s.kill(fmt.Errorf("%w: enquire_link: %w", ErrConnLost, err))
			return
		}
	}
}
