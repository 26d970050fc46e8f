package web

import (
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/taawun/taawun/internal/dissem"
	"github.com/taawun/taawun/internal/i18n"
	"github.com/taawun/taawun/internal/store"
)

// Leaving warnings, without an account. A warning e-mail links to /unsubscribe?t=TOKEN (see
// dissem.UnsubscribeLinks): the page says what will stop, in the subscriber's language, and
// stops it only when its button is pressed, since mail scanners open links. Mail clients that
// offer "unsubscribe" POST the same URL with "List-Unsubscribe=One-Click" (RFC 8058) and no
// CSRF token: the signed token is the credential, and no session is involved. Apps and the
// subscription page's "stop notifications on this device" use the JSON route.

func (s *Server) unsubscribeRoutes() []route {
	return []route{
		{method: "GET", pattern: "/unsubscribe", access: public, kind: kindPage, handle: s.unsubscribePage},
		{method: "POST", pattern: "/unsubscribe", access: public, kind: kindPage, ownCredential: true, handle: s.unsubscribeSubmit},
		{method: "POST", pattern: "/api/v1/unsubscribe", access: public, kind: kindAPI, summary: "Stop warnings: on the channel of an unsubscribe link's token, or to a browser's push subscription (its endpoint); forgets the subscriber when nothing is left", tag: "public", reqSchema: "UnsubscribeInput", respSchema: "Unsubscribed", handle: s.apiUnsubscribe},
		{method: "POST", pattern: "/api/v1/push/renew", access: public, kind: kindAPI, summary: "Move a browser's push subscription to the one its push service renewed (the service worker's pushsubscriptionchange)", tag: "public", reqSchema: "PushRenewal", respSchema: "PushRenewed", handle: s.apiPushRenew},
	}
}

var unsubscribeSchemas = map[string]any{
	"UnsubscribeInput": map[string]any{"type": "object", "minProperties": 1, "maxProperties": 1, "additionalProperties": false,
		"properties": map[string]any{
			"token":         map[string]any{"type": "string", "maxLength": 200, "description": "the t parameter of an unsubscribe link"},
			"push_endpoint": map[string]any{"type": "string", "maxLength": 2048, "description": "the endpoint of the browser's push subscription"},
		}},
	"PushRenewal": object([]string{"old_endpoint", "endpoint", "keys"}, map[string]any{
		"old_endpoint": map[string]any{"type": "string", "maxLength": 2048, "description": "the endpoint of the subscription that ended"},
		"endpoint":     map[string]any{"type": "string", "maxLength": 2048},
		"keys":         object([]string{"p256dh", "auth"}, map[string]any{"p256dh": str, "auth": str}),
	}),
	"PushRenewed": object([]string{"renewed"}, map[string]any{
		"renewed": map[string]any{"type": "boolean", "description": "false when no subscriber had the old endpoint"},
	}),
	"Unsubscribed": object([]string{"unsubscribed"}, map[string]any{
		"unsubscribed": map[string]any{"type": "boolean", "description": "false when nothing was left to stop"},
		"channel":      map[string]any{"type": "string", "enum": []string{"email", "sms", "push"}},
	}),
}

// unsubscribeView is what the page shows: the token to post back, and what will stop.
type unsubscribeView struct {
	Token      string
	ChannelKey string // catalogue key of the channel's words
	Address    string // masked
}

// unsubscribeLinks is the server's unsubscribe links: those given, else ones keyed by the node
// key, else (a server without one, in tests) a key of this process only.
func unsubscribeLinks(o Options) *dissem.UnsubscribeLinks {
	if o.Unsubscribe != nil {
		return o.Unsubscribe
	}
	if len(o.Node.Key) > 0 {
		if l, err := dissem.NewUnsubscribeLinks(o.Node.Key.Seed(), o.PublicURL, o.Catalog); err == nil {
			return l
		}
	}
	return dissem.NewEphemeralUnsubscribeLinks(o.PublicURL, o.Catalog)
}

// unsubscribeTarget checks a token and loads its recipient; found is false when the recipient no
// longer takes the channel (it left already).
func (s *Server) unsubscribeTarget(r *http.Request, token string) (rcp store.Recipient, ch store.Channel, found bool, err error) {
	id, ch, err := s.Unsubscribe.Check(token)
	if err != nil {
		return rcp, "", false, err
	}
	rcp, err = s.Store.Recipients().Get(r.Context(), id)
	if errors.Is(err, store.ErrNotFound) {
		return rcp, ch, false, nil
	}
	if err != nil {
		return rcp, ch, false, err
	}
	for _, c := range rcp.Channels {
		if c == ch {
			return rcp, ch, true, nil
		}
	}
	return rcp, ch, false, nil
}

