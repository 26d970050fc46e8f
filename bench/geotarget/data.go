package main

import (
	"encoding/csv"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"strconv"
)

type city struct {
	lat, lon float64
	pop      float64
}

func readCities(path string) ([]city, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read cities: %w", err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("read cities %s: %w", path, err)
	}
	var out []city
	for i, r := range recs[1:] {
		lat, err1 := strconv.ParseFloat(r[2], 64)
		lon, err2 := strconv.ParseFloat(r[3], 64)
		pop, err3 := strconv.ParseFloat(r[4], 64)
		if err1 != nil || err2 != nil || err3 != nil || len(r) != 5 {
			return nil, fmt.Errorf("read cities %s: bad row %d: %q", path, i+2, r)
		}
		out = append(out, city{lat, lon, pop})
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("read cities %s: no rows", path)
	}
	return out, nil
}

// subscribers holds generated locations as fixed-point 1e-7 degrees; the id
// of subscriber i is i+1.
type subscribers struct {
	lat, lon []int32
}

func (s *subscribers) deg(i int) (lat, lon float64) {
	return float64(s.lat[i]) / 1e7, float64(s.lon[i]) / 1e7
}

// generate places n subscribers: a place is drawn in proportion to its
// population, and the subscriber is put at a Gaussian offset from it with
// σ = 1 km + 2 km·√(population in millions) (Lahore: about 6 km), or for a
// quarter of them σ = 25 km, the rural hinterland.
func generate(cities []city, n int, seed uint64) *subscribers {
	cum := make([]float64, len(cities))
	total := 0.0
	for i, c := range cities {
		total += c.pop
		cum[i] = total
	}
	rng := rand.New(rand.NewPCG(seed, 0x7aa40))
	s := &subscribers{lat: make([]int32, n), lon: make([]int32, n)}
	for i := range n {
		x := rng.Float64() * total
		lo, hi := 0, len(cum)-1
		for lo < hi {
			m := (lo + hi) / 2
			if cum[m] < x {
				lo = m + 1
			} else {
				hi = m
			}
		}
		c := cities[lo]
		sigmaKM := 1 + 2*math.Sqrt(c.pop/1e6)
		if rng.IntN(4) == 0 {
			sigmaKM = 25
		}
		lat := c.lat + rng.NormFloat64()*sigmaKM/111.2
		lon := c.lon + rng.NormFloat64()*sigmaKM/(111.2*math.Cos(c.lat*math.Pi/180))
		s.lat[i] = int32(math.Round(min(max(lat, -90), 90) * 1e7))
		s.lon[i] = int32(math.Round(min(max(lon, -180), 180) * 1e7))
	}
	return s
}
