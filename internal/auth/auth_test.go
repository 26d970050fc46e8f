package auth

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/taawun/taawun/internal/clock"
	"github.com/taawun/taawun/internal/store"
	"github.com/taawun/taawun/internal/store/sqlstore/sqltest"
)

// fastHash keeps tests quick; production uses DefaultHashParams.
var fastHash = HashParams{MemoryKiB: 64, Time: 1, Threads: 1}

func TestPasswordHashRoundTrip(t *testing.T) {
	h, err := HashPassword("correct horse battery", DefaultHashParams)
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := CheckPassword(h, "correct horse battery"); !ok || err != nil {
		t.Fatalf("right password rejected: %v", err)
	}
	if ok, _ := CheckPassword(h, "correct horse batterY"); ok {
		t.Fatal("wrong password accepted")
	}
	for _, bad := range []string{"", "$argon2i$v=19$m=1,t=1,p=1$AA$AA", "$argon2id$v=19$m=x$AA$AA", "plain"} {
		if _, err := CheckPassword(bad, "x"); !errors.Is(err, ErrBadHash) {
			t.Errorf("CheckPassword(%q) err = %v", bad, err)
		}
	}
}

func TestRolesGrantWhatTheyShould(t *testing.T) {
	tests := []struct {
		role string
		perm Permission
		want bool
	}{
		{RoleAdmin, PermManageUsers, true},
		{RoleDutyOfficer, PermDraftAlerts, true},
		{RoleDutyOfficer, PermApproveAlerts, false},
		{RoleApprover, PermApproveAlerts, true},
		{RoleApprover, PermDraftAlerts, false},
		{RoleOperationsOfficer, PermOperate, true},
		{RolePartnerLiaison, PermLiaise, true},
		{RolePartnerLiaison, PermOperate, false},
		{RoleViewer, PermViewDashboard, true},
		{RoleViewer, PermViewAudit, false},
		{"superuser", PermViewDashboard, false},
	}
	for _, tt := range tests {
		if got := Can(tt.role, tt.perm); got != tt.want {
			t.Errorf("Can(%s, %s) = %v, want %v", tt.role, tt.perm, got, tt.want)
		}
	}
}

func TestOrgTreeScopes(t *testing.T) {
	orgs := []store.Org{
		{Meta: store.Meta{ID: "ndma"}}, {Meta: store.Meta{ID: "punjab"}, ParentID: "ndma"},
		{Meta: store.Meta{ID: "lahore"}, ParentID: "punjab"}, {Meta: store.Meta{ID: "sindh"}, ParentID: "ndma"},
		{Meta: store.Meta{ID: "loop-a"}, ParentID: "loop-b"}, {Meta: store.Meta{ID: "loop-b"}, ParentID: "loop-a"},
	}
	tree := NewOrgTree(orgs)
	if got := tree.Subtree("punjab"); len(got) != 2 || got[0] != "punjab" || got[1] != "lahore" {
		t.Fatalf("Subtree(punjab) = %v", got)
	}
	if !tree.Within("lahore", "ndma") || tree.Within("sindh", "punjab") || tree.Within("ndma", "punjab") {
		t.Fatal("Within wrong")
	}
	if tree.Within("loop-a", "ndma") {
		t.Fatal("cycle reached ndma")
	}
	if got := tree.Ancestors("lahore"); len(got) != 2 || got[0] != "punjab" {
		t.Fatalf("Ancestors = %v", got)
	}
}

