// Package config reads a node's settings from, in rising order of precedence, built-in
// defaults, an optional file, TAAWUN_* environment variables (and TAAWUN_*_FILE for secrets), and
// command-line flags; validates them; and prints them with secrets redacted.
package config

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/taawun/taawun/internal/ident"
)

// Config is the effective configuration of `taawun serve` and the other commands.
type Config struct {
	ConfigFile    string
	Addr          string
	Data          string
	DB            string
	NATS          string
	Demo          bool
	NodeID        string
	NodeKey       string
	AdminPassword string
	PublicURL     string
	TLSCert       string
	TLSKey        string
	MaxBody       int64
	SessionTTL    time.Duration
	LogLevel      string
	LogFormat     string
	// Outbound channels; a channel whose server is not configured is not offered.
	SMTPHost     string
	SMTPPort     int
	SMTPFrom     string
	SMTPUser     string
	SMTPPassword string
	SMTPStartTLS bool
	SMPPAddr     string
	SMPPSystemID string
	SMPPPassword string
	SMSFrom      string
	// SMSHTTPURL is an SMS aggregator's bulk HTTP API, an alternative to SMPP.
	SMSHTTPURL   string
	SMSHTTPToken string
	// VAPIDPrivateKey signs Web Push requests (base64url P-256 scalar); empty derives it from
	// the node key, so every server of a node has the same one.
	VAPIDPrivateKey string
	// VAPIDSubject is the contact push services see (mailto: or https:).
	VAPIDSubject string
	// DeliveryLease is how long a server reserves the deliveries it is sending; after a crash
	// they wait this long before another attempt.
	DeliveryLease time.Duration
	// Chromium is the path of a Chromium binary that prints situation reports to PDF; empty
	// turns PDF export off.
	Chromium string
}

// ErrInvalid wraps every configuration error; the message names the key and the problem.
var ErrInvalid = errors.New("config")

// setting describes one key.
type setting struct {
	name   string // flag and file key
	help   string
	def    string
	secret bool
	// boolean flags may be given bare (--demo) as well as with a value (--demo=false).
	boolean bool
	get     func(*Config) string
	set     func(*Config, string) error
}

// Env returns the environment variable of a key: TAAWUN_ and the upper-cased name.
func Env(name string) string {
	return "TAAWUN_" + strings.ToUpper(strings.ReplaceAll(name, "-", "_"))
}

func str(p func(*Config) *string) (func(*Config) string, func(*Config, string) error) {
	return func(c *Config) string { return *p(c) }, func(c *Config, v string) error { *p(c) = v; return nil }
}

