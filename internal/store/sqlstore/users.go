package sqlstore

import (
	"context"
	"fmt"

	"github.com/taawun/taawun/internal/mode"
	"github.com/taawun/taawun/internal/store"
)

type users struct{ q }

const userColumns = `id, origin_node, mode, username, display_name, email, password_hash, org_id, role, language, disabled, created_at, updated_at`

func checkUser(u *store.User) error {
	switch {
	case u.Username == "":
		return fmt.Errorf("%w: username is empty", store.ErrInvalidRecord)
	case u.OrgID == "":
		return fmt.Errorf("%w: user %q has no organisation", store.ErrInvalidRecord, u.Username)
	case u.Role == "":
		return fmt.Errorf("%w: user %q has no role", store.ErrInvalidRecord, u.Username)
	}
	return nil
}

func (s users) Create(ctx context.Context, u *store.User) error {
	if err := checkUser(u); err != nil {
		return err
	}
	s.stamp(ctx, &u.Meta)
	_, err := s.exec(ctx, `INSERT INTO users (`+userColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		u.ID, u.OriginNode, u.Mode.String(), u.Username, u.DisplayName, u.Email, u.PasswordHash, u.OrgID, u.Role,
		u.Language, boolInt(u.Disabled), u.CreatedAt, u.UpdatedAt)
	return s.wrap(err, "sqlstore: create user %q", u.Username)
}

func (s users) Get(ctx context.Context, id string) (store.User, error) {
	u, err := scanUser(s.queryRow(ctx, `SELECT `+userColumns+` FROM users WHERE id = ? AND mode = ?`, id, mode.From(ctx).String()))
	return u, s.wrap(err, "sqlstore: user %s", id)
}

func (s users) GetByUsername(ctx context.Context, username string) (store.User, error) {
	u, err := scanUser(s.queryRow(ctx, `SELECT `+userColumns+` FROM users WHERE username = ? AND mode = ?`, username, mode.From(ctx).String()))
	return u, s.wrap(err, "sqlstore: user %q", username)
}

func (s users) List(ctx context.Context, orgIDs []string) ([]store.User, error) {
	query := `SELECT ` + userColumns + ` FROM users WHERE mode = ?`
	args := []any{mode.From(ctx).String()}
	if orgIDs != nil {
		if len(orgIDs) == 0 {
			return nil, nil
		}
		query += ` AND org_id IN (` + placeholders(len(orgIDs)) + `)`
		for _, id := range orgIDs {
			args = append(args, id)
		}
	}
	return collect(ctx, s.q, "list users", scanUser, query+` ORDER BY username`, args...)
}

func (s users) Update(ctx context.Context, u *store.User) error {
	if err := checkUser(u); err != nil {
		return err
	}
	u.UpdatedAt = ts(s.db.clock.Now())
	res, err := s.exec(ctx, `UPDATE users SET username = ?, display_name = ?, email = ?, password_hash = ?, org_id = ?,
		role = ?, language = ?, disabled = ?, updated_at = ? WHERE id = ? AND mode = ?`,
		u.Username, u.DisplayName, u.Email, u.PasswordHash, u.OrgID, u.Role, u.Language, boolInt(u.Disabled),
		u.UpdatedAt, u.ID, mode.From(ctx).String())
	return s.wrap(mustAffect(res, err), "sqlstore: update user %s", u.ID)
}

func scanUser(r scanner) (store.User, error) {
	var (
		u        store.User
		m        string
		disabled int
	)
	err := r.Scan(&u.ID, &u.OriginNode, &m, &u.Username, &u.DisplayName, &u.Email, &u.PasswordHash, &u.OrgID, &u.Role,
		&u.Language, &disabled, &u.CreatedAt, &u.UpdatedAt)
	if err != nil {
		return u, err
	}
	u.Disabled = disabled != 0
	u.CreatedAt, u.UpdatedAt = u.CreatedAt.UTC(), u.UpdatedAt.UTC()
	u.Mode, err = mode.Parse(m)
	return u, err
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
