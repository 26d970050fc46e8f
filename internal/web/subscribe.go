package web

import (
	"crypto/rand"
	"errors"
	"fmt"
	"math/big"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/taawun/taawun/internal/auth"
	"github.com/taawun/taawun/internal/dispatch"
	"github.com/taawun/taawun/internal/dissem"
	"github.com/taawun/taawun/internal/i18n"
	"github.com/taawun/taawun/internal/ident"
	"github.com/taawun/taawun/internal/store"
)

// Public subscription: anyone may ask for warnings at a place, in a language, by e-mail, SMS or
// notifications in their browser (Web Push, see push.go); the subscription counts once they type
// back the code sent to the address they gave.

const (
	confirmValidity     = 30 * time.Minute
	subscribeWindow     = time.Hour
	maxSubscribesPerIP  = 10
	maxConfirmsPerIP    = 20
	subscriptionActorID = "public"
)

type subscribeForm struct {
	Name, Language, Channel, Address, Lat, Lon string
	ID                                         string // set on the confirmation step
	PushKey                                    string // the VAPID key; empty without Web Push
}

func (s *Server) subscribePage(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	s.render(w, r, rc, http.StatusOK, "subscribe", pageData{TitleKey: "subscribe.title", Nav: "public",
		Data: subscribeForm{Language: string(rc.Lang), Channel: "email", PushKey: s.PushPublicKey}})
}

// subscribeSubmit stores an unconfirmed subscription and sends its code.
func (s *Server) subscribeSubmit(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	f := subscribeForm{Name: strings.TrimSpace(r.PostForm.Get("name")), Language: r.PostForm.Get("language"), Channel: r.PostForm.Get("channel"),
		Address: strings.TrimSpace(r.PostForm.Get("address")), Lat: r.PostForm.Get("lat"), Lon: r.PostForm.Get("lon"), PushKey: s.PushPublicKey}
	rcp, fail, err := s.subscribe(r, f, pushSubscription(r))
	if err != nil {
		s.internal(w, r, rc, err)
		return
	}
	if fail != nil {
		s.render(w, r, rc, fail.status, "subscribe", pageData{TitleKey: "subscribe.title", Nav: "public", ErrorKey: fail.key, Detail: fail.detail, Data: f})
		return
	}
	f.ID = rcp.ID
	notice := "subscribe.code_sent"
	if f.Channel == "push" {
		notice = "push.code_sent"
	}
	s.render(w, r, rc, http.StatusOK, "subscribe_confirm", pageData{TitleKey: "subscribe.title", Nav: "public", NoticeKey: notice, Data: f})
}

// subscribeFailure is why a subscription or confirmation was refused: an HTTP status, a
// catalogue key and a detail that is not translated.
type subscribeFailure struct {
	status      int
	key, detail string
}

// subscribe checks a subscription request (from the page or the API), stores it unconfirmed and
// sends its code. Requests are throttled per client address.
func (s *Server) subscribe(r *http.Request, f subscribeForm, push dissem.PushSubscription) (store.Recipient, *subscribeFailure, error) {
	fail := func(status int, key, detail string) (store.Recipient, *subscribeFailure, error) {
		return store.Recipient{}, &subscribeFailure{status, key, detail}, nil
	}
	ctx := r.Context()
	throttleKey := "subscribe:" + clientAddr(r)
	n, err := s.Store.LoginAttempts().CountSince(ctx, throttleKey, s.Clock.Now().Add(-subscribeWindow))
	if err != nil {
		return store.Recipient{}, nil, err
	}
	if n >= maxSubscribesPerIP {
		return fail(http.StatusTooManyRequests, "subscribe.too_many", "")
	}
	lat, errLat := strconv.ParseFloat(f.Lat, 64)
	lon, errLon := strconv.ParseFloat(f.Lon, 64)
	rcp := store.Recipient{Meta: store.Meta{ID: ident.NewID()}, Name: f.Name, Language: f.Language}
	switch {
	case f.Channel == "email" && dissem.ValidEmail(f.Address):
		rcp.Email, rcp.Channels = f.Address, []store.Channel{store.ChannelEmail}
	case f.Channel == "sms" && dissem.ValidPhone(f.Address):
		rcp.Phone, rcp.Channels = f.Address, []store.Channel{store.ChannelSMS}
	case f.Channel == "push" && s.PushPublicKey != "":
		if err := push.Check(); err != nil {
			return fail(http.StatusUnprocessableEntity, "push.bad_subscription", "")
		}
		push.Apply(&rcp)
	default:
		return fail(http.StatusUnprocessableEntity, "subscribe.bad_address", f.Address)
	}
	if _, ok := i18n.Parse(f.Language); !ok {
		return fail(http.StatusUnprocessableEntity, "error.invalid", "language")
	}
	if errLat != nil || errLon != nil || lat < -90 || lat > 90 || lon < -180 || lon > 180 {
		return fail(http.StatusUnprocessableEntity, "subscribe.bad_place", "")
	}
	rcp.Locations = []store.Location{{Label: "subscription", Lat: lat, Lon: lon}}
	code, err := confirmationCode()
	if err != nil {
		return store.Recipient{}, nil, err
	}
	rcp.ConfirmHash, rcp.ConfirmExpires = confirmHash(rcp.ID, code), s.Clock.Now().Add(confirmValidity)
	err = s.Store.WithTx(ctx, func(tx store.Tx) error {
		if err := tx.LoginAttempts().AddFailure(ctx, throttleKey, s.Clock.Now()); err != nil {
			return err
		}
		if err := tx.Recipients().Create(ctx, &rcp); err != nil {
			return err
		}
		return tx.Record(ctx, store.Change{Actor: subscriptionActorID, Action: "recipient.subscribed", EntityType: "recipient", EntityID: rcp.ID,
			After: map[string]any{"channels": rcp.Channels, "language": rcp.Language}, NoEvent: true})
	})
	if err != nil {
		return store.Recipient{}, nil, err
	}
	if err := s.sendCode(r, rcp, code); err != nil {
		s.Log.Warn("subscription code not sent", "channel", f.Channel, "err", err)
		return fail(http.StatusServiceUnavailable, "subscribe.not_sent", "")
	}
	return rcp, nil, nil
}

