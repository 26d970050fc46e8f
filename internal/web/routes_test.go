package web

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/taawun/taawun/internal/auth"
)

// requestFor builds a request for rt that the handler would accept from a user of org.
func (n *testNode) requestFor(t *testing.T, c *client, rt route, org string) *http.Response {
	path := rt.pattern
	path = strings.ReplaceAll(path, "{$}", "")
	path = strings.ReplaceAll(path, "{id}", org)
	path = strings.ReplaceAll(path, "{path...}", "css/app.css")
	path = strings.ReplaceAll(path, "{file}", "sco-countries.geojson")
	switch {
	case rt.method == http.MethodGet && (rt.pattern == "/api/v1/events" || rt.pattern == "/alerts/stream"):
		// A stream never ends: the status line is all this test needs.
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		t.Cleanup(cancel)
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, c.Base+path, nil)
		return c.Do(req)
	case rt.method == http.MethodGet:
		return c.Get(path)
	case rt.kind == kindAPI:
		var body any
		switch rt.pattern {
		case "/api/v1/orgs":
			body = map[string]any{"name": "DDMA Test " + t.Name(), "country": "PK", "tier": "district", "parent_id": org}
		case "/api/v1/users":
			body = map[string]any{"username": "u" + strings.ToLower(strings.ReplaceAll(t.Name(), "/", "-"))[len(t.Name())-8:], "password": "long enough password", "org_id": org, "role": "viewer"}
		case "/api/v1/tokens":
			body = map[string]any{"name": "test"}
		default:
			body = map[string]any{}
		}
		b, _ := json.Marshal(body)
		req, _ := http.NewRequest(rt.method, c.Base+path, strings.NewReader(string(b)))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set(csrfHeader, c.CSRF)
		return c.Do(req)
	default:
		form := url.Values{}
		switch rt.pattern {
		case "/login":
			// A fresh visitor logs in, so this client's session and CSRF token stay valid.
			v := n.anon(t)
			v.RefreshCSRF("/login")
			return v.PostForm(path, url.Values{"username": {"viewer.lahore"}, "password": {demoPassword}})
		case "/lang":
			form.Set("lang", "en")
		case "/users":
			form = url.Values{"username": {"form-user"}, "password": {"long enough password"}, "org_id": {org}, "role": {"viewer"}}
		case "/account/tokens":
			form.Set("name", "form token")
		}
		return c.PostForm(path, form)
	}
}

// TestEveryRouteForEveryRole calls every route in the table as every role and as a visitor, and
// checks that exactly the roles holding the route's permission get past the guard.
func TestEveryRouteForEveryRole(t *testing.T) {
	n := newTestNode(t)
	routes := append([]route(nil), n.srv.routes...)
	// Logging out ends the session; do it last.
	sort.SliceStable(routes, func(i, j int) bool { return routes[j].pattern == "/logout" && routes[i].pattern != "/logout" })

	for _, role := range auth.Roles() {
		t.Run(role, func(t *testing.T) {
			c := n.login(t, demoUsers[role])
			org := n.orgOf(t, demoUsers[role])
			for _, rt := range routes {
				resp := n.requestFor(t, c, rt, org)
				allowed := rt.access == public || auth.Can(role, rt.perm)
				denied := resp.StatusCode == http.StatusForbidden || resp.StatusCode == http.StatusUnauthorized
				if resp.StatusCode >= 500 {
					t.Errorf("%s %s as %s: %d", rt.method, rt.pattern, role, resp.StatusCode)
				}
				if allowed && denied {
					t.Errorf("%s %s as %s: %d, want allowed", rt.method, rt.pattern, role, resp.StatusCode)
				}
				if !allowed && resp.StatusCode != http.StatusForbidden {
					t.Errorf("%s %s as %s: %d, want 403", rt.method, rt.pattern, role, resp.StatusCode)
				}
			}
		})
	}
	t.Run("visitor", func(t *testing.T) {
		c := n.anon(t)
		c.RefreshCSRF("/login")
		for _, rt := range routes {
			resp := n.requestFor(t, c, rt, n.orgs["NDMA"].ID)
			switch {
			case rt.access == public:
				if resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden {
					t.Errorf("public %s %s: %d", rt.method, rt.pattern, resp.StatusCode)
				}
			case rt.kind == kindPage && rt.method == http.MethodGet:
				if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/login?next=") {
					t.Errorf("%s %s: %d to %q, want 303 to /login", rt.method, rt.pattern, resp.StatusCode, resp.Header.Get("Location"))
				}
			default:
				if resp.StatusCode != http.StatusUnauthorized {
					t.Errorf("%s %s: %d, want 401", rt.method, rt.pattern, resp.StatusCode)
				}
			}
		}
	})
}

func (n *testNode) orgOf(t *testing.T, username string) string {
	u, err := n.db.Users().GetByUsername(context.Background(), username)
	if err != nil {
		t.Fatal(err)
	}
	return u.OrgID
}
