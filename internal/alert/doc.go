// Package alert is the life of a warning: an officer drafts it from a hazard template in the
// languages people read, submits it, and a second officer with the right to approve in that area
// approves and issues it as CAP 1.2; updates and cancellations go through the same two-person
// rule, and issued warnings expire by themselves. Every step is one transaction with its audit
// entry and bus event.
package alert
