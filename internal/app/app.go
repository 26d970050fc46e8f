// Package app assembles a node from its configuration: identity, storage, bus, outbox relay,
// live events, accounts and the web server, and runs it until its context ends.
package app

import (
	"context"
	"crypto/ecdsa"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/taawun/taawun/internal/alert"
	"github.com/taawun/taawun/internal/auth"
	"github.com/taawun/taawun/internal/bus"
	"github.com/taawun/taawun/internal/clock"
	"github.com/taawun/taawun/internal/config"
	"github.com/taawun/taawun/internal/dispatch"
	"github.com/taawun/taawun/internal/dissem"
	"github.com/taawun/taawun/internal/hazard"
	"github.com/taawun/taawun/internal/i18n"
	"github.com/taawun/taawun/internal/impact"
	"github.com/taawun/taawun/internal/live"
	"github.com/taawun/taawun/internal/node"
	"github.com/taawun/taawun/internal/ops"
	"github.com/taawun/taawun/internal/population"
	"github.com/taawun/taawun/internal/regions"
	"github.com/taawun/taawun/internal/seed"
	"github.com/taawun/taawun/internal/sms/smpp"
	"github.com/taawun/taawun/internal/store"
	"github.com/taawun/taawun/internal/store/sqlstore"
	"github.com/taawun/taawun/internal/web"
)

// Version is set at build time with -ldflags "-X github.com/taawun/taawun/internal/app.Version=…".
var Version = "dev"

// NewLogger builds the node's logger from the configuration.
func NewLogger(cfg *config.Config, w io.Writer) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(cfg.LogLevel))
	opts := &slog.HandlerOptions{Level: level}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// DatabaseURL is the configured database, or the embedded SQLite file in the data folder.
func DatabaseURL(cfg *config.Config) string {
	if cfg.DB != "" {
		return cfg.DB
	}
	return "sqlite:" + filepath.Join(cfg.Data, "taawun.db")
}

// OpenStore loads the node identity and opens (without migrating) the node's database.
func OpenStore(ctx context.Context, cfg *config.Config, log *slog.Logger) (node.Identity, *sqlstore.DB, error) {
	if err := os.MkdirAll(cfg.Data, 0o750); err != nil {
		return node.Identity{}, nil, fmt.Errorf("create data folder %s: %w", cfg.Data, err)
	}
	id, created, err := node.Load(cfg.Data, cfg.NodeID, cfg.NodeKey)
	if err != nil {
		return node.Identity{}, nil, err
	}
	if created {
		log.Info("made node identity", "node", id.ID, "public_key", id.PublicKey(), "file", filepath.Join(cfg.Data, node.FileName))
	}
	db, err := sqlstore.Open(ctx, sqlstore.Options{URL: DatabaseURL(cfg), NodeID: id.ID, Clock: clock.System{}, Logger: log})
	if err != nil {
		return id, nil, fmt.Errorf("database unreachable: %w", err)
	}
	return id, db, nil
}

// Node is a running node.
type Node struct {
	// URL is where the node's web server answers.
	URL      string
	Identity node.Identity
	Store    *sqlstore.DB
	Bus      *bus.Bus

	httpSrv  *http.Server
	cancel   context.CancelFunc
	serveErr chan error
	bg       chan struct{} // closed when background work has stopped
	closers  []func()
	log      *slog.Logger
}

// Run serves a node until ctx ends. out receives the lines meant for the operator: the URL to
// open and a generated admin password.
func Run(ctx context.Context, cfg *config.Config, out io.Writer, log *slog.Logger) error {
	n, err := Start(ctx, cfg, out, log)
	if err != nil {
		return err
	}
	select {
	case err := <-n.serveErr:
		n.Stop()
		return fmt.Errorf("http server: %w", err)
	case <-ctx.Done():
	}
	return n.Stop()
}

