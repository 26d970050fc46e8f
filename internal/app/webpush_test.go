package app

import (
	"crypto/ed25519"
	"strings"
	"testing"

	"github.com/taawun/taawun/internal/config"
	"github.com/taawun/taawun/internal/dissem"
	"github.com/taawun/taawun/internal/node"
)

// TestPushVAPID: without configuration the VAPID key follows the node key (so every server of a
// node has the same one); a configured key wins; a malformed one stops the start with its name.
func TestPushVAPID(t *testing.T) {
	id := node.Identity{ID: "pk-ndma", Key: ed25519.NewKeyFromSeed(make([]byte, 32))}
	a, err := pushVAPID(&config.Config{SMTPFrom: "alerts@ndma.gov.pk"}, id)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := pushVAPID(&config.Config{}, id)
	if a.PublicKey() != b.PublicKey() || a.Subject != "mailto:alerts@ndma.gov.pk" {
		t.Fatalf("derived keys differ or subject %q", a.Subject)
	}
	other, _ := dissem.DeriveVAPIDKey([]byte("another node's seed, 32 bytes.."))
	enc, _ := dissem.EncodeVAPIDKey(other)
	c, err := pushVAPID(&config.Config{VAPIDPrivateKey: enc, VAPIDSubject: "https://ndma.gov.pk"}, id)
	if err != nil || c.PublicKey() == a.PublicKey() || c.Subject != "https://ndma.gov.pk" {
		t.Fatalf("configured key not used: %v", err)
	}
	if _, err := pushVAPID(&config.Config{VAPIDPrivateKey: "nonsense"}, id); err == nil || !strings.Contains(err.Error(), "vapid-private-key") {
		t.Fatalf("malformed key: %v", err)
	}
}
