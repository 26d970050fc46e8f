// Package archtest holds tests of the code base's own rules: domain code reads time from a clock,
// SQL stays inside the store, and dependencies point downwards.
package archtest