// Start brings a node up and returns once it is serving.
func Start(ctx context.Context, cfg *config.Config, out io.Writer, log *slog.Logger) (_ *Node, err error) {
	n := &Node{log: log, serveErr: make(chan error, 1), bg: make(chan struct{})}
	defer func() {
		if err != nil {
			n.close()
		}
	}()
	id, db, err := OpenStore(ctx, cfg, log)
	if err != nil {
		return nil, err
	}
	n.Identity, n.Store = id, db
	n.closers = append(n.closers, func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		return nil, err
	}
	if err := db.CheckSchema(ctx); err != nil {
		return nil, err
	}

	host, _ := os.Hostname()
	b, err := bus.Open(ctx, bus.Options{URL: cfg.NATS, DataDir: cfg.Data, Name: id.ID + "@" + host, Logger: log})
	if err != nil {
		return nil, err
	}
	n.Bus = b
	n.closers = append(n.closers, b.Close)

	clk := clock.System{}
	authSvc, err := auth.NewService(db, clk, auth.DefaultHashParams)
	if err != nil {
		return nil, err
	}
	authSvc.SessionTTL = cfg.SessionTTL
	if cfg.Demo {
		if err := seedDemo(ctx, cfg, db, authSvc, out); err != nil {
			return nil, err
		}
	}

	hub, err := live.Start(b.Conn, log)
	if err != nil {
		return nil, err
	}
	n.closers = append(n.closers, hub.Stop)
	catalog, err := i18n.Load()
	if err != nil {
		return nil, err
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	reg.MustRegister(hazard.SourceCollector{Store: db, Log: log})
	vapid, err := pushVAPID(cfg, id)
	if err != nil {
		return nil, err
	}
	receipts := dissem.NewReceiptRecorder(db, log)
	stops := dissem.NewStopHandler(db, catalog, log)
	dispatcher, closeChannels, err := channels(ctx, cfg, log, &dissem.WebPushChannel{VAPID: vapid, Store: db, Clock: clk, Log: log}, receipts, stops)
	if err != nil {
		return nil, err
	}
	stops.Dispatcher = dispatcher
	n.closers = append(n.closers, closeChannels)
	// Area codes: the embedded countries and provinces, and the districts operators imported.
	areaCodes := &regions.Lookup{Store: db, Clock: clk}
	alerts := &alert.Service{Store: db, Clock: clk, Node: id.ID, Regions: areaCodes}
	targeter := &dissem.IndexTargeter{Store: db, Log: log}
	if err := targeter.Load(ctx); err != nil {
		return nil, fmt.Errorf("build the targeting index: %w", err)
	}
	// Gazetteer and population layers (embedded places, imported districts and grid); the
	// impact estimator (impact.New(geo)) and the geography imports share it.
	geo := &population.Layers{}
	if _, err := geo.Reload(ctx, db.Geography()); err != nil {
		return nil, fmt.Errorf("load geography layers: %w", err)
	}
	// The live operating picture from memory, built and kept current in the background.
	picture := &ops.COPIndex{Store: db, Log: log}
	srv, err := web.New(web.Options{
		Store: db, Auth: authSvc, Bus: b, Live: hub, Node: id, Clock: clk, Log: log, Catalog: catalog,
		Registry: reg, SecureCookies: cfg.SecureCookies(), MaxBody: cfg.MaxBody, Version: Version,
		PublicURL: cfg.PublicURL, Alerts: alerts, Targeter: targeter, Dispatcher: dispatcher,
		PushPublicKey: vapid.PublicKey(), Population: geo, Regions: areaCodes,
		Ops: &ops.Service{Store: db, Clock: clk, Areas: areaCodes, Picture: picture}, Chromium: cfg.Chromium,
	})
	if err != nil {
		return nil, err
	}

	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	// Background work outlives the caller's start-up context and ends with Stop.
	bgCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	n.cancel = cancel
	relay := &bus.Relay{Store: db, JS: b.JS, Clock: clk, Log: log, Wake: db.Committed()}
	sender := &dissem.Sender{Store: db, Dispatcher: dispatcher, Clock: clk, Log: log, Lease: cfg.DeliveryLease, Subscribed: targeter}
	if sender.Unsubscribe, err = unsubscribeLinks(cfg, id, ln, catalog, log); err != nil {
		return nil, err
	}
	// Hazard monitoring: every server polls (one server per source at a time, by lease) and
	// runs the triggers for the events it is handed by the shared durable consumer.
	hazardPoller := &hazard.Poller{Store: db, Ingester: &hazard.Ingester{Store: db}, Clock: clk, Log: log,
		Holder: fmt.Sprintf("%s@%s/%d", id.ID, host, os.Getpid())}
	hazardMail := &hazard.Mailer{Store: db, Dispatcher: dispatcher, Catalog: catalog, BaseURL: cfg.PublicURL, Log: log}
	hazardTriggers := &hazard.Consumer{JS: b.JS, Node: id.ID, Log: log, Trigger: &hazard.Trigger{Store: db, Alerts: alerts,
		Impact: impact.New(geo), Catalog: catalog, Clock: clk, Log: log, Notify: hazardMail.Notify}}
	planner := &dissem.Consumer{JS: b.JS, Node: id.ID, Log: log, Sender: sender,
		Planner: &dissem.Planner{Store: db, Targeter: targeter, Lease: sender.LeaseTime(), Clock: clk, Regions: areaCodes,
			Officials: &dissem.Officials{Store: db, Regions: areaCodes}}}
	go func() {
		defer close(n.bg)
		var wg sync.WaitGroup
		for _, run := range []func(context.Context) error{
			relay.Run, planner.Run, sender.Run, receipts.Run, stops.Run,
			hazardPoller.Run, hazardTriggers.Run,
			func(ctx context.Context) error { return targeter.Follow(ctx, b.Conn, id.ID) },
			func(ctx context.Context) error { return picture.Follow(ctx, b.Conn, id.ID) },
			func(ctx context.Context) error { return authSvc.Follow(ctx, b.Conn, id.ID) },
			func(ctx context.Context) error { housekeeping(ctx, db, alerts, clk, log); return nil },
		} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if err := run(bgCtx); err != nil {
					log.Error("background work stopped", "err", err)
				}
			}()
		}
		wg.Wait()
	}()

	n.httpSrv = &http.Server{
		Handler: srv, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 60 * time.Second, IdleTimeout: 120 * time.Second,
		ErrorLog:    slog.NewLogLogger(log.Handler(), slog.LevelWarn),
		BaseContext: func(net.Listener) context.Context { return bgCtx },
	}
	scheme := "http"
	if cfg.TLSCert != "" {
		scheme = "https"
	}
	n.URL = scheme + "://" + displayAddr(ln.Addr())
	go func() {
		var err error
		if cfg.TLSCert != "" {
			err = n.httpSrv.ServeTLS(ln, cfg.TLSCert, cfg.TLSKey)
		} else {
			err = n.httpSrv.Serve(ln)
		}
		if !errors.Is(err, http.ErrServerClosed) {
			n.serveErr <- err
		}
	}()
	fmt.Fprintf(out, "Taawun node %s is running: open %s/\n", id.ID, n.URL)
	log.Info("serving", "addr", ln.Addr().String(), "node", id.ID, "db", db.Dialect(), "bus_embedded", b.Embedded(), "version", Version)
	return n, nil
}

