package cli

import (
	"bytes"
	"context"
	"database/sql"
	"io"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/taawun/taawun/internal/app"
	"github.com/taawun/taawun/internal/config"
)

// run runs the command line with a fresh environment and returns exit code, stdout, stderr.
func run(t *testing.T, env map[string]string, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := Main(context.Background(), args, Env{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errOut,
		Getenv: func(k string) string { return env[k] }})
	return code, out.String(), errOut.String()
}

func TestHelpOnEveryCommand(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {"serve", "--help"}, {"migrate", "--help"}, {"user", "--help"}, {"user", "add", "--help"},
		{"audit", "--help"}, {"audit", "verify", "--help"}, {"version", "--help"}, {"cap", "--help"}} {
		code, out, errOut := run(t, nil, "", args...)
		if code != ExitOK || !strings.Contains(strings.ToLower(out+errOut), "usage") {
			t.Errorf("%v: exit %d, output %q %q", args, code, out, errOut)
		}
	}
}

func TestUsageErrorsExit2(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{nil, "usage"},
		{[]string{"launch"}, `unknown command "launch"`},
		{[]string{"serve", "--addr", "nowhere"}, "addr"},
		{[]string{"serve", "--no-such-flag"}, "no-such-flag"},
		{[]string{"user", "remove"}, "unknown subcommand"},
		{[]string{"user", "add", "--username", "x"}, "required"},
		{[]string{"audit", "check"}, "unknown subcommand"},
	}
	for _, tt := range tests {
		code, out, errOut := run(t, nil, "", tt.args...)
		if code != ExitUsage || !strings.Contains(out+errOut, tt.want) {
			t.Errorf("%v: exit %d, output %q %q; want 2 mentioning %q", tt.args, code, out, errOut, tt.want)
		}
	}
}

func TestPrintConfigRedactsSecrets(t *testing.T) {
	code, out, _ := run(t, map[string]string{"TAAWUN_ADMIN_PASSWORD": "hunter2-admin"}, "",
		"serve", "--print-config", "--db", "postgres://taawun:pg-secret@db.internal/taawun", "--addr", "0.0.0.0:9090")
	if code != ExitOK {
		t.Fatalf("exit %d", code)
	}
	if strings.Contains(out, "hunter2-admin") || strings.Contains(out, "pg-secret") {
		t.Fatalf("secrets printed:\n%s", out)
	}
	for _, want := range []string{`addr = "0.0.0.0:9090"`, `admin-password = "(redacted)"`, `db = "postgres://taawun:xxxxx@db.internal/taawun"`} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %s in:\n%s", want, out)
		}
	}
}

func TestUnreachableDatabaseFailsClearlyAtStart(t *testing.T) {
	start := time.Now()
	code, _, errOut := run(t, nil, "", "serve", "--data", t.TempDir(), "--db", "postgres://taawun:pw@127.0.0.1:1/taawun?connect_timeout=2", "--addr", "127.0.0.1:0")
	if code != ExitFail || !strings.Contains(errOut, "database unreachable") || strings.Contains(errOut, ":pw@") {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	if time.Since(start) > 15*time.Second {
		t.Fatalf("took %s to give up", time.Since(start))
	}
}

func TestVersion(t *testing.T) {
	if code, out, _ := run(t, nil, "", "version"); code != 0 || !strings.HasPrefix(out, "taawun ") {
		t.Fatalf("%d %q", code, out)
	}
}

// seededDataDir starts a node with demo data in a new data folder and stops it.
func seededDataDir(t *testing.T) string {
	t.Helper()
	data := t.TempDir()
	cfg := &config.Config{Addr: "127.0.0.1:0", Data: data, Demo: true, AdminPassword: "cli test password", MaxBody: 1 << 20,
		SessionTTL: time.Hour, LogLevel: "error", LogFormat: "text", DeliveryLease: time.Minute}
	n, err := app.Start(context.Background(), cfg, io.Discard, app.NewLogger(cfg, io.Discard))
	if err != nil {
		t.Fatal(err)
	}
	if err := n.Stop(); err != nil {
		t.Fatal(err)
	}
	return data
}

func TestMigrateUserAddAuditVerify(t *testing.T) {
	data := seededDataDir(t)
	if code, out, errOut := run(t, nil, "", "migrate", "--data", data); code != 0 || !strings.Contains(out, "(0 migrations applied now)") {
		t.Fatalf("migrate: %d %q %q", code, out, errOut)
	}
	code, out, errOut := run(t, nil, "a good long password\n", "user", "add", "--data", data, "--username", "sana", "--org", "PDMA Sindh", "--role", "duty_officer")
	if code != 0 || !strings.Contains(out, "added user sana") {
		t.Fatalf("user add: %d %q %q", code, out, errOut)
	}
	if code, _, errOut := run(t, nil, "a good long password\n", "user", "add", "--data", data, "--username", "sana", "--org", "PDMA Sindh", "--role", "viewer"); code != 1 || !strings.Contains(errOut, "already exists") {
		t.Fatalf("duplicate: %d %q", code, errOut)
	}
	if code, _, errOut := run(t, nil, "a good long password\n", "user", "add", "--data", data, "--username", "x1", "--org", "Atlantis", "--role", "viewer"); code != 1 || !strings.Contains(errOut, `no organisation "Atlantis"`) {
		t.Fatalf("unknown org: %d %q", code, errOut)
	}
	code, out, _ = run(t, nil, "", "audit", "verify", "--data", data)
	if code != 0 || !strings.Contains(out, "audit log intact") {
		t.Fatalf("audit verify on an intact log: %d %q", code, out)
	}

	// Someone with access to the database file changes an entry behind the program's back.
	db, err := sql.Open("sqlite", filepath.Join(data, "taawun.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var seq int64
	if err := db.QueryRow(`SELECT seq FROM audit_log WHERE action = 'user.created' AND actor LIKE 'cli:%'`).Scan(&seq); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`DROP TRIGGER audit_log_no_update`,
		`UPDATE audit_log SET after_json = replace(after_json, 'duty_officer', 'admin') WHERE seq = ` + itoa(seq),
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	code, out, _ = run(t, nil, "", "audit", "verify", "--data", data)
	if code != ExitFail || !strings.Contains(out, "ALTERED: entry "+itoa(seq)+" ") {
		t.Fatalf("tampered log: exit %d, %q; want 1 naming entry %d", code, out, seq)
	}
}

func TestAuditVerifyNamesDeletedEntry(t *testing.T) {
	data := seededDataDir(t)
	db, err := sql.Open("sqlite", filepath.Join(data, "taawun.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, q := range []string{`DROP TRIGGER audit_log_no_delete`, `DELETE FROM audit_log WHERE seq = 5`} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	code, out, _ := run(t, nil, "", "audit", "verify", "--data", data)
	if code != ExitFail || !strings.Contains(out, "entry 5 is missing") {
		t.Fatalf("exit %d, %q", code, out)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
