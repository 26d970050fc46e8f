package auth

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/taawun/taawun/internal/bus"
	"github.com/taawun/taawun/internal/store"
)

// tokenOf logs amina in and makes her an API token valid for ttl.
func tokenOf(t *testing.T, svc *Service, ttl time.Duration) (string, store.Token, *Principal) {
	t.Helper()
	ctx := context.Background()
	_, p, err := svc.Login(ctx, "amina", "a long passphrase", "127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	secret, tok, err := svc.CreateToken(ctx, p, "gauge poller", ttl)
	if err != nil {
		t.Fatal(err)
	}
	return secret, tok, p
}

func mustToken(t *testing.T, svc *Service, secret, what string) *Principal {
	t.Helper()
	p, err := svc.Token(context.Background(), secret)
	if err != nil {
		t.Fatalf("%s: token refused: %v", what, err)
	}
	return p
}

func refused(t *testing.T, svc *Service, secret, what string) {
	t.Helper()
	if _, err := svc.Token(context.Background(), secret); !errors.Is(err, ErrUnauthenticated) {
		t.Fatalf("%s: token accepted (err %v)", what, err)
	}
}

// TestTokenCacheServesUntilItsTTL: a cached principal is reused without the store (a token
// deleted behind the service's back still works) until TokenCacheTTL, and no longer.
func TestTokenCacheServesUntilItsTTL(t *testing.T) {
	svc, clk, _, _ := newTestService(t)
	secret, tok, _ := tokenOf(t, svc, time.Hour)
	mustToken(t, svc, secret, "first use")
	if err := svc.Store.Tokens().Delete(context.Background(), tok.ID); err != nil {
		t.Fatal(err)
	}
	p := mustToken(t, svc, secret, "within the TTL")
	// Each caller gets its own copy: changing it does not change the cache.
	p.User.Role, p.Scope = RoleAdmin, append(p.Scope, "elsewhere")
	if again := mustToken(t, svc, secret, "after a caller changed its copy"); again.User.Role != RoleDutyOfficer || len(again.Scope) != 1 {
		t.Fatalf("cached principal changed through a copy: %+v", again)
	}
	clk.Advance(svc.TokenCacheTTL)
	refused(t, svc, secret, "deleted token after the TTL")
}

// TestTokenCacheNeverOutlivesTheToken: an entry ends when its token expires, even within the TTL.
func TestTokenCacheNeverOutlivesTheToken(t *testing.T) {
	svc, clk, _, _ := newTestService(t)
	secret, _, _ := tokenOf(t, svc, 2*time.Second)
	mustToken(t, svc, secret, "fresh")
	clk.Advance(2 * time.Second)
	refused(t, svc, secret, "expired token")
}

// TestRevokedTokenIsRefusedAtOnce: revocation drops the cached principal on this server, and
// only the owner may revoke a token.
func TestRevokedTokenIsRefusedAtOnce(t *testing.T) {
	svc, _, ndma, _ := newTestService(t)
	ctx := context.Background()
	secret, tok, p := tokenOf(t, svc, 0)
	mustToken(t, svc, secret, "before revocation")

	err := svc.Store.WithTx(ctx, func(tx store.Tx) error {
		_, err := svc.CreateUser(ctx, tx, SystemActor, NewUser{Username: "bilal", Password: "another long one", OrgID: ndma.ID, Role: RoleAdmin})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	_, other, err := svc.Login(ctx, "bilal", "another long one", "127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.RevokeToken(ctx, other, tok.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("someone else's token revoked: %v", err)
	}
	mustToken(t, svc, secret, "after a refused revocation")

	if err := svc.RevokeToken(ctx, p, tok.ID); err != nil {
		t.Fatal(err)
	}
	refused(t, svc, secret, "revoked token")
	entries, _ := svc.Store.Audit().List(ctx, 0, 100)
	if last := entries[len(entries)-1]; last.Action != "token.revoked" || last.EntityID != tok.ID {
		t.Fatalf("revocation not audited: %+v", last)
	}
}

// TestTokenCacheSeesUserChanges: a change to the user through the service is seen at once.
func TestTokenCacheSeesUserChanges(t *testing.T) {
	svc, _, _, _ := newTestService(t)
	secret, _, p := tokenOf(t, svc, time.Hour)
	mustToken(t, svc, secret, "before")
	if err := svc.SetLanguage(context.Background(), p, "ur"); err != nil {
		t.Fatal(err)
	}
	if got := mustToken(t, svc, secret, "after"); got.User.Language != "ur" {
		t.Fatalf("language = %q after the change", got.User.Language)
	}
}

// TestTokenCacheIsBounded: a full cache makes room instead of growing.
func TestTokenCacheIsBounded(t *testing.T) {
	c := newTokenCache()
	now := time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC)
	p := &Principal{}
	for i := range tokenCacheSize + 10 {
		c.put(HashSecret(time.Duration(i).String()), "t", p, 0, now, now.Add(time.Second))
	}
	if n := len(c.entries); n != tokenCacheSize {
		t.Fatalf("%d entries, bound %d", n, tokenCacheSize)
	}
}

// TestFollowDropsChangesMadeOnOtherServers: a second server over the same store drops its cached
// principal when the revocation made through the first one reaches it over the bus.
func TestFollowDropsChangesMadeOnOtherServers(t *testing.T) {
	svc, clk, _, _ := newTestService(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	b, err := bus.Open(ctx, bus.Options{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	db := svc.Store.(interface{ Committed() <-chan struct{} })
	go (&bus.Relay{Store: svc.Store, JS: b.JS, Wake: db.Committed()}).Run(ctx)

	other, err := NewService(svc.Store, clk, fastHash)
	if err != nil {
		t.Fatal(err)
	}
	other.TokenCacheTTL = time.Hour // only the event can drop the entry
	// Subscribed before anything is revoked, and known to the server (Flush), so no event can
	// pass unseen.
	sub, err := other.followChanges(b.Conn, "pk-test")
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Unsubscribe()
	if err := b.Conn.Flush(); err != nil {
		t.Fatal(err)
	}

	secret, tok, p := tokenOf(t, svc, 0)
	mustToken(t, other, secret, "second server, before")
	if err := svc.RevokeToken(ctx, p, tok.ID); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		if _, err := other.Token(ctx, secret); errors.Is(err, ErrUnauthenticated) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("second server still accepts the revoked token")
		}
		time.Sleep(20 * time.Millisecond)
	}
	// Follow itself subscribes and, once its context ends, unsubscribes cleanly.
	cancel()
	if err := other.Follow(ctx, b.Conn, "pk-test"); err != nil {
		t.Fatal(err)
	}
}

// TestTokenCacheRefusesLookupsOlderThanADrop: what a lookup read before a revocation or change
// is not cached after it.
func TestTokenCacheRefusesLookupsOlderThanADrop(t *testing.T) {
	c := newTokenCache()
	now := time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC)
	gen := c.generation()
	c.drop(func(tokenEntry) bool { return true })
	c.put("h", "t", &Principal{}, gen, now, now.Add(time.Second))
	if _, ok := c.get("h", now); ok {
		t.Fatal("a lookup older than the drop was cached")
	}
	c.put("h", "t", &Principal{}, c.generation(), now, now.Add(time.Second))
	if _, ok := c.get("h", now); !ok {
		t.Fatal("a fresh lookup was not cached")
	}
}

// countingStore counts how often tokens are looked up.
type countingStore struct {
	store.Store
	lookups *atomic.Int64
}

type countingTokens struct {
	store.Tokens
	lookups *atomic.Int64
}

func (s countingStore) Tokens() store.Tokens { return countingTokens{s.Store.Tokens(), s.lookups} }

func (t countingTokens) GetByHash(ctx context.Context, hash string, now time.Time) (store.Token, error) {
	t.lookups.Add(1)
	return t.Tokens.GetByHash(ctx, hash, now)
}

// TestTokenMissesAreCoalesced: many requests of one client missing the cache together cost one
// lookup, not one each.
func TestTokenMissesAreCoalesced(t *testing.T) {
	svc, _, _, _ := newTestService(t)
	secret, _, _ := tokenOf(t, svc, time.Hour)
	var lookups atomic.Int64
	svc.Store = countingStore{svc.Store, &lookups}
	const callers = 50
	var wg sync.WaitGroup
	start := make(chan struct{})
	for range callers {
		wg.Go(func() {
			<-start
			if _, err := svc.Token(context.Background(), secret); err != nil {
				t.Error(err)
			}
		})
	}
	close(start)
	wg.Wait()
	if n := lookups.Load(); n >= callers {
		t.Fatalf("%d lookups for %d requests", n, callers)
	}
}