func settings() []setting {
	s := func(name, def, help string, secret bool, p func(*Config) *string) setting {
		get, set := str(p)
		return setting{name: name, help: help, def: def, secret: secret, get: get, set: set}
	}
	return []setting{
		s("addr", "127.0.0.1:8080", "address to listen on (host:port)", false, func(c *Config) *string { return &c.Addr }),
		s("data", "./data", "data folder: embedded database, embedded NATS, node key", false, func(c *Config) *string { return &c.Data }),
		s("db", "", "database: empty for embedded SQLite in the data folder, or a postgres:// URL", true, func(c *Config) *string { return &c.DB }),
		s("nats", "", "NATS: empty for an embedded JetStream server in the data folder, or nats:// URL(s) of a cluster", false, func(c *Config) *string { return &c.NATS }),
		{name: "demo", def: "true", boolean: true, help: "seed demo organisations and users into an empty database",
			get: func(c *Config) string { return strconv.FormatBool(c.Demo) },
			set: func(c *Config, v string) (err error) { c.Demo, err = strconv.ParseBool(v); return err }},
		s("node-id", "", "node id <country>-<name> (e.g. pk-ndma); made at first start when empty; all servers of a node share it", false, func(c *Config) *string { return &c.NodeID }),
		s("node-key", "", "node signing key (base64 Ed25519 seed); made at first start when empty; all servers of a node share it", true, func(c *Config) *string { return &c.NodeKey }),
		s("admin-password", "", "password of the demo admin; generated and printed once when empty", true, func(c *Config) *string { return &c.AdminPassword }),
		s("public-url", "", "URL users reach the node at (https:// makes cookies Secure)", false, func(c *Config) *string { return &c.PublicURL }),
		s("tls-cert", "", "TLS certificate file (serve HTTPS when set with --tls-key)", false, func(c *Config) *string { return &c.TLSCert }),
		s("tls-key", "", "TLS private key file", false, func(c *Config) *string { return &c.TLSKey }),
		{name: "max-body", def: "1048576", help: "largest request body in bytes",
			get: func(c *Config) string { return strconv.FormatInt(c.MaxBody, 10) },
			set: func(c *Config, v string) (err error) { c.MaxBody, err = strconv.ParseInt(v, 10, 64); return err }},
		{name: "session-ttl", def: "12h", help: "how long a login lasts",
			get: func(c *Config) string { return c.SessionTTL.String() },
			set: func(c *Config, v string) (err error) { c.SessionTTL, err = time.ParseDuration(v); return err }},
		s("log-level", "info", "debug, info, warn or error", false, func(c *Config) *string { return &c.LogLevel }),
		s("smtp-host", "", "SMTP relay for e-mail warnings (empty: no e-mail channel)", false, func(c *Config) *string { return &c.SMTPHost }),
		{name: "smtp-port", def: "25", help: "SMTP relay port",
			get: func(c *Config) string { return strconv.Itoa(c.SMTPPort) },
			set: func(c *Config, v string) (err error) { c.SMTPPort, err = strconv.Atoi(v); return err }},
		s("smtp-from", "", "sender address of e-mail warnings", false, func(c *Config) *string { return &c.SMTPFrom }),
		s("smtp-user", "", "SMTP user name", false, func(c *Config) *string { return &c.SMTPUser }),
		s("smtp-password", "", "SMTP password", true, func(c *Config) *string { return &c.SMTPPassword }),
		{name: "smtp-starttls", def: "false", boolean: true, help: "require STARTTLS to the relay",
			get: func(c *Config) string { return strconv.FormatBool(c.SMTPStartTLS) },
			set: func(c *Config, v string) (err error) { c.SMTPStartTLS, err = strconv.ParseBool(v); return err }},
		s("smpp-addr", "", "operator SMSC host:port for SMS warnings (empty: no SMS channel)", false, func(c *Config) *string { return &c.SMPPAddr }),
		s("smpp-system-id", "", "SMPP system_id", false, func(c *Config) *string { return &c.SMPPSystemID }),
		s("smpp-password", "", "SMPP password", true, func(c *Config) *string { return &c.SMPPPassword }),
		s("sms-from", "NDMA", "sender shown on SMS warnings", false, func(c *Config) *string { return &c.SMSFrom }),
		s("sms-http-url", "", "SMS aggregator's bulk HTTP API for SMS warnings, instead of SMPP (empty: none)", false, func(c *Config) *string { return &c.SMSHTTPURL }),
		s("sms-http-token", "", "bearer token of the SMS aggregator's API", true, func(c *Config) *string { return &c.SMSHTTPToken }),
		s("vapid-private-key", "", "Web Push (VAPID) private key, base64url P-256; empty: derived from the node key", true, func(c *Config) *string { return &c.VAPIDPrivateKey }),
		s("vapid-subject", "", "contact given to browsers' push services (mailto: or https: URI); empty: mailto:smtp-from or public-url", false, func(c *Config) *string { return &c.VAPIDSubject }),
		{name: "delivery-lease", def: "2m", help: "how long a server reserves deliveries it is sending (resent after a crash once it lapses)",
			get: func(c *Config) string { return c.DeliveryLease.String() },
			set: func(c *Config, v string) (err error) { c.DeliveryLease, err = time.ParseDuration(v); return err }},
		s("log-format", "text", "text or json", false, func(c *Config) *string { return &c.LogFormat }),
		s("chromium", "", "path of a Chromium binary for PDF situation reports (Urdu shaped by the browser); empty: PDF export off", false, func(c *Config) *string { return &c.Chromium }),
	}
}

