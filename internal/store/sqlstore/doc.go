// Package sqlstore implements package store on SQL databases: SQLite (modernc.org/sqlite, pure Go,
// in WAL mode with a single writer connection) for a node on one machine, and PostgreSQL (pgx) for
// a node scaled out over several stateless servers. One code base serves both; the small
// differences between the dialects live in dialect.go, and each dialect has its own ordered list
// of migrations under migrations/.
package sqlstore
