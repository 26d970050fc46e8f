package smpp

import (
	"errors"
	"fmt"
)

// ErrNotMO reports a deliver_sm that is not a mobile-originated text this package reads: a
// receipt, or one segment of a concatenated message (replies such as STOP fit one segment, so
// segments are not reassembled).
var ErrNotMO = errors.New("smpp: not a single-segment mobile-originated message")

// MO is a mobile-originated message: text a handset sent to the service's number, which the
// SMSC hands over in a deliver_sm.
type MO struct {
	From, To string // the handset and the service number, as the SMSC gives them
	Text     string
}

// ParseMO reads a mobile-originated message from a deliver_sm body, decoding its text by its
// data_coding (message_payload when short_message is empty).
func ParseMO(sm *SM) (MO, error) {
	if sm.ESMClass&esmTypeMask != 0 {
		return MO{}, fmt.Errorf("smpp: esm_class 0x%02X: %w", sm.ESMClass, ErrNotMO)
	}
	_, body, multi, err := SplitUDH(sm)
	if err != nil {
		return MO{}, err
	}
	if multi {
		return MO{}, fmt.Errorf("smpp: concatenated message from %s: %w", sm.SourceAddr, ErrNotMO)
	}
	text, err := DecodeText(sm.DataCoding, body)
	if err != nil {
		return MO{}, fmt.Errorf("smpp: message from %s: %w", sm.SourceAddr, err)
	}
	return MO{From: sm.SourceAddr, To: sm.DestAddr, Text: text}, nil
}