// Load builds the configuration for a command: fs gets a flag per key (plus --config); args are
// parsed; then defaults, file, environment and the flags actually given are applied in that order.
// getenv is os.Getenv outside tests.
func Load(fs *flag.FlagSet, args []string, getenv func(string) string) (*Config, error) {
	all := settings()
	flagVals := map[string]*string{}
	for _, s := range all {
		help := s.help + " (env " + Env(s.name) + ")"
		if s.boolean {
			v := new(string)
			fs.BoolFunc(s.name, help+" (default "+s.def+")", func(x string) error { *v = x; return nil })
			fs.Lookup(s.name).DefValue = s.def
			flagVals[s.name] = v
			continue
		}
		flagVals[s.name] = fs.String(s.name, s.def, help)
	}
	configFile := fs.String("config", "", "configuration file of key = value lines (env TAAWUN_CONFIG)")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })

	c := &Config{}
	for _, s := range all {
		if err := s.set(c, s.def); err != nil {
			return nil, fmt.Errorf("%w: default of %s: %w", ErrInvalid, s.name, err)
		}
	}
	c.ConfigFile = *configFile
	if c.ConfigFile == "" {
		c.ConfigFile = getenv("TAAWUN_CONFIG")
	}
	if c.ConfigFile != "" {
		if err := c.applyFile(all, c.ConfigFile); err != nil {
			return nil, err
		}
	}
	for _, s := range all {
		env := Env(s.name)
		if v := getenv(env); v != "" {
			if err := s.set(c, v); err != nil {
				return nil, fmt.Errorf("%w: %s=%q: %w", ErrInvalid, env, v, err)
			}
		}
		if !s.secret {
			continue
		}
		if path := getenv(env + "_FILE"); path != "" {
			b, err := os.ReadFile(path)
			if err != nil {
				return nil, fmt.Errorf("%w: %s_FILE: %w", ErrInvalid, env, err)
			}
			if err := s.set(c, strings.TrimSpace(string(b))); err != nil {
				return nil, fmt.Errorf("%w: %s_FILE: %w", ErrInvalid, env, err)
			}
		}
	}
	for _, s := range all {
		if given[s.name] {
			if err := s.set(c, *flagVals[s.name]); err != nil {
				return nil, fmt.Errorf("%w: --%s=%q: %w", ErrInvalid, s.name, *flagVals[s.name], err)
			}
		}
	}
	return c, c.Validate()
}

// applyFile reads key = value lines; '#' starts a comment; values may be double-quoted.
func (c *Config) applyFile(all []setting, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("%w: file %s: %w", ErrInvalid, path, err)
	}
	defer f.Close()
	return c.applyReader(all, path, f)
}

func (c *Config) applyReader(all []setting, path string, r io.Reader) error {
	byName := map[string]setting{}
	for _, s := range all {
		byName[s.name] = s
	}
	sc := bufio.NewScanner(r)
	for line := 1; sc.Scan(); line++ {
		text := strings.TrimSpace(sc.Text())
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		key, val, ok := strings.Cut(text, "=")
		if !ok {
			return fmt.Errorf("%w: %s:%d: expected key = value, got %q", ErrInvalid, path, line, text)
		}
		key, val = strings.TrimSpace(key), strings.TrimSpace(val)
		if uq, err := strconv.Unquote(val); err == nil {
			val = uq
		}
		s, known := byName[key]
		if !known {
			return fmt.Errorf("%w: %s:%d: unknown key %q", ErrInvalid, path, line, key)
		}
		if err := s.set(c, val); err != nil {
			return fmt.Errorf("%w: %s:%d: %s: %w", ErrInvalid, path, line, key, err)
		}
	}
	return sc.Err()
}

