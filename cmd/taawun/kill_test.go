package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/mail"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/taawun/taawun/internal/dissem/dissemtest"
	"github.com/taawun/taawun/internal/testenv"
)

// TestSIGKILLDuringDissemination: a node delivering a warning to many recipients is killed with
// SIGKILL at random moments and restarted, an update is issued between kills, and at the end
// every recipient has exactly one message per alert version: nothing lost, and every repeat
// recognisable by its idempotency key (the e-mail Message-ID). CI runs it small; set
// TAAWUN_KILL_RECIPIENTS and TAAWUN_KILL_ROUNDS for a large run.
func TestSIGKILLDuringDissemination(t *testing.T) {
	recipients := envInt("TAAWUN_KILL_RECIPIENTS", 300)
	rounds := envInt("TAAWUN_KILL_ROUNDS", 3)
	sink := dissemtest.NewSMTPSink(t)
	bin := buildBinary(t)
	data := t.TempDir()
	const password = "kill test password"
	args := []string{"--data", data, "--addr", "127.0.0.1:0", "--admin-password", password, "--log-level", "error",
		"--smtp-host", "127.0.0.1", "--smtp-port", strconv.Itoa(sink.Addr.Port), "--smtp-from", "warnings@ndma.test",
		"--delivery-lease", "2s"}
	srv := startServer(t, bin, args)

	var csv bytes.Buffer
	csv.WriteString("name,language,email,lat,lon\n")
	for i := range recipients {
		fmt.Fprintf(&csv, "r%d,en,r%d@example.pk,%.4f,%.4f\n", i, i, 33.60+rand.Float64()*0.2, 72.95+rand.Float64()*0.2)
	}
	duty := testenv.NewClient(t, srv.url)
	duty.Login("duty.officer", password)
	req, _ := http.NewRequest(http.MethodPost, srv.url+"/api/v1/recipients/import", &csv)
	req.Header.Set("Content-Type", "text/csv")
	req.Header.Set("X-CSRF-Token", duty.CSRF)
	if resp := duty.Do(req); resp.StatusCode != http.StatusOK {
		t.Fatalf("import: %d %s", resp.StatusCode, duty.Body(resp))
	}
	warning := func(headline string) map[string]any {
		return map[string]any{"hazard": "heatwave", "content": map[string]any{
			"texts": map[string]any{
				"en": map[string]any{"headline": headline, "description": "46 °C expected."},
				"ur": map[string]any{"headline": "اسلام آباد میں ہیٹ ویو", "description": "46 ڈگری متوقع۔"},
			},
			"urgency": "Expected", "severity": "Severe", "certainty": "Likely", "expires": time.Now().Add(24 * time.Hour).UTC().Format(time.RFC3339),
			"areas": []any{map[string]any{"desc": "Islamabad", "circles": []string{"33.70,73.05 30"}}},
		}}
	}
	waitTargeted(t, duty, warning("probe"), recipients)
	var created struct {
		ID string `json:"id"`
	}
	json.NewDecoder(duty.PostJSON("/api/v1/alerts", warning("Heatwave in Islamabad")).Body).Decode(&created)
	issue := func(base string, revise bool) {
		d := testenv.NewClient(t, base)
		d.Login("duty.officer", password)
		if revise {
			if resp := d.PostJSON("/api/v1/alerts/"+created.ID+"/revise", map[string]any{"kind": "Update", "content": warning("Heatwave in Islamabad: 47 °C")["content"]}); resp.StatusCode != http.StatusOK {
				t.Fatalf("revise: %d %s", resp.StatusCode, d.Body(resp))
			}
		}
		if resp := d.PostJSON("/api/v1/alerts/"+created.ID+"/submit", nil); resp.StatusCode != http.StatusOK {
			t.Fatalf("submit: %d %s", resp.StatusCode, d.Body(resp))
		}
		a := testenv.NewClient(t, base)
		a.Login("approver", password)
		if resp := a.PostJSON("/api/v1/alerts/"+created.ID+"/approve", nil); resp.StatusCode != http.StatusOK {
			t.Fatalf("approve: %d %s", resp.StatusCode, a.Body(resp))
		}
	}
	issue(srv.url, false)

	want := 2 * recipients
	for round := range rounds {
		// Kill while deliveries are flowing: wait for this server's first e-mails, then a
		// random moment later.
		before := len(sink.All())
		for deadline := time.Now().Add(2 * time.Minute); len(sink.All()) == before && distinctKeys(t, sink) < want && time.Now().Before(deadline); {
			time.Sleep(10 * time.Millisecond)
		}
		time.Sleep(time.Duration(20+rand.IntN(300)) * time.Millisecond)
		srv.kill(t)
		t.Logf("round %d: SIGKILL with %d e-mails delivered (%d during this server's life)", round+1, len(sink.All()), len(sink.All())-before)
		srv = startServer(t, bin, args)
		if round == 0 {
			issue(srv.url, true) // a second version, disseminated across the remaining kills
		}
	}

	// Wait for every recipient to have both versions, then a lease longer for late repeats.
	deadline := time.Now().Add(time.Duration(60+recipients/200) * time.Second)
	for distinctKeys(t, sink) < want {
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d messages delivered", distinctKeys(t, sink), want)
		}
		time.Sleep(100 * time.Millisecond)
	}
	time.Sleep(3 * time.Second)
	keys := map[string]int{}
	perRecipient := map[string]map[string]bool{}
	for _, m := range sink.All() {
		msg, err := mail.ReadMessage(bytes.NewReader(m.Data))
		if err != nil {
			t.Fatal(err)
		}
		id := msg.Header.Get("Message-Id")
		keys[id]++
		if perRecipient[m.To[0]] == nil {
			perRecipient[m.To[0]] = map[string]bool{}
		}
		perRecipient[m.To[0]][id] = true
	}
	repeats := 0
	for _, n := range keys {
		repeats += n - 1
	}
	for i := range recipients {
		if got := len(perRecipient[fmt.Sprintf("r%d@example.pk", i)]); got != 2 {
			t.Errorf("r%d received %d distinct messages, want 2 (one per alert version)", i, got)
		}
	}
	t.Logf("%d recipients × 2 versions through %d SIGKILLs: %d e-mails, %d repeats recognisable by Message-ID", recipients, rounds, len(sink.All()), repeats)
}

func distinctKeys(t *testing.T, sink *dissemtest.SMTPSink) int {
	keys := map[string]bool{}
	for _, m := range sink.All() {
		msg, err := mail.ReadMessage(bytes.NewReader(m.Data))
		if err != nil {
			t.Fatal(err)
		}
		keys[msg.Header.Get("Message-Id")] = true
	}
	return len(keys)
}

// waitTargeted waits until the node's targeting index holds the imported recipients.
func waitTargeted(t *testing.T, c *testenv.Client, body map[string]any, n int) {
	t.Helper()
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(200 * time.Millisecond) {
		var pv struct {
			Recipients *int `json:"recipients"`
		}
		json.NewDecoder(c.PostJSON("/api/v1/alerts/preview", body).Body).Decode(&pv)
		if pv.Recipients != nil && *pv.Recipients == n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("targeting index never held the %d imported recipients", n)
		}
	}
}

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}
