package sqlstore

import "context"

// ExecForTest runs raw SQL on the writer, as an operator with database access could.
func (db *DB) ExecForTest(ctx context.Context, query string) error {
	_, err := db.writer.ExecContext(ctx, query)
	return err
}
