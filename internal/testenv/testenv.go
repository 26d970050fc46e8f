// Package testenv decides what tests do when something they need is missing. Locally a test
// without PostgreSQL or Chromium skips and says why; in CI (TAAWUN_REQUIRE_ALL=1) the same test
// fails, so CI can never pass by skipping.
package testenv

import (
	"os"
	"os/exec"
	"testing"
)

// RequireAllEnv, when "1", turns every Need that is not met into a failure.
const RequireAllEnv = "TAAWUN_REQUIRE_ALL"

// Need skips (or, in CI, fails) t with reason unless ok.
func Need(t testing.TB, ok bool, reason string) {
	t.Helper()
	if ok {
		return
	}
	if os.Getenv(RequireAllEnv) == "1" {
		t.Fatalf("required by %s=1 but unavailable: %s", RequireAllEnv, reason)
	}
	t.Skip("skipped: " + reason)
}

// Chromium returns the path of a Chromium binary, from TAAWUN_CHROMIUM or the usual places.
func Chromium() string {
	if p := os.Getenv("TAAWUN_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "headless-shell"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// Postgres returns the URL tests may use, or "".
func Postgres() string { return os.Getenv("TAAWUN_TEST_POSTGRES") }
