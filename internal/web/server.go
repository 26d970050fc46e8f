package web

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/taawun/taawun/internal/alert"
	"github.com/taawun/taawun/internal/auth"
	"github.com/taawun/taawun/internal/clock"
	"github.com/taawun/taawun/internal/dispatch"
	"github.com/taawun/taawun/internal/dissem"
	"github.com/taawun/taawun/internal/i18n"
	"github.com/taawun/taawun/internal/live"
	"github.com/taawun/taawun/internal/node"
	"github.com/taawun/taawun/internal/ops"
	"github.com/taawun/taawun/internal/population"
	"github.com/taawun/taawun/internal/regions"
	"github.com/taawun/taawun/internal/store"
)

// Pinger is a dependency /readyz checks.
type Pinger interface {
	Ping(ctx context.Context) error
}

// Options configure a Server.
type Options struct {
	Store   store.Store
	Auth    *auth.Service
	Bus     Pinger
	Live    *live.Hub
	Node    node.Identity
	Clock   clock.Clock
	Log     *slog.Logger
	Catalog *i18n.Catalog
	// Registry receives the server's metrics; /metrics serves it.
	Registry *prometheus.Registry
	// SecureCookies marks cookies Secure (behind TLS).
	SecureCookies bool
	// MaxBody is the largest request body accepted; larger ones get 413.
	MaxBody int64
	Version string
	// PublicURL is where the public reaches the node; feeds use it for absolute links.
	PublicURL string
	// Alerts runs the warning lifecycle.
	Alerts *alert.Service
	// Regions resolves area codes, imported districts included; the embedded countries and
	// provinces only when nil.
	Regions *regions.Lookup
	// Targeter finds the recipients inside an area, for the composer's count.
	Targeter dissem.Targeter
	// Dispatcher sends subscription codes.
	Dispatcher *dispatch.Dispatcher
	// PushPublicKey is the node's VAPID public key browsers subscribe to Web Push with; empty
	// hides the push option of the subscription page.
	PushPublicKey string
	// Unsubscribe checks the tokens of unsubscribe links; nil derives its key from Node.Key.
	Unsubscribe *dissem.UnsubscribeLinks
	// SSELifetime bounds one live-stream connection; the page reconnects after it.
	SSELifetime time.Duration
	// Ops runs emergency operations; nil makes one over Store.
	Ops *ops.Service
	// Chromium is the path of the Chromium binary that prints situation reports to PDF; empty
	// turns PDF export off (it answers 503 naming the setting).
	Chromium string
	// Population holds the gazetteer and population model in force (loaded from Store on first
	// use when empty); the geography imports reload it.
	Population *population.Layers
}

// Server is the HTTP face of a node.
type Server struct {
	Options
	templates map[i18n.Lang]pageSet
	static    *staticFiles
	routes    []route
	// pages answers which GET routes a path has (see pagePath).
	pages     *http.ServeMux
	handler   http.Handler
	metrics   *httpMetrics
	copBodies copBodies // the operating picture's answer buffers (cop.go)
}

// New builds a Server.
func New(opts Options) (*Server, error) {
	if opts.Clock == nil {
		opts.Clock = clock.System{}
	}
	if opts.Log == nil {
		opts.Log = slog.New(slog.DiscardHandler)
	}
	if opts.MaxBody <= 0 {
		opts.MaxBody = 1 << 20
	}
	if opts.SSELifetime <= 0 {
		opts.SSELifetime = 30 * time.Minute
	}
	if opts.Regions == nil {
		opts.Regions = &regions.Lookup{Store: opts.Store, Clock: opts.Clock}
	}
	if opts.Ops == nil {
		opts.Ops = &ops.Service{Store: opts.Store, Clock: opts.Clock, Areas: opts.Regions}
	}
	if opts.Targeter == nil {
		opts.Targeter = dissem.ScanTargeter{Store: opts.Store}
	}
	if opts.Population == nil {
		opts.Population = &population.Layers{}
	}
	opts.Unsubscribe = unsubscribeLinks(opts)
	if opts.Registry == nil {
		opts.Registry = prometheus.NewRegistry()
	}
	s := &Server{Options: opts}
	var err error
	if s.static, err = newStaticFiles(); err != nil {
		return nil, err
	}
	if s.templates, err = s.parseTemplates(); err != nil {
		return nil, err
	}
	if s.metrics, err = newHTTPMetrics(opts.Registry); err != nil {
		return nil, fmt.Errorf("web: metrics: %w", err)
	}
	s.routes = s.routeTable()
	mux := http.NewServeMux()
	s.pages = http.NewServeMux()
	for _, rt := range s.routes {
		mux.Handle(rt.method+" "+rt.pattern, s.guard(rt))
		if rt.method == http.MethodGet {
			s.pages.Handle(rt.method+" "+rt.pattern, http.NotFoundHandler())
		}
	}
	mux.Handle("/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeProblem(w, http.StatusNotFound, "no such route: "+r.Method+" "+r.URL.Path)
	}))
	s.handler = s.recoverPanics(s.instrument(s.securityHeaders(mux)))
	return s, nil
}

// ServeHTTP serves a request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }
