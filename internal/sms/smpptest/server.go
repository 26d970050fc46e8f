package smpptest

import (
	"bufio"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/taawun/taawun/internal/sms/gsm"
	"github.com/taawun/taawun/internal/sms/smpp"
)

// Config configures a Server.
type Config struct {
	SystemID string
	Password string
	// NoReceipts turns off delivery receipts (benchmarks do not want the extra traffic).
	NoReceipts bool
	Logger     *slog.Logger
}

// Message is a message the server accepted, reassembled from its segments.
type Message struct {
	From, To   string
	Text       string
	DataCoding byte
	Segments   int
	IDs        []string // message ids, in segment order
	// Concat says how the segments were tied: "udh", "sar" or "" for a single segment.
	Concat string
}

// Stats counts what the server has seen.
type Stats struct {
	Binds, EnquireLinks, Submits, Unbinds int
	InFlight, MaxInFlight                 int // submit_sm received but not yet answered
	Conns                                 int // open connections
	ReceiptsAcked                         int // deliver_sm_resp received
	DeliverRefused                        int // deliver_sm_resp with an error status
}

// Server is the test SMSC. Its methods are safe for concurrent use.
type Server struct {
	cfg Config
	ln  net.Listener
	log *slog.Logger
	wg  sync.WaitGroup

	mu       sync.Mutex
	conns    map[*conn]struct{}
	msgs     []Message
	parts    map[partKey]*partial
	throttle int
	reject   map[string]smpp.Status
	delay    time.Duration
	hold     chan struct{} // non-nil: submit responses wait until it is closed
	stats    Stats
	nextID   int
}

type partKey struct {
	from, to string
	ref      uint16
}

type partial struct {
	texts [][]byte
	ids   []string
	got   int
	dc    byte
}

// NewServer starts a server on 127.0.0.1 with a free port.
func NewServer(cfg Config) (*Server, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("smpptest: listen: %w", err)
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	s := &Server{cfg: cfg, ln: ln, log: cfg.Logger, conns: map[*conn]struct{}{},
		parts: map[partKey]*partial{}, reject: map[string]smpp.Status{}}
	s.wg.Add(1)
	go s.accept()
	return s, nil
}

// Addr is the server's host:port.
func (s *Server) Addr() string { return s.ln.Addr().String() }

// Close stops listening, closes every connection and waits for the server's goroutines.
func (s *Server) Close() error {
	err := s.ln.Close()
	s.Release()
	s.DropConnections()
	s.wg.Wait()
	return err
}

// Throttle answers the next n submit_sm with ESME_RTHROTTLED.
func (s *Server) Throttle(n int) { s.mu.Lock(); s.throttle = n; s.mu.Unlock() }

// Reject answers every submit_sm to dest with status.
func (s *Server) Reject(dest string, status smpp.Status) {
	s.mu.Lock()
	s.reject[dest] = status
	s.mu.Unlock()
}

// Delay makes every submit_sm response wait d.
func (s *Server) Delay(d time.Duration) { s.mu.Lock(); s.delay = d; s.mu.Unlock() }

// Hold makes submit_sm responses wait until Release, so tests can see requests in flight.
func (s *Server) Hold() {
	s.mu.Lock()
	if s.hold == nil {
		s.hold = make(chan struct{})
	}
	s.mu.Unlock()
}

// Release lets held responses go.
func (s *Server) Release() {
	s.mu.Lock()
	if s.hold != nil {
		close(s.hold)
		s.hold = nil
	}
	s.mu.Unlock()
}

// DropConnections closes every open connection without unbinding, as a failing link would.
func (s *Server) DropConnections() {
	s.mu.Lock()
	conns := make([]*conn, 0, len(s.conns))
	for c := range s.conns {
		conns = append(conns, c)
	}
	s.mu.Unlock()
	for _, c := range conns {
		c.nc.Close()
	}
}

// Messages returns the messages accepted so far, whole messages only, in arrival order.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.msgs...)
}

// Stats returns the counters.
func (s *Server) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.stats
	st.Conns = len(s.conns)
	return st
}

func (s *Server) accept() {
	defer s.wg.Done()
	for {
		nc, err := s.ln.Accept()
		if err != nil {
			return
		}
		c := &conn{s: s, nc: nc}
		s.mu.Lock()
		s.conns[c] = struct{}{}
		s.mu.Unlock()
		s.wg.Add(1)
		go c.serve()
	}
}

