package smpp

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// CommandID identifies a PDU type.
type CommandID uint32

// The commands this package speaks. A response's id is its request's with the top bit set.
const (
	GenericNack         CommandID = 0x80000000
	BindTransceiver     CommandID = 0x00000009
	BindTransceiverResp CommandID = 0x80000009
	SubmitSM            CommandID = 0x00000004
	SubmitSMResp        CommandID = 0x80000004
	DeliverSM           CommandID = 0x00000005
	DeliverSMResp       CommandID = 0x80000005
	Unbind              CommandID = 0x00000006
	UnbindResp          CommandID = 0x80000006
	EnquireLink         CommandID = 0x00000015
	EnquireLinkResp     CommandID = 0x80000015
)

var commandNames = map[CommandID]string{
	GenericNack: "generic_nack", BindTransceiver: "bind_transceiver",
	BindTransceiverResp: "bind_transceiver_resp", SubmitSM: "submit_sm",
	SubmitSMResp: "submit_sm_resp", DeliverSM: "deliver_sm", DeliverSMResp: "deliver_sm_resp",
	Unbind: "unbind", UnbindResp: "unbind_resp", EnquireLink: "enquire_link",
	EnquireLinkResp: "enquire_link_resp",
}

// String returns the command's SMPP name, or its hex id if unknown.
func (c CommandID) String() string {
	if n, ok := commandNames[c]; ok {
		return n
	}
	return fmt.Sprintf("command_id 0x%08X", uint32(c))
}

// IsResponse reports whether c is a response (including generic_nack).
func (c CommandID) IsResponse() bool { return c&0x80000000 != 0 }

// Limits of the wire format.
const (
	HeaderLen = 16
	// MaxPDULen bounds what ReadPDU accepts. Real PDUs are far smaller (short_message is at most
	// 254 octets); message_payload can be up to 64 KiB, so allow that plus the fixed fields.
	MaxPDULen = 70000
	// MaxShortMessage is the largest short_message SMPP 3.4 allows.
	MaxShortMessage = 254
	// InterfaceVersion is SMPP 3.4.
	InterfaceVersion = 0x34
)

// Sentinel errors for what callers and tests distinguish.
var (
	ErrTruncated      = errors.New("smpp: truncated PDU")
	ErrLength         = errors.New("smpp: bad command_length")
	ErrUnknownCommand = errors.New("smpp: unknown command_id")
	ErrCString        = errors.New("smpp: bad C-octet string")
	ErrTooLong        = errors.New("smpp: field too long")
	ErrTrailing       = errors.New("smpp: trailing bytes after PDU body")
	ErrTLV            = errors.New("smpp: bad TLV")
)

// PDU is one SMPP protocol data unit. Body is nil for the commands without one (enquire_link,
// unbind, their responses, generic_nack) and for error responses that carry no body.
type PDU struct {
	Command CommandID
	Status  Status
	Seq     uint32
	Body    Body
}

// Body is the command-specific part of a PDU: *Bind, *BindResp, *SM or *SMResp.
type Body interface {
	appendTo(b []byte) ([]byte, error)
	decode(d *decoder) error
}

// Bind is the body of bind_transceiver.
type Bind struct {
	SystemID         string // at most 15 characters
	Password         string // at most 8
	SystemType       string // at most 12
	InterfaceVersion byte
	AddrTON, AddrNPI byte
	AddressRange     string // at most 40
}

// BindResp is the body of bind_transceiver_resp.
type BindResp struct {
	SystemID string
	TLVs     TLVs
}

// SM is the body of submit_sm and deliver_sm, which share a layout (deliver_sm leaves the
// schedule and validity empty).
type SM struct {
	ServiceType          string
	SourceTON, SourceNPI byte
	SourceAddr           string
	DestTON, DestNPI     byte
	DestAddr             string
	ESMClass             byte
	ProtocolID           byte
	PriorityFlag         byte
	ScheduleDeliveryTime string
	ValidityPeriod       string
	RegisteredDelivery   byte
	ReplaceIfPresent     byte
	DataCoding           byte
	SMDefaultMsgID       byte
	ShortMessage         []byte
	TLVs                 TLVs
}

// SMResp is the body of submit_sm_resp and deliver_sm_resp.
type SMResp struct {
	MessageID string
}

// esm_class bits used here.
const (
	ESMClassUDHI    = 0x40 // short_message starts with a user data header
	ESMClassReceipt = 0x04 // deliver_sm carries an SMSC delivery receipt
	esmTypeMask     = 0x3C
)

