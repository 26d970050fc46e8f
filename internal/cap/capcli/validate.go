package capcli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"os"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/taawun/taawun/internal/cap"
	"github.com/taawun/taawun/internal/cap/capfeed"
	"github.com/taawun/taawun/internal/cap/xmltree"
)

// fileReport is the JSON form of one validated input.
type fileReport struct {
	File    string      `json:"file"`
	Kind    string      `json:"kind"` // alert, atom, rss, edxlde, or "" when unreadable
	Version cap.Version `json:"version,omitempty"`
	Valid   bool        `json:"valid"`
	Errors  int         `json:"errors"`
	Warns   int         `json:"warnings"`
	cap.Report
}

func runValidate(e *env, args []string) int {
	fs := newFlags(e, "validate", "FILE...|-",
		"Validate CAP 1.2/1.1/1.0 alerts, Atom/RSS feeds and EDXL-DE envelopes (detected\nfrom the root element). '-' reads standard input. Exit 0 when every input is\nvalid (warnings allowed), 1 when any is invalid, 2 on usage or I/O errors.")
	profile := fs.String("profile", "strict", "rule profile: strict, google, ipaws, cap-cp or pk")
	format := fs.String("format", "text", "output format: text or json")
	quiet := fs.Bool("quiet", false, "text format: print only invalid inputs and their issues")
	jobs := fs.Int("jobs", runtime.GOMAXPROCS(0), "inputs validated in parallel (output order is kept)")
	if code, done := parseFlags(e, fs, args); done {
		return code
	}
	p, err := cap.ParseProfile(*profile)
	if err != nil {
		fmt.Fprintf(e.stderr, "taawun cap validate: %v\n", err)
		return ExitUsage
	}
	if *format != "text" && *format != "json" {
		fmt.Fprintf(e.stderr, "taawun cap validate: --format %q: want text or json\n", *format)
		return ExitUsage
	}
	if fs.NArg() == 0 {
		fmt.Fprintln(e.stderr, "taawun cap validate: no input (give files, or - for standard input)")
		return ExitUsage
	}
	if *jobs < 1 {
		fmt.Fprintf(e.stderr, "taawun cap validate: --jobs %d: want at least 1\n", *jobs)
		return ExitUsage
	}
	// A batch run makes many short-lived trees: fewer collections (at the
	// cost of some memory, bounded by the input size limit times --jobs)
	// make it markedly faster. A GOGC set in the environment wins.
	if os.Getenv("GOGC") == "" {
		defer debug.SetGCPercent(debug.SetGCPercent(400))
	}
	opts := cap.Options{Profile: p}
	code := ExitOK
	var reports []fileReport
	for o := range e.validateAll(fs.Args(), opts, *jobs) {
		fr, err := o.report, o.err
		if err != nil {
			fmt.Fprintf(e.stderr, "taawun cap validate: %v\n", err)
			code = ExitUsage
			continue
		}
		if !fr.Valid && code == ExitOK {
			code = ExitCheck
		}
		if *format == "json" {
			reports = append(reports, fr)
			continue
		}
		writeText(e.stdout, fr, *quiet)
	}
	if *format == "json" {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		if reports == nil {
			reports = []fileReport{}
		}
		if err := enc.Encode(reports); err != nil {
			fmt.Fprintf(e.stderr, "taawun cap validate: %v\n", err)
			return ExitUsage
		}
	}
	return code
}

type outcome struct {
	report fileReport
	err    error
}

// batchSize is how many consecutive inputs a worker takes at a time: the
// workers and the goroutine that prints hand over batches rather than
// single files, which keeps scheduling out of the way of short files.
const batchSize = 16

// validateAll validates names with up to jobs workers and yields the
// outcomes in input order.
func (e *env) validateAll(names []string, opts cap.Options, jobs int) iter.Seq[outcome] {
	return func(yield func(outcome) bool) {
		batches := (len(names) + batchSize - 1) / batchSize
		results := make([]chan []outcome, batches)
		for i := range results {
			results[i] = make(chan []outcome, 1)
		}
		var next atomic.Int64 // the next batch to take
		var stop atomic.Bool  // set when the consumer stops early
		var wg sync.WaitGroup
		defer wg.Wait()
		defer stop.Store(true)
		for range min(jobs, batches) {
			wg.Go(func() {
				var r reader // each worker reads every file with one reader
				for !stop.Load() {
					b := int(next.Add(1) - 1)
					if b >= batches {
						return
					}
					batch := names[b*batchSize : min((b+1)*batchSize, len(names))]
					out := make([]outcome, len(batch))
					for i, name := range batch {
						out[i].report, out[i].err = e.validateOne(name, opts, &r)
					}
					results[b] <- out
				}
			})
		}
		for _, ch := range results {
			for _, o := range <-ch {
				if !yield(o) {
					return
				}
			}
		}
	}
}

