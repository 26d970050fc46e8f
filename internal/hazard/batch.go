package hazard

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/taawun/taawun/internal/alert"
	"github.com/taawun/taawun/internal/auth"
	"github.com/taawun/taawun/internal/impact"
	"github.com/taawun/taawun/internal/store"
)

// Handle applies every enabled rule to the event with id.
func (t *Trigger) Handle(ctx context.Context, id string) error {
	return t.HandleBatch(ctx, []string{id})[0]
}

// eventWork is what the rules make of one event, worked out before anything is written.
type eventWork struct {
	ev  store.HazardEvent
	est impact.Estimate
	err error
	// fresh are the outcomes of rules that have not seen the event yet: new drafts, or why none,
	// written together with the batch's others.
	fresh []freshOutcome
	// later are the rules whose link to the event exists (an update of the event, a claim left
	// by a crashed server): handled one by one after the batch.
	later []laterRule
}

type freshOutcome struct {
	rule    store.TriggerRule
	org     store.Org
	sub     *alert.Submission // nil when there is no draft
	content alert.Content
	reason  string
}

type laterRule struct {
	rule   store.TriggerRule
	reason string
	// withdraw is the link of a warning drafted for an event its source has since cancelled.
	withdraw *store.TriggerDraft
}

// HandleBatch applies every enabled rule to the events with ids and returns one error per id.
// The costly part of a new draft (impact, clipping, texts, the CAP check) is worked out for all
// events side by side; the new drafts are then written, submitted and linked in one transaction,
// so a feed of a thousand new earthquakes pays for a few transactions instead of thousands.
func (t *Trigger) HandleBatch(ctx context.Context, ids []string) []error {
	errs := make([]error, len(ids))
	rules, err := t.Store.TriggerRules().List(ctx, nil)
	if err == nil {
		rules = slices.DeleteFunc(rules, func(r store.TriggerRule) bool { return !r.Enabled })
	}
	orgs := map[string]store.Org{}
	for _, r := range rules {
		if _, ok := orgs[r.OrgID]; !ok && err == nil {
			orgs[r.OrgID], err = t.Store.Orgs().Get(ctx, r.OrgID)
		}
	}
	if err != nil {
		for i := range errs {
			errs[i] = err
		}
		return errs
	}
	events, links, err := t.load(ctx, ids)
	if err != nil {
		for i := range errs {
			errs[i] = err
		}
		return errs
	}
	works := make([]eventWork, len(ids))
	t.inParallel(len(ids), func(i int) {
		ev, ok := events[ids[i]]
		if !ok {
			works[i] = eventWork{err: fmt.Errorf("hazard event %s: %w", ids[i], store.ErrNotFound)}
			return
		}
		works[i] = t.plan(ctx, rules, orgs, ev, links[ids[i]])
	})
	if err := t.writeFresh(ctx, works); err != nil {
		for i := range works {
			if len(works[i].fresh) > 0 {
				errs[i] = err
			}
		}
	}
	for i, w := range works {
		if w.err != nil {
			errs[i] = w.err
			continue
		}
		for _, l := range w.later {
			run := func() error { return t.apply(ctx, l.rule, w.ev, w.est, l.reason) }
			if l.withdraw != nil {
				run = func() error { return t.withdraw(ctx, l.rule, w.ev, *l.withdraw) }
			}
			if err := run(); err != nil {
				errs[i] = errors.Join(errs[i], fmt.Errorf("rule %q: %w", l.rule.Name, err))
			}
		}
	}
	return errs
}

// inParallel runs fn(0) … fn(n-1) on as many goroutines as there are plan slots free, at
// least one.
func (t *Trigger) inParallel(n int, fn func(int)) {
	slots := t.planners()
	var next atomic.Int64
	var wg sync.WaitGroup
	work := func() {
		for i := int(next.Add(1)) - 1; i < n; i = int(next.Add(1)) - 1 {
			fn(i)
		}
	}
	// The caller waits for a slot of its own, and takes more only if they are free.
	free := func() bool {
		select {
		case slots <- struct{}{}:
			return true
		default:
			return false
		}
	}
	slots <- struct{}{}
	for extra := 1; extra < n && free(); extra++ {
		wg.Go(func() { work(); <-slots })
	}
	work()
	<-slots
	wg.Wait()
}

// planners returns the plan slots: one fewer than the processors, at least one. Planning is
// the CPU-heavy part and the single database writer the narrow one; with every processor
// planning, the goroutine holding the writer gets a fraction of a processor and every write
// behind it waits. Keeping one processor for writing, ingesting and publishing lets the writer
// run at full speed while the others plan.
func (t *Trigger) planners() chan struct{} {
	t.planSlotsOnce.Do(func() { t.planSlots = make(chan struct{}, max(1, runtime.GOMAXPROCS(0)-1)) })
	return t.planSlots
}

