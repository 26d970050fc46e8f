package web

import (
	"context"
	"io/fs"
	"net/http"
	"net/url"

	"github.com/taawun/taawun/internal/dispatch"
	"github.com/taawun/taawun/internal/dissem"
	"github.com/taawun/taawun/internal/i18n"
	"github.com/taawun/taawun/internal/store"
)

// Web Push subscriptions from the public page. The page's script (static/js/push.js) registers
// the service worker, subscribes with the node's VAPID key and posts the subscription with the
// form; it is then confirmed like an e-mail or SMS subscription, by a code, which here travels in
// a push message to that browser. A code rather than "the push service accepted a welcome
// message": the endpoint is a URL the visitor chose, and accepting any URL that answers 201
// would let anyone point the node's warnings at a server of their choosing. The code proves the
// subscriber can read what is sent there, and the page takes it from the service worker and
// submits it by itself, so confirming costs the subscriber nothing.

// pushWorkerPath is where the service worker is served; its scope is that folder, so it
// controls no page and only receives pushes.
const pushWorkerPath = "/push/sw.js"

func (s *Server) pushRoutes() []route {
	return []route{
		{method: "GET", pattern: pushWorkerPath, access: public, kind: kindRaw, handle: s.pushWorker},
	}
}

// pushWorker serves the service worker from the binary, never cached for long: browsers check it
// for updates at most daily anyway, and a stale worker would show warnings wrongly.
func (s *Server) pushWorker(w http.ResponseWriter, r *http.Request, _ *reqCtx) {
	const name = "js/push-sw.js"
	b, err := fs.ReadFile(s.static.fsys, name)
	if err != nil {
		writeProblem(w, http.StatusNotFound, "no service worker")
		return
	}
	w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
	s.static.serveBytes(w, r, name, s.static.hashes[name], b)
}

// pushSubscription reads the subscription the page's script put into the form.
func pushSubscription(r *http.Request) dissem.PushSubscription {
	return dissem.PushSubscription{Endpoint: r.PostForm.Get("push_endpoint"), P256dh: r.PostForm.Get("push_p256dh"), Auth: r.PostForm.Get("push_auth")}
}

// pushCode is the push message carrying a subscription's code, in the subscriber's language; a
// click on its notification opens the confirmation link.
func (s *Server) pushCode(ctx context.Context, rcp store.Recipient, code string) (dispatch.Message, error) {
	lang := i18n.Lang(rcp.Language)
	link := "/subscribe/confirm?" + url.Values{"id": {rcp.ID}, "code": {code}}.Encode()
	return dissem.NewPushMessage(ctx, dissem.PushSubscriptionOf(rcp), "confirm/"+rcp.ID, dissem.PushPayload{
		Title: s.Catalog.T(lang, "push.confirm_title"), Body: s.Catalog.T(lang, "push.confirm_body", code), URL: link,
		Lang: rcp.Language, Dir: dissem.TextDirection(rcp.Language), Tag: "confirm-" + rcp.ID, Urgency: "high",
		Expires: rcp.ConfirmExpires, Code: code,
	})
}
