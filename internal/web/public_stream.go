package web

import (
	"context"
	"encoding/json"
	"net/http"

	"github.com/taawun/taawun/internal/live"
	"github.com/taawun/taawun/internal/mode"
)

// publicKinds are the events the public stream tells pages about.
var publicKinds = map[string]bool{"alert.issued": true, "alert.updated": true, "alert.cancelled": true, "alert.expired": true}

// publicAlertStream tells open public pages, as it happens, that a live warning of status Actual
// was issued, updated, cancelled or expired, so they refresh. It carries no more than the page
// can fetch anyway: the kind and the warning's message id.
func (s *Server) publicAlertStream(w http.ResponseWriter, r *http.Request, _ *reqCtx) {
	s.streamEvents(w, r, mode.Live, func(_ context.Context, e live.Event) (string, []byte, bool) {
		if !publicKinds[e.Kind] {
			return "", nil, false
		}
		var ev struct {
			Data struct {
				CAPStatus string `json:"cap_status"`
				MessageID string `json:"message_id"`
			} `json:"data"`
		}
		if json.Unmarshal(e.Payload, &ev) != nil || ev.Data.CAPStatus != "Actual" {
			return "", nil, false
		}
		out, err := json.Marshal(map[string]string{"kind": e.Kind, "message_id": ev.Data.MessageID})
		return e.ID, out, err == nil
	})
}
