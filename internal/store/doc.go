// Package store defines Taawun's persistent records and the interfaces, one per aggregate, through
// which every other package reads and writes them. No SQL lives outside store and its
// sub-packages; sqlstore implements these interfaces for SQLite and PostgreSQL, and storetest is
// the conformance suite both back ends pass.
//
// Every record carries the node it originated on and its mode (live or an exercise). Writes take
// the mode from the context (see package mode) and reads return only records of that mode, so an
// exercise never sees live records and live operations never see exercise records.
//
// Every change goes through Store.WithTx together with its audit entry and its outbox event, so
// that the change, its audit trail and its event commit or roll back as one.
package store