// load reads a batch's events and their links to rules, by event id.
func (t *Trigger) load(ctx context.Context, ids []string) (map[string]store.HazardEvent, map[string][]store.TriggerDraft, error) {
	evs, err := t.Store.HazardEvents().GetMany(ctx, ids)
	if err != nil {
		return nil, nil, err
	}
	ls, err := t.Store.TriggerDrafts().ForEvents(ctx, ids)
	if err != nil {
		return nil, nil, err
	}
	events, links := make(map[string]store.HazardEvent, len(evs)), map[string][]store.TriggerDraft{}
	for _, e := range evs {
		events[e.ID] = e
	}
	for _, l := range ls {
		links[l.EventID] = append(links[l.EventID], l)
	}
	return events, links, nil
}

// plan works out what the rules make of ev, given its links to rules, writing nothing.
func (t *Trigger) plan(ctx context.Context, rules []store.TriggerRule, orgs map[string]store.Org, ev store.HazardEvent, links []store.TriggerDraft) eventWork {
	w := eventWork{ev: ev}
	if ev.Cancelled {
		w.later = withdrawals(rules, ev, links)
		return w
	}
	var (
		estErr   error
		assessed bool
	)
	for _, r := range rules {
		if !matchesEvent(r, ev) {
			continue
		}
		if !assessed {
			w.est, estErr = assess(t.Impact, ev, false)
			assessed = true
		}
		reason := ""
		if estErr != nil {
			reason = "no impact estimate: " + estErr.Error()
		} else if !matchesImpact(r, ev, w.est) {
			continue
		}
		if slices.ContainsFunc(links, func(l store.TriggerDraft) bool { return l.RuleID == r.ID }) {
			w.later = append(w.later, laterRule{rule: r, reason: reason})
			continue
		}
		out := freshOutcome{rule: r, org: orgs[r.OrgID], reason: reason}
		if reason == "" {
			var err error
			out.sub, out.content, out.reason, err = t.prepareNew(ctx, r, out.org, ev, w.est)
			if errors.Is(err, alert.ErrCAPFindings) {
				// Drafted but not submitted: the one-by-one path keeps such a draft for an officer.
				w.later = append(w.later, laterRule{rule: r})
				continue
			}
		}
		w.fresh = append(w.fresh, out)
	}
	return w
}

// writeFresh writes the batch's new outcomes in one transaction: each rule's link to its event,
// and the draft submitted for approval. The duty officers are told of the drafts once they are
// committed.
func (t *Trigger) writeFresh(ctx context.Context, works []eventWork) error {
	var written []freshOutcome
	err := t.Store.WithTx(ctx, func(tx store.Tx) error {
		written = written[:0]
		for _, w := range works {
			if w.err != nil {
				continue
			}
			for _, out := range w.fresh {
				// The link is written with its outcome at once; one that another server wrote
				// since plan looked fails the claim and the batch, which is then redelivered
				// and finds the link.
				link := store.TriggerDraft{EventID: w.ev.ID, RuleID: out.rule.ID, OrgID: out.rule.OrgID,
					EventRevision: w.ev.Revision, State: store.TriggerSkipped, Reason: out.reason}
				if out.sub != nil {
					if err := t.Alerts.WriteSubmission(ctx, tx, out.sub); err != nil {
						return fmt.Errorf("event %s, rule %q: %w", w.ev.ID, out.rule.Name, err)
					}
					link.AlertID, link.State = out.sub.Alert.ID, store.TriggerDrafted
				}
				if err := tx.TriggerDrafts().Claim(ctx, &link); err != nil {
					return err
				}
				if err := t.recordOutcome(ctx, tx, out.rule, w.ev, link); err != nil {
					return err
				}
				written = append(written, out)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, out := range written {
		if out.sub != nil && t.Notify != nil {
			t.Notify(ctx, out.org, out.sub.Alert.ID, out.content)
		}
	}
	return nil
}

// recordLink saves a link's outcome and records it.
func (t *Trigger) recordLink(ctx context.Context, tx store.Tx, r store.TriggerRule, ev store.HazardEvent, link store.TriggerDraft) error {
	if err := tx.TriggerDrafts().Update(ctx, &link); err != nil {
		return err
	}
	return t.recordOutcome(ctx, tx, r, ev, link)
}

// recordOutcome records a link's outcome in the audit log, and a skipped rule on the bus too:
// the duty officers' live pages then say why an event has no draft. A drafted warning is
// announced by the alert's own alert.submitted event; a second event for it would only repeat
// that on every live page and cost a feed's burst a thousand more messages.
func (t *Trigger) recordOutcome(ctx context.Context, tx store.Tx, r store.TriggerRule, ev store.HazardEvent, link store.TriggerDraft) error {
	kind := KindTriggerDrafted
	if link.State == store.TriggerSkipped {
		kind = KindTriggerSkipped
		t.logger().Info("hazard: rule matched but no draft", "event", ev.ID, "rule", r.Name, "reason", link.Reason)
	}
	return tx.Record(ctx, store.Change{Actor: auth.SystemActor, OrgID: r.OrgID, Action: kind, EntityType: "trigger_draft",
		EntityID: ev.ID + "/" + r.ID, After: linkView{ev.ID, r.ID, link.AlertID, link.State, link.Reason, link.EventRevision},
		NoEvent: kind == KindTriggerDrafted})
}
