package smpp

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata/")

// goldenPDUs covers every command the codec speaks.
func goldenPDUs() []struct {
	name string
	pdu  *PDU
} {
	return []struct {
		name string
		pdu  *PDU
	}{
		{"bind_transceiver", &PDU{Command: BindTransceiver, Seq: 1, Body: &Bind{SystemID: "taawun", Password: "secret", InterfaceVersion: InterfaceVersion}}},
		{"bind_transceiver_resp", &PDU{Command: BindTransceiverResp, Seq: 1, Body: &BindResp{SystemID: "SMSC", TLVs: TLVs{U8(TagSCInterfaceVersion, 0x34)}}}},
		{"bind_transceiver_resp_error", &PDU{Command: BindTransceiverResp, Status: StatusInvPaswd, Seq: 1}},
		{"submit_sm_gsm7", &PDU{Command: SubmitSM, Seq: 2, Body: &SM{SourceAddr: "NDMA", DestTON: 1, DestNPI: 1, DestAddr: "923001234567", RegisteredDelivery: 1, ShortMessage: []byte("Flood")}}},
		{"submit_sm_sar", &PDU{Command: SubmitSM, Seq: 3, Body: &SM{DestAddr: "923001234567", DataCoding: DataCodingUCS2, ShortMessage: AppendUCS2(nil, "سیلاب"),
			TLVs: TLVs{U16(TagSARMsgRefNum, 0x0102), U8(TagSARTotalSegments, 2), U8(TagSARSegmentSeqnum, 1)}}}},
		{"submit_sm_resp", &PDU{Command: SubmitSMResp, Seq: 2, Body: &SMResp{MessageID: "0000000001"}}},
		{"submit_sm_resp_throttled", &PDU{Command: SubmitSMResp, Status: StatusThrottled, Seq: 2}},
		{"deliver_sm_receipt", &PDU{Command: DeliverSM, Seq: 7, Body: &SM{SourceAddr: "923001234567", DestAddr: "NDMA", ESMClass: ESMClassReceipt,
			ShortMessage: []byte("id:0000000001 sub:001 dlvrd:001 submit date:2607011200 done date:2607011201 stat:DELIVRD err:000 text:"),
			TLVs:         TLVs{CString(TagReceiptedMessageID, "0000000001"), U8(TagMessageState, 2)}}}},
		{"deliver_sm_resp", &PDU{Command: DeliverSMResp, Seq: 7, Body: &SMResp{}}},
		{"enquire_link", &PDU{Command: EnquireLink, Seq: 9}},
		{"enquire_link_resp", &PDU{Command: EnquireLinkResp, Seq: 9}},
		{"unbind", &PDU{Command: Unbind, Seq: 10}},
		{"unbind_resp", &PDU{Command: UnbindResp, Seq: 10}},
		{"generic_nack", &PDU{Command: GenericNack, Status: StatusInvCmdID, Seq: 11}},
	}
}

// TestGolden pins the wire form of every PDU type and checks each decodes back to itself.
func TestGolden(t *testing.T) {
	var out strings.Builder
	for _, tc := range goldenPDUs() {
		b, err := tc.pdu.MarshalBinary()
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		fmt.Fprintf(&out, "%s %s\n", tc.name, hex.EncodeToString(b))
		back, err := Decode(b)
		if err != nil {
			t.Fatalf("%s: decode: %v", tc.name, err)
		}
		again, _ := back.MarshalBinary()
		if !bytes.Equal(again, b) {
			t.Errorf("%s: re-encoding differs:\n%x\n%x", tc.name, again, b)
		}
	}
	path := filepath.Join("testdata", "pdus.golden")
	if *update {
		if err := os.WriteFile(path, []byte(out.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create)", err)
	}
	if out.String() != string(want) {
		t.Errorf("PDUs differ from %s (run with -update if the change is intended):\n%s", path, out.String())
	}
}

func mustHex(s string) []byte {
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		panic(err)
	}
	return b
}

