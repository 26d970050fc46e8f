package store

import (
	"testing"
	"time"

	"github.com/taawun/taawun/internal/mode"
)

// TestComputeHashIsStable pins the hash of two entries: the audit logs already written must
// verify with every later version of the code, so the bytes hashed may never change.
func TestComputeHashIsStable(t *testing.T) {
	ex, _ := mode.Exercise("drill-1")
	e := AuditEntry{Seq: 42, ID: "0190c3a1-7e2f-7000-8000-000000000001", At: time.Date(2026, 8, 14, 5, 6, 7, 891234567, time.FixedZone("PKT", 5*3600)),
		Actor: "user-1", OrgID: "org-ndma", Action: "alert.submitted", EntityType: "alert", EntityID: "alert-9", Mode: ex,
		Before: []byte(`{"state":"draft"}`), After: []byte(`{"state":"submitted","headline":"زلزلہ"}`), PrevHash: "ab12"}
	if got, want := e.ComputeHash(), "0b07cdd4da2bd4c9549eccee46fa3736dc26cdead71b887d818d8698afa37be6"; got != want {
		t.Errorf("hash %s, want %s", got, want)
	}
	e.Mode, e.Before, e.OrgID = mode.Live, nil, ""
	if got, want := e.ComputeHash(), "7b6aeedb6a69036e2c04475d05223969588e82d48a975b5b0102b8ffebbd077b"; got != want {
		t.Errorf("hash without before and org %s, want %s", got, want)
	}
}