// conn is one ESME connection.
type conn struct {
	s     *Server
	nc    net.Conn
	wmu   sync.Mutex
	bound atomic.Bool // set by the serve goroutine; SendMO reads it
	seq   uint32
	wg    sync.WaitGroup
}

func (c *conn) write(p *smpp.PDU) {
	b, err := p.MarshalBinary()
	if err != nil {
		c.s.log.Error("smpptest encode", "err", err)
		return
	}
	c.wmu.Lock()
	defer c.wmu.Unlock()
	_, _ = c.nc.Write(b) // a dead connection shows in the read loop
}

func (c *conn) serve() {
	defer c.s.wg.Done()
	defer func() {
		c.nc.Close()
		c.wg.Wait()
		c.s.mu.Lock()
		delete(c.s.conns, c)
		c.s.mu.Unlock()
	}()
	r := bufio.NewReader(c.nc)
	for {
		p, err := smpp.ReadPDU(r)
		if err != nil && p == nil {
			return
		}
		if err != nil {
			c.write(&smpp.PDU{Command: smpp.GenericNack, Status: smpp.StatusInvCmdID, Seq: p.Seq})
			continue
		}
		if !c.handle(p) {
			return
		}
	}
}

// handle answers one PDU; false ends the connection.
func (c *conn) handle(p *smpp.PDU) bool {
	s := c.s
	switch p.Command {
	case smpp.BindTransceiver:
		b := p.Body.(*smpp.Bind)
		status := smpp.StatusOK
		switch {
		case c.bound.Load():
			status = smpp.StatusAlyBnd
		case b.SystemID != s.cfg.SystemID:
			status = smpp.StatusInvSysID
		case b.Password != s.cfg.Password:
			status = smpp.StatusInvPaswd
		}
		resp := &smpp.PDU{Command: smpp.BindTransceiverResp, Status: status, Seq: p.Seq}
		if status == smpp.StatusOK {
			c.bound.Store(true)
			s.mu.Lock()
			s.stats.Binds++
			s.mu.Unlock()
			resp.Body = &smpp.BindResp{SystemID: "smpptest",
				TLVs: smpp.TLVs{smpp.U8(smpp.TagSCInterfaceVersion, smpp.InterfaceVersion)}}
		}
		c.write(resp)
	case smpp.EnquireLink:
		s.mu.Lock()
		s.stats.EnquireLinks++
		s.mu.Unlock()
		c.write(&smpp.PDU{Command: smpp.EnquireLinkResp, Seq: p.Seq})
	case smpp.Unbind:
		s.mu.Lock()
		s.stats.Unbinds++
		s.mu.Unlock()
		c.write(&smpp.PDU{Command: smpp.UnbindResp, Seq: p.Seq})
		return false
	case smpp.SubmitSM:
		if !c.bound.Load() {
			c.write(&smpp.PDU{Command: smpp.SubmitSMResp, Status: smpp.StatusInvBndSts, Seq: p.Seq})
			break
		}
		c.submit(p)
	case smpp.DeliverSMResp:
		s.mu.Lock()
		s.stats.ReceiptsAcked++
		if p.Status != smpp.StatusOK {
			s.stats.DeliverRefused++
		}
		s.mu.Unlock()
	case smpp.EnquireLinkResp, smpp.UnbindResp, smpp.GenericNack:
	default:
		c.write(&smpp.PDU{Command: smpp.GenericNack, Status: smpp.StatusInvCmdID, Seq: p.Seq})
	}
	return true
}

// submit decides the answer now (so throttling counts in arrival order) and sends it from its
// own goroutine, so delayed or held responses leave the connection free for more requests.
func (c *conn) submit(p *smpp.PDU) {
	s := c.s
	sm := p.Body.(*smpp.SM)
	s.mu.Lock()
	s.stats.Submits++
	s.stats.InFlight++
	s.stats.MaxInFlight = max(s.stats.MaxInFlight, s.stats.InFlight)
	status := smpp.StatusOK
	if st, ok := s.reject[sm.DestAddr]; ok {
		status = st
	} else if s.throttle > 0 {
		s.throttle--
		status = smpp.StatusThrottled
	}
	delay, hold := s.delay, s.hold
	var id string
	if status == smpp.StatusOK {
		var err error
		if id, err = s.record(sm); err != nil {
			status = smpp.StatusSubmitFail
			s.log.Warn("smpptest rejected submit_sm", "err", err)
		}
	}
	s.mu.Unlock()
	c.wg.Add(1)
	go func() {
		defer c.wg.Done()
		if delay > 0 {
			time.Sleep(delay)
		}
		if hold != nil {
			<-hold
		}
		s.mu.Lock()
		s.stats.InFlight--
		s.mu.Unlock()
		resp := &smpp.PDU{Command: smpp.SubmitSMResp, Status: status, Seq: p.Seq}
		if status == smpp.StatusOK {
			resp.Body = &smpp.SMResp{MessageID: id}
		}
		c.write(resp)
		if status == smpp.StatusOK && sm.RegisteredDelivery&1 != 0 && !s.cfg.NoReceipts {
			c.receipt(sm, id)
		}
	}()
}

