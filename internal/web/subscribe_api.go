package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/taawun/taawun/internal/dissem"
)

// The public subscription flow of /subscribe, for apps and partners' sites: ask, then confirm with
// the code sent to the address. Like the page it needs no login; the steps and limits are the
// page's (subscribe.go).

func (s *Server) subscriptionRoutes() []route {
	return []route{
		{method: "POST", pattern: "/api/v1/subscriptions", access: public, kind: kindAPI, summary: "Subscribe to warnings at a place by e-mail, SMS or Web Push; a code is sent to confirm (10 requests an hour per client)", tag: "public", reqSchema: "SubscriptionInput", respSchema: "SubscriptionPending", handle: s.apiSubscribe},
		{method: "POST", pattern: "/api/v1/subscriptions/{id}/confirm", access: public, kind: kindAPI, summary: "Confirm a subscription with the code that was sent", tag: "public", reqSchema: "SubscriptionConfirm", handle: s.apiSubscriptionConfirm},
	}
}

var subscriptionSchemas = map[string]any{
	"SubscriptionInput": object([]string{"language", "channel", "lat", "lon"}, map[string]any{
		"name": str, "language": map[string]any{"type": "string", "enum": []string{"en", "ur", "ru", "zh"}},
		"channel": map[string]any{"type": "string", "enum": []string{"email", "sms", "push"}},
		"address": map[string]any{"type": "string", "description": "the e-mail address or E.164 phone number; not used for push"},
		"lat":     map[string]any{"type": "number", "minimum": -90, "maximum": 90}, "lon": map[string]any{"type": "number", "minimum": -180, "maximum": 180},
		"push": object([]string{"endpoint", "keys"}, map[string]any{"endpoint": str,
			"keys": object([]string{"p256dh", "auth"}, map[string]any{"p256dh": str, "auth": str})}),
	}),
	"SubscriptionPending": object([]string{"id", "confirm_by"}, map[string]any{"id": str,
		"confirm_by": map[string]any{"type": "string", "format": "date-time"}}),
	"SubscriptionConfirm": object([]string{"code"}, map[string]any{"code": map[string]any{"type": "string", "pattern": "^[0-9]{6}$"}}),
}

type subscriptionInput struct {
	Name     string  `json:"name"`
	Language string  `json:"language"`
	Channel  string  `json:"channel"`
	Address  string  `json:"address"`
	Lat      float64 `json:"lat"`
	Lon      float64 `json:"lon"`
	Push     *struct {
		Endpoint string `json:"endpoint"`
		Keys     struct {
			P256dh string `json:"p256dh"`
			Auth   string `json:"auth"`
		} `json:"keys"`
	} `json:"push"`
}

func (s *Server) apiSubscribe(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	var in subscriptionInput
	if !decodeJSON(w, r, &in) {
		return
	}
	f := subscribeForm{Name: strings.TrimSpace(in.Name), Language: in.Language, Channel: in.Channel, Address: strings.TrimSpace(in.Address),
		Lat: strconv.FormatFloat(in.Lat, 'f', -1, 64), Lon: strconv.FormatFloat(in.Lon, 'f', -1, 64)}
	var push dissem.PushSubscription
	if in.Push != nil {
		push = dissem.PushSubscription{Endpoint: in.Push.Endpoint, P256dh: in.Push.Keys.P256dh, Auth: in.Push.Keys.Auth}
	}
	rcp, fail, err := s.subscribe(r, f, push)
	if err != nil {
		s.apiInternal(w, r, err)
		return
	}
	if fail != nil {
		s.subscriptionProblem(w, rc, fail)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]any{"id": rcp.ID, "confirm_by": rcp.ConfirmExpires.UTC().Format(time.RFC3339)})
}

func (s *Server) apiSubscriptionConfirm(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	var in struct {
		Code string `json:"code"`
	}
	if !decodeJSON(w, r, &in) {
		return
	}
	fail, err := s.confirmSubscription(r, r.PathValue("id"), strings.TrimSpace(in.Code))
	if err != nil {
		s.apiInternal(w, r, err)
		return
	}
	if fail != nil {
		s.subscriptionProblem(w, rc, fail)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"id": r.PathValue("id"), "confirmed": true})
}

// subscriptionProblem answers a refusal with the page's message, in the caller's language.
func (s *Server) subscriptionProblem(w http.ResponseWriter, rc *reqCtx, fail *subscribeFailure) {
	detail := s.Catalog.T(rc.Lang, fail.key)
	if fail.detail != "" {
		detail += " (" + fail.detail + ")"
	}
	if fail.status == http.StatusTooManyRequests {
		w.Header().Set("Retry-After", strconv.Itoa(int(subscribeWindow.Seconds())))
	}
	writeProblem(w, fail.status, detail)
}
