package store

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"time"
)

// AuditTimeFormat is how audit times enter the hash; times are truncated to microseconds, the
// precision both back ends keep.
const AuditTimeFormat = "2006-01-02T15:04:05.000000Z07:00"

// ComputeHash returns the hash of e chained to e.PrevHash: SHA-256 over every field, each
// length-prefixed so that no two different entries can serialise alike.
func (e AuditEntry) ComputeHash() string {
	at := e.At.UTC().Truncate(time.Microsecond).Format(AuditTimeFormat)
	fields := [...]string{e.PrevHash, e.ID, at, e.Actor, e.OrgID, e.Action, e.EntityType, e.EntityID, e.Mode.String()}
	size := 8 + 2*8 + len(e.Before) + len(e.After)
	for _, f := range fields {
		size += 8 + len(f)
	}
	// Serialised into one buffer and hashed at once: every change recorded pays for this on the
	// single writer, and writing field by field copied each into a slice of its own.
	b := make([]byte, 0, size)
	b = binary.BigEndian.AppendUint64(b, uint64(e.Seq))
	for _, f := range fields {
		b = binary.BigEndian.AppendUint64(b, uint64(len(f)))
		b = append(b, f...)
	}
	for _, f := range [...][]byte{e.Before, e.After} {
		b = binary.BigEndian.AppendUint64(b, uint64(len(f)))
		b = append(b, f...)
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// VerifyChain checks entries (in Seq order, starting from the first entry of the log or after
// an entry whose hash is prevHash) and returns the first one whose hash or link is wrong.
func VerifyChain(prevHash string, entries []AuditEntry) (bad *AuditEntry, reason string) {
	for i := range entries {
		e := &entries[i]
		if e.PrevHash != prevHash {
			return e, "its link to the previous entry is broken"
		}
		if e.ComputeHash() != e.Hash {
			return e, "its content does not match its hash"
		}
		prevHash = e.Hash
	}
	return nil, ""
}
