package smpp_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/taawun/taawun/internal/sms/smpp"
	"github.com/taawun/taawun/internal/testenv"
)

// perlEvent is one line the Perl SMSC prints.
type perlEvent struct {
	Event  string `json:"event"`
	Dest   string `json:"dest"`
	DC     int    `json:"dc"`
	ESM    int    `json:"esm"`
	Text   string `json:"text"`
	ID     string `json:"id"`
	Ref    *int   `json:"ref"`
	Total  int    `json:"total"`
	Seqnum int    `json:"seqnum"`
	OK     int    `json:"ok"`
}

// TestInteropNetSMPP runs our client against an SMSC built on Debian's Net::SMPP
// (libnet-smpp-perl): the Perl side must decode our GSM-7 and UCS-2 submits, take apart our
// concatenation header, and its delivery receipts must reach our callback.
func TestInteropNetSMPP(t *testing.T) {
	perl, err := exec.LookPath("perl")
	testenv.Need(t, err == nil, "perl not on PATH (Debian package perl)")
	probe := exec.Command(perl, "-MNet::SMPP", "-MJSON::PP", "-MEncode", "-e1")
	testenv.Need(t, probe.Run() == nil, "Perl module Net::SMPP missing (apt-get install libnet-smpp-perl)")

	cmd := exec.Command(perl, "testdata/interop_smsc.pl", "taawun", "secret")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
		if t.Failed() {
			t.Logf("perl stderr:\n%s", stderr.String())
		}
	})
	lines := make(chan string, 16)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			lines <- sc.Text()
		}
	}()
	next := func() string {
		t.Helper()
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatalf("perl SMSC exited; stderr:\n%s", stderr.String())
			}
			return l
		case <-time.After(10 * time.Second):
			t.Fatal("no output from perl SMSC")
		}
		return ""
	}
	var port int
	if _, err := fmt.Sscanf(next(), "LISTEN %d", &port); err != nil {
		t.Fatalf("perl SMSC did not report its port: %v", err)
	}
	event := func() perlEvent {
		t.Helper()
		var ev perlEvent
		l := next()
		if err := json.Unmarshal([]byte(l), &ev); err != nil {
			t.Fatalf("perl line %q: %v", l, err)
		}
		return ev
	}

	var mu sync.Mutex
	receipts := map[string]smpp.Receipt{}
	client, err := smpp.Dial(ctx(t), smpp.Config{Addr: fmt.Sprintf("127.0.0.1:%d", port),
		SystemID: "taawun", Password: "secret", SourceAddr: "NDMA", ResponseTimeout: 5 * time.Second,
		OnReceipt: func(r smpp.Receipt) { mu.Lock(); receipts[r.ID] = r; mu.Unlock() }})
	if err != nil {
		t.Fatalf("bind to Net::SMPP: %v", err)
	}
	defer client.Close()
	if ev := event(); ev.Event != "bind" || ev.OK != 1 {
		t.Fatalf("perl bind: %+v", ev)
	}

	long := strings.Repeat(urdu+" ", 3)
	var want []string // ids we expect receipts for
	for _, tc := range []struct {
		text     string
		dc       int
		segments int
	}{
		{"Flood warning {Swat}: move to high ground. Relief €20 [NDMA] ~ ^ | \\ @£$¥ ΔΦ", 0, 1},
		{urdu, 8, 1},
		{long, 8, 3},
	} {
		ids, err := client.Submit(ctx(t), smpp.Message{To: "923001234567", Text: tc.text})
		if err != nil || len(ids) != tc.segments {
			t.Fatalf("Submit(%q) = %v, %v", tc.text, ids, err)
		}
		var got strings.Builder
		for i := range tc.segments {
			ev := event()
			if ev.Event != "submit" || ev.DC != tc.dc || ev.Dest != "923001234567" || ev.ID != ids[i] {
				t.Fatalf("perl saw %+v, want dc %d id %s", ev, tc.dc, ids[i])
			}
			if tc.segments > 1 && (ev.Ref == nil || ev.Total != tc.segments || ev.Seqnum != i+1 || ev.ESM&smpp.ESMClassUDHI == 0) {
				t.Errorf("perl saw segment %+v, want %d of %d", ev, i+1, tc.segments)
			}
			got.WriteString(ev.Text)
		}
		if got.String() != tc.text {
			t.Errorf("Net::SMPP decoded %q, want %q", got.String(), tc.text)
		}
		want = append(want, ids...)
	}
	waitFor(t, "Net::SMPP receipts", func() bool { mu.Lock(); defer mu.Unlock(); return len(receipts) == len(want) })
	for _, id := range want {
		if r := receipts[id]; r.Stat != "DELIVRD" || r.DoneDate.IsZero() {
			t.Errorf("receipt for %s: %+v", id, r)
		}
	}
	if err := client.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	if ev := event(); ev.Event != "unbind" {
		t.Errorf("perl saw %+v, want unbind", ev)
	}
}