// Validate names the first key whose value cannot work.
func (c *Config) Validate() error {
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		return fmt.Errorf("%w: addr %q: %w", ErrInvalid, c.Addr, err)
	}
	if c.Data == "" {
		return fmt.Errorf("%w: data: must not be empty", ErrInvalid)
	}
	if c.DB != "" && !strings.HasPrefix(c.DB, "postgres://") && !strings.HasPrefix(c.DB, "postgresql://") && !strings.HasPrefix(c.DB, "sqlite:") {
		return fmt.Errorf("%w: db: %q must be empty (embedded SQLite), sqlite:PATH or a postgres:// URL", ErrInvalid, redactURL(c.DB))
	}
	if c.NATS != "" {
		for _, u := range strings.Split(c.NATS, ",") {
			p, err := url.Parse(strings.TrimSpace(u))
			if err != nil || (p.Scheme != "nats" && p.Scheme != "tls") || p.Host == "" {
				return fmt.Errorf("%w: nats: %q is not a nats:// URL", ErrInvalid, u)
			}
		}
	}
	if c.NodeID != "" {
		if err := ident.CheckNodeID(c.NodeID); err != nil {
			return fmt.Errorf("%w: node-id: %w", ErrInvalid, err)
		}
	}
	if c.NodeKey != "" && c.NodeID == "" {
		return fmt.Errorf("%w: node-key is set but node-id is not; a shared key needs the node's id", ErrInvalid)
	}
	if c.PublicURL != "" {
		if p, err := url.Parse(c.PublicURL); err != nil || (p.Scheme != "http" && p.Scheme != "https") {
			return fmt.Errorf("%w: public-url: %q is not an http(s) URL", ErrInvalid, c.PublicURL)
		}
	}
	if (c.TLSCert == "") != (c.TLSKey == "") {
		return fmt.Errorf("%w: tls-cert and tls-key must be given together", ErrInvalid)
	}
	if c.MaxBody < 1024 {
		return fmt.Errorf("%w: max-body: %d bytes is below the minimum of 1024", ErrInvalid, c.MaxBody)
	}
	if c.SessionTTL < time.Minute {
		return fmt.Errorf("%w: session-ttl: %s is shorter than a minute", ErrInvalid, c.SessionTTL)
	}
	if c.DeliveryLease < time.Second {
		return fmt.Errorf("%w: delivery-lease: %s is shorter than a second", ErrInvalid, c.DeliveryLease)
	}
	if c.SMTPHost != "" && !strings.Contains(c.SMTPFrom, "@") {
		return fmt.Errorf("%w: smtp-from: %q is not an e-mail address (needed with smtp-host)", ErrInvalid, c.SMTPFrom)
	}
	if c.SMTPPort <= 0 || c.SMTPPort > 65535 {
		return fmt.Errorf("%w: smtp-port: %d is not a port", ErrInvalid, c.SMTPPort)
	}
	if c.SMPPAddr != "" && c.SMSHTTPURL != "" {
		return fmt.Errorf("%w: smpp-addr and sms-http-url both set; choose one SMS route", ErrInvalid)
	}
	if c.SMSHTTPURL != "" {
		if p, err := url.Parse(c.SMSHTTPURL); err != nil || (p.Scheme != "https" && p.Scheme != "http") {
			return fmt.Errorf("%w: sms-http-url: %q is not an http(s) URL", ErrInvalid, c.SMSHTTPURL)
		}
	}
	if c.SMPPAddr != "" {
		if _, _, err := net.SplitHostPort(c.SMPPAddr); err != nil {
			return fmt.Errorf("%w: smpp-addr %q: %w", ErrInvalid, c.SMPPAddr, err)
		}
	}
	if c.VAPIDSubject != "" && !strings.HasPrefix(c.VAPIDSubject, "mailto:") && !strings.HasPrefix(c.VAPIDSubject, "https://") {
		return fmt.Errorf("%w: vapid-subject: %q is not a mailto: or https:// URI", ErrInvalid, c.VAPIDSubject)
	}
	if c.Chromium != "" {
		if fi, err := os.Stat(c.Chromium); err != nil || fi.IsDir() {
			return fmt.Errorf("%w: chromium: %q is not a Chromium binary (install Debian chromium and give its path, or leave empty to turn PDF export off)", ErrInvalid, c.Chromium)
		}
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		return fmt.Errorf("%w: log-level: %q is not debug, info, warn or error", ErrInvalid, c.LogLevel)
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		return fmt.Errorf("%w: log-format: %q is not text or json", ErrInvalid, c.LogFormat)
	}
	return nil
}

// SecureCookies reports whether cookies must be marked Secure: behind TLS or an https public URL.
func (c *Config) SecureCookies() bool {
	return c.TLSCert != "" || strings.HasPrefix(c.PublicURL, "https://")
}

// Print writes the effective configuration, one key = value per line, secrets redacted.
func (c *Config) Print(w io.Writer) {
	if c.ConfigFile != "" {
		fmt.Fprintf(w, "# from file %s\n", c.ConfigFile)
	}
	for _, s := range settings() {
		v := s.get(c)
		switch {
		case s.name == "db" && v != "":
			v = redactURL(v)
		case s.secret && v != "":
			v = "(redacted)"
		}
		fmt.Fprintf(w, "%s = %q\n", s.name, v)
	}
}

func redactURL(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return "(unparseable URL)"
	}
	return p.Redacted()
}
