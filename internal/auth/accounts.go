package auth

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/taawun/taawun/internal/store"
)

// MinPasswordLength follows NIST SP 800-63B for user-chosen passwords, with room to spare.
const MinPasswordLength = 10

var usernamePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{1,62}$`)

// NewUser is what is needed to create a user.
type NewUser struct {
	Username    string
	DisplayName string
	Email       string
	Password    string
	OrgID       string
	Role        string
	Language    string
}

// userView is what the audit log and events record of a user: never the password hash.
type userView struct {
	ID          string `json:"id"`
	Username    string `json:"username"`
	DisplayName string `json:"display_name"`
	Email       string `json:"email"`
	OrgID       string `json:"org_id"`
	Role        string `json:"role"`
	Language    string `json:"language"`
	Disabled    bool   `json:"disabled"`
}

// UserView returns the public view of u.
func UserView(u store.User) any {
	return userView{u.ID, u.Username, u.DisplayName, u.Email, u.OrgID, u.Role, u.Language, u.Disabled}
}

// CheckNewUser returns an error naming the first problem with in.
func CheckNewUser(in NewUser) error {
	switch {
	case !usernamePattern.MatchString(in.Username):
		return fmt.Errorf("%w: username %q must be 2-63 lower-case letters, digits, '.', '_' or '-'", store.ErrInvalidRecord, in.Username)
	case !ValidRole(in.Role):
		return fmt.Errorf("%w: role %q is not one of %s", store.ErrInvalidRecord, in.Role, strings.Join(Roles(), ", "))
	case utf8.RuneCountInString(in.Password) < MinPasswordLength:
		return fmt.Errorf("%w: password must have at least %d characters", store.ErrInvalidRecord, MinPasswordLength)
	case in.Email != "" && !strings.Contains(in.Email, "@"):
		return fmt.Errorf("%w: e-mail address %q has no '@'", store.ErrInvalidRecord, in.Email)
	}
	return nil
}

// CreateUser validates in, hashes the password and stores the user with its audit entry and
// event, all in tx.
func (s *Service) CreateUser(ctx context.Context, tx store.Tx, actor string, in NewUser) (store.User, error) {
	if err := CheckNewUser(in); err != nil {
		return store.User{}, err
	}
	if _, err := tx.Orgs().Get(ctx, in.OrgID); err != nil {
		return store.User{}, fmt.Errorf("auth: organisation of user %q: %w", in.Username, err)
	}
	hash, err := HashPassword(in.Password, s.Hash)
	if err != nil {
		return store.User{}, err
	}
	u := store.User{Username: in.Username, DisplayName: in.DisplayName, Email: in.Email, PasswordHash: hash,
		OrgID: in.OrgID, Role: in.Role, Language: in.Language}
	if err := tx.Users().Create(ctx, &u); err != nil {
		return store.User{}, err
	}
	err = tx.Record(ctx, store.Change{Actor: actor, OrgID: u.OrgID, Action: "user.created", EntityType: "user", EntityID: u.ID, After: UserView(u)})
	return u, err
}

// SetLanguage records a user's preferred interface language.
func (s *Service) SetLanguage(ctx context.Context, p *Principal, lang string) error {
	// After the commit: an entry cached before it would otherwise outlive the change.
	defer s.ForgetUser(p.User.ID)
	return s.Store.WithTx(ctx, func(tx store.Tx) error {
		u, err := tx.Users().Get(ctx, p.User.ID)
		if err != nil {
			return err
		}
		before := UserView(u)
		u.Language = lang
		if err := tx.Users().Update(ctx, &u); err != nil {
			return err
		}
		p.User.Language = lang
		return tx.Record(ctx, store.Change{Actor: u.ID, OrgID: u.OrgID, Action: "user.updated", EntityType: "user", EntityID: u.ID,
			Before: before, After: UserView(u)})
	})
}

// CreateOrg stores an organisation with its audit entry and event, in tx.
func CreateOrg(ctx context.Context, tx store.Tx, actor string, o *store.Org) error {
	if o.ParentID != "" {
		if _, err := tx.Orgs().Get(ctx, o.ParentID); err != nil {
			return fmt.Errorf("auth: parent of organisation %q: %w", o.Name, err)
		}
	}
	if err := tx.Orgs().Create(ctx, o); err != nil {
		return err
	}
	return tx.Record(ctx, store.Change{Actor: actor, OrgID: o.ID, Action: "org.created", EntityType: "org", EntityID: o.ID, After: o})
}