// Stop shuts the node down: open requests get up to 10 seconds, then the relay, bus and
// database close.
func (n *Node) Stop() error {
	n.log.Info("shutting down")
	var err error
	if n.httpSrv != nil {
		shutdownCtx, stop := context.WithTimeout(context.Background(), 10*time.Second)
		defer stop()
		// Live streams never end by themselves: cancelling the base context ends them.
		n.cancel()
		err = n.httpSrv.Shutdown(shutdownCtx)
		<-n.bg
	}
	n.close()
	return err
}

func (n *Node) close() {
	for i := len(n.closers) - 1; i >= 0; i-- {
		n.closers[i]()
	}
	n.closers = nil
}

// channels builds the outbound dispatcher from the configured servers: webhooks, cell
// broadcast centres and Web Push always (they are addressed per recipient; push needs only the
// node's VAPID key, which every node has), e-mail and SMS when configured.
func channels(ctx context.Context, cfg *config.Config, log *slog.Logger, push *dissem.WebPushChannel, receipts *dissem.ReceiptRecorder, stops *dissem.StopHandler) (*dispatch.Dispatcher, func(), error) {
	d := dispatch.New()
	closeAll := func() {}
	add := func(ch store.Channel, c dispatch.Channel) error { return d.AddLive(string(ch), c) }
	if err := add(store.ChannelWebhook, dissem.HTTPChannel{}); err != nil {
		return nil, nil, err
	}
	if err := add(store.ChannelPush, push); err != nil {
		return nil, nil, err
	}
	if err := add(store.ChannelCBC, dissem.HTTPChannel{}); err != nil {
		return nil, nil, err
	}
	if cfg.SMTPHost != "" {
		if err := add(store.ChannelEmail, dissem.EmailChannel{Host: cfg.SMTPHost, Port: cfg.SMTPPort, From: cfg.SMTPFrom,
			Username: cfg.SMTPUser, Password: cfg.SMTPPassword, StartTLS: cfg.SMTPStartTLS}); err != nil {
			return nil, nil, err
		}
	}
	if cfg.SMSHTTPURL != "" {
		if err := add(store.ChannelSMS, dissem.BulkHTTPChannel{URL: cfg.SMSHTTPURL, Token: cfg.SMSHTTPToken}); err != nil {
			return nil, nil, err
		}
	}
	if cfg.SMPPAddr != "" {
		client, err := smpp.Dial(ctx, smpp.Config{Addr: cfg.SMPPAddr, SystemID: cfg.SMPPSystemID, Password: cfg.SMPPPassword, Logger: log,
			OnReceipt: receipts.Add, OnMessage: stops.Add})
		if err != nil {
			return nil, nil, fmt.Errorf("SMSC %s: %w", cfg.SMPPAddr, err)
		}
		closeAll = func() { _ = client.Close() }
		if err := add(store.ChannelSMS, dissem.SMSChannel{Client: client, From: cfg.SMSFrom}); err != nil {
			return nil, nil, err
		}
	}
	return d, closeAll, nil
}

