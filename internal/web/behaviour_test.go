package web

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestUnknownRouteIsProblem404(t *testing.T) {
	n := newTestNode(t)
	c := n.anon(t)
	for _, path := range []string{"/nope", "/api/v1/nope", "/static/missing.css"} {
		resp := c.Get(path)
		if resp.StatusCode != http.StatusNotFound {
			t.Fatalf("%s: %d", path, resp.StatusCode)
		}
		if p := c.problem(resp); p.Status != 404 || p.Detail == "" {
			t.Fatalf("%s: %+v", path, p)
		}
	}
}

func TestUnauthenticatedAPIGets401Problem(t *testing.T) {
	n := newTestNode(t)
	c := n.anon(t)
	resp := c.Get("/api/v1/me")
	if resp.StatusCode != http.StatusUnauthorized || !strings.HasPrefix(resp.Header.Get("WWW-Authenticate"), "Bearer") {
		t.Fatalf("status %d, WWW-Authenticate %q", resp.StatusCode, resp.Header.Get("WWW-Authenticate"))
	}
	c.problem(resp)
	req, _ := http.NewRequest(http.MethodGet, c.Base+"/api/v1/me", nil)
	req.Header.Set("Authorization", "Bearer tw_forged")
	if resp := c.Do(req); resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("forged token: %d", resp.StatusCode)
	}
}

func TestCSRFRequiredOnForms(t *testing.T) {
	n := newTestNode(t)
	c := n.login(t, "admin")
	good := c.CSRF
	c.CSRF = "wrong"
	if resp := c.PostForm("/account/tokens", url.Values{"name": {"x"}}); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("wrong token: %d", resp.StatusCode)
	}
	if resp := c.PostJSON("/api/v1/tokens", map[string]any{"name": "x"}); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("JSON with session cookie and wrong token: %d", resp.StatusCode)
	}
	c.CSRF = good
	if resp := c.PostForm("/account/tokens", url.Values{"name": {"x"}}); resp.StatusCode != http.StatusOK {
		t.Fatalf("right token: %d", resp.StatusCode)
	}
	// The login form of a visitor is protected too (double-submit cookie).
	v := n.anon(t)
	v.Get("/login")
	if resp := v.PostForm("/login", url.Values{"username": {"admin"}, "password": {demoPassword}, "csrf": {"guess"}}); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("login without the visitor's token: %d", resp.StatusCode)
	}
}

func TestSessionCookieFlags(t *testing.T) {
	for _, secure := range []bool{false, true} {
		n := newTestNode(t, func(o *Options) { o.SecureCookies = secure })
		c := n.anon(t)
		c.RefreshCSRF("/login")
		resp := c.PostForm("/login", url.Values{"username": {"admin"}, "password": {demoPassword}})
		var found bool
		for _, ck := range resp.Cookies() {
			if ck.Name != sessionCookie {
				continue
			}
			found = true
			if !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode || ck.Secure != secure {
				t.Errorf("secure=%v: cookie %+v", secure, ck)
			}
			if stored, _ := n.db.Sessions().Get(context.Background(), ck.Value, time.Now()); stored.UserID != "" {
				t.Error("session secret stored in clear")
			}
		}
		if !found {
			t.Fatalf("no session cookie")
		}
	}
}

func TestLoginFailureIsGenericAndThrottled(t *testing.T) {
	n := newTestNode(t)
	c := n.anon(t)
	c.RefreshCSRF("/login")
	unknown := c.Body(c.PostForm("/login", url.Values{"username": {"nobody"}, "password": {"x"}}))
	var last *http.Response
	for range 5 {
		last = c.PostForm("/login", url.Values{"username": {"admin"}, "password": {"wrong"}})
	}
	wrong := c.Body(last)
	msg := n.srv.Catalog.T("en", "login.failed")
	if !strings.Contains(unknown, msg) || !strings.Contains(wrong, msg) {
		t.Fatal("unknown user and wrong password are told apart")
	}
	resp := c.PostForm("/login", url.Values{"username": {"admin"}, "password": {demoPassword}})
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("after 5 failures the right password got %d", resp.StatusCode)
	}
}

