// Command test runs Taawun's whole test suite and says plainly what ran, what failed and what was
// skipped and why. It is the README's test command and what CI runs:
//
//	go run ./tools/test [packages]
//
// It runs `go test -json` (with -race when a C compiler is available, which the race detector
// needs), prints the output of failing tests as they finish, and ends with a summary. Exit status
// is non-zero when anything failed.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"sort"
	"strings"
	"time"
)

// event is one line of `go test -json`.
type event struct {
	Action  string
	Package string
	Test    string
	Output  string
	Elapsed float64
}

type testKey struct{ pkg, test string }

func main() {
	os.Exit(run(os.Args[1:], os.Stdout))
}

func run(args []string, out io.Writer) int {
	pkgs := args
	if len(pkgs) == 0 {
		pkgs = []string{"./..."}
	}
	goArgs := []string{"test", "-json", "-count=1", "-timeout=25m"}
	if _, err := exec.LookPath("gcc"); err == nil && os.Getenv("CGO_ENABLED") != "0" {
		goArgs = append(goArgs, "-race")
		fmt.Fprintln(out, "running go test with the race detector")
	} else {
		fmt.Fprintln(out, "running go test WITHOUT the race detector: it needs a C compiler (gcc) and cgo")
	}
	goArgs = append(goArgs, pkgs...)
	cmd := exec.Command("go", goArgs...)
	cmd.Stderr = os.Stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		fmt.Fprintln(out, err)
		return 2
	}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		fmt.Fprintln(out, err)
		return 2
	}
	var (
		outputs               = map[testKey][]string{}
		passed, failed, skips []testKey
		skipReasons           = map[testKey]string{}
		pkgFailed, pkgOK      []string
		noTests               []string
	)
	sc := bufio.NewScanner(stdout)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		var e event
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			fmt.Fprintln(out, sc.Text()) // build errors and other plain lines
			continue
		}
		k := testKey{e.Package, e.Test}
		switch e.Action {
		case "output":
			outputs[k] = append(outputs[k], e.Output)
		case "pass":
			if e.Test == "" {
				pkgOK = append(pkgOK, e.Package)
				fmt.Fprintf(out, "ok   %s (%.1fs)\n", e.Package, e.Elapsed)
			} else {
				passed = append(passed, k)
			}
			delete(outputs, k)
		case "skip":
			if e.Test == "" {
				noTests = append(noTests, e.Package)
			} else {
				skips = append(skips, k)
				skipReasons[k] = skipReason(outputs[k])
			}
			delete(outputs, k)
		case "fail":
			if e.Test == "" {
				pkgFailed = append(pkgFailed, e.Package)
				fmt.Fprintf(out, "FAIL %s (%.1fs)\n", e.Package, e.Elapsed)
				fmt.Fprint(out, strings.Join(outputs[k], ""))
			} else {
				failed = append(failed, k)
				fmt.Fprintf(out, "--- FAIL %s %s\n%s", e.Package, e.Test, strings.Join(outputs[k], ""))
			}
			delete(outputs, k)
		}
	}
	waitErr := cmd.Wait()

	fmt.Fprintf(out, "\n== summary (%s) ==\n", time.Since(start).Round(time.Second))
	fmt.Fprintf(out, "packages: %d ok, %d failed, %d without tests\n", len(pkgOK), len(pkgFailed), len(noTests))
	fmt.Fprintf(out, "tests (including subtests): %d ran, %d passed, %d failed, %d skipped\n",
		len(passed)+len(failed), len(passed), len(failed), len(skips))
	if len(skips) == 0 {
		fmt.Fprintln(out, "skipped: none")
	} else {
		sort.Slice(skips, func(i, j int) bool { return skips[i].pkg+skips[i].test < skips[j].pkg+skips[j].test })
		fmt.Fprintln(out, "skipped, and why:")
		for _, k := range skips {
			fmt.Fprintf(out, "  %s %s: %s\n", strings.TrimPrefix(k.pkg, "github.com/taawun/taawun/"), k.test, skipReasons[k])
		}
	}
	for _, k := range failed {
		fmt.Fprintf(out, "FAILED: %s %s\n", k.pkg, k.test)
	}
	if waitErr != nil || len(failed) > 0 || len(pkgFailed) > 0 {
		fmt.Fprintln(out, "RESULT: FAIL")
		return 1
	}
	fmt.Fprintln(out, "RESULT: PASS")
	return 0
}

// skipReason picks the line of a skipped test's output that says why.
func skipReason(lines []string) string {
	for i := len(lines) - 1; i >= 0; i-- {
		l := strings.TrimSpace(lines[i])
		if l == "" || strings.HasPrefix(l, "--- SKIP") || strings.HasPrefix(l, "=== ") {
			continue
		}
		// Drop the "file_test.go:12: " prefix.
		if _, after, ok := strings.Cut(l, ": "); ok && strings.Contains(l[:len(l)-len(after)], ".go:") {
			return after
		}
		return l
	}
	return "(no reason given)"
}
