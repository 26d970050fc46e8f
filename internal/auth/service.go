package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"golang.org/x/sync/singleflight"

	"github.com/taawun/taawun/internal/clock"
	"github.com/taawun/taawun/internal/store"
)

// Errors callers test for. ErrInvalidCredentials is deliberately the same whether the user
// exists or not, is disabled, or the password is wrong.
var (
	ErrInvalidCredentials = errors.New("auth: invalid username or password")
	ErrThrottled          = errors.New("auth: too many failed logins; try again later")
	ErrUnauthenticated    = errors.New("auth: not authenticated")
	ErrForbidden          = errors.New("auth: not permitted")
)

// Limits on login attempts within ThrottleWindow: per username, and per client address.
const (
	ThrottleWindow     = 15 * time.Minute
	MaxFailuresPerUser = 5
	MaxFailuresPerAddr = 20
	DefaultSessionTTL  = 12 * time.Hour
	tokenPrefix        = "tw_"
	secretBytes        = 32
	systemActor        = "system"
	cliActorPrefix     = "cli:"
)

// Principal is who is making a request, in which organisation, with what rights.
type Principal struct {
	User store.User
	Org  store.Org
	// Scope lists the organisation and its descendants: the organisations the user acts in.
	Scope []string
	// CSRF is the session's CSRF token; empty for API tokens, which carry no cookie.
	CSRF     string
	ViaToken bool
}

// Can reports whether the principal's role grants p.
func (p *Principal) Can(perm Permission) bool {
	return p != nil && !p.User.Disabled && Can(p.User.Role, perm)
}

// InScope reports whether orgID is the principal's organisation or one of its descendants.
func (p *Principal) InScope(orgID string) bool {
	for _, id := range p.Scope {
		if id == orgID {
			return true
		}
	}
	return false
}

// Service authenticates users and machines.
type Service struct {
	Store      store.Store
	Clock      clock.Clock
	Hash       HashParams
	SessionTTL time.Duration
	// TokenCacheTTL is how long an API token's principal is reused without asking the store
	// (0: not at all); see tokencache.go.
	TokenCacheTTL time.Duration
	tokens        *tokenCache
	tokenLookups  singleflight.Group
	// dummyHash is checked when a username does not exist, so both cases take the same time.
	dummyHash string
}

// NewService returns a Service with the given hashing parameters.
func NewService(s store.Store, clk clock.Clock, hp HashParams) (*Service, error) {
	dummy, err := HashPassword("not a real password", hp)
	if err != nil {
		return nil, err
	}
	return &Service{Store: s, Clock: clk, Hash: hp, SessionTTL: DefaultSessionTTL, dummyHash: dummy,
		TokenCacheTTL: DefaultTokenCacheTTL, tokens: newTokenCache()}, nil
}

// Login checks a username and password and opens a session. It returns the session secret for
// the cookie. Failures are counted per username and per address; over the limit, ErrThrottled.
func (s *Service) Login(ctx context.Context, username, password, addr string) (secret string, p *Principal, err error) {
	now := s.Clock.Now()
	userKey, addrKey := "user:"+strings.ToLower(username), "addr:"+addr
	for _, k := range []struct {
		key string
		max int
	}{{userKey, MaxFailuresPerUser}, {addrKey, MaxFailuresPerAddr}} {
		n, err := s.Store.LoginAttempts().CountSince(ctx, k.key, now.Add(-ThrottleWindow))
		if err != nil {
			return "", nil, err
		}
		if n >= k.max {
			return "", nil, ErrThrottled
		}
	}
	u, err := s.Store.Users().GetByUsername(ctx, username)
	hash := s.dummyHash
	if err == nil {
		hash = u.PasswordHash
	} else if !errors.Is(err, store.ErrNotFound) {
		return "", nil, err
	}
	ok, herr := CheckPassword(hash, password)
	if err != nil || herr != nil || !ok || u.Disabled {
		for _, k := range []string{userKey, addrKey} {
			if ferr := s.Store.LoginAttempts().AddFailure(ctx, k, now); ferr != nil {
				return "", nil, ferr
			}
		}
		return "", nil, ErrInvalidCredentials
	}
	if err := s.Store.LoginAttempts().Clear(ctx, userKey); err != nil {
		return "", nil, err
	}
	secret, err = newSecret("")
	if err != nil {
		return "", nil, err
	}
	csrf, err := newSecret("")
	if err != nil {
		return "", nil, err
	}
	se := store.Session{IDHash: HashSecret(secret), UserID: u.ID, CSRFToken: csrf, CreatedAt: now, ExpiresAt: now.Add(s.SessionTTL)}
	if err := s.Store.Sessions().Create(ctx, se); err != nil {
		return "", nil, err
	}
	p, err = s.principal(ctx, u)
	if err != nil {
		return "", nil, err
	}
	p.CSRF = csrf
	return secret, p, nil
}

