// Command taawuncap runs "taawun cap" (package capcli) on its own, for the
// benchmark harness until cmd/taawun wires the cap subcommand.
package main

import (
	"context"
	"os"

	"github.com/taawun/taawun/internal/cap/capcli"
)

func main() {
	os.Exit(capcli.Run(context.Background(), os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
