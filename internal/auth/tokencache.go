package auth

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/taawun/taawun/internal/subject"
)

// Token principals are cached briefly so that a busy API client does not cost three queries a
// request. A change made through this server (a revoked token, a changed user or organisation)
// drops the affected entries at once; Follow drops them on every other server when the change's
// event arrives; TokenCacheTTL bounds how long a change can go unseen if an event is lost.
const (
	DefaultTokenCacheTTL = 5 * time.Second
	// tokenCacheSize bounds the cache: partner systems hold a handful of tokens each.
	tokenCacheSize = 10_000
)

// tokenCache maps the hash of a token's secret (never the secret) to its principal. Every API
// request reads it, so reads share the lock: under load, one reader descheduled while holding
// an exclusive lock would stall all the others.
type tokenCache struct {
	mu      sync.RWMutex
	entries map[string]tokenEntry
	// gen counts the drops: a lookup that began before one may have read what the drop was
	// for, so put refuses it.
	gen uint64
}

type tokenEntry struct {
	p       Principal
	tokenID string
	until   time.Time
}

func newTokenCache() *tokenCache {
	return &tokenCache{entries: map[string]tokenEntry{}}
}

// get returns a copy of the principal cached for hash, if it is still fresh at now.
func (c *tokenCache) get(hash string, now time.Time) (*Principal, bool) {
	if c == nil {
		return nil, false
	}
	c.mu.RLock()
	e, ok := c.entries[hash]
	c.mu.RUnlock()
	if !ok || !now.Before(e.until) {
		return nil, false
	}
	p := e.p
	return &p, true
}

// generation is what a lookup notes before it reads the store, for put.
func (c *tokenCache) generation() uint64 {
	if c == nil {
		return 0
	}
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.gen
}

// put caches p for hash until until, unless entries were dropped since generation gen. When
// full, expired entries go first, then arbitrary ones: a miss costs only the queries the cache
// saves.
func (c *tokenCache) put(hash, tokenID string, p *Principal, gen uint64, now, until time.Time) {
	if c == nil || !now.Before(until) {
		return
	}
	e := tokenEntry{p: *p, tokenID: tokenID, until: until}
	// Callers get copies of the principal; a clipped scope makes an append by one of them copy
	// instead of writing into the cached array.
	e.p.Scope = slices.Clip(e.p.Scope)
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen != gen {
		return
	}
	if _, ok := c.entries[hash]; !ok && len(c.entries) >= tokenCacheSize {
		for h, old := range c.entries {
			if !now.Before(old.until) {
				delete(c.entries, h)
			}
		}
		for h := range c.entries {
			if len(c.entries) < tokenCacheSize {
				break
			}
			delete(c.entries, h)
		}
	}
	c.entries[hash] = e
}

// drop removes the entries for which match holds.
func (c *tokenCache) drop(match func(tokenEntry) bool) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	for h, e := range c.entries {
		if match(e) {
			delete(c.entries, h)
		}
	}
}

// ForgetToken drops the cached principal of one token, by the token's id.
func (s *Service) ForgetToken(tokenID string) {
	s.tokens.drop(func(e tokenEntry) bool { return e.tokenID == tokenID })
}

// ForgetUser drops the cached principals of a user's tokens, after the user changed.
func (s *Service) ForgetUser(userID string) {
	s.tokens.drop(func(e tokenEntry) bool { return e.p.User.ID == userID })
}

// ForgetAll empties the token cache, after a change to the organisations (which moves scopes).
func (s *Service) ForgetAll() {
	s.tokens.drop(func(tokenEntry) bool { return true })
}

// Follow drops cached principals when the events of changes made through any server of the
// node arrive: a revoked token, a changed user, any change to the organisations.
func (s *Service) Follow(ctx context.Context, nc *nats.Conn, node string) error {
	sub, err := s.followChanges(nc, node)
	if err != nil {
		return err
	}
	<-ctx.Done()
	return sub.Unsubscribe()
}

// followChanges subscribes to the node's events of changes that invalidate cached principals.
func (s *Service) followChanges(nc *nats.Conn, node string) (*nats.Subscription, error) {
	sub, err := nc.Subscribe(subject.Root+"."+node+".*.>", func(m *nats.Msg) {
		parts, err := subject.Parse(m.Subject)
		if err != nil {
			return
		}
		var ev struct {
			EntityID string `json:"entity_id"`
		}
		switch {
		case parts.Kind == "token.revoked":
			if json.Unmarshal(m.Data, &ev) == nil {
				s.ForgetToken(ev.EntityID)
			}
		case strings.HasPrefix(parts.Kind, "user."):
			if json.Unmarshal(m.Data, &ev) == nil {
				s.ForgetUser(ev.EntityID)
			}
		case strings.HasPrefix(parts.Kind, "org."):
			s.ForgetAll()
		}
	})
	if err != nil {
		return nil, fmt.Errorf("auth: follow changes: %w", err)
	}
	return sub, nil
}
