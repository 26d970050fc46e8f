package smpp

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"time"
)

// ErrNotReceipt reports a deliver_sm that is not a delivery receipt or has no message id.
var ErrNotReceipt = errors.New("smpp: not a delivery receipt")

// Receipt is an SMSC delivery receipt (SMPP 3.4 Appendix B format), with the TLVs preferred
// where the SMSC sends both.
type Receipt struct {
	ID         string // the message id submit_sm_resp returned
	Stat       string // DELIVRD, EXPIRED, DELETED, UNDELIV, ACCEPTD, UNKNOWN, REJECTD, ENROUTE
	Err        string // network-specific error code, "000" when none
	Submitted  int    // sub: segments submitted
	Delivered  int    // dlvrd: segments delivered
	SubmitDate time.Time
	DoneDate   time.Time
	Text       string // first characters of the message, if the SMSC includes them
	From, To   string // source and destination of the deliver_sm (the handset is From)
}

// Success reports whether the receipt says the message reached the handset.
func (r Receipt) Success() bool { return r.Stat == "DELIVRD" }

// messageStates maps the message_state TLV to the stat words of the text format.
var messageStates = map[byte]string{
	1: "ENROUTE", 2: "DELIVRD", 3: "EXPIRED", 4: "DELETED", 5: "UNDELIV", 6: "ACCEPTD",
	7: "UNKNOWN", 8: "REJECTD",
}

// ParseReceipt reads a receipt from a deliver_sm body whose esm_class marks it as one.
func ParseReceipt(sm *SM) (Receipt, error) {
	if sm.ESMClass&esmTypeMask != ESMClassReceipt {
		return Receipt{}, fmt.Errorf("smpp: receipt: esm_class 0x%02X: %w", sm.ESMClass, ErrNotReceipt)
	}
	text := sm.ShortMessage
	if len(text) == 0 {
		text, _ = sm.TLVs.Get(TagMessagePayload)
	}
	r, err := ParseReceiptText(string(text))
	if err != nil && !errors.Is(err, ErrNotReceipt) {
		return Receipt{}, err
	}
	if id, ok := sm.TLVs.String(TagReceiptedMessageID); ok && id != "" {
		r.ID = id
	}
	if st, ok := sm.TLVs.Uint(TagMessageState); ok {
		if s, known := messageStates[byte(st)]; known {
			r.Stat = s
		}
	}
	if r.ID == "" {
		return Receipt{}, fmt.Errorf("smpp: receipt: no message id: %w", ErrNotReceipt)
	}
	r.From, r.To = sm.SourceAddr, sm.DestAddr
	return r, nil
}

// receiptKeys are the fields of the text format; "submit date" and "done date" contain a space,
// so the text is cut at each known key rather than at spaces.
var receiptKeys = []string{"id:", "sub:", "dlvrd:", "submit date:", "done date:", "stat:", "err:", "text:"}

// ParseReceiptText parses the "id:… sub:… dlvrd:… submit date:… done date:… stat:… err:…
// text:…" format. Keys are matched case-insensitively; unknown dates are left zero. The
// result has at least an id or an error wrapping ErrNotReceipt.
func ParseReceiptText(s string) (Receipt, error) {
	// Lower-case ASCII only: strings.ToLower may change byte lengths (invalid UTF-8 becomes
	// U+FFFD), and the offsets found in lower must hold in s.
	lower := []byte(s)
	for i, c := range lower {
		if 'A' <= c && c <= 'Z' {
			lower[i] = c + 'a' - 'A'
		}
	}
	type hit struct{ key, at int }
	var hits []hit
	for k, key := range receiptKeys {
		if i := bytes.Index(lower, []byte(key)); i >= 0 && (i == 0 || lower[i-1] == ' ') {
			hits = append(hits, hit{k, i})
		}
	}
	// Sort the few hits by position (insertion sort keeps this dependency-free and tiny).
	for i := 1; i < len(hits); i++ {
		for j := i; j > 0 && hits[j].at < hits[j-1].at; j-- {
			hits[j], hits[j-1] = hits[j-1], hits[j]
		}
	}
	var r Receipt
loop:
	for i, h := range hits {
		end := len(s)
		if i+1 < len(hits) {
			end = hits[i+1].at
		}
		start := h.at + len(receiptKeys[h.key])
		if start > end {
			continue // overlapping keys in garbage input
		}
		v := strings.TrimSpace(s[start:end])
		switch receiptKeys[h.key] {
		case "id:":
			r.ID = v
		case "sub:":
			r.Submitted = atoi(v)
		case "dlvrd:":
			r.Delivered = atoi(v)
		case "submit date:":
			r.SubmitDate = receiptDate(v)
		case "done date:":
			r.DoneDate = receiptDate(v)
		case "stat:":
			r.Stat = strings.ToUpper(v)
		case "err:":
			r.Err = v
		case "text:":
			// text is last by convention; anything after it, even "stat:", belongs to it.
			r.Text = strings.TrimLeft(s[start:], " ")
			break loop
		}
	}
	if r.ID == "" {
		return r, fmt.Errorf("smpp: receipt %q: no id: %w", truncate(s, 40), ErrNotReceipt)
	}
	return r, nil
}

func atoi(s string) int {
	n := 0
	for _, c := range s {
		if c < '0' || c > '9' || n > 1e6 {
			return n
		}
		n = n*10 + int(c-'0')
	}
	return n
}

// receiptDate reads YYMMDDhhmm or YYMMDDhhmmss as UTC; SMSCs do not say their zone.
func receiptDate(s string) time.Time {
	for _, layout := range []string{"0601021504", "060102150405"} {
		if len(s) == len(layout) {
			if t, err := time.Parse(layout, s); err == nil {
				return t
			}
		}
	}
	return time.Time{}
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
