package ident

import (
	"testing"

	"github.com/google/uuid"
)

func TestNewIDIsTimeOrderedV7(t *testing.T) {
	prev := ""
	for range 1000 {
		id := NewID()
		u, err := uuid.Parse(id)
		if err != nil || u.Version() != 7 {
			t.Fatalf("%q: version %v, err %v", id, u.Version(), err)
		}
		if id <= prev {
			t.Fatalf("ids not increasing: %q after %q", id, prev)
		}
		prev = id
	}
}

func TestCheckNodeID(t *testing.T) {
	for id, ok := range map[string]bool{
		"pk-ndma": true, "cn-mem": true, "kz-mchs-2": true,
		"PK-ndma": false, "pk.ndma": false, "pk-": false, "pakistan-ndma": false, "pk-*": false, "": false,
	} {
		if err := CheckNodeID(id); (err == nil) != ok {
			t.Errorf("CheckNodeID(%q) = %v, want ok=%v", id, err, ok)
		}
	}
}
