package web

import (
	"context"
	"net/http"
	"time"
)

func (s *Server) healthz(w http.ResponseWriter, _ *http.Request, _ *reqCtx) {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok", "node": s.Node.ID, "version": s.Version})
}

// readyz answers 503 naming what is down when the database or the bus does not answer.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request, _ *reqCtx) {
	ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
	defer cancel()
	checks := map[string]string{}
	ready := true
	for name, dep := range map[string]Pinger{"database": s.Store, "bus": s.Bus} {
		if dep == nil {
			continue
		}
		if err := dep.Ping(ctx); err != nil {
			checks[name] = err.Error()
			ready = false
			continue
		}
		checks[name] = "ok"
	}
	if !ready {
		writeJSONStatus(w, http.StatusServiceUnavailable, map[string]any{
			"type": "about:blank", "title": "Service Unavailable", "status": 503,
			"detail": "not ready: " + describeDown(checks), "checks": checks,
		}, "application/problem+json")
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"status": "ready", "checks": checks})
}

func describeDown(checks map[string]string) string {
	out := ""
	for _, name := range []string{"database", "bus"} {
		if v, ok := checks[name]; ok && v != "ok" {
			if out != "" {
				out += "; "
			}
			out += name + ": " + v
		}
	}
	return out
}
