// Command taawun runs and administers a Taawun node. See `taawun --help`.
package main

import (
	"context"
	"os"

	"github.com/taawun/taawun/internal/cli"
)

func main() {
	os.Exit(cli.Main(context.Background(), os.Args[1:], cli.OSEnv()))
}
