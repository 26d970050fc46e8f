package smpp

import (
	"encoding/binary"
	"fmt"
)

// Tag identifies an optional parameter.
type Tag uint16

// Optional parameters this package reads or writes.
const (
	TagSCInterfaceVersion Tag = 0x0210
	TagSARMsgRefNum       Tag = 0x020C
	TagSARTotalSegments   Tag = 0x020E
	TagSARSegmentSeqnum   Tag = 0x020F
	TagMessagePayload     Tag = 0x0424
	TagReceiptedMessageID Tag = 0x001E
	TagMessageState       Tag = 0x0427
	maxReceiptedMessageID     = 65
)

// fixedLen gives the length the specification fixes for a tag's value; tags not listed may
// have any length (receipted_message_id is checked separately as a C-string).
var fixedLen = map[Tag]int{
	TagSCInterfaceVersion: 1,
	TagSARMsgRefNum:       2,
	TagSARTotalSegments:   1,
	TagSARSegmentSeqnum:   1,
	TagMessageState:       1,
}

// TLV is one optional parameter.
type TLV struct {
	Tag   Tag
	Value []byte
}

// TLVs is a PDU's optional parameters in wire order.
type TLVs []TLV

// Get returns the value of the first TLV with tag.
func (ts TLVs) Get(tag Tag) ([]byte, bool) {
	for _, t := range ts {
		if t.Tag == tag {
			return t.Value, true
		}
	}
	return nil, false
}

// Uint returns the big-endian unsigned value of tag (1, 2 or 4 octets).
func (ts TLVs) Uint(tag Tag) (uint32, bool) {
	v, ok := ts.Get(tag)
	if !ok {
		return 0, false
	}
	switch len(v) {
	case 1:
		return uint32(v[0]), true
	case 2:
		return uint32(binary.BigEndian.Uint16(v)), true
	case 4:
		return binary.BigEndian.Uint32(v), true
	}
	return 0, false
}

// String returns tag's value as a C-string with its NUL removed. Some SMSCs (Net::SMPP among
// them) omit the NUL, so it is optional here.
func (ts TLVs) String(tag Tag) (string, bool) {
	v, ok := ts.Get(tag)
	if !ok {
		return "", false
	}
	if n := len(v); n > 0 && v[n-1] == 0 {
		v = v[:n-1]
	}
	return string(v), true
}

// U8, U16 and CString build TLVs with those value types.
func U8(tag Tag, v uint8) TLV   { return TLV{tag, []byte{v}} }
func U16(tag Tag, v uint16) TLV { return TLV{tag, binary.BigEndian.AppendUint16(nil, v)} }
func CString(tag Tag, s string) TLV {
	return TLV{tag, append([]byte(s), 0)}
}

func (ts TLVs) appendTo(b []byte) ([]byte, error) {
	for _, t := range ts {
		if len(t.Value) > 0xFFFF {
			return b, fmt.Errorf("TLV 0x%04X: %d octets: %w", uint16(t.Tag), len(t.Value), ErrTooLong)
		}
		if err := checkTLV(t); err != nil {
			return b, err
		}
		b = binary.BigEndian.AppendUint16(b, uint16(t.Tag))
		b = binary.BigEndian.AppendUint16(b, uint16(len(t.Value)))
		b = append(b, t.Value...)
	}
	return b, nil
}

func checkTLV(t TLV) error {
	if n, ok := fixedLen[t.Tag]; ok && len(t.Value) != n {
		return fmt.Errorf("TLV 0x%04X: length %d, want %d: %w", uint16(t.Tag), len(t.Value), n, ErrTLV)
	}
	if t.Tag == TagReceiptedMessageID && len(t.Value) > maxReceiptedMessageID {
		return fmt.Errorf("receipted_message_id: %d octets: %w", len(t.Value), ErrTooLong)
	}
	return nil
}

func parseTLVs(b []byte) (TLVs, error) {
	var ts TLVs
	for len(b) > 0 {
		if len(b) < 4 {
			return nil, fmt.Errorf("TLV header: %d octets: %w", len(b), ErrTruncated)
		}
		tag := Tag(binary.BigEndian.Uint16(b))
		n := int(binary.BigEndian.Uint16(b[2:]))
		if len(b)-4 < n {
			return nil, fmt.Errorf("TLV 0x%04X: length %d, %d octets left: %w", uint16(tag), n, len(b)-4, ErrTruncated)
		}
		t := TLV{Tag: tag, Value: append([]byte(nil), b[4:4+n]...)}
		if err := checkTLV(t); err != nil {
			return nil, err
		}
		ts = append(ts, t)
		b = b[4+n:]
	}
	return ts, nil
}
