package cli

import (
	"context"
	"fmt"

	"github.com/taawun/taawun/internal/app"
	"github.com/taawun/taawun/internal/store"
)

func audit(ctx context.Context, args []string, env Env) int {
	if len(args) == 0 || isHelp(args[0]) {
		fmt.Fprintln(env.Stdout, "usage: taawun audit verify [flags]\n\nRecomputes the hash chain of the audit log. Exit 0: intact; 1: an entry was altered (named).")
		if len(args) == 0 {
			return ExitUsage
		}
		return ExitOK
	}
	if args[0] != "verify" {
		fmt.Fprintf(env.Stderr, "taawun audit: unknown subcommand %q (known: verify)\n", args[0])
		return ExitUsage
	}
	fs := flagSet("audit verify", "audit verify [flags]", env)
	cfg, code, ok := loadConfig(fs, args[1:], env)
	if !ok {
		return code
	}
	log := app.NewLogger(cfg, env.Stderr)
	_, db, err := app.OpenStore(ctx, cfg, log)
	if err != nil {
		fmt.Fprintf(env.Stderr, "taawun audit verify: %v\n", err)
		return ExitFail
	}
	defer db.Close()
	if err := db.CheckSchema(ctx); err != nil {
		fmt.Fprintf(env.Stderr, "taawun audit verify: %v\n", err)
		return ExitFail
	}
	n, bad, reason, err := verifyAudit(ctx, db)
	if err != nil {
		fmt.Fprintf(env.Stderr, "taawun audit verify: %v\n", err)
		return ExitFail
	}
	if bad != nil {
		fmt.Fprintf(env.Stdout, "audit log ALTERED: entry %d (id %s, %s %s %s/%s at %s): %s\n", bad.Seq, bad.ID, bad.Actor, bad.Action,
			bad.EntityType, bad.EntityID, bad.At.Format("2006-01-02T15:04:05Z07:00"), reason)
		return ExitFail
	}
	fmt.Fprintf(env.Stdout, "audit log intact: %d entries verified\n", n)
	return ExitOK
}

// verifyAudit walks the whole log in pages and checks each entry's hash and link; a gap in the
// sequence numbers (a deleted entry) also breaks the chain.
func verifyAudit(ctx context.Context, s store.Store) (int, *store.AuditEntry, string, error) {
	const page = 1000
	var (
		prevHash string
		after    int64
		total    int
	)
	for {
		entries, err := s.Audit().List(ctx, after, page)
		if err != nil {
			return total, nil, "", err
		}
		for i := range entries {
			if entries[i].Seq != after+int64(i)+1 {
				return total, &entries[i], fmt.Sprintf("entry %d is missing before it", after+int64(i)+1), nil
			}
		}
		if bad, reason := store.VerifyChain(prevHash, entries); bad != nil {
			return total, bad, reason, nil
		}
		total += len(entries)
		if len(entries) < page {
			return total, nil, "", nil
		}
		prevHash = entries[len(entries)-1].Hash
		after = entries[len(entries)-1].Seq
	}
}
