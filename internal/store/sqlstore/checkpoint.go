package sqlstore

import (
	"context"
	"database/sql"
	"log/slog"
	"sync"
	"time"
)

// checkpointer copies SQLite's write-ahead log into the database file from a connection of its
// own. SQLite's automatic checkpoint runs inside the commit that crosses its threshold, on the
// single writer: every thousand pages or so one transaction stalls while megabytes are copied
// and synced to disk, and every write queued behind it waits. In WAL mode a checkpoint may run
// beside the writer, so here it does, a moment after writes, and the writer's own automatic
// checkpoint stays only as a backstop for a log the checkpointer cannot keep short.
type checkpointer struct {
	conn *sql.DB
	log  *slog.Logger
	wake chan struct{}
	stop chan struct{}
	done chan struct{}
	once sync.Once
	err  error
}

// checkpointEvery is the least time between background checkpoints: short enough to keep the
// log to a few megabytes under a burst of writes, long enough that a burst is copied in a few
// checkpoints rather than one per transaction.
const checkpointEvery = 500 * time.Millisecond

// backstopPages is the writer's automatic checkpoint threshold (about 40 MB of log): reached
// only if background checkpoints fall behind, as when readers keep old snapshots open.
const backstopPages = 10000

func startCheckpointer(conn *sql.DB, log *slog.Logger) *checkpointer {
	c := &checkpointer{conn: conn, log: log, wake: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{})}
	go c.run()
	return c
}

// written tells the checkpointer a transaction committed.
func (c *checkpointer) written() {
	select {
	case c.wake <- struct{}{}:
	default:
	}
}

func (c *checkpointer) run() {
	defer close(c.done)
	for {
		select {
		case <-c.stop:
			return
		case <-c.wake:
		}
		select {
		case <-c.stop:
			return
		case <-time.After(checkpointEvery):
		}
		c.checkpoint("PASSIVE")
	}
}

// checkpoint copies what it can of the log; mode PASSIVE never waits for readers or the writer.
func (c *checkpointer) checkpoint(mode string) {
	var busy, logFrames, copied int
	err := c.conn.QueryRowContext(context.Background(), "PRAGMA wal_checkpoint("+mode+")").Scan(&busy, &logFrames, &copied)
	if err != nil {
		c.log.Warn("sqlite checkpoint failed", "mode", mode, "err", err)
	}
}

// close stops the background work and copies the whole log into the database file, so a
// closed database is one file.
func (c *checkpointer) close() error {
	c.once.Do(func() {
		close(c.stop)
		<-c.done
		c.checkpoint("TRUNCATE")
		c.err = c.conn.Close()
	})
	return c.err
}
