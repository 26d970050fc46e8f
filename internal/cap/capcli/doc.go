// Package capcli is the "taawun cap" command line: validate, sign,
// verify, convert and rules. It is a library function, Run, so that
// cmd/taawun (through internal/cli) and the benchmark harness share it and
// tests can drive it without a process.
//
// Exit codes: 0 success (all inputs valid / trusted), 1 a failed check
// (an invalid or untrusted input), 2 a usage or I/O error.
package capcli