// pageTarget is unsubscribeTarget for the pages: it answers a bad token or a failure itself
// (ok false), and shows the page in the subscriber's language.
func (s *Server) pageTarget(w http.ResponseWriter, r *http.Request, rc *reqCtx, token string) (rcp store.Recipient, ch store.Channel, found, ok bool) {
	rcp, ch, found, err := s.unsubscribeTarget(r, token)
	if errors.Is(err, dissem.ErrBadUnsubscribeToken) {
		s.render(w, r, rc, http.StatusBadRequest, "unsubscribe", pageData{TitleKey: "unsubscribe.title", Nav: "public", ErrorKey: "unsubscribe.bad_token"})
		return rcp, ch, false, false
	}
	if err != nil {
		s.internal(w, r, rc, err)
		return rcp, ch, false, false
	}
	speakTheirLanguage(r, rc, rcp)
	return rcp, ch, found, true
}

// speakTheirLanguage shows the page in the subscriber's language unless the visitor chose one.
func speakTheirLanguage(r *http.Request, rc *reqCtx, rcp store.Recipient) {
	if r.URL.Query().Get("lang") != "" {
		return
	}
	if _, err := r.Cookie(langCookie); err == nil {
		return
	}
	if l, ok := i18n.Parse(rcp.Language); ok {
		rc.Lang = l
	}
}

func (s *Server) unsubscribePage(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	token := r.URL.Query().Get("t")
	rcp, ch, found, ok := s.pageTarget(w, r, rc, token)
	if !ok {
		return
	}
	if !found {
		s.render(w, r, rc, http.StatusOK, "unsubscribe", pageData{TitleKey: "unsubscribe.title", Nav: "public", NoticeKey: "unsubscribe.already"})
		return
	}
	s.render(w, r, rc, http.StatusOK, "unsubscribe", pageData{TitleKey: "unsubscribe.title", Nav: "public",
		Data: unsubscribeView{Token: token, ChannelKey: "unsubscribe.by_" + string(ch), Address: maskAddress(rcp, ch)}})
}

// unsubscribeSubmit stops what the token names: from the page's form (with its CSRF token), or
// from a mail client's one-click POST (RFC 8058: the body is List-Unsubscribe=One-Click and the
// token is in the URL).
func (s *Server) unsubscribeSubmit(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		if err := r.ParseMultipartForm(4 << 10); err != nil {
			s.render(w, r, rc, http.StatusBadRequest, "unsubscribe", pageData{TitleKey: "unsubscribe.title", Nav: "public", ErrorKey: "error.bad_request"})
			return
		}
	}
	oneClick := r.PostForm.Get("List-Unsubscribe") == "One-Click"
	if !oneClick && !s.csrfOK(r, rc) {
		s.renderError(w, r, rc, http.StatusForbidden, s.Catalog.T(rc.Lang, "error.csrf"))
		return
	}
	token := r.URL.Query().Get("t")
	if token == "" {
		token = r.PostForm.Get("t")
	}
	rcp, ch, found, ok := s.pageTarget(w, r, rc, token)
	if !ok {
		return
	}
	notice := "unsubscribe.already"
	if found {
		via := "link"
		if oneClick {
			via = "one-click"
		}
		left, err := dissem.Leave(r.Context(), s.Store, rcp.ID, ch, via)
		if err != nil {
			s.internal(w, r, rc, err)
			return
		}
		if left {
			notice = "unsubscribe.done"
		}
	}
	s.render(w, r, rc, http.StatusOK, "unsubscribe", pageData{TitleKey: "unsubscribe.title", Nav: "public", NoticeKey: notice})
}

type unsubscribeInput struct {
	Token        string `json:"token"`
	PushEndpoint string `json:"push_endpoint"`
}

func (s *Server) apiUnsubscribe(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	var in unsubscribeInput
	if !decodeJSON(w, r, &in) {
		return
	}
	switch {
	case in.Token != "" && in.PushEndpoint == "":
		rcp, ch, found, err := s.unsubscribeTarget(r, in.Token)
		if errors.Is(err, dissem.ErrBadUnsubscribeToken) {
			writeProblemField(w, http.StatusBadRequest, s.Catalog.T(rc.Lang, "unsubscribe.bad_token"), "token")
			return
		}
		if err != nil {
			s.apiInternal(w, r, err)
			return
		}
		left := false
		if found {
			if left, err = dissem.Leave(r.Context(), s.Store, rcp.ID, ch, "api"); err != nil {
				s.apiInternal(w, r, err)
				return
			}
		}
		writeJSON(w, http.StatusOK, map[string]any{"unsubscribed": left, "channel": ch})
	case in.PushEndpoint != "" && in.Token == "":
		left, err := s.leaveByAddress(r, store.ChannelPush, in.PushEndpoint, "browser")
		if err != nil {
			s.apiInternal(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"unsubscribed": left, "channel": store.ChannelPush})
	default:
		writeProblem(w, http.StatusBadRequest, "give either token (from an unsubscribe link) or push_endpoint (a browser's push subscription)")
	}
}

