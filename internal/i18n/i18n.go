// Package i18n holds the catalogues of every user-facing string, in English, Urdu, Russian and
// Chinese, and chooses a language for a request. A key missing from any catalogue fails the tests,
// so no page can show a raw key or fall back silently.
package i18n

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"

	"golang.org/x/text/language"
)

// Catalogues are split by area so that each part of the system keeps its own strings:
// catalog/<lang>.json holds the shared ones and catalog/<area>.<lang>.json those of one area
// (hazards, operations, …). A key defined in two files of one language is an error.
//
//go:embed catalog/*.json
var catalogFiles embed.FS

// Lang is a supported interface language.
type Lang string

// The supported languages. English is the fallback.
const (
	English Lang = "en"
	Urdu    Lang = "ur"
	Russian Lang = "ru"
	Chinese Lang = "zh"
)

// Langs lists the supported languages in the order the switch shows them.
var Langs = []Lang{English, Urdu, Russian, Chinese}

// Parse returns the supported language s names, and whether it is one.
func Parse(s string) (Lang, bool) {
	for _, l := range Langs {
		if string(l) == s {
			return l, true
		}
	}
	return "", false
}

// Dir is the writing direction: "rtl" for Urdu, "ltr" otherwise.
func (l Lang) Dir() string {
	if l == Urdu {
		return "rtl"
	}
	return "ltr"
}

// Catalog maps each language's keys to messages.
type Catalog struct {
	messages map[Lang]map[string]string
	matcher  language.Matcher
}

// Load reads the embedded catalogues.
func Load() (*Catalog, error) {
	c := &Catalog{messages: map[Lang]map[string]string{}}
	tags := make([]language.Tag, len(Langs))
	for i, l := range Langs {
		tags[i] = language.Make(string(l))
		c.messages[l] = map[string]string{}
	}
	files, err := fs.Glob(catalogFiles, "catalog/*.json")
	if err != nil {
		return nil, fmt.Errorf("i18n: list catalogues: %w", err)
	}
	for _, name := range files {
		base := strings.TrimSuffix(path.Base(name), ".json")
		lang, ok := Parse(base[strings.LastIndex(base, ".")+1:])
		if !ok {
			return nil, fmt.Errorf("i18n: catalogue file %s does not end in a supported language", name)
		}
		b, err := fs.ReadFile(catalogFiles, name)
		if err != nil {
			return nil, fmt.Errorf("i18n: catalogue %s: %w", name, err)
		}
		m := map[string]string{}
		if err := json.Unmarshal(b, &m); err != nil {
			return nil, fmt.Errorf("i18n: catalogue %s: %w", name, err)
		}
		for k, v := range m {
			if _, dup := c.messages[lang][k]; dup {
				return nil, fmt.Errorf("i18n: key %q is defined twice for %s (again in %s)", k, lang, name)
			}
			c.messages[lang][k] = v
		}
	}
	c.matcher = language.NewMatcher(tags)
	return c, nil
}

// T returns the message for key in l, formatted with args (fmt verbs). A key missing in l falls
// back to English; a key missing everywhere is shown in brackets so it is noticed. Tests make
// sure neither happens.
func (c *Catalog) T(l Lang, key string, args ...any) string {
	msg, ok := c.messages[l][key]
	if !ok {
		if msg, ok = c.messages[English][key]; !ok {
			return "[" + key + "]"
		}
	}
	if len(args) > 0 {
		if s, ok := substitute(msg, args); ok {
			return s
		}
		return fmt.Sprintf(msg, args...)
	}
	return msg
}

// substitute is fmt.Sprintf(msg, args...) for what nearly every catalogue sentence is: string
// arguments put in by %[n]s verbs, or by %s verbs, one for each argument; ok is false for any
// other message, which fmt then formats. Sentences are formatted on every page and for every
// language of a drafted warning; fmt's general path takes half as long again.
func substitute(msg string, args []any) (string, bool) {
	// The first pass checks the verbs and measures the result.
	n, verbs, indexed := len(msg), 0, false
	for i := 0; i < len(msg); i++ {
		j := strings.IndexByte(msg[i:], '%')
		if j < 0 {
			break
		}
		i += j
		var k int
		switch {
		case i+1 < len(msg) && msg[i+1] == 's':
			k = verbs
			n -= len("%s")
			i++
		case i+4 < len(msg) && msg[i+1] == '[' && msg[i+2] >= '1' && msg[i+2] <= '9' && msg[i+3] == ']' && msg[i+4] == 's':
			k, indexed = int(msg[i+2]-'1'), true
			n -= len("%[1]s")
			i += 4
		default:
			return "", false
		}
		if k >= len(args) {
			return "", false
		}
		a, ok := args[k].(string)
		if !ok {
			return "", false
		}
		n += len(a)
		verbs++
	}
	// fmt reports arguments left over, unless the verbs were indexed, and mixes the two forms
	// in ways not worth copying.
	if verbs == 0 || (!indexed && verbs != len(args)) || (indexed && strings.Contains(msg, "%s")) {
		return "", false
	}
	var b strings.Builder
	b.Grow(n)
	next := 0
	for i := 0; i < len(msg); i++ {
		if msg[i] != '%' {
			j := strings.IndexByte(msg[i:], '%')
			if j < 0 {
				j = len(msg) - i
			}
			b.WriteString(msg[i : i+j])
			i += j - 1
			continue
		}
		k := next
		if msg[i+1] == '[' {
			k = int(msg[i+2] - '1')
			i += 4
		} else {
			next++
			i++
		}
		b.WriteString(args[k].(string))
	}
	return b.String(), true
}

// Has reports whether l's catalogue has key.
func (c *Catalog) Has(l Lang, key string) bool {
	_, ok := c.messages[l][key]
	return ok
}

// Keys returns the keys of l's catalogue, sorted.
func (c *Catalog) Keys(l Lang) []string {
	keys := make([]string, 0, len(c.messages[l]))
	for k := range c.messages[l] {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Match picks the best supported language for an Accept-Language header; English when none fits.
func (c *Catalog) Match(acceptLanguage string) Lang {
	tags, _, err := language.ParseAcceptLanguage(acceptLanguage)
	if err != nil || len(tags) == 0 {
		return English
	}
	_, idx, conf := c.matcher.Match(tags...)
	if conf == language.No {
		return English
	}
	return Langs[idx]
}

// NativeName is the language's name in itself, for the language switch.
func NativeName(l Lang) string {
	switch l {
	case Urdu:
		return "اردو"
	case Russian:
		return "Русский"
	case Chinese:
		return "中文"
	}
	return "English"
}

// Normalize lower-cases a language code and drops a region ("zh-CN" → "zh").
func Normalize(s string) string {
	s = strings.ToLower(s)
	if i := strings.IndexAny(s, "-_"); i > 0 {
		s = s[:i]
	}
	return s
}
