package cap

import "testing"

// TestFieldNamesUnique guards fieldIndex, which may start its search
// anywhere only because no field list names an element twice.
func TestFieldNamesUnique(t *testing.T) {
	check := func(list string, names []string) {
		seen := map[string]bool{}
		for _, n := range names {
			if seen[n] {
				t.Errorf("%s lists <%s> twice", list, n)
			}
			seen[n] = true
		}
	}
	check("alertFields", fieldNames(alertFields))
	check("infoFields", fieldNames(infoFields))
	check("resourceFields", fieldNames(resourceFields))
	check("areaFields", fieldNames(areaFields))
	check("namedValueFields", fieldNames(namedValueFields))
}

func fieldNames(fields []field) []string {
	var out []string
	for _, f := range fields {
		out = append(out, f.name)
	}
	return out
}