func TestBodyOverLimitGets413(t *testing.T) {
	n := newTestNode(t)
	c := n.login(t, "admin")
	huge := strings.Repeat("x", 100<<10) // the test node allows 64 KiB
	resp := c.PostJSON("/api/v1/tokens", map[string]any{"name": huge})
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Fatalf("declared length: %d", resp.StatusCode)
	}
	c.problem(resp)
	// A chunked body has no declared length: the limit applies as it is read.
	req, _ := http.NewRequest(http.MethodPost, c.Base+"/api/v1/tokens", strings.NewReader(`{"name":"`+huge+`"}`))
	req.ContentLength = -1
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(csrfHeader, c.CSRF)
	if resp := c.Do(req); resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Fatalf("chunked: %d", resp.StatusCode)
	}
	form := url.Values{"name": {huge}, "csrf": {c.CSRF}}
	req, _ = http.NewRequest(http.MethodPost, c.Base+"/account/tokens", strings.NewReader(form.Encode()))
	req.ContentLength = -1
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if resp := c.Do(req); resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Fatalf("chunked form: %d", resp.StatusCode)
	}
}

func TestScopeLimitsUsersToTheirSubtree(t *testing.T) {
	n := newTestNode(t)
	ops := n.login(t, "ops.punjab") // PDMA Punjab
	ndma, punjab, lahore := n.orgs["NDMA"].ID, n.orgs["PDMA Punjab"].ID, n.orgs["DDMA Lahore"].ID
	if resp := ops.Get("/api/v1/orgs/" + lahore); resp.StatusCode != http.StatusOK {
		t.Fatalf("own district: %d", resp.StatusCode)
	}
	if resp := ops.Get("/api/v1/orgs/" + ndma); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("parent organisation visible: %d", resp.StatusCode)
	}
	var list struct {
		Orgs []apiOrg `json:"orgs"`
	}
	json.NewDecoder(ops.Get("/api/v1/orgs").Body).Decode(&list)
	for _, o := range list.Orgs {
		if o.ID != punjab && o.ParentID != punjab {
			t.Errorf("ops.punjab sees %s", o.ShortName)
		}
	}
	admin := n.login(t, "admin")
	resp := admin.PostJSON("/api/v1/users", map[string]any{"username": "sindh.officer", "password": "long enough pw", "org_id": n.orgs["PDMA Sindh"].ID, "role": "duty_officer"})
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("national admin creating a Sindh user: %d", resp.StatusCode)
	}
	// An admin of Punjab cannot create users in Sindh.
	punjabAdmin := admin.PostJSON("/api/v1/users", map[string]any{"username": "punjab.admin", "password": "long enough pw", "org_id": punjab, "role": "admin"})
	if punjabAdmin.StatusCode != http.StatusCreated {
		t.Fatalf("create punjab admin: %d", punjabAdmin.StatusCode)
	}
	pa := n.anon(t)
	pa.RefreshCSRF("/login")
	pa.PostForm("/login", url.Values{"username": {"punjab.admin"}, "password": {"long enough pw"}})
	pa.RefreshCSRF("/account")
	resp = pa.PostJSON("/api/v1/users", map[string]any{"username": "intruder", "password": "long enough pw", "org_id": n.orgs["PDMA Sindh"].ID, "role": "viewer"})
	if resp.StatusCode != http.StatusForbidden {
		t.Fatalf("punjab admin creating a Sindh user: %d", resp.StatusCode)
	}
	resp = pa.PostJSON("/api/v1/orgs", map[string]any{"name": "DDMA Karachi", "country": "PK", "tier": "district", "parent_id": n.orgs["PDMA Sindh"].ID})
	if resp.StatusCode != http.StatusForbidden || pa.problem(resp).Field != "parent_id" {
		t.Fatalf("punjab admin creating an org under Sindh: %d", resp.StatusCode)
	}
}

