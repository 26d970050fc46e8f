package testenv

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// Client is a browser-like HTTP client for tests against a node: a cookie jar, no automatic
// redirects, and the CSRF token its forms and JSON calls echo.
type Client struct {
	T    testing.TB
	Base string
	HTTP *http.Client
	CSRF string
}

// NewClient returns a client of base URL with an empty cookie jar.
func NewClient(t testing.TB, base string) *Client {
	jar, _ := cookiejar.New(nil)
	return &Client{T: t, Base: base, HTTP: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

var csrfInput = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// RefreshCSRF reads the CSRF token from the forms of the page at path.
func (c *Client) RefreshCSRF(path string) {
	c.T.Helper()
	m := csrfInput.FindStringSubmatch(c.Body(c.Get(path)))
	if m == nil {
		c.T.Fatalf("no CSRF token on %s", path)
	}
	c.CSRF = m[1]
}

// Login logs in through the login form and reads the session's CSRF token.
func (c *Client) Login(username, password string) {
	c.T.Helper()
	c.RefreshCSRF("/login")
	resp := c.PostForm("/login", url.Values{"username": {username}, "password": {password}})
	if resp.StatusCode != http.StatusSeeOther {
		c.T.Fatalf("login %s: status %d", username, resp.StatusCode)
	}
	c.RefreshCSRF("/account")
}

// Do sends req; the body is closed when the test ends.
func (c *Client) Do(req *http.Request) *http.Response {
	c.T.Helper()
	resp, err := c.HTTP.Do(req)
	if err != nil {
		c.T.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	c.T.Cleanup(func() { resp.Body.Close() })
	return resp
}

// Get fetches path.
func (c *Client) Get(path string) *http.Response {
	req, _ := http.NewRequest(http.MethodGet, c.Base+path, nil)
	return c.Do(req)
}

// PostForm posts a form with the CSRF token added.
func (c *Client) PostForm(path string, v url.Values) *http.Response {
	if v == nil {
		v = url.Values{}
	}
	if v.Get("csrf") == "" && c.CSRF != "" {
		v.Set("csrf", c.CSRF)
	}
	req, _ := http.NewRequest(http.MethodPost, c.Base+path, strings.NewReader(v.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.Do(req)
}

// PostJSON posts body as JSON with the CSRF header.
func (c *Client) PostJSON(path string, body any) *http.Response {
	b, _ := json.Marshal(body)
	req, _ := http.NewRequest(http.MethodPost, c.Base+path, strings.NewReader(string(b)))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-CSRF-Token", c.CSRF)
	return c.Do(req)
}

// Body reads the whole response body.
func (c *Client) Body(resp *http.Response) string {
	c.T.Helper()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		c.T.Fatal(err)
	}
	return string(b)
}