func TestDecodeRejects(t *testing.T) {
	for _, tc := range []struct {
		name    string
		in      string
		want    error
		hdrKept bool
	}{
		{"short header", "00000010 00000015 00000000", ErrTruncated, false},
		{"length below header", "0000000f 00000015 00000000 00000001", ErrLength, false},
		{"length above max", "7fffffff 00000015 00000000 00000001", ErrLength, false},
		{"length disagrees", "00000014 00000015 00000000 00000001", ErrLength, false},
		{"unknown command", "00000010 00000099 00000000 00000005", ErrUnknownCommand, true},
		{"body on enquire_link", "00000011 00000015 00000000 00000001 00", ErrTrailing, true},
		{"system_id without NUL", "LLLLLLLL 00000009 00000000 00000001 6162636465", ErrTruncated, true},
		{"system_id too long", "LLLLLLLL 00000009 00000000 00000001 6161616161616161616161616161616161 00", ErrCString, true},
		{"bind missing fields", "LLLLLLLL 00000009 00000000 00000001 610000", ErrTruncated, true},
		{"sm_length past end", "LLLLLLLL 00000004 00000000 00000001 00 0000 00 0000 00 000000 00 00 00000000 05 6161", ErrTruncated, true},
		{"sm_length above 254", "LLLLLLLL 00000004 00000000 00000001 00 0000 00 0000 00 000000 00 00 00000000 ff", ErrTooLong, true},
		{"truncated TLV header", "LLLLLLLL 00000004 00000000 00000001 00 0000 00 0000 00 000000 00 00 00000000 00 0424 01", ErrTruncated, true},
		{"TLV longer than PDU", "LLLLLLLL 00000004 00000000 00000001 00 0000 00 0000 00 000000 00 00 00000000 00 0424 0009 61", ErrTruncated, true},
		{"sar_total_segments wrong size", "LLLLLLLL 00000004 00000000 00000001 00 0000 00 0000 00 000000 00 00 00000000 00 020e 0002 0001", ErrTLV, true},
		{"ok submit_sm_resp without message_id", "00000010 80000004 00000000 00000001", ErrTruncated, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := tc.in
			if strings.HasPrefix(in, "LLLLLLLL") {
				// Fill in command_length so each row breaks only what it names.
				n := len(mustHex(in[8:])) + 4
				in = fmt.Sprintf("%08x", n) + in[8:]
			}
			p, err := Decode(mustHex(in))
			if !errors.Is(err, tc.want) {
				t.Fatalf("Decode error = %v, want %v", err, tc.want)
			}
			if (p != nil) != tc.hdrKept {
				t.Errorf("header returned = %v, want %v", p != nil, tc.hdrKept)
			}
			if p != nil && p.Body != nil {
				t.Errorf("body returned with an error")
			}
		})
	}
}

func TestEncodeRejects(t *testing.T) {
	for _, tc := range []struct {
		name string
		pdu  *PDU
		want error
	}{
		{"password too long", &PDU{Command: BindTransceiver, Body: &Bind{Password: "123456789"}}, ErrTooLong},
		{"NUL in system_id", &PDU{Command: BindTransceiver, Body: &Bind{SystemID: "a\x00b"}}, ErrCString},
		{"destination too long", &PDU{Command: SubmitSM, Body: &SM{DestAddr: strings.Repeat("9", 21)}}, ErrTooLong},
		{"short_message too long", &PDU{Command: SubmitSM, Body: &SM{ShortMessage: make([]byte, 255)}}, ErrTooLong},
		{"bad TLV size", &PDU{Command: SubmitSM, Body: &SM{TLVs: TLVs{{TagSARMsgRefNum, []byte{1}}}}}, ErrTLV},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := tc.pdu.MarshalBinary(); !errors.Is(err, tc.want) {
				t.Errorf("error = %v, want %v", err, tc.want)
			}
		})
	}
}

func TestReadPDU(t *testing.T) {
	a, _ := (&PDU{Command: EnquireLink, Seq: 1}).MarshalBinary()
	b, _ := (&PDU{Command: SubmitSMResp, Seq: 2, Body: &SMResp{MessageID: "x"}}).MarshalBinary()
	r := bytes.NewReader(append(append(a, b...), b[:5]...))
	for _, want := range []uint32{1, 2} {
		p, err := ReadPDU(r)
		if err != nil || p.Seq != want {
			t.Fatalf("ReadPDU = %+v, %v; want seq %d", p, err, want)
		}
	}
	if _, err := ReadPDU(r); err == nil || !strings.Contains(err.Error(), "unexpected EOF") {
		t.Errorf("truncated stream: %v", err)
	}
}

