package geodata

import "testing"

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
