package sqlstore

import (
	"context"
	"time"
)

type loginAttempts struct{ q }

func (s loginAttempts) AddFailure(ctx context.Context, key string, at time.Time) error {
	_, err := s.exec(ctx, `INSERT INTO login_failures (key, at) VALUES (?, ?)`, key, ts(at))
	return s.wrap(err, "sqlstore: record login failure")
}

func (s loginAttempts) CountSince(ctx context.Context, key string, since time.Time) (int, error) {
	var n int
	err := s.queryRow(ctx, `SELECT COUNT(*) FROM login_failures WHERE key = ? AND at > ?`, key, ts(since)).Scan(&n)
	return n, s.wrap(err, "sqlstore: count login failures")
}

func (s loginAttempts) Clear(ctx context.Context, key string) error {
	_, err := s.exec(ctx, `DELETE FROM login_failures WHERE key = ?`, key)
	return s.wrap(err, "sqlstore: clear login failures")
}
