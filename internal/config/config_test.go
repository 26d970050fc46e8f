package config

import (
	"bytes"
	"errors"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func load(t *testing.T, args []string, env map[string]string) (*Config, error) {
	t.Helper()
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	return Load(fs, args, func(k string) string { return env[k] })
}

func TestPrecedenceDefaultsFileEnvFlags(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "taawun.conf")
	os.WriteFile(file, []byte("# a node\naddr = \"0.0.0.0:9000\"\ndata = /srv/taawun\nlog-level = debug\nsession-ttl = 2h\n"), 0o600)

	c, err := load(t, nil, nil)
	if err != nil || c.Addr != "127.0.0.1:8080" || c.Data != "./data" || !c.Demo || c.DB != "" || c.NATS != "" {
		t.Fatalf("defaults: %+v, %v", c, err)
	}
	c, err = load(t, []string{"--config", file}, nil)
	if err != nil || c.Addr != "0.0.0.0:9000" || c.Data != "/srv/taawun" || c.LogLevel != "debug" {
		t.Fatalf("file: %+v, %v", c, err)
	}
	env := map[string]string{"TAAWUN_ADDR": "0.0.0.0:9100", "TAAWUN_CONFIG": file, "TAAWUN_DEMO": "false"}
	c, err = load(t, nil, env)
	if err != nil || c.Addr != "0.0.0.0:9100" || c.Data != "/srv/taawun" || c.Demo {
		t.Fatalf("env over file: %+v, %v", c, err)
	}
	c, err = load(t, []string{"--addr", "127.0.0.1:9200", "--demo"}, env)
	if err != nil || c.Addr != "127.0.0.1:9200" || !c.Demo || c.SessionTTL.Hours() != 2 {
		t.Fatalf("flags over env: %+v, %v", c, err)
	}
}

func TestSecretFromFileAndRedactedPrint(t *testing.T) {
	secret := filepath.Join(t.TempDir(), "pw")
	os.WriteFile(secret, []byte("s3cret-admin-pass\n"), 0o600)
	c, err := load(t, []string{"--db", "postgres://taawun:dbpass@db:5432/taawun", "--node-id", "pk-ndma", "--node-key", "c2VjcmV0"},
		map[string]string{"TAAWUN_ADMIN_PASSWORD_FILE": secret})
	if err != nil {
		t.Fatal(err)
	}
	if c.AdminPassword != "s3cret-admin-pass" {
		t.Fatalf("admin password from file: %q", c.AdminPassword)
	}
	var out bytes.Buffer
	c.Print(&out)
	for _, leaked := range []string{"s3cret-admin-pass", "dbpass", "c2VjcmV0"} {
		if strings.Contains(out.String(), leaked) {
			t.Errorf("print-config leaks %q:\n%s", leaked, out.String())
		}
	}
	if !strings.Contains(out.String(), `db = "postgres://taawun:xxxxx@db:5432/taawun"`) || !strings.Contains(out.String(), `node-key = "(redacted)"`) {
		t.Errorf("print-config:\n%s", out.String())
	}
}

func TestBadConfigurationNamesKeyAndProblem(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.conf")
	os.WriteFile(bad, []byte("addr = 127.0.0.1:1\ncolour = blue\n"), 0o600)
	noEq := filepath.Join(dir, "noeq.conf")
	os.WriteFile(noEq, []byte("addr 127.0.0.1:1\n"), 0o600)
	tests := []struct {
		args []string
		env  map[string]string
		want string
	}{
		{[]string{"--config", bad}, nil, `bad.conf:2: unknown key "colour"`},
		{[]string{"--config", noEq}, nil, "noeq.conf:1: expected key = value"},
		{[]string{"--addr", "localhost"}, nil, `addr "localhost"`},
		{nil, map[string]string{"TAAWUN_MAX_BODY": "lots"}, `TAAWUN_MAX_BODY="lots"`},
		{[]string{"--max-body", "10"}, nil, "max-body: 10 bytes"},
		{[]string{"--db", "mysql://x"}, nil, "db:"},
		{[]string{"--nats", "http://x"}, nil, "nats:"},
		{[]string{"--node-id", "Pakistan"}, nil, "node-id"},
		{[]string{"--log-level", "loud"}, nil, "log-level"},
		{[]string{"--tls-cert", "a.pem"}, nil, "tls-cert and tls-key"},
		{[]string{"--demo=perhaps"}, nil, "--demo"},
		{[]string{"--smpp-addr", "smsc:2775", "--sms-http-url", "https://sms.example/bulk"}, nil, "choose one SMS route"},
		{[]string{"--sms-http-url", "ftp://x"}, nil, "sms-http-url"},
		{[]string{"--smtp-host", "mail", "--smtp-from", "nobody"}, nil, "smtp-from"},
		{[]string{"--vapid-subject", "ops@ndma.gov.pk"}, nil, "vapid-subject"},
		{[]string{"--delivery-lease", "10ms"}, nil, "delivery-lease"},
		{[]string{"--chromium", filepath.Join(dir, "no-such-chromium")}, nil, "chromium:"},
	}
	for _, tt := range tests {
		_, err := load(t, tt.args, tt.env)
		if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%v %v: err = %v, want it to mention %q", tt.args, tt.env, err, tt.want)
		}
	}
}