// Session returns the principal of a session cookie's secret.
func (s *Service) Session(ctx context.Context, secret string) (*Principal, error) {
	se, err := s.Store.Sessions().Get(ctx, HashSecret(secret), s.Clock.Now())
	if errors.Is(err, store.ErrNotFound) {
		return nil, ErrUnauthenticated
	}
	if err != nil {
		return nil, err
	}
	u, err := s.Store.Users().Get(ctx, se.UserID)
	if errors.Is(err, store.ErrNotFound) || (err == nil && u.Disabled) {
		return nil, ErrUnauthenticated
	}
	if err != nil {
		return nil, err
	}
	p, err := s.principal(ctx, u)
	if err != nil {
		return nil, err
	}
	p.CSRF = se.CSRFToken
	return p, nil
}

// Logout ends a session.
func (s *Service) Logout(ctx context.Context, secret string) error {
	return s.Store.Sessions().Delete(ctx, HashSecret(secret))
}

// Token returns the principal of an API token ("tw_…").
func (s *Service) Token(ctx context.Context, secret string) (*Principal, error) {
	if !strings.HasPrefix(secret, tokenPrefix) {
		return nil, ErrUnauthenticated
	}
	now, hash := s.Clock.Now(), HashSecret(secret)
	if p, ok := s.tokens.get(hash, now); ok {
		return p, nil
	}
	// When an entry ends, the many requests of a busy client miss together: one of them asks
	// the store for all. It asks without its own cancellation, which is not the others'.
	v, err, _ := s.tokenLookups.Do(hash, func() (any, error) {
		return s.lookupToken(context.WithoutCancel(ctx), hash, now)
	})
	if err != nil {
		return nil, err
	}
	// The callers share the result: each gets its own copy, whose scope an append would copy.
	p := *v.(*Principal)
	p.Scope = slices.Clip(p.Scope)
	return &p, nil
}

// lookupToken reads the principal of a token from the store and caches it.
func (s *Service) lookupToken(ctx context.Context, hash string, now time.Time) (*Principal, error) {
	gen := s.tokens.generation()
	t, err := s.Store.Tokens().GetByHash(ctx, hash, now)
	if errors.Is(err, store.ErrNotFound) {
		return nil, ErrUnauthenticated
	}
	if err != nil {
		return nil, err
	}
	u, err := s.Store.Users().Get(ctx, t.UserID)
	if errors.Is(err, store.ErrNotFound) || (err == nil && u.Disabled) {
		return nil, ErrUnauthenticated
	}
	if err != nil {
		return nil, err
	}
	// Last use is a hint for operators; losing it is harmless, so only minutes are recorded.
	if now.Sub(t.LastUsed) > time.Minute {
		_ = s.Store.Tokens().Touch(ctx, t.ID, now)
	}
	p, err := s.principal(ctx, u)
	if err != nil {
		return nil, err
	}
	p.ViaToken = true
	if s.TokenCacheTTL > 0 {
		until := now.Add(s.TokenCacheTTL)
		if !t.ExpiresAt.IsZero() && t.ExpiresAt.Before(until) {
			until = t.ExpiresAt
		}
		s.tokens.put(hash, t.ID, p, gen, now, until)
	}
	return p, nil
}

