package sqlstore

import (
	"context"
	"time"

	"github.com/taawun/taawun/internal/store"
)

type sessions struct{ q }

func (s sessions) Create(ctx context.Context, se store.Session) error {
	_, err := s.exec(ctx, `INSERT INTO sessions (id_hash, user_id, csrf_token, created_at, expires_at) VALUES (?, ?, ?, ?, ?)`,
		se.IDHash, se.UserID, se.CSRFToken, ts(se.CreatedAt), ts(se.ExpiresAt))
	return s.wrap(err, "sqlstore: create session")
}

func (s sessions) Get(ctx context.Context, idHash string, now time.Time) (store.Session, error) {
	var se store.Session
	err := s.queryRow(ctx, `SELECT id_hash, user_id, csrf_token, created_at, expires_at FROM sessions WHERE id_hash = ? AND expires_at > ?`,
		idHash, ts(now)).Scan(&se.IDHash, &se.UserID, &se.CSRFToken, &se.CreatedAt, &se.ExpiresAt)
	se.CreatedAt, se.ExpiresAt = se.CreatedAt.UTC(), se.ExpiresAt.UTC()
	return se, s.wrap(err, "sqlstore: session")
}

func (s sessions) Delete(ctx context.Context, idHash string) error {
	_, err := s.exec(ctx, `DELETE FROM sessions WHERE id_hash = ?`, idHash)
	return s.wrap(err, "sqlstore: delete session")
}

func (s sessions) DeleteExpired(ctx context.Context, now time.Time) (int64, error) {
	res, err := s.exec(ctx, `DELETE FROM sessions WHERE expires_at <= ?`, ts(now))
	if err != nil {
		return 0, s.wrap(err, "sqlstore: delete expired sessions")
	}
	return res.RowsAffected()
}
