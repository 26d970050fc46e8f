// Package dissem delivers issued warnings to everyone inside their area, on every channel they
// use, once. The pipeline follows Alertmanager's shape:
//
//	alert event ─► plan: who is inside × which channels ─► notification log (unique key)
//	            ─► claim due notifications ─► rate limit per channel ─► dispatcher ─► channel
//	            ─► receipt, or retry with backoff and jitter (retryable and final errors apart)
//
// Planning is idempotent (the notification key is unique) and sending is at-least-once with an
// idempotency key every sink can use to drop repeats, so a crash at any point loses nothing and,
// for sinks that honour the key, sends nothing twice.
package dissem
