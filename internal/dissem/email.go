package dissem

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/wneessen/go-mail"

	"github.com/taawun/taawun/internal/dispatch"
)

// EmailChannel sends e-mail through an SMTP relay: a text part and an HTML part in the
// recipient's language.
type EmailChannel struct {
	Host     string
	Port     int
	From     string
	Username string
	Password string
	// StartTLS requires STARTTLS; without it the relay must be on a trusted network.
	StartTLS bool
}

// Send sends m. The Message-ID is made from the notification key, so a repeat is recognisable
// as the same message by the receiving system.
func (c EmailChannel) Send(ctx context.Context, m dispatch.Message) (bool, error) {
	msg := mail.NewMsg()
	if err := msg.From(c.From); err != nil {
		return false, fmt.Errorf("dissem: e-mail sender %q: %w", c.From, err)
	}
	if err := msg.To(m.Recipient); err != nil {
		return false, fmt.Errorf("dissem: e-mail address %q: %w", m.Recipient, err)
	}
	msg.Subject(m.Subject)
	msg.SetMessageIDWithValue(messageID(m.Key))
	msg.SetGenHeader(mail.HeaderContentLang, m.Language)
	if m.Unsubscribe != "" {
		// RFC 8058: a mail client may offer "unsubscribe", which POSTs
		// "List-Unsubscribe=One-Click" to the URL without showing the page.
		msg.SetGenHeader(mail.HeaderListUnsubscribe, "<"+m.Unsubscribe+">")
		msg.SetGenHeader(mail.HeaderListUnsubscribePost, "List-Unsubscribe=One-Click")
	}
	msg.SetBodyString(mail.TypeTextPlain, string(m.Body))
	if len(m.HTML) > 0 {
		msg.AddAlternativeString(mail.TypeTextHTML, string(m.HTML))
	}
	policy := mail.NoTLS
	if c.StartTLS {
		policy = mail.TLSMandatory
	}
	opts := []mail.Option{mail.WithPort(c.Port), mail.WithTLSPolicy(policy), mail.WithTimeout(20 * time.Second)}
	if c.Username != "" {
		opts = append(opts, mail.WithSMTPAuth(mail.SMTPAuthPlain), mail.WithUsername(c.Username), mail.WithPassword(c.Password))
	}
	client, err := mail.NewClient(c.Host, opts...)
	if err != nil {
		return false, fmt.Errorf("dissem: smtp client: %w", err)
	}
	if err := client.DialAndSendWithContext(ctx, msg); err != nil {
		var se *mail.SendError
		if errors.As(err, &se) {
			return se.IsTemp(), fmt.Errorf("dissem: e-mail to %s: %w", m.Recipient, err)
		}
		return true, fmt.Errorf("dissem: e-mail to %s: %w", m.Recipient, err)
	}
	return false, nil
}

// messageID turns a notification key into a Message-ID local part: keys hold '/', which is
// allowed, but not in every mail system's parser.
func messageID(key string) string {
	b := []byte(key)
	for i, c := range b {
		if c == '/' {
			b[i] = '.'
		}
	}
	return string(b) + "@taawun"
}