func TestAPIRejectsBadInputWithClearProblems(t *testing.T) {
	n := newTestNode(t)
	c := n.login(t, "admin")
	ndma := n.orgs["NDMA"].ID
	tests := []struct {
		name   string
		path   string
		body   any
		status int
		detail string
	}{
		{"unknown field", "/api/v1/tokens", map[string]any{"name": "x", "colour": "red"}, 400, "colour"},
		{"bad role", "/api/v1/users", map[string]any{"username": "abc", "password": "long enough pw", "org_id": ndma, "role": "king"}, 422, "role"},
		{"short password", "/api/v1/users", map[string]any{"username": "abc", "password": "short", "org_id": ndma, "role": "viewer"}, 422, "password"},
		{"duplicate user", "/api/v1/users", map[string]any{"username": "admin", "password": "long enough pw", "org_id": ndma, "role": "viewer"}, 409, "admin"},
		{"bad tier", "/api/v1/orgs", map[string]any{"name": "X", "country": "PK", "tier": "federal", "parent_id": ndma}, 422, "tier"},
		{"bad country", "/api/v1/orgs", map[string]any{"name": "X", "country": "Pakistan", "tier": "district", "parent_id": ndma}, 422, "country"},
		{"token days", "/api/v1/tokens", map[string]any{"name": "x", "days": -1}, 422, "days"},
	}
	for _, tt := range tests {
		resp := c.PostJSON(tt.path, tt.body)
		if resp.StatusCode != tt.status {
			t.Errorf("%s: %d, want %d", tt.name, resp.StatusCode, tt.status)
			continue
		}
		if p := c.problem(resp); !strings.Contains(p.Detail, tt.detail) {
			t.Errorf("%s: detail %q does not name %q", tt.name, p.Detail, tt.detail)
		}
	}
	req, _ := http.NewRequest(http.MethodPost, c.Base+"/api/v1/tokens", strings.NewReader(`name=x`))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set(csrfHeader, c.CSRF)
	if resp := c.Do(req); resp.StatusCode != http.StatusUnsupportedMediaType {
		t.Errorf("form body to JSON API: %d", resp.StatusCode)
	}
}

func TestAPITokenAuthenticatesWithoutCSRF(t *testing.T) {
	n := newTestNode(t)
	c := n.login(t, "duty.officer")
	var created struct {
		Token string `json:"token"`
	}
	resp := c.PostJSON("/api/v1/tokens", map[string]any{"name": "gauge poller", "days": 30})
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("create token: %d", resp.StatusCode)
	}
	json.NewDecoder(resp.Body).Decode(&created)
	machine := &http.Client{}
	req, _ := http.NewRequest(http.MethodPost, c.Base+"/api/v1/tokens", strings.NewReader(`{"name":"child"}`))
	req.Header.Set("Authorization", "Bearer "+created.Token)
	req.Header.Set("Content-Type", "application/json")
	r2, err := machine.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer r2.Body.Close()
	if r2.StatusCode != http.StatusCreated {
		t.Fatalf("token POST without CSRF: %d", r2.StatusCode)
	}
}

type failingPinger struct{}

func (failingPinger) Ping(context.Context) error { return errBusDown }

var errBusDown = &net503{"nats: connection closed"}

type net503 struct{ s string }

func (e *net503) Error() string { return e.s }

func TestReadyzNamesWhatIsDown(t *testing.T) {
	n := newTestNode(t, func(o *Options) { o.Bus = failingPinger{} })
	c := n.anon(t)
	resp := c.Get("/readyz")
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("bus down: %d", resp.StatusCode)
	}
	if p := c.problem(resp); !strings.Contains(p.Detail, "bus: nats: connection closed") {
		t.Fatalf("detail %q", p.Detail)
	}
	n.db.Close()
	resp = c.Get("/readyz")
	if p := c.problem(resp); resp.StatusCode != 503 || !strings.Contains(p.Detail, "database") {
		t.Fatalf("database closed: %d %q", resp.StatusCode, p.Detail)
	}
	if resp := c.Get("/healthz"); resp.StatusCode != http.StatusOK {
		t.Fatalf("healthz while not ready: %d", resp.StatusCode)
	}
}

