package bus

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/taawun/taawun/internal/subject"
)

// StreamName is the JetStream stream holding every event of the node.
const StreamName = "TAAWUN"

// DuplicateWindow is how long JetStream remembers message ids. The outbox relay may publish an
// event again after a crash between publishing and marking it published; a restart within this
// window is deduplicated by JetStream.
const DuplicateWindow = time.Hour

// Options configure Open.
type Options struct {
	// URL of an external NATS cluster (comma-separated for several seeds); empty to run an
	// embedded server storing its data under DataDir.
	URL     string
	DataDir string
	// Name identifies this connection to the server (e.g. the node and host).
	Name   string
	Logger *slog.Logger
}

// Bus is a connection to NATS with JetStream.
type Bus struct {
	Conn     *nats.Conn
	JS       jetstream.JetStream
	embedded *server.Server
	log      *slog.Logger
}

// Open starts or connects to NATS and makes sure the event stream exists.
func Open(ctx context.Context, opts Options) (*Bus, error) {
	b := &Bus{log: opts.Logger}
	if b.log == nil {
		b.log = slog.New(slog.DiscardHandler)
	}
	var err error
	if opts.URL == "" {
		err = b.startEmbedded(opts)
	} else {
		err = b.connect(opts)
	}
	if err != nil {
		return nil, err
	}
	if b.JS, err = jetstream.New(b.Conn); err != nil {
		b.Close()
		return nil, fmt.Errorf("bus: jetstream: %w", err)
	}
	if err := b.ensureStream(ctx); err != nil {
		b.Close()
		return nil, err
	}
	return b, nil
}

func (b *Bus) startEmbedded(opts Options) error {
	if opts.DataDir == "" {
		return errors.New("bus: embedded NATS needs a data folder")
	}
	ns, err := server.NewServer(&server.Options{
		ServerName: "taawun-embedded",
		JetStream:  true,
		StoreDir:   filepath.Join(opts.DataDir, "nats"),
		// The embedded server serves this process only: no port is opened.
		DontListen: true,
		NoSigs:     true,
	})
	if err != nil {
		return fmt.Errorf("bus: embedded NATS: %w", err)
	}
	ns.Start()
	if !ns.ReadyForConnections(15 * time.Second) {
		ns.Shutdown()
		return errors.New("bus: embedded NATS did not become ready within 15s")
	}
	b.embedded = ns
	b.Conn, err = nats.Connect("", nats.InProcessServer(ns), nats.Name(opts.Name))
	if err != nil {
		ns.Shutdown()
		return fmt.Errorf("bus: connect to embedded NATS: %w", err)
	}
	return nil
}

func (b *Bus) connect(opts Options) error {
	var err error
	b.Conn, err = nats.Connect(opts.URL,
		nats.Name(opts.Name),
		nats.MaxReconnects(-1),
		nats.ReconnectWait(time.Second),
		nats.Timeout(5*time.Second),
		nats.DisconnectErrHandler(func(_ *nats.Conn, err error) {
			b.log.Warn("disconnected from NATS", "err", err)
		}),
		nats.ReconnectHandler(func(c *nats.Conn) {
			b.log.Info("reconnected to NATS", "server", c.ConnectedUrlRedacted())
		}),
	)
	if err != nil {
		return fmt.Errorf("bus: connect to NATS at %s: %w", opts.URL, err)
	}
	return nil
}

func (b *Bus) ensureStream(ctx context.Context) error {
	_, err := b.JS.CreateOrUpdateStream(ctx, jetstream.StreamConfig{
		Name:        StreamName,
		Description: "Taawun events: taawun.<node>.<mode>.<kind>",
		Subjects:    []string{subject.Root + ".>"},
		Storage:     jetstream.FileStorage,
		Retention:   jetstream.LimitsPolicy,
		MaxAge:      30 * 24 * time.Hour,
		Duplicates:  DuplicateWindow,
	})
	if err != nil {
		return fmt.Errorf("bus: create stream %s: %w", StreamName, err)
	}
	return nil
}

// Ping reports whether the connection is up and JetStream answers.
func (b *Bus) Ping(ctx context.Context) error {
	if st := b.Conn.Status(); st != nats.CONNECTED {
		return fmt.Errorf("bus: NATS connection is %s", st)
	}
	if _, err := b.JS.AccountInfo(ctx); err != nil {
		return fmt.Errorf("bus: JetStream: %w", err)
	}
	return nil
}

// Embedded reports whether the bus runs its own NATS server.
func (b *Bus) Embedded() bool { return b.embedded != nil }

// Close drains the connection and stops the embedded server.
func (b *Bus) Close() {
	if b.Conn != nil {
		_ = b.Conn.Drain()
		b.Conn.Close()
	}
	if b.embedded != nil {
		b.embedded.Shutdown()
		b.embedded.WaitForShutdown()
	}
}
