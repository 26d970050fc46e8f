// Package bus connects a node to NATS JetStream: an embedded server for a node on one machine, or
// an external cluster for a node scaled out. Code above this package sees only a JetStream handle,
// so both run the same code. It also holds the outbox relay that publishes committed events.
package bus
