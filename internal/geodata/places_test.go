package geodata

import (
	"strings"
	"testing"
	"unicode"
)

func TestPlaces(t *testing.T) {
	ps, err := Places()
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) < 10000 {
		t.Fatalf("%d places, want the ~12,600 of the SCO states", len(ps))
	}
	perCountry := map[string]int{}
	var found bool
	for i, p := range ps {
		perCountry[p.Country]++
		if i > 0 && ps[i-1].ID >= p.ID {
			t.Fatalf("places not sorted by id at %d", i)
		}
		if p.Lat < -90 || p.Lat > 90 || p.Lon < -180 || p.Lon > 180 || p.Population < 0 || p.Name == "" {
			t.Errorf("bad place %+v", p)
		}
		if p.Name == "Islamabad" && p.Country == "PK" {
			found = true
			if p.Feature != "PPLC" || p.Population < 500000 || p.Lat < 33.5 || p.Lat > 33.9 {
				t.Errorf("Islamabad = %+v", p)
			}
		}
	}
	if !found {
		t.Error("Islamabad missing")
	}
	for _, c := range []string{"PK", "RU", "CN", "IN", "IR", "KZ", "KG", "TJ", "UZ", "BY"} {
		if perCountry[c] == 0 {
			t.Errorf("no places in %s", c)
		}
	}
	if len(perCountry) != 10 {
		t.Errorf("places of %d countries, want 10: %v", len(perCountry), perCountry)
	}
}

// The Urdu, Russian and Chinese names are in their scripts, and Balakot,
// which no GeoNames export carries, is there as a place the project added.
func TestPlaceNames(t *testing.T) {
	ps, err := Places()
	if err != nil {
		t.Fatal(err)
	}
	scripts := map[string]*unicode.RangeTable{"ur": unicode.Arabic, "ru": unicode.Cyrillic, "zh": unicode.Han}
	named := map[string]int{}
	byCode := map[string]Place{}
	for _, p := range ps {
		byCode[p.Code()] = p
		for lang, script := range scripts {
			n := p.In(lang)
			if n == "" {
				continue
			}
			named[lang]++
			for _, r := range n {
				if !unicode.Is(script, r) && !unicode.Is(unicode.Mn, r) && r != ' ' && r != '-' && r != '\u200c' {
					t.Errorf("%s %s name %q has %q, not of its script", p.Name, lang, n, r)
					break
				}
			}
		}
	}
	t.Logf("places named in ur %d, ru %d, zh %d", named["ur"], named["ru"], named["zh"])
	if named["ur"] < 200 || named["ru"] < 250 || named["zh"] < 140 {
		t.Errorf("places named: %v", named)
	}
	// Every seat in Pakistan (capital, province and district seats) has its Urdu and Russian names.
	for _, p := range ps {
		if p.Country == "PK" && (p.Feature == "PPLC" || p.Feature == "PPLA" || p.Feature == "PPLA2") && (p.Names.UR == "" || p.Names.RU == "") {
			t.Errorf("%s (%d, %s) has no Urdu or Russian name", p.Name, p.ID, p.Feature)
		}
	}
	for _, c := range []struct {
		code, en string
		names    Names
	}{
		{"geonames:1169607", "Muzaffarābād", Names{UR: "مظفرآباد", RU: "Музаффарабад", ZH: "穆扎法拉巴德"}},
		{"geonames:1176615", "Islamabad", Names{UR: "اسلام آباد", RU: "Исламабад", ZH: "伊斯兰堡"}},
		{"geonames:1172451", "Lahore", Names{UR: "لاہور", RU: "Лахор", ZH: "拉合尔"}},
		{"taawun:1", "Balakot", Names{UR: "بالاکوٹ", RU: "Балакот", ZH: "巴拉科特"}},
	} {
		p, ok := byCode[c.code]
		if !ok || p.Name != c.en || p.Names != c.names || p.In("en") != c.en || p.In("fr") != "" {
			t.Errorf("%s = %+v, want %s %+v", c.code, p, c.en, c.names)
		}
	}
	if b := byCode["taawun:1"]; b.ID != -1 || b.Country != "PK" || b.Feature != "PPL" ||
		b.Lat < 34.5 || b.Lat > 34.6 || b.Lon < 73.3 || b.Lon > 73.4 || b.Population != 0 {
		t.Errorf("Balakot = %+v", b)
	}
}

func TestParsePlaceRejects(t *testing.T) {
	good := "1169607\tMuzaffarābād\tPK\t06\tPPLA\t34.37002\t73.47082\t725000\tمظفرآباد\tМузаффарабад\t穆扎法拉巴德"
	if p, err := parsePlace(good); err != nil || p.Names.ZH != "穆扎法拉巴德" || p.Population != 725000 {
		t.Fatalf("parsePlace(good) = %+v, %v", p, err)
	}
	for _, bad := range []string{
		"1169607\tMuzaffarābād\tPK\t06\tPPLA\t34.37002\t73.47082\t725000", // the old 8 columns
		strings.Replace(good, "34.37002", "north", 1),
		strings.Replace(good, "725000", "many", 1),
		strings.Replace(good, "1169607", "x", 1),
	} {
		if _, err := parsePlace(bad); err == nil {
			t.Errorf("parsePlace(%q) accepted", bad)
		}
	}
}