func TestStatusRetryable(t *testing.T) {
	for _, tc := range []struct {
		err  *Error
		want bool
	}{
		{&Error{Status: StatusThrottled}, true},
		{&Error{Status: StatusMsgQFul}, true},
		{&Error{Status: StatusSysErr}, true},
		{&Error{Status: StatusInvDstAdr}, false},
		{&Error{Status: StatusInvPaswd}, false},
		{&Error{Status: StatusSubmitFail}, false},
		{&Error{Err: ErrConnLost}, true},
		{&Error{Err: ErrTimeout}, true},
		{&Error{Err: ErrClosed}, false},
		{&Error{Err: fmt.Errorf("wait: %w", context.Canceled)}, false},
	} {
		if got := tc.err.Retryable(); got != tc.want {
			t.Errorf("%v: Retryable = %v, want %v", tc.err, got, tc.want)
		}
		if IsRetryable(fmt.Errorf("wrapped: %w", tc.err)) != tc.want {
			t.Errorf("%v: IsRetryable through wrapping differs", tc.err)
		}
	}
	if StatusThrottled.String() != "ESME_RTHROTTLED" || Status(0x1234).String() != "command_status 0x00001234" {
		t.Error("status names")
	}
}

func TestParseReceiptText(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Receipt
	}{
		{"id:0000000001 sub:001 dlvrd:001 submit date:2607011200 done date:2607011201 stat:DELIVRD err:000 text:Flood warning",
			Receipt{ID: "0000000001", Stat: "DELIVRD", Err: "000", Submitted: 1, Delivered: 1,
				SubmitDate: time.Date(2026, 7, 1, 12, 0, 0, 0, time.UTC), DoneDate: time.Date(2026, 7, 1, 12, 1, 0, 0, time.UTC), Text: "Flood warning"}},
		{"id:abc sub:001 dlvrd:000 submit date:260701120030 done date:260701120105 stat:UNDELIV err:001 text:stat:x",
			Receipt{ID: "abc", Stat: "UNDELIV", Err: "001", Submitted: 1, SubmitDate: time.Date(2026, 7, 1, 12, 0, 30, 0, time.UTC),
				DoneDate: time.Date(2026, 7, 1, 12, 1, 5, 0, time.UTC), Text: "stat:x"}},
		{"ID:7 STAT:expired Err:0", Receipt{ID: "7", Stat: "EXPIRED", Err: "0"}},
	} {
		got, err := ParseReceiptText(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("ParseReceiptText(%q)\n got %+v, %v\nwant %+v", tc.in, got, err, tc.want)
		}
	}
	if _, err := ParseReceiptText("hello there"); !errors.Is(err, ErrNotReceipt) {
		t.Errorf("non-receipt: %v", err)
	}
}

func TestParseReceiptTLVs(t *testing.T) {
	// Net::SMPP sends receipted_message_id without its NUL; the TLVs win over the text.
	sm := &SM{ESMClass: ESMClassReceipt, SourceAddr: "923001234567", ShortMessage: []byte("id:old stat:ENROUTE"),
		TLVs: TLVs{{TagReceiptedMessageID, []byte("perl-1")}, U8(TagMessageState, 5)}}
	r, err := ParseReceipt(sm)
	if err != nil || r.ID != "perl-1" || r.Stat != "UNDELIV" || r.From != "923001234567" || r.Success() {
		t.Errorf("ParseReceipt = %+v, %v", r, err)
	}
	if _, err := ParseReceipt(&SM{ShortMessage: []byte("id:1")}); !errors.Is(err, ErrNotReceipt) {
		t.Errorf("MO message taken as receipt: %v", err)
	}
}