// sendCode sends the confirmation code in the subscriber's language, straight through the
// dispatcher: it is a reply to the person at the screen, not a warning to plan and retry.
func (s *Server) sendCode(r *http.Request, rcp store.Recipient, code string) error {
	if s.Dispatcher == nil {
		return errors.New("no outbound channels")
	}
	lang := i18n.Lang(rcp.Language)
	link := s.baseURL(r) + "/subscribe/confirm?id=" + rcp.ID + "&code=" + code
	var m dispatch.Message
	switch rcp.Channels[0] {
	case store.ChannelEmail:
		m = dispatch.NewMessage(r.Context(), rcp.Email, "confirm/"+rcp.ID)
		m.Subject = s.Catalog.T(lang, "subscribe.mail_subject")
		m.Body = []byte(s.Catalog.T(lang, "subscribe.mail_body", code, link))
	case store.ChannelPush:
		var err error
		if m, err = s.pushCode(r.Context(), rcp, code); err != nil {
			return err
		}
	default:
		m = dispatch.NewMessage(r.Context(), rcp.Phone, "confirm/"+rcp.ID)
		m.Body = []byte(s.Catalog.T(lang, "subscribe.sms_body", code))
	}
	m.Language = rcp.Language
	_, err := s.Dispatcher.Send(r.Context(), string(rcp.Channels[0]), m)
	return err
}

// subscribeConfirm checks the code (typed back, or from the e-mailed link) and activates the
// subscription.
func (s *Server) subscribeConfirm(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	id := r.FormValue("id")
	fail, err := s.confirmSubscription(r, id, strings.TrimSpace(r.FormValue("code")))
	if err != nil {
		s.internal(w, r, rc, err)
		return
	}
	if fail != nil {
		s.render(w, r, rc, fail.status, "subscribe_confirm", pageData{TitleKey: "subscribe.title", Nav: "public", ErrorKey: fail.key, Data: subscribeForm{ID: id}})
		return
	}
	s.render(w, r, rc, http.StatusOK, "subscribe_done", pageData{TitleKey: "subscribe.title", Nav: "public", NoticeKey: "subscribe.confirmed"})
}

// confirmSubscription activates subscription id when code is its code and still valid; its event
// puts the subscriber into every server's targeting index. Wrong codes are throttled per client
// address.
func (s *Server) confirmSubscription(r *http.Request, id, code string) (*subscribeFailure, error) {
	ctx := r.Context()
	throttleKey := "confirm:" + clientAddr(r)
	n, err := s.Store.LoginAttempts().CountSince(ctx, throttleKey, s.Clock.Now().Add(-subscribeWindow))
	if err != nil {
		return nil, err
	}
	if n >= maxConfirmsPerIP {
		return &subscribeFailure{status: http.StatusTooManyRequests, key: "subscribe.too_many"}, nil
	}
	err = s.Store.WithTx(ctx, func(tx store.Tx) error {
		if err := tx.Recipients().Confirm(ctx, id, confirmHash(id, code), s.Clock.Now()); err != nil {
			return err
		}
		return tx.Record(ctx, store.Change{Actor: subscriptionActorID, Action: "recipient.created", EntityType: "recipient", EntityID: id,
			After: map[string]any{"confirmed": true}})
	})
	if errors.Is(err, store.ErrNotFound) {
		if err := s.Store.LoginAttempts().AddFailure(ctx, throttleKey, s.Clock.Now()); err != nil {
			return nil, err
		}
		return &subscribeFailure{status: http.StatusUnprocessableEntity, key: "subscribe.bad_code"}, nil
	}
	return nil, err
}

// confirmationCode is six random digits.
func confirmationCode() (string, error) {
	n, err := rand.Int(rand.Reader, big.NewInt(1_000_000))
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%06d", n.Int64()), nil
}

// confirmHash binds a code to its subscription, so a code is useless for any other.
func confirmHash(id, code string) string { return auth.HashSecret(id + ":" + code) }
