package sqlstore

import (
	"context"
	"database/sql"
	"time"

	"github.com/taawun/taawun/internal/mode"
	"github.com/taawun/taawun/internal/store"
)

type tokens struct{ q }

const tokenColumns = `id, origin_node, mode, token_hash, user_id, name, created_at, updated_at, expires_at, last_used`

func (s tokens) Create(ctx context.Context, t *store.Token) error {
	s.stamp(ctx, &t.Meta)
	_, err := s.exec(ctx, `INSERT INTO api_tokens (`+tokenColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		t.ID, t.OriginNode, t.Mode.String(), t.Hash, t.UserID, t.Name, t.CreatedAt, t.UpdatedAt, nullTS(t.ExpiresAt), nullTS(t.LastUsed))
	return s.wrap(err, "sqlstore: create token %q", t.Name)
}

func (s tokens) GetByHash(ctx context.Context, hash string, now time.Time) (store.Token, error) {
	t, err := scanToken(s.queryRow(ctx, `SELECT `+tokenColumns+` FROM api_tokens
		WHERE token_hash = ? AND mode = ? AND (expires_at IS NULL OR expires_at > ?)`, hash, mode.From(ctx).String(), ts(now)))
	return t, s.wrap(err, "sqlstore: token")
}

func (s tokens) Touch(ctx context.Context, id string, at time.Time) error {
	_, err := s.exec(ctx, `UPDATE api_tokens SET last_used = ? WHERE id = ?`, ts(at), id)
	return s.wrap(err, "sqlstore: touch token")
}

func (s tokens) ListForUser(ctx context.Context, userID string) ([]store.Token, error) {
	return collect(ctx, s.q, "list tokens", scanToken, `SELECT `+tokenColumns+` FROM api_tokens WHERE user_id = ? AND mode = ? ORDER BY created_at`,
		userID, mode.From(ctx).String())
}

func (s tokens) Delete(ctx context.Context, id string) error {
	res, err := s.exec(ctx, `DELETE FROM api_tokens WHERE id = ? AND mode = ?`, id, mode.From(ctx).String())
	return s.wrap(mustAffect(res, err), "sqlstore: delete token %s", id)
}

func scanToken(r scanner) (store.Token, error) {
	var (
		t                 store.Token
		m                 string
		expires, lastUsed sql.NullTime
	)
	err := r.Scan(&t.ID, &t.OriginNode, &m, &t.Hash, &t.UserID, &t.Name, &t.CreatedAt, &t.UpdatedAt, &expires, &lastUsed)
	if err != nil {
		return t, err
	}
	t.ExpiresAt, t.LastUsed = fromNull(expires), fromNull(lastUsed)
	t.CreatedAt, t.UpdatedAt = t.CreatedAt.UTC(), t.UpdatedAt.UTC()
	t.Mode, err = mode.Parse(m)
	return t, err
}
