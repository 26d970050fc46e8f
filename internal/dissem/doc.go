// Package dissem delivers issued warnings to everyone inside their area, on every channel they
// use, once. The pipeline follows Alertmanager's shape:
//
//	alert event ─► plan: who is inside (targeting index, contact groups) × which channels
//	            ─► delivery batches of up to 1,000 (one message, one channel), written once
//	            ─► claim due batches ─► rate limit per channel ─► dispatcher ─► channel
//	            ─► record each chunk: sent, or into the notification log (unique key) to retry
//	               with backoff and jitter (retryable and final errors apart)
//	            ─► handset receipts from the SMSC, matched by provider message id
//
// A warning to a million people writes a thousand batch rows, not a million notification rows:
// each batch carries its members' language and address, and records progress as a count of
// members handled, in order. Planning is idempotent (a message's batches are unique) and sending
// is at-least-once with an idempotency key (alert message, recipient, channel) every sink can use
// to drop repeats, so a crash at any point loses nothing and repeats at most the chunk in flight.
//
// Everyone reached can leave without an account (unsubscribe.go): e-mails carry a signed
// unsubscribe link and RFC 8058 one-click headers, SMS subscribers reply STOP (smsstop.go).
// Leaving is audited and reaches every server's targeting index from the bus; senders ask the
// index before each delivery of a batch, so a warning planned before someone left skips them.
package dissem
