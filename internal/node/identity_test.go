package node

import (
	"crypto/ed25519"
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestMadeAtFirstStartThenKept(t *testing.T) {
	dir := t.TempDir()
	first, created, err := Load(dir, "", "")
	if err != nil || !created || first.ID != DefaultID {
		t.Fatalf("first start: %+v, %v, %v", first, created, err)
	}
	if fi, _ := os.Stat(filepath.Join(dir, FileName)); fi.Mode().Perm() != 0o600 {
		t.Fatalf("identity file mode %v", fi.Mode().Perm())
	}
	second, created, err := Load(dir, "", "")
	if err != nil || created || second.ID != first.ID || !first.Key.Equal(second.Key) {
		t.Fatalf("second start changed identity: %v %v", created, err)
	}
	if _, _, err := Load(dir, "kz-mchs", ""); err == nil || !strings.Contains(err.Error(), "differs") {
		t.Fatalf("id change accepted: %v", err)
	}
	msg := []byte("alert")
	pub, _ := base64.StdEncoding.DecodeString(first.PublicKey())
	if !ed25519.Verify(pub, msg, ed25519.Sign(second.Key, msg)) {
		t.Fatal("key does not sign verifiably")
	}
}

func TestSharedThroughConfiguration(t *testing.T) {
	seed := base64.StdEncoding.EncodeToString(make([]byte, ed25519.SeedSize))
	a, _, err := Load(t.TempDir(), "cn-mem", seed)
	b, _, err2 := Load(t.TempDir(), "cn-mem", seed)
	if err != nil || err2 != nil || !a.Key.Equal(b.Key) || a.ID != "cn-mem" {
		t.Fatalf("two servers with one configured key differ: %v %v", err, err2)
	}
	if _, _, err := Load(t.TempDir(), "cn-mem", "short"); err == nil {
		t.Fatal("bad key accepted")
	}
}