// RevokeToken deletes one of the principal's own API tokens. This server refuses it at once;
// the others when the token.revoked event reaches them (Follow), or at the latest after
// TokenCacheTTL.
func (s *Service) RevokeToken(ctx context.Context, p *Principal, id string) error {
	err := s.Store.WithTx(ctx, func(tx store.Tx) error {
		toks, err := tx.Tokens().ListForUser(ctx, p.User.ID)
		if err != nil {
			return err
		}
		i := slices.IndexFunc(toks, func(t store.Token) bool { return t.ID == id })
		if i < 0 {
			return fmt.Errorf("auth: token %s of %s: %w", id, p.User.Username, store.ErrNotFound)
		}
		if err := tx.Tokens().Delete(ctx, id); err != nil {
			return err
		}
		return tx.Record(ctx, store.Change{Actor: p.User.ID, OrgID: p.Org.ID, Action: "token.revoked", EntityType: "token",
			EntityID: id, Before: map[string]any{"name": toks[i].Name, "user_id": toks[i].UserID}})
	})
	s.ForgetToken(id)
	return err
}

// CreateToken makes an API token for the principal's own user and returns its secret, which is
// shown once and stored only as a hash.
func (s *Service) CreateToken(ctx context.Context, p *Principal, name string, ttl time.Duration) (string, store.Token, error) {
	if strings.TrimSpace(name) == "" {
		return "", store.Token{}, fmt.Errorf("%w: token name is empty", store.ErrInvalidRecord)
	}
	secret, err := newSecret(tokenPrefix)
	if err != nil {
		return "", store.Token{}, err
	}
	t := store.Token{Hash: HashSecret(secret), UserID: p.User.ID, Name: name}
	if ttl > 0 {
		t.ExpiresAt = s.Clock.Now().Add(ttl)
	}
	err = s.Store.WithTx(ctx, func(tx store.Tx) error {
		if err := tx.Tokens().Create(ctx, &t); err != nil {
			return err
		}
		return tx.Record(ctx, store.Change{Actor: p.User.ID, OrgID: p.Org.ID, Action: "token.created", EntityType: "token",
			EntityID: t.ID, After: map[string]any{"name": t.Name, "user_id": t.UserID, "expires_at": t.ExpiresAt}, NoEvent: true})
	})
	return secret, t, err
}

// principal builds the principal of u: its organisation and the subtree it acts in.
func (s *Service) principal(ctx context.Context, u store.User) (*Principal, error) {
	orgs, err := s.Store.Orgs().List(ctx)
	if err != nil {
		return nil, err
	}
	tree := NewOrgTree(orgs)
	org, ok := tree.Get(u.OrgID)
	if !ok {
		return nil, fmt.Errorf("auth: user %s belongs to missing organisation %s", u.Username, u.OrgID)
	}
	return &Principal{User: u, Org: org, Scope: tree.Subtree(org.ID)}, nil
}

// HashSecret returns the hex SHA-256 of a session or token secret. Secrets are 256-bit random
// values, so a fast hash is enough: there is nothing to brute-force.
func HashSecret(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

func newSecret(prefix string) (string, error) {
	b := make([]byte, secretBytes)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("auth: random: %w", err)
	}
	return prefix + base64.RawURLEncoding.EncodeToString(b), nil
}

// CLIActor is the audit actor for changes made from the command line by an operating-system user.
func CLIActor(osUser string) string { return cliActorPrefix + osUser }

// SystemActor is the audit actor for changes the node makes itself (seeding, expiry).
const SystemActor = systemActor