// Data codings used here.
const (
	DataCodingDefault = 0x00 // SMSC default alphabet, taken as GSM-7 unpacked
	DataCodingUCS2    = 0x08 // UTF-16BE
)

// newBody returns an empty body for cmd, nil for bodiless commands, and ok false if cmd is unknown.
func newBody(cmd CommandID) (Body, bool) {
	switch cmd {
	case BindTransceiver:
		return &Bind{}, true
	case BindTransceiverResp:
		return &BindResp{}, true
	case SubmitSM, DeliverSM:
		return &SM{}, true
	case SubmitSMResp, DeliverSMResp:
		return &SMResp{}, true
	case GenericNack, Unbind, UnbindResp, EnquireLink, EnquireLinkResp:
		return nil, true
	}
	return nil, false
}

// AppendBinary appends the PDU's wire form to b.
func (p *PDU) AppendBinary(b []byte) ([]byte, error) {
	start := len(b)
	b = binary.BigEndian.AppendUint32(b, 0) // length, filled in below
	b = binary.BigEndian.AppendUint32(b, uint32(p.Command))
	b = binary.BigEndian.AppendUint32(b, uint32(p.Status))
	b = binary.BigEndian.AppendUint32(b, p.Seq)
	if p.Body != nil {
		var err error
		if b, err = p.Body.appendTo(b); err != nil {
			return b[:start], fmt.Errorf("smpp: encode %v: %w", p.Command, err)
		}
	}
	n := len(b) - start
	if n > MaxPDULen {
		return b[:start], fmt.Errorf("smpp: encode %v: %d octets: %w", p.Command, n, ErrTooLong)
	}
	binary.BigEndian.PutUint32(b[start:], uint32(n))
	return b, nil
}

// MarshalBinary returns the PDU's wire form.
func (p *PDU) MarshalBinary() ([]byte, error) { return p.AppendBinary(nil) }

// Decode parses one complete PDU. When the header is sound but the command is unknown or the
// body is malformed, Decode returns the header fields (with a nil Body) together with the
// error, so a peer can answer the sequence number with generic_nack.
func Decode(b []byte) (*PDU, error) {
	if len(b) < HeaderLen {
		return nil, fmt.Errorf("smpp: decode header: %d octets: %w", len(b), ErrTruncated)
	}
	n := binary.BigEndian.Uint32(b)
	if n < HeaderLen || n > MaxPDULen {
		return nil, fmt.Errorf("smpp: decode: command_length %d: %w", n, ErrLength)
	}
	if int(n) != len(b) {
		return nil, fmt.Errorf("smpp: decode: command_length %d but %d octets: %w", n, len(b), ErrLength)
	}
	p := &PDU{
		Command: CommandID(binary.BigEndian.Uint32(b[4:])),
		Status:  Status(binary.BigEndian.Uint32(b[8:])),
		Seq:     binary.BigEndian.Uint32(b[12:]),
	}
	body, known := newBody(p.Command)
	if !known {
		return p, fmt.Errorf("smpp: decode: 0x%08X: %w", uint32(p.Command), ErrUnknownCommand)
	}
	rest := b[HeaderLen:]
	if body == nil {
		if len(rest) != 0 {
			return p, fmt.Errorf("smpp: decode %v: %d octets: %w", p.Command, len(rest), ErrTrailing)
		}
		return p, nil
	}
	// An error response may leave its body out (SMPP 3.4 §3.3).
	if len(rest) == 0 && p.Command.IsResponse() && p.Status != StatusOK {
		return p, nil
	}
	d := &decoder{b: rest}
	if err := body.decode(d); err != nil {
		return p, fmt.Errorf("smpp: decode %v: %w", p.Command, err)
	}
	if len(d.b) != 0 {
		return p, fmt.Errorf("smpp: decode %v: %d octets left: %w", p.Command, len(d.b), ErrTrailing)
	}
	p.Body = body
	return p, nil
}

// ReadPDU reads one PDU from r. A framing error (a bad length or a short read) leaves r
// unusable; a body error returns the header as Decode does and r stays in step.
func ReadPDU(r io.Reader) (*PDU, error) {
	var hdr [4]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		return nil, fmt.Errorf("smpp: read length: %w", err)
	}
	n := binary.BigEndian.Uint32(hdr[:])
	if n < HeaderLen || n > MaxPDULen {
		return nil, fmt.Errorf("smpp: read: command_length %d: %w", n, ErrLength)
	}
	b := make([]byte, n)
	copy(b, hdr[:])
	if _, err := io.ReadFull(r, b[4:]); err != nil {
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		return nil, fmt.Errorf("smpp: read %d-octet PDU: %w", n, err)
	}
	return Decode(b)
}