func TestBuildAndSplitUDH(t *testing.T) {
	urdu := strings.Repeat("سیلاب کا خطرہ: فوری طور پر محفوظ مقام پر منتقل ہو جائیں ", 3)
	for _, concat := range []Concat{ConcatUDH, ConcatSAR} {
		sms, err := buildSMs(Message{To: "923001234567", Text: urdu}, &Config{Concat: concat}, 0x1234)
		if err != nil || len(sms) != 3 {
			t.Fatalf("buildSMs: %d, %v", len(sms), err)
		}
		var all []byte
		for i, sm := range sms {
			part, text, ok, err := SplitUDH(sm)
			if err != nil || !ok || part.Total != 3 || part.Seqnum != i+1 {
				t.Fatalf("concat %d segment %d: %+v %v %v", concat, i, part, ok, err)
			}
			if concat == ConcatUDH && (part.Ref != 0x34 || sm.ESMClass != ESMClassUDHI || len(sm.ShortMessage) > 140) {
				t.Errorf("UDH segment %d: ref %x esm %x len %d", i, part.Ref, sm.ESMClass, len(sm.ShortMessage))
			}
			if concat == ConcatSAR && (part.Ref != 0x1234 || sm.ESMClass != 0) {
				t.Errorf("SAR segment %d: ref %x esm %x", i, part.Ref, sm.ESMClass)
			}
			all = append(all, text...)
		}
		if got, err := DecodeText(DataCodingUCS2, all); err != nil || got != urdu {
			t.Errorf("concat %d: reassembled %q, %v", concat, got, err)
		}
	}
	if _, err := buildSMs(Message{To: "1"}, &Config{}, 0); !errors.Is(err, ErrEmpty) {
		t.Errorf("empty message: %v", err)
	}
	for _, bad := range []string{"", "05", "0500", "050003000203", "050003000001", "0500030002036161"} {
		sm := &SM{ESMClass: ESMClassUDHI, ShortMessage: mustHex(bad)}
		if _, _, _, err := SplitUDH(sm); !errors.Is(err, ErrUDH) {
			t.Errorf("SplitUDH(%s) = %v, want ErrUDH", bad, err)
		}
	}
}

func TestUCS2SurrogatesAndDecodeText(t *testing.T) {
	b := AppendUCS2(nil, "a🌊")
	if hex.EncodeToString(b) != "0061d83cdf0a" {
		t.Errorf("AppendUCS2 = %x", b)
	}
	if s, err := DecodeText(DataCodingUCS2, b); err != nil || s != "a🌊" {
		t.Errorf("DecodeText = %q, %v", s, err)
	}
	if _, err := DecodeText(DataCodingUCS2, []byte{0}); err == nil {
		t.Error("odd UCS-2 accepted")
	}
	if _, err := DecodeText(0x42, nil); err == nil {
		t.Error("unknown data_coding accepted")
	}
}

func FuzzDecode(f *testing.F) {
	for _, tc := range goldenPDUs() {
		b, _ := tc.pdu.MarshalBinary()
		f.Add(b)
	}
	f.Add(mustHex("00000010 00000099 00000000 00000005"))
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := Decode(b)
		if err != nil {
			if p != nil && p.Body != nil {
				t.Fatal("body returned with error")
			}
			return
		}
		again, err := p.MarshalBinary()
		if err != nil {
			t.Fatalf("decoded PDU does not encode: %v", err)
		}
		p2, err := Decode(again)
		if err != nil {
			t.Fatalf("re-encoded PDU does not decode: %v", err)
		}
		if again2, _ := p2.MarshalBinary(); !bytes.Equal(again, again2) {
			t.Fatal("encoding not stable")
		}
	})
}

func FuzzReadPDU(f *testing.F) {
	for _, tc := range goldenPDUs() {
		b, _ := tc.pdu.MarshalBinary()
		f.Add(append(b, b...))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		r := bytes.NewReader(b)
		for range 4 {
			if _, err := ReadPDU(r); err != nil {
				return
			}
		}
	})
}

func FuzzParseReceiptText(f *testing.F) {
	f.Add("id:0000000001 sub:001 dlvrd:001 submit date:2607011200 done date:2607011201 stat:DELIVRD err:000 text:Flood")
	f.Add("text:id:stat: id:")
	f.Add("id:")
	f.Fuzz(func(t *testing.T, s string) {
		r, err := ParseReceiptText(s)
		if err == nil && r.ID == "" {
			t.Fatal("receipt without id accepted")
		}
	})
}

func FuzzSplitUDH(f *testing.F) {
	f.Add(byte(ESMClassUDHI), mustHex("0500030a0201 0061"))
	f.Add(byte(ESMClassUDHI), mustHex("060804123402010061"))
	f.Add(byte(0), []byte("plain"))
	f.Fuzz(func(t *testing.T, esm byte, msg []byte) {
		part, text, ok, err := SplitUDH(&SM{ESMClass: esm, ShortMessage: msg})
		if err != nil {
			return
		}
		if ok && (part.Seqnum < 1 || part.Seqnum > part.Total) {
			t.Fatalf("accepted part %+v", part)
		}
		if len(text) > len(msg) {
			t.Fatal("text longer than message")
		}
	})
}