// validateOne parses and validates one input with r. Its error is an I/O
// error; problems with the document itself are in the report, which
// shares no memory with r.
func (e *env) validateOne(name string, opts cap.Options, r *reader) (fileReport, error) {
	fr := fileReport{File: name}
	a, root, err := e.parseInput(name, r)
	var xe *xmltree.Error
	switch {
	case err != nil && !errors.As(err, &xe):
		return fr, err // opening or reading failed: an I/O error
	case err != nil:
		fr.Report = cap.ParseErrorReport(err, opts.Profile)
	case a != nil:
		fr.Kind, fr.Version = "alert", a.Version
		fr.Report = cap.Validate(e.ctx, a, opts)
	case capfeed.IsFeed(root):
		f, err := capfeed.ParseNode(root)
		if err != nil {
			fr.Report = cap.ParseErrorReport(err, opts.Profile)
			break
		}
		fr.Kind = string(f.Kind)
		fr.Report = capfeed.Validate(e.ctx, f, opts)
	default:
		a, err := cap.ParseNode(root)
		if err != nil {
			fr.Report = cap.ParseErrorReport(err, opts.Profile)
			break
		}
		fr.Kind, fr.Version = "alert", a.Version
		fr.Report = cap.Validate(e.ctx, a, opts)
	}
	if fr.Issues == nil {
		fr.Issues = []cap.Issue{}
	}
	for i := range fr.Issues {
		// Paths and messages are built by the validator, but cloning the
		// few there are makes sure none refers into r's memory.
		is := &fr.Issues[i]
		is.Path, is.Message = strings.Clone(is.Path), strings.Clone(is.Message)
	}
	fr.Valid = fr.Report.Valid()
	fr.Errors, fr.Warns = fr.Count(cap.SevError), fr.Count(cap.SevWarning)
	return fr, nil
}

// reader reads and parses the inputs of one worker, reusing its file
// buffer and the memory of the previous document: an alert or a tree it
// returns is valid until the next input only.
type reader struct {
	buf    []byte
	alerts cap.Decoder
	parser xmltree.Parser
}

// parseInput reads and parses one input: standard input on its own, a
// file with r. A file holding a CAP alert is decoded as it is tokenised
// and returned as an alert; anything else (a feed, an EDXL-DE envelope,
// a document that is not CAP at all) is returned as a tree. Problems
// with the document are returned as errors wrapping an *xmltree.Error
// and prefixed "cap: parse: " like cap.Parse's; others are I/O errors.
func (e *env) parseInput(name string, r *reader) (*cap.Alert, *xmltree.Node, error) {
	if name == "-" {
		root, err := xmltree.Parse(e.stdin, xmltree.Limits{})
		return nil, root, parseError(err)
	}
	b, err := xmltree.ReadFile(name, r.buf, xmltree.Limits{})
	if err != nil {
		return nil, nil, parseError(err)
	}
	r.buf = b
	a, err := r.alerts.Decode(b, cap.Limits{})
	if !errors.Is(err, cap.ErrNotCAP) {
		return a, nil, err
	}
	root, err := r.parser.Parse(b, xmltree.Limits{})
	return nil, root, parseError(err)
}

// parseError prefixes the errors of a document like cap.Parse does,
// leaving I/O errors alone.
func parseError(err error) error {
	if xe := (*xmltree.Error)(nil); errors.As(err, &xe) {
		return fmt.Errorf("cap: parse: %w", err)
	}
	return err
}

func writeText(w io.Writer, fr fileReport, quiet bool) {
	if quiet && fr.Valid {
		return
	}
	verdict := "valid"
	if !fr.Valid {
		verdict = "invalid"
	}
	kind := fr.Kind
	if fr.Version != "" {
		kind += " " + string(fr.Version)
	}
	if kind == "" {
		kind = "unreadable"
	}
	fmt.Fprintf(w, "%s: %s (%s, profile %s, %d errors, %d warnings)\n", fr.File, verdict, kind, fr.Profile, fr.Errors, fr.Warns)
	for _, is := range fr.Issues {
		pos := ""
		if is.Pos.Line > 0 {
			pos = fmt.Sprintf("%d:%d:", is.Pos.Line, is.Pos.Col)
		}
		path := ""
		if is.Path != "" {
			path = " (" + is.Path + ")"
		}
		fmt.Fprintf(w, "%s:%s %s %s: %s%s\n", fr.File, pos, is.Severity, is.Code, is.Message, path)
	}
}

func runRules(e *env, args []string) int {
	fs := newFlags(e, "rules", "", "List every rule code with its summary.")
	if code, done := parseFlags(e, fs, args); done {
		return code
	}
	if fs.NArg() != 0 {
		fmt.Fprintln(e.stderr, "taawun cap rules: takes no arguments")
		return ExitUsage
	}
	for _, r := range append(cap.Rules(), capfeed.Rules()...) {
		fmt.Fprintf(e.stdout, "%s  %s\n", r.Code, r.Summary)
	}
	return ExitOK
}
