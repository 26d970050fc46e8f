package dissem

import (
	"context"
	"fmt"

	"github.com/taawun/taawun/internal/dispatch"
	"github.com/taawun/taawun/internal/sms/smpp"
)

// SMSChannel submits messages to an operator's SMSC over SMPP; the client encodes GSM-7 or UCS-2
// and concatenates long messages.
type SMSChannel struct {
	Client *smpp.Client
	// From is the sender address shown on phones (e.g. "NDMA").
	From string
}

// Send submits m; throttling and lost connections are worth retrying, a bad number is not.
func (c SMSChannel) Send(ctx context.Context, m dispatch.Message) (bool, error) {
	if _, err := c.Client.Submit(ctx, smpp.Message{To: m.Recipient, From: c.From, Text: string(m.Body)}); err != nil {
		return smpp.IsRetryable(err), fmt.Errorf("dissem: sms to %s: %w", m.Recipient, err)
	}
	return false, nil
}
