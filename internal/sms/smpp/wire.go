package smpp

import (
	"bytes"
	"fmt"
)

// appendCString appends s and its terminating NUL; max counts the NUL, as the specification does.
func appendCString(b []byte, field, s string, max int) ([]byte, error) {
	if len(s) >= max {
		return b, fmt.Errorf("%s %q: %d octets, at most %d: %w", field, s, len(s), max-1, ErrTooLong)
	}
	if bytes.IndexByte([]byte(s), 0) >= 0 {
		return b, fmt.Errorf("%s %q: contains NUL: %w", field, s, ErrCString)
	}
	return append(append(b, s...), 0), nil
}

// appendCStringErr is appendCString that does nothing once an earlier field failed, so encoders
// read as a flat list of fields.
func appendCStringErr(b []byte, err error, field, s string, max int) ([]byte, error) {
	if err != nil {
		return b, err
	}
	return appendCString(b, field, s, max)
}

// decoder reads fields from a PDU body, remembering the first error so decoders read as a
// flat list of fields.
type decoder struct {
	b   []byte
	err error
}

func (d *decoder) byte(field string) byte {
	if d.err != nil {
		return 0
	}
	if len(d.b) < 1 {
		d.err = fmt.Errorf("%s: %w", field, ErrTruncated)
		return 0
	}
	c := d.b[0]
	d.b = d.b[1:]
	return c
}

func (d *decoder) bytes(field string, n int) []byte {
	if d.err != nil {
		return nil
	}
	if len(d.b) < n {
		d.err = fmt.Errorf("%s: want %d octets, have %d: %w", field, n, len(d.b), ErrTruncated)
		return nil
	}
	v := bytes.Clone(d.b[:n])
	d.b = d.b[n:]
	return v
}

// cstring reads a NUL-terminated string of at most max octets including the NUL.
func (d *decoder) cstring(field string, max int) string {
	if d.err != nil {
		return ""
	}
	i := bytes.IndexByte(d.b[:min(len(d.b), max)], 0)
	if i < 0 {
		if len(d.b) < max {
			d.err = fmt.Errorf("%s: no NUL before end of PDU: %w", field, ErrTruncated)
		} else {
			d.err = fmt.Errorf("%s: no NUL within %d octets: %w", field, max, ErrCString)
		}
		return ""
	}
	s := string(d.b[:i])
	d.b = d.b[i+1:]
	return s
}

func (d *decoder) tlvs() TLVs {
	if d.err != nil || len(d.b) == 0 {
		return nil
	}
	t, err := parseTLVs(d.b)
	if err != nil {
		d.err = err
		return nil
	}
	d.b = nil
	return t
}