func newTestService(t *testing.T) (*Service, *clock.Manual, store.Org, store.Org) {
	t.Helper()
	clk := clock.NewManual(time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC))
	s := sqltest.Open(t, sqltest.SQLiteURL(t), "pk-test", clk)
	svc, err := NewService(s, clk, fastHash)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	ndma := store.Org{Name: "NDMA", Country: "PK", Tier: store.TierNational}
	punjab := store.Org{Name: "PDMA Punjab", Country: "PK", Tier: store.TierProvincial}
	err = s.WithTx(ctx, func(tx store.Tx) error {
		if err := CreateOrg(ctx, tx, SystemActor, &ndma); err != nil {
			return err
		}
		punjab.ParentID = ndma.ID
		if err := CreateOrg(ctx, tx, SystemActor, &punjab); err != nil {
			return err
		}
		_, err := svc.CreateUser(ctx, tx, SystemActor, NewUser{Username: "amina", Password: "a long passphrase", OrgID: punjab.ID, Role: RoleDutyOfficer})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return svc, clk, ndma, punjab
}

func TestLoginSessionAndThrottle(t *testing.T) {
	svc, clk, ndma, punjab := newTestService(t)
	ctx := context.Background()
	secret, p, err := svc.Login(ctx, "amina", "a long passphrase", "10.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	if p.Org.ID != punjab.ID || !p.InScope(punjab.ID) || p.InScope(ndma.ID) || p.CSRF == "" {
		t.Fatalf("principal: %+v", p)
	}
	again, err := svc.Session(ctx, secret)
	if err != nil || again.User.Username != "amina" || again.CSRF != p.CSRF {
		t.Fatalf("Session = %+v, %v", again, err)
	}
	if _, err := svc.Session(ctx, secret+"x"); !errors.Is(err, ErrUnauthenticated) {
		t.Fatalf("forged session: %v", err)
	}
	clk.Advance(DefaultSessionTTL + time.Second)
	if _, err := svc.Session(ctx, secret); !errors.Is(err, ErrUnauthenticated) {
		t.Fatalf("expired session accepted: %v", err)
	}

	// Unknown user and wrong password give the same error; after five, even the right one waits.
	if _, _, err := svc.Login(ctx, "nobody", "whatever", "10.0.0.2"); !errors.Is(err, ErrInvalidCredentials) {
		t.Fatalf("unknown user: %v", err)
	}
	for range MaxFailuresPerUser {
		if _, _, err := svc.Login(ctx, "amina", "wrong", "10.0.0.2"); !errors.Is(err, ErrInvalidCredentials) {
			t.Fatalf("wrong password: %v", err)
		}
	}
	if _, _, err := svc.Login(ctx, "amina", "a long passphrase", "10.0.0.3"); !errors.Is(err, ErrThrottled) {
		t.Fatalf("throttle: %v", err)
	}
	clk.Advance(ThrottleWindow + time.Second)
	if _, _, err := svc.Login(ctx, "amina", "a long passphrase", "10.0.0.3"); err != nil {
		t.Fatalf("after the window: %v", err)
	}
}

func TestTokens(t *testing.T) {
	svc, clk, _, _ := newTestService(t)
	ctx := context.Background()
	_, p, err := svc.Login(ctx, "amina", "a long passphrase", "127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	secret, tok, err := svc.CreateToken(ctx, p, "river gauge poller", time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if tok.Hash == secret || tok.Hash != HashSecret(secret) {
		t.Fatal("token stored in clear")
	}
	tp, err := svc.Token(ctx, secret)
	if err != nil || !tp.ViaToken || tp.User.Username != "amina" {
		t.Fatalf("Token = %+v, %v", tp, err)
	}
	for _, bad := range []string{"", "tw_nope", secret[3:]} {
		if _, err := svc.Token(ctx, bad); !errors.Is(err, ErrUnauthenticated) {
			t.Errorf("Token(%q) = %v", bad, err)
		}
	}
	clk.Advance(2 * time.Hour)
	if _, err := svc.Token(ctx, secret); !errors.Is(err, ErrUnauthenticated) {
		t.Fatalf("expired token accepted: %v", err)
	}
}

func TestCreateUserRejectsBadInput(t *testing.T) {
	svc, _, ndma, _ := newTestService(t)
	ctx := context.Background()
	for _, in := range []NewUser{
		{Username: "Bad Name", Password: "long enough pw", OrgID: ndma.ID, Role: RoleViewer},
		{Username: "ok", Password: "short", OrgID: ndma.ID, Role: RoleViewer},
		{Username: "ok", Password: "long enough pw", OrgID: ndma.ID, Role: "god"},
		{Username: "ok", Password: "long enough pw", OrgID: "missing", Role: RoleViewer},
	} {
		err := svc.Store.WithTx(ctx, func(tx store.Tx) error {
			_, err := svc.CreateUser(ctx, tx, SystemActor, in)
			return err
		})
		if err == nil {
			t.Errorf("CreateUser(%+v) accepted", in)
		}
	}
	entries, _ := svc.Store.Audit().List(ctx, 0, 100)
	for _, e := range entries {
		if e.Action == "user.created" && string(e.After) != "" && strings.Contains(string(e.After), "argon2id") {
			t.Fatal("password hash written to the audit log")
		}
	}
}

// TestPermissionsListsEveryGrant keeps Permissions (used by /api/v1/me) complete.
func TestPermissionsListsEveryGrant(t *testing.T) {
	listed := map[Permission]bool{}
	for _, p := range Permissions() {
		listed[p] = true
	}
	for role, grants := range roleGrants {
		for _, p := range append(append([]Permission(nil), everyone...), grants...) {
			if !listed[p] {
				t.Errorf("role %s grants %s, which Permissions does not list", role, p)
			}
		}
	}
}
