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
	h := sha256.New()
	var n [8]byte
	field := func(s string) {
		binary.BigEndian.PutUint64(n[:], uint64(len(s)))
		h.Write(n[:])
		h.Write([]byte(s))
	}
	binary.BigEndian.PutUint64(n[:], uint64(e.Seq))
	h.Write(n[:])
	field(e.PrevHash)
	field(e.ID)
	field(e.At.UTC().Truncate(time.Microsecond).Format(AuditTimeFormat))
	field(e.Actor)
	field(e.OrgID)
	field(e.Action)
	field(e.EntityType)
	field(e.EntityID)
	field(e.Mode.String())
	field(string(e.Before))
	field(string(e.After))
	return hex.EncodeToString(h.Sum(nil))
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
