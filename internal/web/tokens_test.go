package web

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/taawun/taawun/internal/auth"
	"github.com/taawun/taawun/internal/i18n"
)

// apiToken is a token a test created: its id and its secret.
type apiToken struct {
	ID        string     `json:"id"`
	Secret    string     `json:"token"`
	ExpiresAt *time.Time `json:"expires_at"`
}

// createToken makes an API token for c's user through the API.
func createToken(t *testing.T, c *client, name string, days int) apiToken {
	t.Helper()
	resp := c.PostJSON("/api/v1/tokens", map[string]any{"name": name, "days": days})
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("create token %q: %d %s", name, resp.StatusCode, c.Body(resp))
	}
	var tok apiToken
	if err := json.NewDecoder(resp.Body).Decode(&tok); err != nil || tok.ID == "" || tok.Secret == "" {
		t.Fatalf("create token %q: %+v, %v", name, tok, err)
	}
	// A token that does not expire says so by leaving expires_at out, not by a year-1 date.
	if (days == 0) != (tok.ExpiresAt == nil) {
		t.Fatalf("create token %q for %d days: expires_at %v", name, days, tok.ExpiresAt)
	}
	return tok
}

// bearer calls the API as a machine does: the token only, no cookies, no CSRF token.
func (n *testNode) bearer(t *testing.T, method, path, secret string) *http.Response {
	t.Helper()
	req, _ := http.NewRequest(method, n.http.URL+path, nil)
	req.Header.Set("Authorization", "Bearer "+secret)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

// wantWorks fails unless the token authenticates an API call (works) or is refused (!works).
func (n *testNode) wantWorks(t *testing.T, what string, secret string, works bool) {
	t.Helper()
	want := http.StatusOK
	if !works {
		want = http.StatusUnauthorized
	}
	if got := n.bearer(t, http.MethodGet, "/api/v1/me", secret).StatusCode; got != want {
		t.Fatalf("%s: GET /api/v1/me with the token: %d, want %d", what, got, want)
	}
}

func revokePath(id string) string { return "/account/tokens/" + id + "/revoke" }

func TestRevokeTokenFromAccountPage(t *testing.T) {
	n := newTestNode(t)
	a, b := n.login(t, "duty.officer"), n.login(t, "ops.punjab")
	leaked, spare := createToken(t, a, "gauge poller", 30), createToken(t, a, "spare", 0)
	theirs := createToken(t, b, "partner feed", 30)
	// Used once, each token's principal sits in the server's token cache: revoking must drop it.
	n.wantWorks(t, "A's token before revoking", leaked.Secret, true)
	n.wantWorks(t, "B's token", theirs.Secret, true)

	page := a.Body(a.Get("/account"))
	for _, tok := range []apiToken{leaked, spare} {
		if !strings.Contains(page, `action="`+revokePath(tok.ID)+`"`) {
			t.Fatalf("account page has no revoke form for token %s", tok.ID)
		}
	}
	if strings.Contains(page, theirs.ID) {
		t.Fatal("A's account page shows B's token")
	}

	// A form posted without the session's CSRF token (a forged cross-site post) is refused.
	csrf := a.CSRF
	a.CSRF = ""
	if resp := a.PostForm(revokePath(leaked.ID), nil); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("revoke without CSRF token: %d, want 403", resp.StatusCode)
	}
	a.CSRF = csrf
	n.wantWorks(t, "after a refused revoke", leaked.Secret, true)

	resp := a.PostForm(revokePath(leaked.ID), nil)
	page = a.Body(resp)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("revoke own token: %d", resp.StatusCode)
	}
	if !strings.Contains(page, n.srv.Catalog.T(i18n.English, "account.token_revoked")) || !strings.Contains(page, "gauge poller") {
		t.Fatal("the page does not confirm which token was revoked")
	}
	if strings.Contains(page, `action="`+revokePath(leaked.ID)) || !strings.Contains(page, `action="`+revokePath(spare.ID)) {
		t.Fatal("after revoking, the list should hold the spare token only")
	}
	n.wantWorks(t, "A's revoked token", leaked.Secret, false)
	n.wantWorks(t, "A's other token", spare.Secret, true)
	// The language switch on that page returns to the account page, not to the POST-only
	// address the page was shown at.
	if !strings.Contains(page, `name="next" value="/account"`) {
		t.Error("the page answering the revoke would send the language switch back to the form's address")
	}

	// Another user's token, and one already revoked, answer as unknown; nothing is revoked.
	for _, id := range []string{theirs.ID, leaked.ID, "no-such-token"} {
		resp := a.PostForm(revokePath(id), nil)
		if body := a.Body(resp); resp.StatusCode != http.StatusNotFound || !strings.Contains(body, n.srv.Catalog.T(i18n.English, "account.token_not_found")) {
			t.Fatalf("revoke %s as A: %d, want 404 saying the token is not A's", id, resp.StatusCode)
		}
	}
	n.wantWorks(t, "B's token after A tried to revoke it", theirs.Secret, true)

	// The message is in the reader's language.
	a.PostForm("/lang", url.Values{"lang": {"ur"}, "next": {"/account"}})
	resp = a.PostForm(revokePath(theirs.ID), nil)
	if body := a.Body(resp); resp.StatusCode != http.StatusNotFound || !strings.Contains(body, `lang="ur"`) ||
		!strings.Contains(body, n.srv.Catalog.T(i18n.Lang("ur"), "account.token_not_found")) {
		t.Fatalf("revoke B's token as an Urdu reader: %d, want 404 in Urdu", resp.StatusCode)
	}
}

