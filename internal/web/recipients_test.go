package web

import (
	"net/http"
	"net/url"
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

// TestContactGroupsAndOfficials: a duty officer makes a contact group of DDMA officers and adds
// an official of DDMA Lahore (no location needed); a group or official for a partner authority
// abroad is outside the officer's organisations.
func TestContactGroupsAndOfficials(t *testing.T) {
	n := newTestNode(t)
	duty := n.login(t, "duty.officer")
	ndma, lahore, emercom := n.orgs["NDMA"].ID, n.orgs["DDMA Lahore"].ID, n.orgs["EMERCOM"].ID
	for _, tt := range []struct {
		name   string
		body   map[string]any
		status int
		field  string
	}{
		{"good", map[string]any{"org_id": ndma, "name": "DDMA officers", "tier": "district"}, http.StatusCreated, ""},
		{"same name again", map[string]any{"org_id": ndma, "name": "DDMA officers", "tier": "provincial"}, http.StatusConflict, "name"},
		{"no tier", map[string]any{"org_id": ndma, "name": "x"}, http.StatusUnprocessableEntity, "tier"},
		{"no name", map[string]any{"org_id": ndma, "tier": "district"}, http.StatusUnprocessableEntity, "name"},
		{"abroad", map[string]any{"org_id": emercom, "name": "x", "tier": "national"}, http.StatusForbidden, "org_id"},
	} {
		resp := duty.PostJSON("/api/v1/contact-groups", tt.body)
		if resp.StatusCode != tt.status {
			t.Errorf("%s: %d, want %d", tt.name, resp.StatusCode, tt.status)
			continue
		}
		if tt.field != "" {
			if f := duty.problem(resp).Field; f != tt.field {
				t.Errorf("%s: field %q, want %q", tt.name, f, tt.field)
			}
		}
	}
	if body := duty.Body(duty.Get("/api/v1/contact-groups")); !strings.Contains(body, `"name": "DDMA officers"`) || !strings.Contains(body, `"tier": "district"`) {
		t.Fatalf("groups list: %s", body)
	}
	if resp := duty.PostJSON("/api/v1/recipients", map[string]any{"name": "DC Lahore", "email": "dc@ddma-lahore.test", "org_id": lahore}); resp.StatusCode != http.StatusCreated {
		t.Fatalf("official without a location: %d", resp.StatusCode)
	}
	if resp := duty.PostJSON("/api/v1/recipients", map[string]any{"name": "x", "email": "x@emercom.test", "org_id": emercom}); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("official abroad: %d", resp.StatusCode)
	}
	if resp := duty.PostJSON("/api/v1/recipients", map[string]any{"name": "y", "email": "y@example.pk"}); resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("member of the public without a location: %d", resp.StatusCode)
	}
	resp := duty.PostForm("/recipients/groups", url.Values{"org_id": {ndma}, "name": {"PDMA control rooms"}, "tier": {"provincial"}})
	if page := duty.Body(resp); resp.StatusCode != http.StatusOK || !strings.Contains(page, "PDMA control rooms") || !strings.Contains(page, "DDMA officers") {
		t.Fatalf("group form: %d", resp.StatusCode)
	}
}
