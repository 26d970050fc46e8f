package dissem

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/taawun/taawun/internal/dispatch"
)

// BulkHTTPChannel sends SMS through an aggregator's bulk HTTP API: one POST carries up to a
// thousand messages, and the answer says per message whether it was accepted. The wire format:
//
//	POST {URL}  Authorization: Bearer {Token}
//	{"messages": [{"key": "…", "to": "+92…", "text": "…", "language": "ur"}, …]}
//	200 {"results": [{"key": "…", "accepted": true}, {"key": "…", "accepted": false, "retryable": true, "error": "…"}]}
//
// Keys are the notification keys, so the aggregator can drop repeats after a crash.
type BulkHTTPChannel struct {
	URL    string
	Token  string
	Client *http.Client
}

type bulkMessage struct {
	Key      string `json:"key"`
	To       string `json:"to"`
	Text     string `json:"text"`
	Language string `json:"language,omitempty"`
}

// BulkRequest is the body of a bulk call.
type BulkRequest struct {
	Messages []bulkMessage `json:"messages"`
}

// BulkResult is the aggregator's answer for one message.
type BulkResult struct {
	Key       string `json:"key"`
	Accepted  bool   `json:"accepted"`
	Retryable bool   `json:"retryable,omitempty"`
	Error     string `json:"error,omitempty"`
}

// BulkResponse is the body of the aggregator's answer.
type BulkResponse struct {
	Results []BulkResult `json:"results"`
}

// Send sends one message as a batch of one.
func (c BulkHTTPChannel) Send(ctx context.Context, m dispatch.Message) (bool, error) {
	r := c.SendBatch(ctx, []dispatch.Message{m})[0]
	return r.Retryable, r.Err
}

// SendBatch posts the messages in one call. A refused or failed call fails every message, as
// retryable when the aggregator is busy or unreachable (429, 5xx, network) and final otherwise.
func (c BulkHTTPChannel) SendBatch(ctx context.Context, ms []dispatch.Message) []dispatch.Result {
	results := make([]dispatch.Result, len(ms))
	all := func(retryable bool, err error) []dispatch.Result {
		for i := range results {
			results[i] = dispatch.Result{Retryable: retryable, Err: err}
		}
		return results
	}
	req := BulkRequest{Messages: make([]bulkMessage, len(ms))}
	for i, m := range ms {
		req.Messages[i] = bulkMessage{Key: m.Key, To: m.Recipient, Text: string(m.Body), Language: m.Language}
	}
	body, err := json.Marshal(req)
	if err != nil {
		return all(false, fmt.Errorf("dissem: bulk sms: %w", err))
	}
	hr, err := http.NewRequestWithContext(ctx, http.MethodPost, c.URL, bytes.NewReader(body))
	if err != nil {
		return all(false, fmt.Errorf("dissem: bulk sms %s: %w", c.URL, err))
	}
	hr.Header.Set("Content-Type", "application/json")
	if c.Token != "" {
		hr.Header.Set("Authorization", "Bearer "+c.Token)
	}
	client := c.Client
	if client == nil {
		client = &http.Client{Timeout: 60 * time.Second}
	}
	resp, err := client.Do(hr)
	if err != nil {
		return all(true, fmt.Errorf("dissem: bulk sms %s: %w", c.URL, err))
	}
	defer resp.Body.Close()
	if resp.StatusCode == 429 || resp.StatusCode >= 500 {
		return all(true, fmt.Errorf("dissem: bulk sms %s answered %s", c.URL, resp.Status))
	}
	if resp.StatusCode < 200 || resp.StatusCode >= 300 {
		return all(false, fmt.Errorf("dissem: bulk sms %s refused the batch: %s", c.URL, resp.Status))
	}
	var out BulkResponse
	if err := json.NewDecoder(io.LimitReader(resp.Body, 64<<20)).Decode(&out); err != nil {
		return all(true, fmt.Errorf("dissem: bulk sms %s: unreadable answer: %w", c.URL, err))
	}
	byKey := make(map[string]BulkResult, len(out.Results))
	for _, r := range out.Results {
		byKey[r.Key] = r
	}
	for i, m := range ms {
		r, ok := byKey[m.Key]
		switch {
		case !ok:
			results[i] = dispatch.Result{Retryable: true, Err: fmt.Errorf("dissem: bulk sms: no result for %s", m.Key)}
		case !r.Accepted:
			results[i] = dispatch.Result{Retryable: r.Retryable, Err: fmt.Errorf("dissem: bulk sms to %s: %s", m.Recipient, r.Error)}
		}
	}
	return results
}