// record stores a segment (s.mu held) and returns its message id.
func (s *Server) record(sm *smpp.SM) (string, error) {
	part, text, multi, err := smpp.SplitUDH(sm)
	if err != nil {
		return "", err
	}
	s.nextID++
	id := fmt.Sprintf("%010X", s.nextID)
	if !multi {
		return id, s.finish(sm, [][]byte{text}, []string{id}, "")
	}
	k := partKey{sm.SourceAddr, sm.DestAddr, part.Ref}
	pa := s.parts[k]
	if pa == nil {
		pa = &partial{texts: make([][]byte, part.Total), ids: make([]string, part.Total), dc: sm.DataCoding}
		s.parts[k] = pa
	}
	if part.Total != len(pa.texts) || pa.texts[part.Seqnum-1] != nil {
		return "", errors.New("segment does not fit its message")
	}
	pa.texts[part.Seqnum-1], pa.ids[part.Seqnum-1] = text, id
	pa.got++
	if pa.got < part.Total {
		return id, nil
	}
	delete(s.parts, k)
	concat := "sar"
	if sm.ESMClass&smpp.ESMClassUDHI != 0 {
		concat = "udh"
	}
	return id, s.finish(sm, pa.texts, pa.ids, concat)
}

func (s *Server) finish(sm *smpp.SM, texts [][]byte, ids []string, concat string) error {
	var all []byte
	for _, t := range texts {
		all = append(all, t...)
	}
	text, err := smpp.DecodeText(sm.DataCoding, all)
	if err != nil {
		return err
	}
	s.msgs = append(s.msgs, Message{From: sm.SourceAddr, To: sm.DestAddr, Text: text,
		DataCoding: sm.DataCoding, Segments: len(texts), IDs: ids, Concat: concat})
	return nil
}

// SendMO delivers text from a handset (from) to the service number (to) as a mobile-originated
// deliver_sm on a bound connection: GSM-7 when the text allows, else UCS-2, as a phone sends it.
func (s *Server) SendMO(from, to, text string) error {
	sm := &smpp.SM{SourceTON: 1, SourceNPI: 1, SourceAddr: from, DestAddr: to}
	if gsm.IsGSM7(text) {
		sm.DataCoding = smpp.DataCodingDefault
		sm.ShortMessage, _ = gsm.AppendEncode(nil, text)
	} else {
		sm.DataCoding = smpp.DataCodingUCS2
		sm.ShortMessage = smpp.AppendUCS2(nil, text)
	}
	s.mu.Lock()
	var bound *conn
	for c := range s.conns {
		if c.bound.Load() {
			bound = c
			break
		}
	}
	s.mu.Unlock()
	if bound == nil {
		return errors.New("smpptest: no bound connection to deliver to")
	}
	bound.write(&smpp.PDU{Command: smpp.DeliverSM, Seq: bound.nextSeq(), Body: sm})
	return nil
}

func (c *conn) nextSeq() uint32 {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	c.seq++
	return c.seq
}

// receipt sends a DELIVRD receipt for id in both the text format and the TLVs.
func (c *conn) receipt(sm *smpp.SM, id string) {
	now := time.Now().UTC().Format("0601021504")
	text := fmt.Sprintf("id:%s sub:001 dlvrd:001 submit date:%s done date:%s stat:DELIVRD err:000 text:", id, now, now)
	c.write(&smpp.PDU{Command: smpp.DeliverSM, Seq: c.nextSeq(), Body: &smpp.SM{
		SourceAddr: sm.DestAddr, DestAddr: sm.SourceAddr, ESMClass: smpp.ESMClassReceipt,
		ShortMessage: []byte(text),
		TLVs:         smpp.TLVs{smpp.CString(smpp.TagReceiptedMessageID, id), smpp.U8(smpp.TagMessageState, 2)},
	}})
}