// pushVAPID is the node's Web Push identity: the configured key, else one derived from the node
// key (made once with the node and shared by its servers like the node key itself), with the
// contact push services' operators may write to.
func pushVAPID(cfg *config.Config, id node.Identity) (*dissem.VAPID, error) {
	var (
		key *ecdsa.PrivateKey
		err error
	)
	if cfg.VAPIDPrivateKey != "" {
		key, err = dissem.ParseVAPIDKey(cfg.VAPIDPrivateKey)
	} else {
		key, err = dissem.DeriveVAPIDKey(id.Key.Seed())
	}
	if err != nil {
		return nil, fmt.Errorf("vapid-private-key: %w", err)
	}
	subject := cfg.VAPIDSubject
	switch {
	case subject != "":
	case cfg.SMTPFrom != "":
		subject = "mailto:" + cfg.SMTPFrom
	case strings.HasPrefix(cfg.PublicURL, "https://"):
		subject = cfg.PublicURL
	}
	return dissem.NewVAPID(key, subject)
}

// unsubscribeLinks signs the unsubscribe links of warning e-mails with a key derived from the
// node key (as the VAPID key is), so every server of the node checks every other's links. They
// point at the public URL, or at this server when none is configured.
func unsubscribeLinks(cfg *config.Config, id node.Identity, ln net.Listener, cat *i18n.Catalog, log *slog.Logger) (*dissem.UnsubscribeLinks, error) {
	base := cfg.PublicURL
	if base == "" {
		scheme := "http"
		if cfg.TLSCert != "" {
			scheme = "https"
		}
		base = scheme + "://" + displayAddr(ln.Addr())
		log.Warn("public-url is not set: unsubscribe links in warning e-mails point at this server", "url", base)
	}
	return dissem.NewUnsubscribeLinks(id.Key.Seed(), base, cat)
}

// displayAddr turns a wildcard listen address into one a browser can open.
func displayAddr(a net.Addr) string {
	s := a.String()
	if host, port, err := net.SplitHostPort(s); err == nil && (host == "::" || host == "0.0.0.0" || host == "") {
		return net.JoinHostPort("127.0.0.1", port)
	}
	return s
}

func seedDemo(ctx context.Context, cfg *config.Config, db *sqlstore.DB, svc *auth.Service, out io.Writer) error {
	n, err := db.Orgs().Count(ctx)
	if err != nil || n > 0 {
		return err
	}
	password, generated := cfg.AdminPassword, false
	if password == "" {
		b := make([]byte, 12)
		if _, err := rand.Read(b); err != nil {
			return err
		}
		password, generated = base64.RawURLEncoding.EncodeToString(b), true
	}
	res, err := seed.Demo(ctx, db, svc, password)
	if err != nil || res.Orgs == 0 {
		return err
	}
	fmt.Fprintf(out, "Seeded demo data: %d organisations; users %s.\n", res.Orgs, strings.Join(res.Users, ", "))
	if generated {
		// Printed once, to the operator's terminal only; it is not logged.
		fmt.Fprintf(out, "Demo password for every demo user (shown once, set TAAWUN_ADMIN_PASSWORD to choose it): %s\n", password)
	} else {
		fmt.Fprintln(out, "Demo users have the password given in TAAWUN_ADMIN_PASSWORD.")
	}
	return nil
}

// housekeeping removes expired sessions and old published events.
// housekeeping expires warnings every 15 seconds (an expired warning must leave the public feeds
// promptly), and removes expired sessions and old published events every 10 minutes.
func housekeeping(ctx context.Context, db *sqlstore.DB, alerts *alert.Service, clk clock.Clock, log *slog.Logger) {
	t := time.NewTicker(15 * time.Second)
	defer t.Stop()
	var lastSweep time.Time
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if n, err := alerts.ExpireDue(ctx); err != nil && ctx.Err() == nil {
			log.Warn("housekeeping: expire warnings", "err", err)
		} else if n > 0 {
			log.Info("warnings expired", "count", n)
		}
		now := clk.Now()
		if now.Sub(lastSweep) < 10*time.Minute {
			continue
		}
		lastSweep = now
		if _, err := db.Sessions().DeleteExpired(ctx, now); err != nil && ctx.Err() == nil {
			log.Warn("housekeeping: sessions", "err", err)
		}
		// JetStream keeps events for 30 days; the outbox needs published rows only until the
		// duplicate window has passed.
		if _, err := db.Outbox().DeletePublishedBefore(ctx, now.Add(-24*time.Hour)); err != nil && ctx.Err() == nil {
			log.Warn("housekeeping: outbox", "err", err)
		}
	}
}
