package dissem

import (
	"context"
	"errors"
	"log/slog"
	"strings"

	"github.com/taawun/taawun/internal/dispatch"
	"github.com/taawun/taawun/internal/i18n"
	"github.com/taawun/taawun/internal/mode"
	"github.com/taawun/taawun/internal/sms/smpp"
	"github.com/taawun/taawun/internal/store"
)

// stopKeywords are the replies that end SMS warnings to the phone that sends one, each with the
// language of the confirmation for a phone the node does not know: STOP and UNSUBSCRIBE, and
// "stop" in Urdu, Russian and Chinese.
var stopKeywords = map[string]string{
	"STOP": "en", "UNSUBSCRIBE": "en", "بند": "ur", "СТОП": "ru", "退订": "zh",
}

// stopLanguage reports whether text is a stop keyword (ignoring case and surrounding space and
// punctuation) and the keyword's language.
func stopLanguage(text string) (string, bool) {
	t := strings.TrimFunc(text, func(r rune) bool {
		return r == ' ' || r == '\t' || r == '\n' || r == '\r' || strings.ContainsRune(".!?。！؟۔", r)
	})
	for k, lang := range stopKeywords {
		if strings.EqualFold(t, k) {
			return lang, true
		}
	}
	return "", false
}

// errStopQueueFull is answered to the SMSC, which delivers the message again later.
var errStopQueueFull = errors.New("dissem: too many replies waiting")

// StopHandler unsubscribes the phones that reply STOP (or its words in the node's languages) from
// SMS warnings, and confirms by SMS in the subscriber's language. The SMPP client hands replies
// over on its reader goroutine, where nothing may wait for the SMSC: Add only queues, and Run
// does the work.
type StopHandler struct {
	store store.Store
	cat   *i18n.Catalog
	log   *slog.Logger
	queue chan smpp.MO
	// Dispatcher sends the confirmations on the "sms" channel; set it before Run.
	Dispatcher *dispatch.Dispatcher
}

// stopQueue is how many replies may wait; beyond it the SMSC is asked to deliver them again.
const stopQueue = 1000

// NewStopHandler makes a handler for the SMS channel's replies.
func NewStopHandler(st store.Store, cat *i18n.Catalog, log *slog.Logger) *StopHandler {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &StopHandler{store: st, cat: cat, log: log, queue: make(chan smpp.MO, stopQueue)}
}

// Add queues one reply; it is the SMPP client's OnMessage.
func (h *StopHandler) Add(mo smpp.MO) error {
	select {
	case h.queue <- mo:
		return nil
	default:
		return errStopQueueFull
	}
}

// Run handles queued replies until ctx ends.
func (h *StopHandler) Run(ctx context.Context) error {
	for {
		select {
		case <-ctx.Done():
			return nil
		case mo := <-h.queue:
			if err := h.handle(mode.With(ctx, mode.Live), mo); err != nil && ctx.Err() == nil {
				h.log.Warn("dissem: SMS reply not handled", "err", err)
			}
		}
	}
}

// handle unsubscribes the sender of a stop keyword from SMS and confirms; other texts are not
// for this node and are dropped. The confirmation goes also to a phone that had already left
// (or never subscribed), in its keyword's language: the sender wants to know where they stand.
func (h *StopHandler) handle(ctx context.Context, mo smpp.MO) error {
	lang, ok := stopLanguage(mo.Text)
	if !ok {
		h.log.Info("dissem: SMS reply is no stop keyword; ignored", "words", len(strings.Fields(mo.Text)))
		return nil
	}
	phone := mo.From
	if !strings.HasPrefix(phone, "+") {
		phone = "+" + phone // SMSCs give international numbers without the plus; recipients hold E.164
	}
	rs, err := h.store.Recipients().ByAddress(ctx, store.ChannelSMS, phone)
	if err != nil {
		return err
	}
	for _, r := range rs {
		if _, err := Leave(ctx, h.store, r.ID, store.ChannelSMS, "sms-stop"); err != nil {
			return err
		}
		if _, known := i18n.Parse(r.Language); known {
			lang = r.Language
		}
	}
	if h.Dispatcher == nil {
		return errors.New("dissem: no dispatcher to confirm an SMS stop")
	}
	m := dispatch.NewMessage(ctx, phone, "stop/"+phone)
	m.Body, m.Language = []byte(h.cat.T(i18n.Lang(lang), "unsubscribe.sms_stopped")), lang
	if _, err := h.Dispatcher.Send(ctx, string(store.ChannelSMS), m); err != nil {
		return err
	}
	h.log.Info("dissem: SMS stop", "recipients", len(rs))
	return nil
}
