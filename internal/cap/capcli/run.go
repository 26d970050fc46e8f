package capcli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
)

// Exit codes of Run.
const (
	ExitOK    = 0 // every input passed
	ExitCheck = 1 // some input failed the check
	ExitUsage = 2 // bad usage, or an input could not be read
)

// env carries the streams of one Run.
type env struct {
	ctx    context.Context
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
}

type command struct {
	name    string
	summary string
	run     func(e *env, args []string) int
}

func commands() []command {
	return []command{
		{"validate", "check CAP messages, feeds and EDXL-DE envelopes", runValidate},
		{"sign", "add an enveloped XML signature to a CAP message", runSign},
		{"verify", "verify the XML signatures of CAP messages against pinned certificates", runVerify},
		{"convert", "convert a CAP message to JSON or GeoJSON", runConvert},
		{"rules", "list the validation rule codes", runRules},
	}
}

// Run executes "taawun cap" with args (not including "cap" itself) and
// returns the process exit code.
func Run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	e := &env{ctx: ctx, stdin: stdin, stdout: stdout, stderr: stderr}
	if len(args) == 0 {
		usage(stderr)
		return ExitUsage
	}
	switch args[0] {
	case "-h", "-help", "--help", "help":
		usage(stdout)
		return ExitOK
	}
	for _, c := range commands() {
		if c.name == args[0] {
			return c.run(e, args[1:])
		}
	}
	fmt.Fprintf(stderr, "taawun cap: unknown command %q\n", args[0])
	usage(stderr)
	return ExitUsage
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "Usage: taawun cap COMMAND [options] ...")
	fmt.Fprintln(w, "\nCommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-9s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun 'taawun cap COMMAND --help' for a command's options.")
	fmt.Fprintln(w, "Exit status: 0 success, 1 a failed check, 2 usage or I/O error.")
}

// newFlags makes a flag set whose --help prints to stdout.
func newFlags(e *env, name, args, about string) *flag.FlagSet {
	fs := flag.NewFlagSet("taawun cap "+name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		w := fs.Output()
		fmt.Fprintf(w, "Usage: taawun cap %s [options] %s\n\n%s\n", name, args, about)
		if hasFlags(fs) {
			fmt.Fprintln(w, "\nOptions:")
			fs.PrintDefaults()
		}
	}
	return fs
}

func hasFlags(fs *flag.FlagSet) bool {
	n := 0
	fs.VisitAll(func(*flag.Flag) { n++ })
	return n > 0
}

// parseFlags parses args; done is true when Run should return code.
func parseFlags(e *env, fs *flag.FlagSet, args []string) (code int, done bool) {
	for _, a := range args {
		if a == "--" {
			break
		}
		if a == "-h" || a == "-help" || a == "--help" {
			fs.SetOutput(e.stdout)
			fs.Usage()
			return ExitOK, true
		}
	}
	if err := fs.Parse(args); err != nil {
		return ExitUsage, true
	}
	return 0, false
}

// open returns the named input ("-" is standard input).
func (e *env) open(name string) (io.ReadCloser, error) {
	if name == "-" {
		return io.NopCloser(e.stdin), nil
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	if st, err := f.Stat(); err == nil && st.IsDir() {
		f.Close()
		return nil, fmt.Errorf("%s is a directory", name)
	}
	return f, nil
}

// readInput reads a whole named input with a size cap.
func (e *env) readInput(name string, max int64) ([]byte, error) {
	r, err := e.open(name)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	b, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > max {
		return nil, fmt.Errorf("%s: more than %d bytes", name, max)
	}
	return b, nil
}

// stringList is a repeatable string flag.
type stringList []string

// String joins the values with commas (flag.Value).
func (s *stringList) String() string { return strings.Join(*s, ",") }

// Set appends one value (flag.Value).
func (s *stringList) Set(v string) error {
	if v == "" {
		return errors.New("empty value")
	}
	*s = append(*s, v)
	return nil
}