func TestMetricsExposeRequests(t *testing.T) {
	n := newTestNode(t)
	c := n.login(t, "admin")
	c.Body(c.Get("/orgs"))
	// The server counts a request after its handler returns, which may be just after the
	// client has the whole response: look again for a moment.
	want := `taawun_http_requests_total{code="200",route="GET /orgs"} 1`
	var body string
	for deadline := time.Now().Add(2 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if body = c.Body(c.Get("/metrics")); strings.Contains(body, want) {
			return
		}
	}
	t.Fatalf("metrics lack %s:\n%s", want, body)
}

func TestOpenAPIDescribesEveryAPIRoute(t *testing.T) {
	n := newTestNode(t)
	var doc struct {
		OpenAPI string                               `json:"openapi"`
		Paths   map[string]map[string]map[string]any `json:"paths"`
		Comp    struct {
			Schemas map[string]any `json:"schemas"`
		} `json:"components"`
	}
	resp := n.anon(t).Get("/api/v1/openapi.json")
	if err := json.NewDecoder(resp.Body).Decode(&doc); err != nil || doc.OpenAPI != "3.1.0" {
		t.Fatalf("document: %v, version %q", err, doc.OpenAPI)
	}
	raw, _ := json.Marshal(doc)
	for _, rt := range n.srv.routes {
		if !strings.HasPrefix(rt.pattern, "/api/") {
			continue
		}
		op, ok := doc.Paths[rt.pattern][strings.ToLower(rt.method)]
		if !ok {
			t.Errorf("%s %s missing from the OpenAPI document", rt.method, rt.pattern)
			continue
		}
		if op["summary"] == "" || op["responses"] == nil {
			t.Errorf("%s %s: no summary or responses", rt.method, rt.pattern)
		}
		// Removals answer 204 with no body, and say so.
		if responses, _ := op["responses"].(map[string]any); rt.method == "DELETE" && responses["204"] == nil {
			t.Errorf("%s %s: 204 not documented (%v)", rt.method, rt.pattern, responses)
		}
	}
	for _, m := range refPattern.FindAllStringSubmatch(string(raw), -1) {
		if _, ok := doc.Comp.Schemas[m[1]]; !ok {
			t.Errorf("dangling $ref %s", m[1])
		}
	}
}

func TestLanguageChoice(t *testing.T) {
	n := newTestNode(t)
	v := n.anon(t)
	req, _ := http.NewRequest(http.MethodGet, v.Base+"/login", nil)
	req.Header.Set("Accept-Language", "ur-PK,ur;q=0.9,en;q=0.5")
	page := v.Body(v.Do(req))
	if !strings.Contains(page, `lang="ur" dir="rtl"`) || !strings.Contains(page, n.srv.Catalog.T("ur", "login.title")) {
		t.Fatal("Accept-Language: ur did not give an Urdu, right-to-left page")
	}
	if page := v.Body(v.Get("/login?lang=zh")); !strings.Contains(page, `lang="zh" dir="ltr"`) {
		t.Fatal("?lang=zh ignored")
	}
	// Chosen before login, remembered in a cookie, and kept as the user's own after login.
	v.RefreshCSRF("/login")
	v.PostForm("/lang", url.Values{"lang": {"ru"}, "next": {"/login"}})
	if page := v.Body(v.Get("/login")); !strings.Contains(page, `lang="ru"`) {
		t.Fatal("language cookie ignored")
	}
	v.PostForm("/login", url.Values{"username": {"admin"}, "password": {demoPassword}})
	if u, _ := n.db.Users().GetByUsername(context.Background(), "admin"); u.Language != "ru" {
		t.Fatalf("language not saved at login: %q", u.Language)
	}
	// Switching when logged in is remembered on the user, whatever the browser says.
	c := n.login(t, "ops.punjab")
	c.PostForm("/lang", url.Values{"lang": {"zh"}, "next": {"/"}})
	other := n.login(t, "ops.punjab")
	if page := other.Body(other.Get("/")); !strings.Contains(page, `lang="zh"`) {
		t.Fatal("user's language not remembered across sessions")
	}
}

