package app

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/taawun/taawun/internal/config"
	"github.com/taawun/taawun/internal/dissem/dissemtest"
	"github.com/taawun/taawun/internal/testenv"
)

// TestNodeIssuesAndDelivers starts a whole node (embedded SQLite and NATS) with an SMTP relay,
// imports a recipient, and has a warning drafted, approved and delivered to them by e-mail,
// all through the HTTP API as two officers would.
func TestNodeIssuesAndDelivers(t *testing.T) {
	sink := dissemtest.NewSMTPSink(t)
	cfg := &config.Config{Addr: "127.0.0.1:0", Data: t.TempDir(), Demo: true, AdminPassword: "node test password", MaxBody: 1 << 20,
		SessionTTL: time.Hour, LogLevel: "error", LogFormat: "text", DeliveryLease: time.Minute,
		SMTPHost: "127.0.0.1", SMTPPort: sink.Addr.Port, SMTPFrom: "warnings@ndma.test"}
	n, err := Start(context.Background(), cfg, io.Discard, NewLogger(cfg, io.Discard))
	if err != nil {
		t.Fatal(err)
	}
	defer n.Stop()

	duty := testenv.NewClient(t, n.URL)
	duty.Login("duty.officer", cfg.AdminPassword)
	req, _ := http.NewRequest(http.MethodPost, n.URL+"/api/v1/recipients/import", strings.NewReader("name,language,email,lat,lon\nSana,en,sana@example.pk,33.70,73.05\n"))
	req.Header.Set("Content-Type", "text/csv")
	req.Header.Set("X-CSRF-Token", duty.CSRF)
	if resp := duty.Do(req); resp.StatusCode != http.StatusOK {
		t.Fatalf("import: %d %s", resp.StatusCode, duty.Body(resp))
	}

	body := map[string]any{"hazard": "heatwave", "content": map[string]any{
		"texts": map[string]any{
			"en": map[string]any{"headline": "Heatwave in Islamabad", "description": "45 °C expected."},
			"ur": map[string]any{"headline": "اسلام آباد میں ہیٹ ویو", "description": "45 ڈگری متوقع۔"},
		},
		"urgency": "Expected", "severity": "Severe", "certainty": "Likely", "expires": time.Now().Add(24 * time.Hour).UTC().Format(time.RFC3339),
		"areas": []any{map[string]any{"desc": "Islamabad", "circles": []string{"33.70,73.05 15"}}},
	}}
	// The targeting index learns of the import from the bus; the preview shows when it has.
	deadline := time.Now().Add(10 * time.Second)
	for {
		var pv struct {
			Recipients *int `json:"recipients"`
		}
		json.NewDecoder(duty.PostJSON("/api/v1/alerts/preview", body).Body).Decode(&pv)
		if pv.Recipients != nil && *pv.Recipients == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the imported recipient never reached the targeting index")
		}
		time.Sleep(100 * time.Millisecond)
	}
	resp := duty.PostJSON("/api/v1/alerts", body)
	var created struct {
		ID string `json:"id"`
	}
	json.NewDecoder(resp.Body).Decode(&created)
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("draft: %d", resp.StatusCode)
	}
	duty.PostJSON("/api/v1/alerts/"+created.ID+"/submit", nil)
	approver := testenv.NewClient(t, n.URL)
	approver.Login("approver", cfg.AdminPassword)
	if resp := approver.PostJSON("/api/v1/alerts/"+created.ID+"/approve", nil); resp.StatusCode != http.StatusOK {
		t.Fatalf("approve: %d %s", resp.StatusCode, approver.Body(resp))
	}
	for deadline := time.Now().Add(15 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if mails := sink.All(); len(mails) == 1 {
			if mails[0].To[0] != "sana@example.pk" || !strings.Contains(string(mails[0].Data), "Heatwave in Islamabad") {
				t.Fatalf("mail: %+v", mails[0])
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no e-mail within 15s (%d)", len(sink.All()))
		}
	}
}