func TestTokensAPIListAndRevoke(t *testing.T) {
	n := newTestNode(t)
	a, b := n.login(t, "duty.officer"), n.login(t, "ops.punjab")
	used, unused := createToken(t, a, "gauge poller", 30), createToken(t, a, "spare", 0)
	theirs := createToken(t, b, "partner feed", 30)

	// The list, asked with a token: A's tokens, their dates, and nothing secret.
	resp := n.bearer(t, http.MethodGet, "/api/v1/tokens", used.Secret)
	raw := a.Body(resp)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("list: %d %s", resp.StatusCode, raw)
	}
	for _, secret := range []string{used.Secret, unused.Secret, auth.HashSecret(used.Secret), auth.HashSecret(unused.Secret), `"hash"`, `"token"`} {
		if strings.Contains(raw, secret) {
			t.Fatalf("the list shows %q:\n%s", secret, raw)
		}
	}
	var list struct {
		Tokens []tokenJSON `json:"tokens"`
	}
	if err := json.Unmarshal([]byte(raw), &list); err != nil {
		t.Fatal(err)
	}
	byID := map[string]tokenJSON{}
	for _, tok := range list.Tokens {
		byID[tok.ID] = tok
	}
	if len(byID) != 2 || byID[used.ID].Name != "gauge poller" || byID[unused.ID].Name != "spare" {
		t.Fatalf("list %+v, want A's two tokens only", list.Tokens)
	}
	u, v := byID[used.ID], byID[unused.ID]
	if u.CreatedAt.IsZero() || u.ExpiresAt == nil || u.ExpiresAt.Sub(u.CreatedAt) < 29*24*time.Hour || u.LastUsed == nil {
		t.Errorf("used token: %+v, want created, expiring in 30 days, last used", u)
	}
	if v.ExpiresAt != nil || v.LastUsed != nil {
		t.Errorf("unused token without expiry: %+v, want no expiry and no last use", v)
	}
	// A browser session lists the same tokens.
	if resp := a.Get("/api/v1/tokens"); resp.StatusCode != http.StatusOK {
		t.Fatalf("list with a session: %d", resp.StatusCode)
	}

	// Another user's token: 404 problem, and it keeps working.
	resp = n.bearer(t, http.MethodDelete, "/api/v1/tokens/"+theirs.ID, used.Secret)
	if resp.StatusCode != http.StatusNotFound {
		t.Fatalf("delete B's token as A: %d, want 404", resp.StatusCode)
	}
	if p := a.problem(resp); p.Status != http.StatusNotFound || !strings.Contains(p.Detail, theirs.ID) {
		t.Fatalf("delete B's token as A: %+v", p)
	}
	n.wantWorks(t, "B's token", theirs.Secret, true)

	// A session must send its CSRF token with a DELETE.
	del := func(csrf string) *http.Response {
		req, _ := http.NewRequest(http.MethodDelete, a.Base+"/api/v1/tokens/"+unused.ID, nil)
		req.Header.Set(csrfHeader, csrf)
		return a.Do(req)
	}
	if resp := del(""); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("delete with a session and no CSRF token: %d, want 403", resp.StatusCode)
	}
	n.wantWorks(t, "after a refused delete", unused.Secret, true)
	if resp := del(a.CSRF); resp.StatusCode != http.StatusNoContent {
		t.Fatalf("delete own token: %d, want 204", resp.StatusCode)
	}
	n.wantWorks(t, "revoked token", unused.Secret, false)
	if resp := n.bearer(t, http.MethodDelete, "/api/v1/tokens/"+unused.ID, used.Secret); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("delete a revoked token again: %d, want 404", resp.StatusCode)
	}
	// A token may revoke itself: a client retiring its own credential.
	if resp := n.bearer(t, http.MethodDelete, "/api/v1/tokens/"+used.ID, used.Secret); resp.StatusCode != http.StatusNoContent {
		t.Fatalf("a token revoking itself: %d, want 204", resp.StatusCode)
	}
	n.wantWorks(t, "token that revoked itself", used.Secret, false)

	// Each revocation is in the audit log, by A; the refused attempt on B's token is not.
	ua, err := n.db.Users().GetByUsername(context.Background(), "duty.officer")
	if err != nil {
		t.Fatal(err)
	}
	var revoked []string
	for after := int64(0); ; {
		entries, err := n.db.Audit().List(context.Background(), after, 500)
		if err != nil {
			t.Fatal(err)
		}
		if len(entries) == 0 {
			break
		}
		for _, e := range entries {
			if e.Action == "token.revoked" {
				if e.Actor != ua.ID || e.EntityType != "token" {
					t.Errorf("audit entry %+v, want actor %s on a token", e, ua.ID)
				}
				revoked = append(revoked, e.EntityID)
			}
		}
		after = entries[len(entries)-1].Seq
	}
	slices.Sort(revoked)
	want := []string{used.ID, unused.ID}
	slices.Sort(want)
	if !slices.Equal(revoked, want) {
		t.Fatalf("token.revoked audited for %v, want %v", revoked, want)
	}
}
