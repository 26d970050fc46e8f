package web

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/taawun/taawun/internal/auth"
	"github.com/taawun/taawun/internal/hazard"
	"github.com/taawun/taawun/internal/live"
	"github.com/taawun/taawun/internal/mode"
)

// events streams the node's bus events of the request's mode to a page as server-sent events,
// limited to the organisations the caller acts in.
func (s *Server) events(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	visible := map[string]bool{}
	s.streamEvents(w, r, mode.From(r.Context()), func(ctx context.Context, e live.Event) (string, []byte, bool) {
		// Events are unnamed (the kind is inside the data) so pages handle every kind,
		// including kinds added later, with one onmessage handler.
		if hazard.ForEveryOfficer(e.Kind) {
			return e.ID, e.Payload, rc.P.Can(auth.PermViewDashboard)
		}
		return e.ID, e.Payload, s.eventVisible(ctx, rc.P, e.OrgID, visible)
	})
}

// streamEvents serves bus events of mode m as server-sent events, each turned into an id and
// data by pick (or skipped when it says no). Connections end after SSELifetime and pages
// reconnect, so no server holds a client for ever and load spreads across servers; a comment
// every 15 s keeps proxies from closing an idle stream.
func (s *Server) streamEvents(w http.ResponseWriter, r *http.Request, m mode.Mode, pick func(context.Context, live.Event) (string, []byte, bool)) {
	if s.Live == nil {
		writeProblem(w, http.StatusServiceUnavailable, "live events are not available on this server")
		return
	}
	rctl := http.NewResponseController(w)
	ctx, cancel := context.WithTimeout(r.Context(), s.SSELifetime)
	defer cancel()
	client := s.Live.Subscribe(m)
	defer client.Close()

	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	fmt.Fprintf(w, "retry: 3000\n: connected to %s\n\n", s.Node.ID)
	_ = rctl.Flush()

	heartbeat := time.NewTicker(15 * time.Second)
	defer heartbeat.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-heartbeat.C:
			if _, err := fmt.Fprint(w, ": keep-alive\n\n"); err != nil {
				return
			}
		case e := <-client.Events():
			id, data, ok := pick(ctx, e)
			if !ok {
				continue
			}
			if _, err := fmt.Fprintf(w, "id: %s\ndata: %s\n\n", id, data); err != nil {
				return
			}
		}
		if err := rctl.Flush(); err != nil {
			return
		}
	}
}

// eventVisible reports whether an event about orgID may be shown to p: node-wide events to the
// national tier, others when the organisation is p's or below it. Answers are cached per stream.
func (s *Server) eventVisible(ctx context.Context, p *auth.Principal, orgID string, cache map[string]bool) bool {
	if orgID == "" {
		return p.Org.ParentID == ""
	}
	if v, ok := cache[orgID]; ok {
		return v
	}
	v := p.InScope(orgID)
	// An organisation created after the stream opened is not in the scope list yet: walk up.
	for id, depth := orgID, 0; !v && id != "" && depth < 16; depth++ {
		o, err := s.Store.Orgs().Get(ctx, id)
		if err != nil {
			break
		}
		v = o.ID == p.Org.ID
		id = o.ParentID
	}
	cache[orgID] = v
	return v
}
