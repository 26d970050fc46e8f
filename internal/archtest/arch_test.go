package archtest

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/taawun/taawun/"

// sourceFile is one non-test Go file of the module.
type sourceFile struct {
	pkg     string // import path relative to the module, e.g. "internal/web"
	path    string
	text    string
	imports []string
}

func moduleFiles(t *testing.T) []sourceFile {
	t.Helper()
	root := filepath.Join("..", "..")
	var out []sourceFile
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "node_modules" || d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".")) && p != root {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		f, err := parser.ParseFile(token.NewFileSet(), p, b, parser.ImportsOnly)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, filepath.Dir(p))
		rel = filepath.ToSlash(rel)
		// The rules are about the product: benchmark harnesses and tools may time themselves
		// and talk SQL to the peers they measure against.
		if !strings.HasPrefix(rel, "internal/") && !strings.HasPrefix(rel, "cmd/") {
			return nil
		}
		sf := sourceFile{pkg: rel, path: p, text: string(b)}
		for _, imp := range f.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			sf.imports = append(sf.imports, path)
		}
		out = append(out, sf)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(out) < 30 {
		t.Fatalf("found only %d files: wrong root?", len(out))
	}
	return out
}

// TestDomainCodeReadsTheClock: only the clock package asks the operating system for the time;
// the web layer may time requests for metrics, and wire protocols (SMPP) time out on real time
// whatever an exercise clock says.
func TestDomainCodeReadsTheClock(t *testing.T) {
	allowed := map[string]bool{"internal/clock": true, "internal/web": true}
	for _, f := range moduleFiles(t) {
		if allowed[f.pkg] || strings.HasPrefix(f.pkg, "internal/cap") || strings.HasPrefix(f.pkg, "internal/sms") {
			continue
		}
		if strings.Contains(f.text, "time.Now()") {
			t.Errorf("%s calls time.Now(); take a clock.Clock instead", f.path)
		}
	}
}

var sqlStatement = regexp.MustCompile("(?m)(`|\")\\s*(SELECT|INSERT INTO|UPDATE|DELETE FROM|CREATE TABLE)\\s")

// TestNoSQLOutsideTheStore keeps SQL in internal/store, where both dialects are tested.
func TestNoSQLOutsideTheStore(t *testing.T) {
	inStore := 0
	for _, f := range moduleFiles(t) {
		if strings.HasPrefix(f.pkg, "internal/store") {
			if sqlStatement.MatchString(f.text) {
				inStore++
			}
			continue
		}
		if sqlStatement.MatchString(f.text) {
			t.Errorf("%s contains SQL; add a store method instead", f.path)
		}
	}
	if inStore < 5 {
		t.Fatalf("the SQL pattern matched only %d store files: it would miss SQL elsewhere too", inStore)
	}
}

// TestDependenciesPointDownwards: nothing below the web and command-line layers imports them,
// and the store does not import domain packages.
func TestDependenciesPointDownwards(t *testing.T) {
	top := []string{module + "internal/web", module + "internal/cli", module + "internal/app"}
	for _, f := range moduleFiles(t) {
		for _, imp := range f.imports {
			for _, upper := range top {
				if imp == upper && !strings.HasPrefix(module+f.pkg, upper) && !isAbove(f.pkg, upper) {
					t.Errorf("%s imports %s, a layer above it", f.path, imp)
				}
			}
			if strings.HasPrefix(f.pkg, "internal/store") && (imp == module+"internal/auth" || imp == module+"internal/bus") {
				t.Errorf("%s (store) imports %s", f.path, imp)
			}
		}
	}
}

// isAbove reports whether pkg may import upper: the binary imports the CLI, the CLI the app, and
// the app the web server.
func isAbove(pkg, upper string) bool {
	order := map[string]int{"cmd/taawun": 0, "internal/cli": 1, "internal/app": 2, "internal/web": 3}
	p, ok := order[pkg]
	u := order[strings.TrimPrefix(upper, module)]
	return ok && p < u
}
