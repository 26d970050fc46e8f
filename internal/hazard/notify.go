package hazard

import (
	"context"
	"errors"
	"log/slog"

	"github.com/taawun/taawun/internal/alert"
	"github.com/taawun/taawun/internal/auth"
	"github.com/taawun/taawun/internal/dispatch"
	"github.com/taawun/taawun/internal/i18n"
	"github.com/taawun/taawun/internal/store"
)

// Mailer tells an organisation's duty officers by e-mail of a draft waiting for approval,
// through the node's e-mail channel. Officers also see the draft live on their pages: the
// alert.submitted event reaches them through the live event stream.
type Mailer struct {
	Store      store.Store
	Dispatcher *dispatch.Dispatcher
	Catalog    *i18n.Catalog
	// BaseURL is where officers open the node, for the link in the message.
	BaseURL string
	Log     *slog.Logger
}

// Notify sends the e-mails; a node without an e-mail channel sends none. Failures are logged:
// the draft is in the queue whether or not the e-mail arrives.
func (m *Mailer) Notify(ctx context.Context, org store.Org, alertID string, c alert.Content) {
	users, err := m.Store.Users().List(ctx, []string{org.ID})
	if err != nil {
		m.log().Warn("hazard: duty officers", "org", org.ShortName, "err", err)
		return
	}
	for _, u := range users {
		if u.Disabled || u.Email == "" || !auth.Can(u.Role, auth.PermDraftAlerts) || u.Role == auth.RoleAdmin {
			continue
		}
		lang, ok := i18n.Parse(u.Language)
		if !ok {
			lang = i18n.English
		}
		text, ok := c.Texts[string(lang)]
		if !ok {
			text, lang = c.Texts["en"], i18n.English
		}
		msg := dispatch.NewMessage(ctx, u.Email, "hazard-draft/"+alertID+"/"+u.ID)
		msg.Subject = m.Catalog.T(lang, "hazards.mail.subject", text.Headline)
		msg.Body = []byte(m.Catalog.T(lang, "hazards.mail.body", m.BaseURL+"/warnings/"+alertID, text.Headline, text.Description))
		msg.ContentType, msg.Language = "text/plain; charset=utf-8", string(lang)
		if _, err := m.Dispatcher.Send(ctx, string(store.ChannelEmail), msg); err != nil {
			if errors.Is(err, dispatch.ErrNoRoute) {
				return
			}
			m.log().Warn("hazard: e-mail to duty officer", "user", u.Username, "err", err)
		}
	}
}

func (m *Mailer) log() *slog.Logger {
	if m.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return m.Log
}
