// Package smpptest is an in-process SMSC for tests: a real TCP listener on 127.0.0.1 speaking
// SMPP 3.4 through the smpp codec. It binds transceivers by system_id and password, answers
// submit_sm with message ids, records every message (reassembled from its segments and
// decoded), sends delivery receipts, answers enquire_link, and can be told to throttle, reject
// a destination, delay or hold responses, or drop connections, so tests can exercise the
// client's retry and reconnect paths.
package smpptest
