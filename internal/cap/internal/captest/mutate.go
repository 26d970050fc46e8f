package captest

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// MutateLines applies one structural mutation to an XML document written
// one element per line, touching only leaf elements whose tag starts with
// prefix (for example "" or "edxlde:"): delete, swap, bogus value,
// duplicate, unknown sibling or empty. It returns the new lines and what
// it did.
func MutateLines(lines []string, rng *rand.Rand, prefix string) ([]string, string) {
	var leaves []int
	for i, l := range lines {
		t := strings.TrimSpace(l)
		if i > 1 && strings.HasPrefix(t, "<"+prefix) && (strings.HasSuffix(t, "/>") || strings.Count(t, "<") == 2) {
			leaves = append(leaves, i)
		}
	}
	if len(leaves) < 2 {
		return lines, "none"
	}
	i := leaves[rng.IntN(len(leaves))]
	out := append([]string(nil), lines...)
	name := strings.TrimPrefix(strings.TrimSpace(lines[i]), "<")
	if k := strings.IndexAny(name, " />"); k >= 0 {
		name = name[:k]
	}
	switch rng.IntN(6) {
	case 0:
		return append(out[:i], out[i+1:]...), "delete " + name
	case 1:
		j := leaves[rng.IntN(len(leaves))]
		out[i], out[j] = out[j], out[i]
		return out, "swap " + name
	case 2:
		out[i] = fmt.Sprintf("<%s>Bogus value</%s>", name, name)
		return out, "bogus value in " + name
	case 3:
		out = append(out[:i+1], out[i:]...)
		return out, "duplicate " + name
	case 4:
		out = append(out[:i+1], out[i:]...)
		out[i] = fmt.Sprintf("<%sbogus>x</%sbogus>", prefix, prefix)
		return out, "unknown element before " + name
	default:
		out[i] = fmt.Sprintf("<%s/>", name)
		return out, "empty " + name
	}
}
