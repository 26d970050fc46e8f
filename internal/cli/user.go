package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/user"
	"strings"

	"github.com/taawun/taawun/internal/app"
	"github.com/taawun/taawun/internal/auth"
	"github.com/taawun/taawun/internal/store"
)

func userCmd(ctx context.Context, args []string, env Env) int {
	if len(args) == 0 || isHelp(args[0]) {
		fmt.Fprintln(env.Stdout, "usage: taawun user add --username NAME --org ORG --role ROLE [flags]\n\nRun taawun user add --help for the flags.")
		if len(args) == 0 {
			return ExitUsage
		}
		return ExitOK
	}
	if args[0] != "add" {
		fmt.Fprintf(env.Stderr, "taawun user: unknown subcommand %q (known: add)\n", args[0])
		return ExitUsage
	}
	fs := flagSet("user add", "user add --username NAME --org ORG --role ROLE [flags]\n\nThe password is read from TAAWUN_USER_PASSWORD, or the first line of standard input.", env)
	username := fs.String("username", "", "login name (lower-case letters, digits, '.', '_', '-')")
	org := fs.String("org", "", "organisation: its id or short name (e.g. \"PDMA Punjab\")")
	role := fs.String("role", "", "role: "+strings.Join(auth.Roles(), ", "))
	display := fs.String("display-name", "", "full name")
	email := fs.String("email", "", "e-mail address")
	lang := fs.String("language", "", "interface language: en, ur, ru or zh")
	cfg, code, ok := loadConfig(fs, args[1:], env)
	if !ok {
		return code
	}
	if *username == "" || *org == "" || *role == "" {
		fmt.Fprintln(env.Stderr, "taawun user add: --username, --org and --role are required")
		return ExitUsage
	}
	password := env.Getenv("TAAWUN_USER_PASSWORD")
	if password == "" {
		line, err := bufio.NewReader(env.Stdin).ReadString('\n')
		if err != nil && line == "" {
			fmt.Fprintln(env.Stderr, "taawun user add: no password: set TAAWUN_USER_PASSWORD or write it on standard input")
			return ExitUsage
		}
		password = strings.TrimRight(line, "\r\n")
	}
	log := app.NewLogger(cfg, env.Stderr)
	_, db, err := app.OpenStore(ctx, cfg, log)
	if err != nil {
		fmt.Fprintf(env.Stderr, "taawun user add: %v\n", err)
		return ExitFail
	}
	defer db.Close()
	if err := db.CheckSchema(ctx); err != nil {
		fmt.Fprintf(env.Stderr, "taawun user add: %v\n", err)
		return ExitFail
	}
	orgID, err := findOrg(ctx, db, *org)
	if err != nil {
		fmt.Fprintf(env.Stderr, "taawun user add: %v\n", err)
		return ExitFail
	}
	svc, err := auth.NewService(db, nil, auth.DefaultHashParams)
	if err != nil {
		fmt.Fprintf(env.Stderr, "taawun user add: %v\n", err)
		return ExitFail
	}
	var created store.User
	err = db.WithTx(ctx, func(tx store.Tx) error {
		created, err = svc.CreateUser(ctx, tx, auth.CLIActor(osUser()), auth.NewUser{Username: *username, DisplayName: *display,
			Email: *email, Password: password, OrgID: orgID, Role: *role, Language: *lang})
		return err
	})
	switch {
	case errors.Is(err, store.ErrConflict):
		fmt.Fprintf(env.Stderr, "taawun user add: user %q already exists\n", *username)
		return ExitFail
	case err != nil:
		fmt.Fprintf(env.Stderr, "taawun user add: %v\n", err)
		return ExitFail
	}
	fmt.Fprintf(env.Stdout, "added user %s (%s) with id %s\n", created.Username, created.Role, created.ID)
	return ExitOK
}

// findOrg resolves an organisation id or short name.
func findOrg(ctx context.Context, s store.Store, ref string) (string, error) {
	orgs, err := s.Orgs().List(ctx)
	if err != nil {
		return "", err
	}
	var names []string
	for _, o := range orgs {
		if o.ID == ref || strings.EqualFold(o.ShortName, ref) {
			return o.ID, nil
		}
		names = append(names, fmt.Sprintf("%q", o.ShortName))
	}
	return "", fmt.Errorf("no organisation %q; known: %s", ref, strings.Join(names, ", "))
}

func osUser() string {
	if u, err := user.Current(); err == nil {
		return u.Username
	}
	return os.Getenv("USER")
}
