package gazetteer

import (
	"sync"
	"testing"

	"github.com/paulmach/orb"
)

var embedded = sync.OnceValues(Embedded)

func gaz(t testing.TB) *Gazetteer {
	t.Helper()
	g, err := embedded()
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func TestFold(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"Muzaffarābād", "muzaffarabad"},
		{"  Dera  Ghazi-Khan ", "dera ghazi khan"},
		{"Skidel’", "skidel"},
		{"Ёлкино", "елкино"},
		{"كراچي", "کراچی"}, // Arabic kaf and yeh → Urdu
		{"پنجاب", "پنجاب"},
		{"خیبر پختونخوا", "خیبر پختونخوا"},
		{"صوبہ", Fold("صوبه")}, // heh goal and heh
		{"北京", "北京"},
	} {
		if got := Fold(c.in); got != c.want {
			t.Errorf("Fold(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestSearch(t *testing.T) {
	g := gaz(t)
	for _, c := range []struct {
		q, lang  string
		wantCode string // first result
		wantName string
	}{
		{"islamabad", "en", "", "Islamabad"},
		{"Muzaffarabad", "en", "", "Muzaffarābād"},
		{"muzaff", "en", "", ""}, // prefix; checked below
		{"pakistan", "en", "PK", "Pakistan"},
		{"پاکستان", "ur", "PK", "پاکستان"},
		{"Пакистан", "ru", "PK", "Пакистан"},
		{"巴基斯坦", "zh", "PK", "巴基斯坦"},
		{"punjab", "en", "", ""},
		{"پنجاب", "ur", "", ""},
		{"khyber", "en", "PK-KP", ""},
	} {
		ms := g.Search(c.q, c.lang, 10)
		if len(ms) == 0 {
			t.Errorf("Search(%q): nothing", c.q)
			continue
		}
		if c.wantCode != "" && ms[0].Code != c.wantCode {
			t.Errorf("Search(%q)[0] = %s %q, want %s", c.q, ms[0].Code, ms[0].Name, c.wantCode)
		}
		if c.wantName != "" && ms[0].Name != c.wantName {
			t.Errorf("Search(%q)[0].Name = %q, want %q", c.q, ms[0].Name, c.wantName)
		}
	}
	// Ranking: exact before prefix, then by population.
	ms := g.Search("muzaff", "en", 10)
	for i := 1; i < len(ms); i++ {
		if ms[i-1].rank == ms[i].rank && ms[i-1].Population < ms[i].Population {
			t.Errorf("rank %d: %q (%d) before %q (%d)", i, ms[i-1].Name, ms[i-1].Population, ms[i].Name, ms[i].Population)
		}
	}
	// The Urdu names of Punjab find both provinces (PK and IN).
	var pk, in bool
	for _, m := range g.Search("پنجاب", "ur", 10, KindProvince) {
		pk = pk || m.Code == "PK-PB"
		in = in || m.Code == "IN-PB"
		if m.Kind != KindProvince {
			t.Errorf("kind filter let through %s", m.Kind)
		}
	}
	if !pk || !in {
		t.Errorf("Punjab in Urdu: PK %v IN %v", pk, in)
	}
	// An Arabic-keyboard spelling finds the Urdu name.
	if ms := g.Search("خيبر", "ur", 5, KindProvince); len(ms) == 0 || ms[0].Code != "PK-KP" {
		t.Errorf("Khyber with an Arabic yeh: %+v", ms)
	}
	// Exact beats prefix even when smaller.
	if ms := g.Search("Bagh", "en", 5); len(ms) == 0 || !ms[0].Exact {
		t.Errorf("Bagh: %+v", ms)
	}
	if got := g.Search("   ", "en", 5); got != nil {
		t.Errorf("blank query: %v", got)
	}
	if got := g.Search("zzzzqqq", "en", 5); len(got) != 0 {
		t.Errorf("nonsense: %v", got)
	}
}

// Places are found by their Urdu, Russian and Chinese names (prefix, folded),
// and each result is named in the reader's language when the place has a
// name in it, else by its GeoNames name.
func TestSearchPlaceNames(t *testing.T) {
	g := gaz(t)
	for _, c := range []struct {
		q, lang          string
		code             string // first result
		name, nameLang   string // as shown to the reader
		matched, matLang string
	}{
		{"مظفر", "ur", "geonames:1169607", "مظفرآباد", "ur", "مظفرآباد", "ur"},
		{"مظفر آباد", "ur", "geonames:1169607", "مظفرآباد", "ur", "مظفرآباد", "ur"},     // space and madda folded away
		{"اسلامآباد", "ur", "geonames:1176615", "اسلام آباد", "ur", "اسلام آباد", "ur"}, // written joined
		{"Исламаб", "ru", "geonames:1176615", "Исламабад", "ru", "Исламабад", "ru"},
		{"伊斯兰堡", "zh", "geonames:1176615", "伊斯兰堡", "zh", "伊斯兰堡", "zh"},
		{"伊斯兰", "en", "geonames:1176615", "Islamabad", "en", "伊斯兰堡", "zh"},
		{"Lahore", "ur", "geonames:1172451", "لاہور", "ur", "Lahore", "en"},
		{"لاہور", "en", "geonames:1172451", "Lahore", "en", "لاہور", "ur"},
		{"لاهور", "ur", "geonames:1172451", "لاہور", "ur", "لاہور", "ur"}, // Arabic heh typed
		{"Lahore", "zh", "geonames:1172451", "拉合尔", "zh", "Lahore", "en"},
		{"Пекин", "zh", "geonames:1816670", "北京", "zh", "Пекин", "ru"},
		{"Балакот", "ru", "taawun:1", "Балакот", "ru", "Балакот", "ru"},
		{"balakot", "ur", "taawun:1", "بالاکوٹ", "ur", "Balakot", "en"},
		{"Amirabad", "ur", "", "Amirabad", "en", "Amirabad", "en"}, // no Urdu name: the GeoNames one
	} {
		ms := g.Search(c.q, c.lang, 5, KindPlace)
		if len(ms) == 0 {
			t.Errorf("Search(%q, %s): nothing", c.q, c.lang)
			continue
		}
		m := ms[0]
		if (c.code != "" && m.Code != c.code) || m.Name != c.name || m.Lang != c.nameLang || m.Matched != c.matched || m.MatchedLang != c.matLang {
			t.Errorf("Search(%q, %s)[0] = %s %q (%s) matched %q (%s); want %s %q (%s) matched %q (%s)",
				c.q, c.lang, m.Code, m.Name, m.Lang, m.Matched, m.MatchedLang, c.code, c.name, c.nameLang, c.matched, c.matLang)
		}
	}
	// A place matched by two names shows the one matched in the reader's language.
	if ms := g.Search("Islamabad", "en", 1, KindPlace); len(ms) != 1 || ms[0].Matched != "Islamabad" || !ms[0].Exact {
		t.Errorf("Islamabad: %+v", ms)
	}
}

// Reverse geocoding names the nearest place in the reader's language.
func TestReversePlaceNames(t *testing.T) {
	g := gaz(t)
	loc := g.Reverse(34.36, 73.47) // Muzaffarabad
	if loc.Nearest == nil || loc.Nearest.Code != "geonames:1169607" || loc.Province == nil || loc.Province.Code != "PK-JK" {
		t.Fatalf("near Muzaffarabad: %+v", loc)
	}
	for lang, want := range map[string]string{"en": "Muzaffarābād", "ur": "مظفرآباد", "ru": "Музаффарабад", "zh": "穆扎法拉巴德", "fr": "Muzaffarābād"} {
		if got := loc.Nearest.Name(lang); got != want {
			t.Errorf("nearest in %s = %q, want %q", lang, got, want)
		}
	}
	if n, l := loc.Province.NameIn("ur"); n == "" || l != "ur" {
		t.Errorf("province in Urdu: %q %q", n, l)
	}
	loc = g.Reverse(34.55, 73.35) // Balakot
	if loc.Nearest == nil || loc.Nearest.Code != "taawun:1" || loc.Nearest.Name("ur") != "بالاکوٹ" || loc.DistanceKm > 2 ||
		loc.Nearest.Province != "PK-KP" {
		t.Errorf("near Balakot: %+v at %.1f km", loc.Nearest, loc.DistanceKm)
	}
}

func TestReverse(t *testing.T) {
	g := gaz(t)
	for _, c := range []struct {
		name                  string
		lat, lon              float64
		country, prov, nearby string
	}{
		{"Islamabad", 33.72, 73.06, "PK", "PK-IS", "Islamabad"},
		{"Lahore", 31.55, 74.34, "PK", "PK-PB", "Lahore"},
		{"Moscow", 55.75, 37.62, "RU", "", "Moscow"},
		{"Almaty", 43.25, 76.92, "KZ", "", "Almaty"},
	} {
		loc := g.Reverse(c.lat, c.lon)
		if loc.Country == nil || loc.Country.Code != c.country {
			t.Errorf("%s: country %+v", c.name, loc.Country)
		}
		if c.prov != "" && (loc.Province == nil || loc.Province.Code != c.prov) {
			t.Errorf("%s: province %+v", c.name, loc.Province)
		}
		if loc.Nearest == nil || loc.Nearest.Names["en"] != c.nearby || loc.DistanceKm > 20 {
			t.Errorf("%s: nearest %+v at %.1f km", c.name, loc.Nearest, loc.DistanceKm)
		}
	}
	// At sea: no country, but a nearest place.
	loc := g.Reverse(15, 65)
	if loc.Country != nil || loc.Province != nil || loc.Nearest == nil {
		t.Errorf("Arabian Sea: %+v", loc)
	}
}

func TestPlacesHaveProvinces(t *testing.T) {
	g := gaz(t)
	var without int
	for _, p := range g.Places() {
		if p.Province == "" {
			without++
		}
	}
	t.Logf("%d of %d places without a province", without, len(g.Places()))
	if without > len(g.Places())/50 {
		t.Errorf("%d places without a province", without)
	}
	e, _, ok := g.Area("PK-PB")
	if !ok || e.Population < 10_000_000 {
		t.Errorf("Punjab (PK) population from places = %+v", e)
	}
}

func TestDistricts(t *testing.T) {
	sq := orb.MultiPolygon{{{{73, 33.5}, {73.3, 33.5}, {73.3, 33.9}, {73, 33.9}, {73, 33.5}}}}
	g, err := WithDistricts([]District{{Code: "PK-ICT-1", Name: "Islamabad District",
		Names: map[string]string{"ur": "ضلع اسلام آباد"}, Province: "PK-IS", Geometry: sq}})
	if err != nil {
		t.Fatal(err)
	}
	loc := g.Reverse(33.72, 73.06)
	if loc.District == nil || loc.District.Code != "PK-ICT-1" || loc.District.Country != "PK" {
		t.Fatalf("district %+v", loc.District)
	}
	if ms := g.Search("ضلع اسلام", "ur", 5, KindDistrict); len(ms) != 1 || ms[0].Lang != "ur" {
		t.Errorf("district in Urdu: %+v", ms)
	}
	if loc.District.Population < 500000 {
		t.Errorf("district population %d", loc.District.Population)
	}
	if _, err := WithDistricts([]District{{Code: "PK", Geometry: sq}}); err == nil {
		t.Error("district code clashing with a country accepted")
	}
}

// go test -run '^$' -bench . -benchtime 2000x ./internal/gazetteer/
func BenchmarkSearchPrefix(b *testing.B) {
	g := gaz(b)
	qs := []string{"is", "mu", "kar", "پا", "Мос", "北", "lah", "tash"}
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		g.Search(qs[i%len(qs)], "en", 10)
	}
}

func BenchmarkReverse(b *testing.B) {
	g := gaz(b)
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		g.Reverse(30+float64(i%20), 60+float64(i%40))
	}
}

func BenchmarkBuild(b *testing.B) {
	for b.Loop() {
		if _, err := Embedded(); err != nil {
			b.Fatal(err)
		}
	}
}
