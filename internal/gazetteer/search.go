package gazetteer

import (
	"sort"
	"strings"
	"unicode"
)

// How a query matched a name; lower is better.
const (
	matchExact  = iota // the whole name
	matchPrefix        // the start of the name
	matchWord          // the start of a later word of the name
)

// key is one searchable form of one name of one entry.
type key struct {
	text  string // folded
	word  bool   // a later word of the name, not its start
	lang  string
	entry int32
}

// Match is one search result.
type Match struct {
	*Entry
	// Name is what the result is called for the reader: its name in the
	// language asked for, or else its English (for places, GeoNames) name
	// (see Entry.NameIn); Lang is the language of Name.
	Name string
	Lang string
	// Matched is the name the query matched, MatchedLang its language: a
	// search for "Lahore" by an Urdu reader shows "لاہور" and matched "Lahore".
	Matched     string
	MatchedLang string
	// Exact is set when the whole name equals the query (folded).
	Exact bool
	rank  int
}

func (g *Gazetteer) buildKeys() {
	for i, e := range g.entries {
		for _, lang := range Languages {
			n := e.Names[lang]
			if n == "" {
				continue
			}
			f := Fold(n)
			if f == "" {
				continue
			}
			g.keys = append(g.keys, key{text: f, lang: lang, entry: int32(i)})
			if joined, ok := joinArabicWords(f); ok {
				g.keys = append(g.keys, key{text: joined, lang: lang, entry: int32(i)})
			}
			for j := 0; j < len(f); j++ {
				if f[j] == ' ' && j+1 < len(f) {
					g.keys = append(g.keys, key{text: f[j+1:], word: true, lang: lang, entry: int32(i)})
				}
			}
		}
	}
	sort.Slice(g.keys, func(i, j int) bool { return g.keys[i].text < g.keys[j].text })
}

// MaxResults bounds Search's limit.
const MaxResults = 100

// Search returns up to limit entries with a name starting with q (folded),
// best first (see the package documentation). Each result is named in lang
// when it has a name in lang (see Match). When several of an entry's names
// match, the best match counts, and among equal matches the one in lang.
// Kinds, if given, restricts the result to those kinds.
func (g *Gazetteer) Search(q, lang string, limit int, kinds ...Kind) []Match {
	fq := Fold(q)
	if fq == "" || limit <= 0 {
		return nil
	}
	limit = min(limit, MaxResults)
	best := map[int32]Match{}
	g.scan(fq, lang, kinds, best)
	if joined, ok := joinArabicWords(fq); ok {
		g.scan(joined, lang, kinds, best)
	}
	out := make([]Match, 0, len(best))
	for _, m := range best {
		m.Name, m.Lang = m.NameIn(lang)
		out = append(out, m)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.rank != b.rank {
			return a.rank < b.rank
		}
		if a.Population != b.Population {
			return a.Population > b.Population
		}
		if a.Name != b.Name {
			return a.Name < b.Name
		}
		return a.Code < b.Code
	})
	if len(out) > limit {
		out = out[:limit]
	}
	return out
}

// scan records in best the entries with a key starting with the folded
// query fq, keeping for each its best match.
func (g *Gazetteer) scan(fq, lang string, kinds []Kind, best map[int32]Match) {
	lo := sort.Search(len(g.keys), func(i int) bool { return g.keys[i].text >= fq })
	for i := lo; i < len(g.keys) && strings.HasPrefix(g.keys[i].text, fq); i++ {
		k := g.keys[i]
		e := g.entries[k.entry]
		if len(kinds) > 0 && !hasKind(kinds, e.Kind) {
			continue
		}
		rank := matchPrefix
		switch {
		case k.word:
			rank = matchWord
		case k.text == fq:
			rank = matchExact
		}
		m, seen := best[k.entry]
		better := !seen || rank < m.rank || (rank == m.rank && k.lang == lang && m.MatchedLang != lang)
		if better {
			best[k.entry] = Match{Entry: e, Matched: e.Names[k.lang], MatchedLang: k.lang, Exact: rank == matchExact, rank: rank}
		}
	}
}

// joinArabicWords returns a folded name or query in Arabic script with its
// spaces removed, and whether it had any: Urdu writes compounds both joined
// and apart ("مظفرآباد", "مظفر آباد"), so either spelling finds the other.
func joinArabicWords(f string) (string, bool) {
	if !strings.Contains(f, " ") || !strings.ContainsFunc(f, func(r rune) bool { return unicode.Is(unicode.Arabic, r) }) {
		return "", false
	}
	return strings.ReplaceAll(f, " ", ""), true
}

func hasKind(kinds []Kind, k Kind) bool {
	for _, x := range kinds {
		if x == k {
			return true
		}
	}
	return false
}
