package web

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"text/template/parse"

	"github.com/taawun/taawun/internal/alert"
	"github.com/taawun/taawun/internal/auth"
	"github.com/taawun/taawun/internal/i18n"
	"github.com/taawun/taawun/internal/store"
)

// templateKeys returns the catalogue keys the templates name: every string literal given to t,
// and every printf pattern feeding t expanded over the values it can take.
func templateKeys(t *testing.T, s *Server) map[string]bool {
	t.Helper()
	keys := map[string]bool{}
	var hazards []string
	for _, h := range alert.Hazards() {
		hazards = append(hazards, h.Code)
	}
	expand := map[string][]string{
		"role.%s":      auth.Roles(),
		"tier.%s":      {string(store.TierNational), string(store.TierProvincial), string(store.TierDistrict)},
		"hazard.%s":    hazards,
		"state.%s":     {"draft", "submitted", "issued", "cancelled", "expired"},
		"vstate.%s":    {"draft", "submitted", "approved", "rejected"},
		"kind.%s":      {"Alert", "Update", "Cancel"},
		"capstatus.%s": {"Actual", "Exercise", "Test", "System"},
		"response.%s":  {"Evacuate", "Shelter", "Prepare", "Avoid", "Monitor", "Assess", "Execute", "None"},
	}
	var walk func(node parse.Node)
	walk = func(node parse.Node) {
		switch n := node.(type) {
		case *parse.ListNode:
			if n != nil {
				for _, c := range n.Nodes {
					walk(c)
				}
			}
		case *parse.ActionNode:
			walk(n.Pipe)
		case *parse.PipeNode:
			if n != nil {
				for _, c := range n.Cmds {
					walk(c)
				}
			}
		case *parse.CommandNode:
			if id, ok := n.Args[0].(*parse.IdentifierNode); ok && id.Ident == "t" && len(n.Args) > 1 {
				switch a := n.Args[1].(type) {
				case *parse.StringNode:
					keys[a.Text] = true
				case *parse.PipeNode:
					// (printf "role.%s" .Role)
					if len(a.Cmds) == 1 && len(a.Cmds[0].Args) >= 2 {
						if pat, ok := a.Cmds[0].Args[1].(*parse.StringNode); ok {
							vals, known := expand[pat.Text]
							if !known {
								t.Errorf("template builds key %q: add its values to this test", pat.Text)
							}
							for _, v := range vals {
								keys[strings.Replace(pat.Text, "%s", v, 1)] = true
							}
						}
					}
				}
			}
			for _, a := range n.Args {
				walk(a)
			}
		case *parse.IfNode:
			walk(n.Pipe)
			walk(n.List)
			walk(n.ElseList)
		case *parse.RangeNode:
			walk(n.Pipe)
			walk(n.List)
			walk(n.ElseList)
		case *parse.WithNode:
			walk(n.Pipe)
			walk(n.List)
			walk(n.ElseList)
		case *parse.TemplateNode:
			walk(n.Pipe)
		}
	}
	for _, set := range s.templates {
		for _, tmpl := range set {
			for _, tt := range tmpl.Templates() {
				if tt.Tree != nil {
					walk(tt.Tree.Root)
				}
			}
		}
	}
	return keys
}

// goKeys finds keys named in the package's Go code: message fields of pageData, errorKeys and
// direct catalogue lookups.
var goKeyPattern = regexp.MustCompile(`(?:ErrorKey|NoticeKey|TitleKey):\s*"([a-z_.]+)"|"((?:error|login|users|account|warning|compose|public|queue|recipients|subscribe)\.[a-z_]+)"|Catalog\.T\([^,]+,\s*"([a-z_.]+)"`)

func goKeys(t *testing.T) map[string]bool {
	t.Helper()
	files, _ := filepath.Glob("*.go")
	keys := map[string]bool{}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range goKeyPattern.FindAllStringSubmatch(string(b), -1) {
			for _, k := range m[1:] {
				if k != "" {
					keys[k] = true
				}
			}
		}
	}
	return keys
}

// TestCataloguesHaveEveryKeyUsed fails when a template or handler names a key that a catalogue
// lacks, and when the catalogues do not all hold the same keys.
func TestCataloguesHaveEveryKeyUsed(t *testing.T) {
	n := newTestNode(t)
	cat := n.srv.Catalog
	used := templateKeys(t, n.srv)
	if len(used) < 50 {
		t.Fatalf("found only %d keys in the templates: the walker is broken", len(used))
	}
	for k := range goKeys(t) {
		used[k] = true
	}
	for k := range used {
		for _, l := range i18n.Langs {
			if !cat.Has(l, k) {
				t.Errorf("catalogue %s lacks %q", l, k)
			}
		}
	}
	english := cat.Keys(i18n.English)
	for _, l := range i18n.Langs[1:] {
		if got := cat.Keys(l); strings.Join(got, ",") != strings.Join(english, ",") {
			t.Errorf("catalogue %s has %d keys, English %d: they must match", l, len(got), len(english))
		}
		for _, k := range english {
			if l != i18n.English && cat.T(l, k) == cat.T(i18n.English, k) && !sameInEveryLanguage[k] {
				t.Errorf("%s[%q] is the English text: not translated", l, k)
			}
		}
	}
}

// sameInEveryLanguage lists keys whose text may legitimately equal the English.
var sameInEveryLanguage = map[string]bool{}

// TestMissingKeyWouldFail shows the walker notices a key that is not in the catalogues.
func TestMissingKeyWouldFail(t *testing.T) {
	n := newTestNode(t)
	tmpl, err := n.srv.templates[i18n.English]["error"].Clone()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tmpl.New("probe").Parse(`{{t "no.such.key"}}`); err != nil {
		t.Fatal(err)
	}
	s := &Server{templates: map[i18n.Lang]pageSet{i18n.English: {"probe": tmpl}}}
	if keys := templateKeys(t, s); !keys["no.such.key"] || n.srv.Catalog.Has(i18n.English, "no.such.key") {
		t.Fatal("a key missing from the catalogues would go unnoticed")
	}
}
