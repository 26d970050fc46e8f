package web

import (
	"net/http"
	"strings"
	"testing"
)

func TestRecipientsImportAPI(t *testing.T) {
	n := newTestNode(t)
	duty := n.login(t, "duty.officer")
	post := func(body, ct string) *http.Response {
		req, _ := http.NewRequest(http.MethodPost, duty.Base+"/api/v1/recipients/import", strings.NewReader(body))
		req.Header.Set("Content-Type", ct)
		req.Header.Set(csrfHeader, duty.CSRF)
		return duty.Do(req)
	}
	resp := post("name,language,phone,lat,lon\nAmina,ur,+923001234567,31.55,74.34\n", "text/csv")
	if resp.StatusCode != http.StatusOK || !strings.Contains(duty.Body(resp), `"imported": 1`) {
		t.Fatalf("good import: %d", resp.StatusCode)
	}
	resp = post("name,language,phone,lat,lon\nBilal,ur,12345,31.55,74.34\n", "text/csv")
	body := duty.Body(resp)
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `"column": "phone"`) || !strings.Contains(body, `"row": 2`) {
		t.Fatalf("bad import: %d %s", resp.StatusCode, body)
	}
	for field, body := range map[string]map[string]any{
		"phone": {"phone": "03001234567", "lat": 31.5, "lon": 74.3},
		"email": {"email": "not an address", "lat": 31.5, "lon": 74.3},
	} {
		resp := duty.PostJSON("/api/v1/recipients", body)
		if resp.StatusCode != http.StatusUnprocessableEntity || duty.problem(resp).Field != field {
			t.Errorf("recipient with a bad %s: %d", field, resp.StatusCode)
		}
	}
	if resp := duty.PostJSON("/api/v1/recipients", map[string]any{"phone": "+923001234567", "lat": 31.5, "lon": 74.3}); resp.StatusCode != http.StatusCreated {
		t.Fatalf("good recipient: %d", resp.StatusCode)
	}
	if resp := post("x", "application/json"); resp.StatusCode != http.StatusUnsupportedMediaType {
		t.Fatalf("wrong type: %d", resp.StatusCode)
	}
	if page := duty.Body(duty.Get("/recipients")); !strings.Contains(page, "Amina") {
		t.Fatal("recipients page lacks the imported recipient")
	}
	viewer := n.login(t, "viewer.lahore")
	if resp := viewer.Get("/recipients"); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("viewer on recipients: %d", resp.StatusCode)
	}
}
