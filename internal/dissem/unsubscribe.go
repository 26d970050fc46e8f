package dissem

import (
	"context"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/taawun/taawun/internal/i18n"
	"github.com/taawun/taawun/internal/store"
)

// Leaving: everyone warnings reach can stop them on their own, without an account. E-mails carry
// a link (and RFC 8058 one-click headers) holding a token that names the recipient and the
// channel and is signed with a key derived from the node key, as the VAPID key is: every server
// of a node checks the tokens of every other, nothing is stored per token, and a token cannot be
// made for another recipient or channel. A token does not expire; it stops mattering once its
// channel is gone from its recipient, and subscribing again makes a new recipient with new
// tokens. SMS subscribers answer STOP (see StopHandler); browsers unsubscribe themselves.

// ErrBadUnsubscribeToken is returned for a token that is malformed or not signed by this node.
var ErrBadUnsubscribeToken = errors.New("dissem: unsubscribe token is not valid")

// PublicActor is the audit actor of changes the people warnings reach make themselves, having
// no account: leaving, a browser renewing its push subscription.
const PublicActor = "public"

// unsubscribeMACBytes is the length of a token's signature: 128 bits cannot be guessed.
const unsubscribeMACBytes = 16

// UnsubscribeLinks makes and checks the tokens of unsubscribe links.
type UnsubscribeLinks struct {
	key []byte
	// BaseURL is where the public reaches the node (its public URL); links are BaseURL +
	// "/unsubscribe?t=" + token.
	BaseURL string
	// Catalog words the line e-mails end with, in the reader's language.
	Catalog *i18n.Catalog
}

// NewUnsubscribeLinks derives the token key from the node's identity seed with its own HKDF
// label, so that it is independent of the node key and of the VAPID key derived from it.
func NewUnsubscribeLinks(seed []byte, baseURL string, cat *i18n.Catalog) (*UnsubscribeLinks, error) {
	if len(seed) == 0 {
		return nil, errors.New("dissem: unsubscribe links need the node key")
	}
	key, err := hkdf.Key(sha256.New, seed, nil, "taawun unsubscribe link key", 32)
	if err != nil {
		return nil, err
	}
	return &UnsubscribeLinks{key: key, BaseURL: strings.TrimRight(baseURL, "/"), Catalog: cat}, nil
}

// NewEphemeralUnsubscribeLinks has a random key: its links work only in this process. For
// servers without a node key (tests).
func NewEphemeralUnsubscribeLinks(baseURL string, cat *i18n.Catalog) *UnsubscribeLinks {
	return &UnsubscribeLinks{key: []byte(rand.Text()), BaseURL: strings.TrimRight(baseURL, "/"), Catalog: cat}
}

func (u *UnsubscribeLinks) mac(recipientID string, ch store.Channel) string {
	h := hmac.New(sha256.New, u.key)
	h.Write([]byte(recipientID + "\x00" + string(ch)))
	return base64.RawURLEncoding.EncodeToString(h.Sum(nil)[:unsubscribeMACBytes])
}

// Token is the token that unsubscribes recipientID from ch: "<id>.<channel>.<signature>".
func (u *UnsubscribeLinks) Token(recipientID string, ch store.Channel) string {
	return recipientID + "." + string(ch) + "." + u.mac(recipientID, ch)
}

// URL is the unsubscribe page of a token.
func (u *UnsubscribeLinks) URL(recipientID string, ch store.Channel) string {
	return u.BaseURL + "/unsubscribe?t=" + u.Token(recipientID, ch)
}

// Check returns the recipient and channel a token names, or ErrBadUnsubscribeToken.
func (u *UnsubscribeLinks) Check(token string) (recipientID string, ch store.Channel, err error) {
	if len(token) > 200 {
		return "", "", fmt.Errorf("%w: too long", ErrBadUnsubscribeToken)
	}
	parts := strings.Split(token, ".")
	if len(parts) != 3 || parts[0] == "" || parts[1] == "" {
		return "", "", fmt.Errorf("%w: malformed", ErrBadUnsubscribeToken)
	}
	id, ch := parts[0], store.Channel(parts[1])
	if !hmac.Equal([]byte(parts[2]), []byte(u.mac(id, ch))) {
		return "", "", fmt.Errorf("%w: signature does not match", ErrBadUnsubscribeToken)
	}
	return id, ch, nil
}

// mailFooter is the words before the link that ends a warning e-mail, in language lang.
func (u *UnsubscribeLinks) mailFooter(lang string) string {
	if u.Catalog == nil {
		return "To stop these e-mails:"
	}
	return u.Catalog.T(i18n.Lang(lang), "unsubscribe.mail_footer")
}

// Leave takes channel ch off recipient id at the request of the person it reaches (via says
// how they asked: "link", "one-click", "api", "browser", "sms-stop"), and forgets the recipient
// when nothing is left to send it. The audit entry holds ids and the channel only. It reports whether
// anything changed: false when the recipient no longer takes ch, or is unknown. Its event
// (recipient.unsubscribed) updates every server's targeting index, and senders check the index
// before each delivery, so batches planned before it skip the address too.
func Leave(ctx context.Context, st store.Store, id string, ch store.Channel, via string) (bool, error) {
	changed := false
	err := st.WithTx(ctx, func(tx store.Tx) error {
		r, err := tx.Recipients().Get(ctx, id)
		if errors.Is(err, store.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		if !slices.Contains(r.Channels, ch) {
			return nil
		}
		forget := len(r.Channels) == 1
		if forget {
			err = tx.Recipients().Forget(ctx, id)
		} else {
			err = tx.Recipients().RemoveChannel(ctx, id, ch)
		}
		if err != nil {
			return err
		}
		changed = true
		return tx.Record(ctx, store.Change{Actor: PublicActor, Action: "recipient.unsubscribed", EntityType: "recipient", EntityID: id,
			After: map[string]any{"channel": ch, "forgotten": forget, "via": via}})
	})
	if err != nil {
		return false, fmt.Errorf("dissem: unsubscribe %s from %s: %w", id, ch, err)
	}
	return changed, nil
}
