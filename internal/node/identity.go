// Package node holds a node's identity: its id (country and name) and the Ed25519 key it signs
// what it sends to partner nodes with. Both are made at first start and kept in the data folder;
// servers of a scaled-out node share them through configuration instead.
package node

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/taawun/taawun/internal/ident"
)

// DefaultID is the node id made at first start when none is configured.
const DefaultID = "pk-ndma"

// FileName is the identity file in the data folder.
const FileName = "node.json"

// Identity is who a node is.
type Identity struct {
	ID  string
	Key ed25519.PrivateKey
}

// PublicKey returns the base64 public key partners pin.
func (i Identity) PublicKey() string {
	return base64.StdEncoding.EncodeToString(i.Key.Public().(ed25519.PublicKey))
}

type file struct {
	ID  string `json:"id"`
	Key string `json:"key"` // base64 Ed25519 seed
}

// Load returns the identity: from configuration when a key is given (a scaled-out node), else
// from the data folder, creating it there at first start. A configured id that differs from the
// stored one is an error, so a data folder cannot silently change countries.
func Load(dataDir, configuredID, configuredKey string) (id Identity, created bool, err error) {
	if configuredKey != "" {
		seed, err := base64.StdEncoding.DecodeString(configuredKey)
		if err != nil || len(seed) != ed25519.SeedSize {
			return Identity{}, false, fmt.Errorf("node: node-key must be a base64 Ed25519 seed of %d bytes", ed25519.SeedSize)
		}
		if err := ident.CheckNodeID(configuredID); err != nil {
			return Identity{}, false, fmt.Errorf("node: %w", err)
		}
		return Identity{ID: configuredID, Key: ed25519.NewKeyFromSeed(seed)}, false, nil
	}
	path := filepath.Join(dataDir, FileName)
	b, err := os.ReadFile(path)
	switch {
	case err == nil:
		var f file
		if err := json.Unmarshal(b, &f); err != nil {
			return Identity{}, false, fmt.Errorf("node: read %s: %w", path, err)
		}
		seed, err := base64.StdEncoding.DecodeString(f.Key)
		if err != nil || len(seed) != ed25519.SeedSize {
			return Identity{}, false, fmt.Errorf("node: %s holds no valid key", path)
		}
		if configuredID != "" && configuredID != f.ID {
			return Identity{}, false, fmt.Errorf("node: configured node-id %q differs from %q in %s", configuredID, f.ID, path)
		}
		return Identity{ID: f.ID, Key: ed25519.NewKeyFromSeed(seed)}, false, nil
	case !errors.Is(err, os.ErrNotExist):
		return Identity{}, false, fmt.Errorf("node: read %s: %w", path, err)
	}
	if configuredID == "" {
		configuredID = DefaultID
	}
	if err := ident.CheckNodeID(configuredID); err != nil {
		return Identity{}, false, fmt.Errorf("node: %w", err)
	}
	_, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return Identity{}, false, fmt.Errorf("node: generate key: %w", err)
	}
	out, _ := json.MarshalIndent(file{ID: configuredID, Key: base64.StdEncoding.EncodeToString(key.Seed())}, "", "  ")
	if err := os.MkdirAll(dataDir, 0o750); err != nil {
		return Identity{}, false, fmt.Errorf("node: create data folder: %w", err)
	}
	if err := os.WriteFile(path, out, 0o600); err != nil {
		return Identity{}, false, fmt.Errorf("node: write %s: %w", path, err)
	}
	return Identity{ID: configuredID, Key: key}, true, nil
}
