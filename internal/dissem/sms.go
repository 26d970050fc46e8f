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
	_, retryable, err := c.SendTracked(ctx, m)
	return retryable, err
}

// SendTracked submits m and returns the SMSC's message ids, one per segment, which its delivery
// receipts quote.
func (c SMSChannel) SendTracked(ctx context.Context, m dispatch.Message) ([]string, bool, error) {
	ids, err := c.Client.Submit(ctx, smpp.Message{To: m.Recipient, From: c.From, Text: string(m.Body)})
	if err != nil {
		return nil, smpp.IsRetryable(err), fmt.Errorf("dissem: sms to %s: %w", m.Recipient, err)
	}
	return ids, false, nil
}
