package dissem

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/taawun/taawun/internal/dispatch"
)

// SignatureHeader carries the HMAC-SHA256 of the body, keyed with the recipient's secret, as
// "sha256=<hex>"; receivers recompute it to know the warning came from this node unaltered.
const SignatureHeader = "X-Taawun-Signature"

// IdempotencyHeader carries the notification key; a receiver that sees a key again drops the
// repeat.
const IdempotencyHeader = "Idempotency-Key"

// Sign returns the signature header value of body under secret.
func Sign(secret string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

// HTTPChannel POSTs the message body to the recipient's URL: partner systems' webhooks, and
// mobile operators' cell broadcast centres, which take the CAP message itself.
type HTTPChannel struct {
	Client *http.Client
}

// Send posts m. 2xx is delivered; 408, 425, 429, 5xx and network errors are worth retrying;
// other answers are final.
func (c HTTPChannel) Send(ctx context.Context, m dispatch.Message) (bool, error) {
	client := c.Client
	if client == nil {
		client = &http.Client{Timeout: 15 * time.Second}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, m.Recipient, bytes.NewReader(m.Body))
	if err != nil {
		return false, fmt.Errorf("dissem: webhook %s: %w", m.Recipient, err)
	}
	req.Header.Set("Content-Type", m.ContentType)
	req.Header.Set(IdempotencyHeader, m.Key)
	if m.Secret != "" {
		req.Header.Set(SignatureHeader, Sign(m.Secret, m.Body))
	}
	resp, err := client.Do(req)
	if err != nil {
		return true, fmt.Errorf("dissem: webhook %s: %w", m.Recipient, err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	switch {
	case resp.StatusCode >= 200 && resp.StatusCode < 300:
		return false, nil
	case resp.StatusCode == 408 || resp.StatusCode == 425 || resp.StatusCode == 429 || resp.StatusCode >= 500:
		return true, fmt.Errorf("dissem: webhook %s answered %s", m.Recipient, resp.Status)
	}
	return false, fmt.Errorf("dissem: webhook %s refused the message: %s", m.Recipient, resp.Status)
}
