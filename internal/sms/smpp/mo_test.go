package smpp_test

import (
	"bytes"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/taawun/taawun/internal/sms/smpp"
)

// TestMobileOriginatedMessages: a handset's reply reaches OnMessage decoded (GSM-7 and UCS-2),
// apart from receipts; a handler that cannot take it now gets the SMSC a temporary error, so
// that it delivers the message again.
func TestMobileOriginatedMessages(t *testing.T) {
	var (
		mu     sync.Mutex
		got    []smpp.MO
		refuse bool
	)
	e := newEnv(t, func(c *smpp.Config) {
		c.OnMessage = func(mo smpp.MO) error {
			mu.Lock()
			defer mu.Unlock()
			if refuse {
				return errors.New("queue full")
			}
			got = append(got, mo)
			return nil
		}
	})
	for _, text := range []string{"STOP", "بند", "退订"} {
		if err := e.srv.SendMO("923001234567", "8181", text); err != nil {
			t.Fatal(err)
		}
	}
	waitFor(t, "three messages", func() bool { mu.Lock(); defer mu.Unlock(); return len(got) == 3 })
	mu.Lock()
	if got[0] != (smpp.MO{From: "923001234567", To: "8181", Text: "STOP"}) || got[1].Text != "بند" || got[2].Text != "退订" {
		t.Fatalf("messages %+v", got)
	}
	refuse = true
	mu.Unlock()
	if err := e.srv.SendMO("923001234567", "8181", "STOP"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the refusal", func() bool { return e.srv.Stats().DeliverRefused == 1 })
	if st := e.srv.Stats(); st.ReceiptsAcked != 4 {
		t.Fatalf("deliver_sm answered %d times, want 4", st.ReceiptsAcked)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if len(e.receipts) != 0 {
		t.Fatalf("replies taken for receipts: %+v", e.receipts)
	}
}

// FuzzParseMO: any deliver_sm body is read or refused with an error, never a panic; a UCS-2
// text read encodes back to the bytes it came from (when they were whole code units).
func FuzzParseMO(f *testing.F) {
	f.Add(byte(0), byte(smpp.DataCodingDefault), []byte("STOP"))
	f.Add(byte(0), byte(smpp.DataCodingUCS2), smpp.AppendUCS2(nil, "بند"))
	f.Add(byte(0), byte(smpp.DataCodingUCS2), smpp.AppendUCS2(nil, "退订"))
	f.Add(byte(smpp.ESMClassUDHI), byte(smpp.DataCodingUCS2), append([]byte{5, 0, 3, 1, 2, 1}, smpp.AppendUCS2(nil, "СТОП")...))
	f.Add(byte(smpp.ESMClassReceipt), byte(0), []byte("id:1 stat:DELIVRD"))
	f.Fuzz(func(t *testing.T, esm, dc byte, msg []byte) {
		mo, err := smpp.ParseMO(&smpp.SM{ESMClass: esm, DataCoding: dc, ShortMessage: msg})
		if err != nil {
			return
		}
		if esm&smpp.ESMClassReceipt != 0 {
			t.Fatal("a receipt read as a reply")
		}
		if dc == smpp.DataCodingUCS2 && esm&smpp.ESMClassUDHI == 0 && !strings.ContainsRune(mo.Text, '\uFFFD') && !bytes.Equal(smpp.AppendUCS2(nil, mo.Text), msg) {
			t.Fatalf("UCS-2 %x read as %q", msg, mo.Text)
		}
	})
}
