package smpp

import (
	"errors"
	"fmt"
	"unicode/utf16"

	"github.com/taawun/taawun/internal/sms/gsm"
)

// Concat is how a long message's segments are tied together.
type Concat int

const (
	// ConcatUDH prefixes each segment with a user data header (IEI 0x00, 8-bit reference) and
	// sets esm_class UDHI. Every SMSC and handset understands it.
	ConcatUDH Concat = iota
	// ConcatSAR leaves the text alone and sends sar_msg_ref_num, sar_total_segments and
	// sar_segment_seqnum TLVs; the SMSC builds the header. Some operators ask for this.
	ConcatSAR
)

// ErrEmpty reports a message without text.
var ErrEmpty = errors.New("smpp: empty message")

// ErrUDH reports a malformed user data header.
var ErrUDH = errors.New("smpp: bad user data header")

// Message is one text to one handset.
type Message struct {
	To   string // destination address, e.g. "+923001234567" or "923001234567"
	From string // source address; Config.SourceAddr when empty
	Text string
}

// maxSegments is the most a concatenated message can have (the count is one octet).
const maxSegments = 255

// buildSMs encodes m as one submit_sm body per segment. ref identifies the concatenated
// message; UDH carries only its low 8 bits.
func buildSMs(m Message, cfg *Config, ref uint16) ([]*SM, error) {
	segs := gsm.Split(m.Text)
	if len(segs) == 0 {
		return nil, ErrEmpty
	}
	if len(segs) > maxSegments {
		return nil, fmt.Errorf("smpp: message of %d segments: %w", len(segs), ErrTooLong)
	}
	enc := gsm.EncodingOf(m.Text)
	from := m.From
	if from == "" {
		from = cfg.SourceAddr
	}
	sms := make([]*SM, len(segs))
	for i, seg := range segs {
		sm := &SM{
			SourceTON: cfg.SourceTON, SourceNPI: cfg.SourceNPI, SourceAddr: from,
			DestTON: cfg.DestTON, DestNPI: cfg.DestNPI, DestAddr: m.To,
			RegisteredDelivery: 1,
		}
		var payload []byte
		if len(segs) > 1 && cfg.Concat == ConcatUDH {
			payload = []byte{5, 0x00, 3, byte(ref), byte(len(segs)), byte(i + 1)}
			sm.ESMClass |= ESMClassUDHI
		}
		if len(segs) > 1 && cfg.Concat == ConcatSAR {
			sm.TLVs = TLVs{U16(TagSARMsgRefNum, ref), U8(TagSARTotalSegments, uint8(len(segs))),
				U8(TagSARSegmentSeqnum, uint8(i+1))}
		}
		if enc == gsm.GSM7 {
			sm.DataCoding = DataCodingDefault
			payload, _ = gsm.AppendEncode(payload, seg.Text) // Split chose GSM7, so it fits
		} else {
			sm.DataCoding = DataCodingUCS2
			payload = AppendUCS2(payload, seg.Text)
		}
		sm.ShortMessage = payload
		sms[i] = sm
	}
	return sms, nil
}

// AppendUCS2 appends s as UTF-16BE, surrogate pairs included, as data_coding 8 carries it.
func AppendUCS2(b []byte, s string) []byte {
	for _, r := range s {
		if r1, r2 := utf16.EncodeRune(r); r1 != '\uFFFD' || r2 != '\uFFFD' {
			b = append(b, byte(r1>>8), byte(r1), byte(r2>>8), byte(r2))
			continue
		}
		b = append(b, byte(r>>8), byte(r))
	}
	return b
}

// DecodeText turns a short message body into text by its data_coding: 0 as GSM-7 unpacked, 8 as
// UTF-16BE, 3 (Latin-1) and 1 (IA5/ASCII) byte for byte.
func DecodeText(dataCoding byte, b []byte) (string, error) {
	switch dataCoding {
	case DataCodingDefault:
		return gsm.Decode(b)
	case DataCodingUCS2:
		if len(b)%2 != 0 {
			return "", fmt.Errorf("smpp: UCS-2 text of odd length %d", len(b))
		}
		u := make([]uint16, len(b)/2)
		for i := range u {
			u[i] = uint16(b[2*i])<<8 | uint16(b[2*i+1])
		}
		return string(utf16.Decode(u)), nil
	case 0x01, 0x03:
		r := make([]rune, len(b))
		for i, c := range b {
			r[i] = rune(c)
		}
		return string(r), nil
	}
	return "", fmt.Errorf("smpp: data_coding 0x%02X not supported", dataCoding)
}

// Part says where a segment belongs in a concatenated message.
type Part struct {
	Ref           uint16
	Total, Seqnum int
}

// SplitUDH reads the concatenation information of a short message: from its user data header
// when esm_class has UDHI (IEI 0x00 or 0x08), else from SAR TLVs. It returns the text without
// the header, and ok false for a message that is not part of a concatenated one.
func SplitUDH(sm *SM) (part Part, text []byte, ok bool, err error) {
	text = sm.ShortMessage
	if len(text) == 0 {
		if p, has := sm.TLVs.Get(TagMessagePayload); has {
			text = p
		}
	}
	if sm.ESMClass&ESMClassUDHI == 0 {
		ref, okRef := sm.TLVs.Uint(TagSARMsgRefNum)
		total, okTot := sm.TLVs.Uint(TagSARTotalSegments)
		seq, okSeq := sm.TLVs.Uint(TagSARSegmentSeqnum)
		if okRef && okTot && okSeq {
			return Part{uint16(ref), int(total), int(seq)}, text, true, nil
		}
		return Part{}, text, false, nil
	}
	if len(text) < 1 || int(text[0])+1 > len(text) {
		return Part{}, nil, false, fmt.Errorf("smpp: UDH length: %w", ErrUDH)
	}
	udh, rest := text[1:1+int(text[0])], text[1+int(text[0]):]
	for len(udh) > 0 {
		if len(udh) < 2 || int(udh[1])+2 > len(udh) {
			return Part{}, nil, false, fmt.Errorf("smpp: UDH element: %w", ErrUDH)
		}
		iei, data := udh[0], udh[2:2+int(udh[1])]
		udh = udh[2+int(udh[1]):]
		switch {
		case iei == 0x00 && len(data) == 3:
			part, ok = Part{uint16(data[0]), int(data[1]), int(data[2])}, true
		case iei == 0x08 && len(data) == 4:
			part, ok = Part{uint16(data[0])<<8 | uint16(data[1]), int(data[2]), int(data[3])}, true
		}
	}
	if ok && (part.Total == 0 || part.Seqnum == 0 || part.Seqnum > part.Total) {
		return Part{}, nil, false, fmt.Errorf("smpp: UDH part %d of %d: %w", part.Seqnum, part.Total, ErrUDH)
	}
	return part, rest, ok, nil
}
