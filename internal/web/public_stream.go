package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/taawun/taawun/internal/mode"
)

// publicKinds are the events the public stream tells pages about.
var publicKinds = map[string]bool{"alert.issued": true, "alert.updated": true, "alert.cancelled": true, "alert.expired": true}

// publicAlertStream tells open public pages, as it happens, that a live warning of status Actual
// was issued, updated, cancelled or expired, so they refresh. It carries no more than the page
// can fetch anyway: the kind and the warning's message id.
func (s *Server) publicAlertStream(w http.ResponseWriter, r *http.Request, _ *reqCtx) {
	if s.Live == nil {
		writeProblem(w, http.StatusServiceUnavailable, "live updates are not available on this server")
		return
	}
	rctl := http.NewResponseController(w)
	ctx, cancel := context.WithTimeout(r.Context(), s.SSELifetime)
	defer cancel()
	client := s.Live.Subscribe(mode.Live)
	defer client.Close()
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	fmt.Fprint(w, "retry: 5000\n\n")
	_ = rctl.Flush()
	heartbeat := time.NewTicker(20 * time.Second)
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
			if !publicKinds[e.Kind] {
				continue
			}
			var ev struct {
				Data struct {
					CAPStatus string `json:"cap_status"`
					MessageID string `json:"message_id"`
				} `json:"data"`
			}
			if json.Unmarshal(e.Payload, &ev) != nil || ev.Data.CAPStatus != "Actual" {
				continue
			}
			out, _ := json.Marshal(map[string]string{"kind": e.Kind, "message_id": ev.Data.MessageID})
			if _, err := fmt.Fprintf(w, "data: %s\n\n", out); err != nil {
				return
			}
		}
		if err := rctl.Flush(); err != nil {
			return
		}
	}
}
