// Package hazard is hazard monitoring: pollers read other agencies' feeds (package feed) into
// hazard events, each recognised once across sources and updates; trigger rules of each
// organisation turn matching events into draft warnings, with the impact estimate's figures and
// places in the texts and the footprint clipped to the organisation's jurisdiction, submitted
// into the approval queue by the system. Nothing is ever issued automatically: a second person
// approves as for any warning.
//
// Every change is one transaction with its audit entry and bus event (hazard.event.new,
// hazard.event.updated, hazard.trigger.skipped; a drafted warning's event is the alert's own
// alert.submitted, its hazard.trigger.drafted entry is in the audit log only); the triggers consume the
// event kinds through a durable JetStream consumer, so a crash loses nothing and an event
// drafts once per rule (the trigger_drafts link makes it idempotent).
package hazard
