package sqlstore

import "context"

// ExecForTest runs raw SQL on the writer, as an operator with database access could.
func (db *DB) ExecForTest(ctx context.Context, query string) error {
	_, err := db.writer.ExecContext(ctx, query)
	return err
}

// MigrationForTest returns the SQL of the dialect's migration numbered version.
func MigrationForTest(dialect string, version int) string {
	ms, err := migrations(dialect)
	if err != nil {
		panic(err)
	}
	for _, m := range ms {
		if m.version == version {
			return m.sql
		}
	}
	panic("no such migration")
}
