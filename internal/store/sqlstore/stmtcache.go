package sqlstore

import (
	"context"
	"database/sql"
	"sync"
)

// stmtCache keeps SQLite statements prepared, by query text, so that a query run again skips
// SQLite's parser and planner, which took a seventh of the hazard path's time. PostgreSQL needs
// none: pgx keeps its own per-connection statement cache.
//
// A statement prepared on a pool waits for a free connection, and the writer has only one, held
// by the transaction that runs the query: a query first seen inside a transaction therefore runs
// unprepared and is only marked wanted; the next transaction prepares it before it begins.
type stmtCache struct {
	db     *sql.DB
	mu     sync.Mutex
	stmts  map[string]*sql.Stmt
	wanted map[string]bool
}

// stmtsKept bounds the cache: queries with a variable number of placeholders have many texts.
const stmtsKept = 512

func newStmtCache(db *sql.DB) *stmtCache {
	return &stmtCache{db: db, stmts: map[string]*sql.Stmt{}, wanted: map[string]bool{}}
}

// lookup returns the statement prepared for query, or nil (marking it wanted) when there is none.
func (c *stmtCache) lookup(query string) *sql.Stmt {
	c.mu.Lock()
	defer c.mu.Unlock()
	if st, ok := c.stmts[query]; ok {
		return st
	}
	if len(c.stmts)+len(c.wanted) < stmtsKept {
		c.wanted[query] = true
	}
	return nil
}

// prepareWanted prepares the statements marked wanted; the caller must not hold a connection of
// the pool. A query that fails to prepare is forgotten: running it reports the error.
func (c *stmtCache) prepareWanted(ctx context.Context) {
	c.mu.Lock()
	if len(c.wanted) == 0 {
		c.mu.Unlock()
		return
	}
	wanted := c.wanted
	c.wanted = map[string]bool{}
	c.mu.Unlock()
	for query := range wanted {
		st, err := c.db.PrepareContext(ctx, query)
		if err != nil {
			continue
		}
		c.mu.Lock()
		if _, dup := c.stmts[query]; dup {
			st.Close()
		} else {
			c.stmts[query] = st
		}
		c.mu.Unlock()
	}
}

func (c *stmtCache) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, st := range c.stmts {
		st.Close()
	}
	c.stmts = map[string]*sql.Stmt{}
}

// cachedPool runs queries on a pool outside transactions with prepared statements; there a
// statement is prepared at once, since no connection is held.
type cachedPool struct {
	*sql.DB
	cache *stmtCache
}

func (p cachedPool) stmt(ctx context.Context, query string) *sql.Stmt {
	if st := p.cache.lookup(query); st != nil {
		return st
	}
	p.cache.prepareWanted(ctx)
	return p.cache.lookup(query)
}

func (p cachedPool) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if st := p.stmt(ctx, query); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return p.DB.ExecContext(ctx, query, args...)
}

func (p cachedPool) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := p.stmt(ctx, query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return p.DB.QueryContext(ctx, query, args...)
}

func (p cachedPool) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if st := p.stmt(ctx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return p.DB.QueryRowContext(ctx, query, args...)
}

// cachedTx runs a transaction's queries with the writer's prepared statements. A query the
// cache does not have yet is prepared on the transaction itself and kept for the rest of it, so
// a first transaction that runs the same statements thousands of times parses each once.
type cachedTx struct {
	*sql.Tx
	cache *stmtCache
	local map[string]*sql.Stmt
}

func newCachedTx(tx *sql.Tx, cache *stmtCache) *cachedTx {
	return &cachedTx{Tx: tx, cache: cache, local: map[string]*sql.Stmt{}}
}

// stmt returns the statement for query within the transaction, or nil when it cannot be
// prepared (running it then reports why).
func (t *cachedTx) stmt(ctx context.Context, query string) *sql.Stmt {
	if st, ok := t.local[query]; ok {
		return st
	}
	var st *sql.Stmt
	if shared := t.cache.lookup(query); shared != nil {
		st = t.StmtContext(ctx, shared)
	} else if len(t.local) < stmtsKept {
		var err error
		if st, err = t.PrepareContext(ctx, query); err != nil {
			return nil
		}
	} else {
		return nil
	}
	t.local[query] = st
	return st
}

// The statements of a write transaction run without ctx's cancellation: database/sql already
// rolls the whole transaction back when ctx ends, and the driver would otherwise start a
// goroutine and a progress handler to watch ctx for every statement, which costs the single
// writer more than the short statement itself often does.
func (t *cachedTx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	ctx = context.WithoutCancel(ctx)
	if st := t.stmt(ctx, query); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return t.Tx.ExecContext(ctx, query, args...)
}

func (t *cachedTx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	ctx = context.WithoutCancel(ctx)
	if st := t.stmt(ctx, query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return t.Tx.QueryContext(ctx, query, args...)
}

func (t *cachedTx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	ctx = context.WithoutCancel(ctx)
	if st := t.stmt(ctx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return t.Tx.QueryRowContext(ctx, query, args...)
}