func (x *Bind) appendTo(b []byte) ([]byte, error) {
	var err error
	b, err = appendCString(b, "system_id", x.SystemID, 16)
	b, err = appendCStringErr(b, err, "password", x.Password, 9)
	b, err = appendCStringErr(b, err, "system_type", x.SystemType, 13)
	b = append(b, x.InterfaceVersion, x.AddrTON, x.AddrNPI)
	return appendCStringErr(b, err, "address_range", x.AddressRange, 41)
}

func (x *Bind) decode(d *decoder) error {
	x.SystemID = d.cstring("system_id", 16)
	x.Password = d.cstring("password", 9)
	x.SystemType = d.cstring("system_type", 13)
	x.InterfaceVersion = d.byte("interface_version")
	x.AddrTON = d.byte("addr_ton")
	x.AddrNPI = d.byte("addr_npi")
	x.AddressRange = d.cstring("address_range", 41)
	return d.err
}

func (x *BindResp) appendTo(b []byte) ([]byte, error) {
	b, err := appendCString(b, "system_id", x.SystemID, 16)
	if err != nil {
		return b, err
	}
	return x.TLVs.appendTo(b)
}

func (x *BindResp) decode(d *decoder) error {
	x.SystemID = d.cstring("system_id", 16)
	x.TLVs = d.tlvs()
	return d.err
}

func (x *SM) appendTo(b []byte) ([]byte, error) {
	var err error
	b, err = appendCString(b, "service_type", x.ServiceType, 6)
	b = append(b, x.SourceTON, x.SourceNPI)
	b, err = appendCStringErr(b, err, "source_addr", x.SourceAddr, 21)
	b = append(b, x.DestTON, x.DestNPI)
	b, err = appendCStringErr(b, err, "destination_addr", x.DestAddr, 21)
	b = append(b, x.ESMClass, x.ProtocolID, x.PriorityFlag)
	b, err = appendCStringErr(b, err, "schedule_delivery_time", x.ScheduleDeliveryTime, 17)
	b, err = appendCStringErr(b, err, "validity_period", x.ValidityPeriod, 17)
	if err != nil {
		return b, err
	}
	if len(x.ShortMessage) > MaxShortMessage {
		return b, fmt.Errorf("short_message %d octets: %w", len(x.ShortMessage), ErrTooLong)
	}
	b = append(b, x.RegisteredDelivery, x.ReplaceIfPresent, x.DataCoding, x.SMDefaultMsgID,
		byte(len(x.ShortMessage)))
	b = append(b, x.ShortMessage...)
	return x.TLVs.appendTo(b)
}

func (x *SM) decode(d *decoder) error {
	x.ServiceType = d.cstring("service_type", 6)
	x.SourceTON = d.byte("source_addr_ton")
	x.SourceNPI = d.byte("source_addr_npi")
	x.SourceAddr = d.cstring("source_addr", 21)
	x.DestTON = d.byte("dest_addr_ton")
	x.DestNPI = d.byte("dest_addr_npi")
	x.DestAddr = d.cstring("destination_addr", 21)
	x.ESMClass = d.byte("esm_class")
	x.ProtocolID = d.byte("protocol_id")
	x.PriorityFlag = d.byte("priority_flag")
	x.ScheduleDeliveryTime = d.cstring("schedule_delivery_time", 17)
	x.ValidityPeriod = d.cstring("validity_period", 17)
	x.RegisteredDelivery = d.byte("registered_delivery")
	x.ReplaceIfPresent = d.byte("replace_if_present_flag")
	x.DataCoding = d.byte("data_coding")
	x.SMDefaultMsgID = d.byte("sm_default_msg_id")
	n := d.byte("sm_length")
	if d.err == nil && n > MaxShortMessage {
		d.err = fmt.Errorf("sm_length %d: %w", n, ErrTooLong)
	}
	x.ShortMessage = d.bytes("short_message", int(n))
	x.TLVs = d.tlvs()
	return d.err
}

func (x *SMResp) appendTo(b []byte) ([]byte, error) {
	return appendCString(b, "message_id", x.MessageID, 65)
}

func (x *SMResp) decode(d *decoder) error {
	x.MessageID = d.cstring("message_id", 65)
	return d.err
}