// leaveByAddress stops channel ch for every recipient reached at address: knowing a push
// endpoint (a secret URL only the browser and the node hold) or receiving on a phone number is
// what entitles someone to stop it.
func (s *Server) leaveByAddress(r *http.Request, ch store.Channel, address, via string) (bool, error) {
	if len(address) > 2048 {
		return false, nil
	}
	rs, err := s.Store.Recipients().ByAddress(r.Context(), ch, address)
	if err != nil {
		return false, err
	}
	stopped := false
	for _, rcp := range rs {
		left, err := dissem.Leave(r.Context(), s.Store, rcp.ID, ch, via)
		if err != nil {
			return stopped, err
		}
		stopped = stopped || left
	}
	return stopped, nil
}

// maskAddress shows enough of an address for its owner to recognise it, and little to anyone
// else holding the link: l•••@example.pk, +92•••••••67, the push service's host; isolated, so
// that it reads left to right inside Urdu.
func maskAddress(rcp store.Recipient, ch store.Channel) string {
	return "\u2068" + masked(rcp, ch) + "\u2069"
}

func masked(rcp store.Recipient, ch store.Channel) string {
	switch ch {
	case store.ChannelEmail:
		local, domain, ok := strings.Cut(rcp.Email, "@")
		if !ok || local == "" {
			return "•••"
		}
		return string([]rune(local)[:1]) + "•••@" + domain
	case store.ChannelSMS:
		if len(rcp.Phone) < 6 {
			return "•••"
		}
		return rcp.Phone[:3] + strings.Repeat("•", len(rcp.Phone)-5) + rcp.Phone[len(rcp.Phone)-2:]
	case store.ChannelPush:
		if u, err := url.Parse(rcp.WebhookURL); err == nil {
			return u.Host
		}
	}
	return "•••"
}

type pushRenewal struct {
	OldEndpoint string `json:"old_endpoint"`
	Endpoint    string `json:"endpoint"`
	Keys        struct {
		P256dh string `json:"p256dh"`
		Auth   string `json:"auth"`
	} `json:"keys"`
}

// apiPushRenew moves the subscribers of a browser's ended push subscription to the one its push
// service made instead. Knowing the old endpoint, a secret URL only the browser, its push
// service and this node hold, is what entitles the service worker to it, as it entitles a
// browser to unsubscribe.
func (s *Server) apiPushRenew(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	var in pushRenewal
	if !decodeJSON(w, r, &in) {
		return
	}
	sub := dissem.PushSubscription{Endpoint: in.Endpoint, P256dh: in.Keys.P256dh, Auth: in.Keys.Auth}
	if err := sub.Check(); err != nil {
		writeProblemField(w, http.StatusUnprocessableEntity, s.Catalog.T(rc.Lang, "push.bad_subscription"), "endpoint")
		return
	}
	if in.OldEndpoint == "" || len(in.OldEndpoint) > 2048 {
		writeProblemField(w, http.StatusBadRequest, "old_endpoint: the endpoint of the subscription that ended is required", "old_endpoint")
		return
	}
	ctx := r.Context()
	rs, err := s.Store.Recipients().ByAddress(ctx, store.ChannelPush, in.OldEndpoint)
	if err != nil {
		s.apiInternal(w, r, err)
		return
	}
	for _, rcp := range rs {
		err := s.Store.WithTx(ctx, func(tx store.Tx) error {
			if err := tx.Recipients().Readdress(ctx, rcp.ID, store.ChannelPush, sub.Endpoint, sub.P256dh+"."+sub.Auth); err != nil {
				return err
			}
			return tx.Record(ctx, store.Change{Actor: dissem.PublicActor, Action: "recipient.updated", EntityType: "recipient", EntityID: rcp.ID,
				After: map[string]any{"renewed_channel": store.ChannelPush}})
		})
		if err != nil {
			s.apiInternal(w, r, err)
			return
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"renewed": len(rs) > 0})
}
