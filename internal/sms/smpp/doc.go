// Package smpp is the subset of SMPP 3.4 an ESME needs to send alerts through an operator's
// SMSC: a PDU codec (bind_transceiver, submit_sm, deliver_sm, enquire_link, unbind,
// generic_nack and their responses, with TLV optional parameters) and a Client that binds as a
// transceiver, submits with a window of outstanding requests, keeps the link alive with
// enquire_link, reconnects with backoff, and hands delivery receipts and mobile-originated
// messages (a subscriber's STOP) to callbacks.
//
// It is written here rather than taken from a library because no maintained Go SMPP library is
// available to us; interoperability is checked against Debian's Net::SMPP (libnet-smpp-perl).
//
// Errors from the SMSC and from the link are *Error values: Retryable tells the dissemination
// pipeline whether to try again (throttling, queue full, link loss, time-outs) or give up
// (invalid destination and other final statuses).
package smpp
