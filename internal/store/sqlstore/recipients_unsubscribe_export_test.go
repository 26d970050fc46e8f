package sqlstore

import (
	"context"
	"database/sql"
	"strings"

	"github.com/taawun/taawun/internal/store"
)

// PlanByAddressForTest returns the plan of the query ByAddress runs for a channel, as the
// database explains it: SQLite's EXPLAIN QUERY PLAN, or PostgreSQL's EXPLAIN with sequential
// scans priced out (a test table is so small that a scan would otherwise win, whatever indexes
// exist; priced out, a scan is still chosen when no index serves the query).
func (db *DB) PlanByAddressForTest(ctx context.Context, ch store.Channel, address string) (string, error) {
	query, args := byAddressQuery(ch, address, "live")
	conn, err := db.writer.Conn(ctx)
	if err != nil {
		return "", err
	}
	defer conn.Close()
	var rows *sql.Rows
	if db.dialect.name() == "postgres" {
		if _, err := conn.ExecContext(ctx, "SET enable_seqscan = off"); err != nil {
			return "", err
		}
		defer conn.ExecContext(context.WithoutCancel(ctx), "RESET enable_seqscan") //nolint:errcheck // the connection is closed next
		rows, err = conn.QueryContext(ctx, "EXPLAIN "+db.dialect.rebind(query), args...)
	} else {
		rows, err = conn.QueryContext(ctx, "EXPLAIN QUERY PLAN "+query, args...)
	}
	if err != nil {
		return "", err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return "", err
	}
	var lines []string
	for rows.Next() {
		vals := make([]any, len(cols))
		for i := range vals {
			vals[i] = new(any)
		}
		if err := rows.Scan(vals...); err != nil {
			return "", err
		}
		// The plan's text is the last column (SQLite: id, parent, notused, detail).
		if v, ok := (*vals[len(vals)-1].(*any)).(string); ok {
			lines = append(lines, v)
		}
	}
	return strings.Join(lines, "\n"), rows.Err()
}
