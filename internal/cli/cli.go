// Package cli implements the taawun command: serve, migrate, user add, audit verify, cap and
// version. Exit codes: 0 success, 1 a check failed (or the command failed), 2 a usage error.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/taawun/taawun/internal/app"
	"github.com/taawun/taawun/internal/cap/capcli"
	"github.com/taawun/taawun/internal/config"
)

// Exit codes.
const (
	ExitOK    = 0
	ExitFail  = 1
	ExitUsage = 2
)

// Env is what a command reads from its surroundings; tests replace it.
type Env struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	Getenv         func(string) string
}

// OSEnv is the process's own environment.
func OSEnv() Env {
	return Env{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv}
}

type command struct {
	name, summary string
	run           func(ctx context.Context, args []string, env Env) int
}

func commands() []command {
	return []command{
		{"serve", "run the node: web, API, bus, outbox relay", serve},
		{"migrate", "bring the database schema up to date and exit", migrate},
		{"user", "manage users (user add)", userCmd},
		{"audit", "check the audit log (audit verify)", audit},
		{"cap", "validate, sign, verify and convert CAP alerts", func(ctx context.Context, args []string, env Env) int {
			return capcli.Run(ctx, args, env.Stdin, env.Stdout, env.Stderr)
		}},
		{"version", "print the version", func(_ context.Context, args []string, env Env) int {
			if len(args) > 0 && isHelp(args[0]) {
				fmt.Fprintln(env.Stdout, "usage: taawun version\n\nPrints the version of this program.")
				return ExitOK
			}
			fmt.Fprintf(env.Stdout, "taawun %s\n", app.Version)
			return ExitOK
		}},
	}
}

// Main runs the command line args (without the program name) and returns the exit code.
func Main(ctx context.Context, args []string, env Env) int {
	if len(args) == 0 || isHelp(args[0]) {
		usage(env.Stdout)
		if len(args) == 0 {
			return ExitUsage
		}
		return ExitOK
	}
	for _, c := range commands() {
		if c.name == args[0] {
			return c.run(ctx, args[1:], env)
		}
	}
	fmt.Fprintf(env.Stderr, "taawun: unknown command %q\n\n", args[0])
	usage(env.Stderr)
	return ExitUsage
}

func isHelp(a string) bool { return a == "-h" || a == "--help" || a == "-help" || a == "help" }

func usage(w io.Writer) {
	fmt.Fprintln(w, "Taawun (تعاون): integrated disaster management, early warning and regional cooperation.")
	fmt.Fprintln(w, "\nusage: taawun <command> [flags]\n\ncommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun taawun <command> --help for the flags of a command.")
}

// flagSet makes a FlagSet whose errors go to stderr and whose usage names the command.
func flagSet(name, synopsis string, env Env) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: taawun %s\n\n", synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// loadConfig parses args into a configuration; it prints usage and returns an exit code on
// failure. --help prints to stdout and exits 0.
func loadConfig(fs *flag.FlagSet, args []string, env Env) (*config.Config, int, bool) {
	for _, a := range args {
		if isHelp(a) {
			fs.SetOutput(env.Stdout)
			fs.Usage()
			return nil, ExitOK, false
		}
	}
	cfg, err := config.Load(fs, args, env.Getenv)
	if err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintf(env.Stderr, "taawun %s: %v\n", fs.Name(), err)
		}
		return nil, ExitUsage, false
	}
	return cfg, 0, true
}

func serve(ctx context.Context, args []string, env Env) int {
	fs := flagSet("serve", "serve [flags]", env)
	printConfig := fs.Bool("print-config", false, "print the effective configuration (secrets redacted) and exit")
	cfg, code, ok := loadConfig(fs, args, env)
	if !ok {
		return code
	}
	if *printConfig {
		cfg.Print(env.Stdout)
		return ExitOK
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	log := app.NewLogger(cfg, env.Stderr)
	if err := app.Run(ctx, cfg, env.Stdout, log); err != nil {
		fmt.Fprintf(env.Stderr, "taawun serve: %v\n", err)
		return ExitFail
	}
	return ExitOK
}

func migrate(ctx context.Context, args []string, env Env) int {
	fs := flagSet("migrate", "migrate [flags]", env)
	cfg, code, ok := loadConfig(fs, args, env)
	if !ok {
		return code
	}
	log := app.NewLogger(cfg, env.Stderr)
	_, db, err := app.OpenStore(ctx, cfg, log)
	if err != nil {
		fmt.Fprintf(env.Stderr, "taawun migrate: %v\n", err)
		return ExitFail
	}
	defer db.Close()
	applied, err := db.Migrate(ctx)
	if err != nil {
		fmt.Fprintf(env.Stderr, "taawun migrate: %v\n", err)
		return ExitFail
	}
	v, _ := db.SchemaVersion(ctx)
	fmt.Fprintf(env.Stdout, "%s database at schema version %d (%d migrations applied now)\n", db.Dialect(), v, applied)
	return ExitOK
}