func TestAuditLogRecordsChanges(t *testing.T) {
	n := newTestNode(t)
	c := n.login(t, "admin")
	c.PostJSON("/api/v1/users", map[string]any{"username": "new.officer", "password": "long enough pw", "org_id": n.orgs["NDMA"].ID, "role": "viewer"})
	var out struct {
		Entries []struct {
			Action string          `json:"action"`
			Actor  string          `json:"actor"`
			After  json.RawMessage `json:"after"`
		} `json:"entries"`
	}
	json.NewDecoder(c.Get("/api/v1/audit").Body).Decode(&out)
	admin, _ := n.db.Users().GetByUsername(context.Background(), "admin")
	last := out.Entries[len(out.Entries)-1]
	if last.Action != "user.created" || last.Actor != admin.ID || !strings.Contains(string(last.After), "new.officer") || strings.Contains(string(last.After), "argon2") {
		t.Fatalf("last audit entry %+v", last)
	}
}

func TestLiveStreamDeliversEventsInScope(t *testing.T) {
	n := newTestNode(t)
	viewer := n.login(t, "viewer.lahore")
	admin := n.login(t, "admin")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	open := func(c *client) *eventReader {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, c.Base+"/api/v1/events", nil)
		resp := c.Do(req)
		if resp.Header.Get("Content-Type") != "text/event-stream" {
			t.Fatalf("content type %q", resp.Header.Get("Content-Type"))
		}
		return newEventReader(resp)
	}
	adminStream, viewerStream := open(admin), open(viewer)
	resp := admin.PostJSON("/api/v1/orgs", map[string]any{"name": "DDMA Thatta", "country": "PK", "tier": "district", "parent_id": n.orgs["PDMA Sindh"].ID})
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("create: %d", resp.StatusCode)
	}
	e, err := adminStream.next()
	if err != nil || e.Kind != "org.created" || !strings.Contains(string(e.Data), "DDMA Thatta") {
		t.Fatalf("admin stream: %+v, %v", e, err)
	}
	// Lahore's viewer must not see Sindh's new district; a Lahore event proves the stream works.
	admin.PostJSON("/api/v1/users", map[string]any{"username": "lahore.two", "password": "long enough pw", "org_id": n.orgs["DDMA Lahore"].ID, "role": "viewer"})
	e, err = viewerStream.next()
	if err != nil || e.Kind != "user.created" {
		t.Fatalf("viewer stream: %+v, %v (a Sindh event leaked?)", e, err)
	}
}

func TestStaticAssetsCachedAndCompressed(t *testing.T) {
	n := newTestNode(t)
	c := n.anon(t)
	req, _ := http.NewRequest(http.MethodGet, c.Base+n.srv.static.url("js/map.js"), nil)
	req.Header.Set("Accept-Encoding", "gzip")
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.Header.Get("Content-Encoding") != "gzip" || !strings.Contains(resp.Header.Get("Cache-Control"), "immutable") {
		t.Fatalf("headers %v", resp.Header)
	}
	req, _ = http.NewRequest(http.MethodGet, c.Base+"/geo/sco-provinces.geojson", nil)
	req.Header.Set("If-None-Match", "")
	resp2 := c.Do(req)
	var fc struct {
		Type     string `json:"type"`
		Features []any  `json:"features"`
	}
	if err := json.NewDecoder(resp2.Body).Decode(&fc); err != nil || fc.Type != "FeatureCollection" || len(fc.Features) < 100 {
		t.Fatalf("provinces: %v, %d features", err, len(fc.Features))
	}
	req, _ = http.NewRequest(http.MethodGet, c.Base+"/geo/sco-provinces.geojson", nil)
	req.Header.Set("If-None-Match", resp2.Header.Get("ETag"))
	if resp := c.Do(req); resp.StatusCode != http.StatusNotModified {
		t.Fatalf("revalidation: %d", resp.StatusCode)
	}
	if resp := c.Get("/geo/..%2Fgeodata.go"); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("path escape: %d", resp.StatusCode)
	}
}
