package main

import (
	"bufio"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"

	"github.com/taawun/taawun/internal/store/sqlstore/sqltest"
	"github.com/taawun/taawun/internal/testenv"
)

// TestScaleOutTwoServers runs a node as two `taawun serve` processes against one PostgreSQL
// database and one NATS server on loopback, creates a record through the first and receives its
// event on the second's live stream.
func TestScaleOutTwoServers(t *testing.T) {
	testenv.Need(t, testenv.Postgres() != "", "scale-out test needs PostgreSQL: set TAAWUN_TEST_POSTGRES (CI does)")
	dbURL := sqltest.PostgresURL(t)
	natsURL := startNATS(t)
	bin := buildBinary(t)

	seed := make([]byte, ed25519.SeedSize)
	_, _ = rand.Read(seed)
	shared := []string{"--db", dbURL, "--nats", natsURL, "--node-id", "pk-ndma", "--node-key", base64.StdEncoding.EncodeToString(seed),
		"--admin-password", "scale out password", "--addr", "127.0.0.1:0", "--log-level", "warn"}
	first := startServer(t, bin, shared).url
	second := startServer(t, bin, shared).url
	if first == second {
		t.Fatal("both servers report the same URL")
	}

	watcher := testenv.NewClient(t, second)
	watcher.Login("admin", "scale out password")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, second+"/api/v1/events", nil)
	stream := watcher.Do(req)
	if stream.StatusCode != http.StatusOK {
		t.Fatalf("live stream on the second server: %d", stream.StatusCode)
	}
	lines := make(chan string, 100)
	go func() {
		sc := bufio.NewScanner(stream.Body)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()

	writer := testenv.NewClient(t, first)
	writer.Login("admin", "scale out password")
	var me struct {
		Org struct {
			ID string `json:"id"`
		} `json:"org"`
	}
	if err := json.NewDecoder(writer.Get("/api/v1/me").Body).Decode(&me); err != nil {
		t.Fatal(err)
	}
	created := time.Now()
	resp := writer.PostJSON("/api/v1/orgs", map[string]any{"name": "DDMA Jhelum", "country": "PK", "tier": "district", "parent_id": me.Org.ID})
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("create on the first server: %d %s", resp.StatusCode, writer.Body(resp))
	}
	deadline := time.After(2 * time.Second)
	for {
		select {
		case line, ok := <-lines:
			if !ok {
				t.Fatal("stream ended")
			}
			if strings.HasPrefix(line, "data: ") && strings.Contains(line, "DDMA Jhelum") && strings.Contains(line, `"kind":"org.created"`) {
				t.Logf("event reached the second server's stream %s after the create returned", time.Since(created).Round(time.Millisecond))
				return
			}
		case <-deadline:
			t.Fatal("no org.created event on the second server within 2s")
		}
	}
}

// startNATS runs a JetStream-enabled NATS server on a loopback port, as a cluster would be.
func startNATS(t *testing.T) string {
	t.Helper()
	ns, err := server.NewServer(&server.Options{Host: "127.0.0.1", Port: -1, JetStream: true, StoreDir: t.TempDir(), NoSigs: true})
	if err != nil {
		t.Fatal(err)
	}
	ns.Start()
	if !ns.ReadyForConnections(10 * time.Second) {
		t.Fatal("NATS server not ready")
	}
	t.Cleanup(func() { ns.Shutdown(); ns.WaitForShutdown() })
	return ns.ClientURL()
}

// buildBinary builds taawun into the test's temporary folder.
func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "taawun")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("go build: %v", err)
	}
	return bin
}

var runningLine = regexp.MustCompile(`is running: open (http://\S+)/`)

// process is one `taawun serve` process.
type process struct {
	url    string
	cmd    *exec.Cmd
	done   chan error
	stderr *strings.Builder
}

// startServer starts `taawun serve` with its own data folder (unless args name one) and returns
// once it serves. When the test ends a server still running gets SIGTERM and must exit cleanly.
func startServer(t *testing.T, bin string, args []string) *process {
	t.Helper()
	if !slices.Contains(args, "--data") {
		args = append([]string{"--data", t.TempDir()}, args...)
	}
	cmd := exec.Command(bin, append([]string{"serve"}, args...)...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	s := &process{cmd: cmd, done: make(chan error, 1), stderr: &strings.Builder{}}
	cmd.Stderr = s.stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if m := runningLine.FindStringSubmatch(sc.Text()); m != nil {
				found <- m[1]
			}
		}
		s.done <- cmd.Wait()
	}()
	t.Cleanup(func() {
		if cmd.ProcessState != nil {
			return
		}
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case err := <-s.done:
			if err != nil {
				t.Errorf("server exited with %v; stderr:\n%s", err, s.stderr.String())
			}
		case <-time.After(15 * time.Second):
			_ = cmd.Process.Kill()
			t.Errorf("server did not stop within 15s of SIGTERM")
		}
	})
	select {
	case s.url = <-found:
		return s
	case err := <-s.done:
		t.Fatalf("server exited at start: %v; stderr:\n%s", err, s.stderr.String())
	case <-time.After(60 * time.Second):
		t.Fatalf("server did not start within 60s; stderr:\n%s", s.stderr.String())
	}
	return nil
}

// kill stops the server with SIGKILL, as a power cut would.
func (s *process) kill(t *testing.T) {
	t.Helper()
	_ = s.cmd.Process.Kill()
	<-s.done
}
