package geotarget

import (
	"math/rand/v2"
	"os"
	"runtime"
	"strconv"
	"testing"
)

// benchSize is the number of recipients in the benchmarks: 1M, or the
// value of TAAWUN_GEOTARGET_BENCH_N (for example 10000000) when set, so CI
// stays fast and a full-size run is one variable away.
func benchSize(b *testing.B) int {
	if s := os.Getenv("TAAWUN_GEOTARGET_BENCH_N"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n <= 0 {
			b.Fatalf("TAAWUN_GEOTARGET_BENCH_N=%q: want a positive integer", s)
		}
		return n
	}
	return 1_000_000
}

// benchCities are a few Pakistani city centres with a weight (about their
// population in millions) and a spread in degrees; bench/geotarget has the
// full GeoNames-based generator.
var benchCities = []struct {
	lat, lon, weight, sigma float64
}{
	{24.8607, 67.0011, 16, 0.12}, {31.5204, 74.3587, 11, 0.10}, {31.4504, 73.1350, 3.2, 0.06},
	{33.5651, 73.0169, 2.1, 0.05}, {33.6844, 73.0479, 1.2, 0.05}, {30.1575, 71.5249, 1.9, 0.05},
	{25.3960, 68.3578, 1.7, 0.05}, {34.0151, 71.5249, 2.0, 0.05}, {32.1877, 74.1945, 2.0, 0.05},
	{30.1798, 66.9750, 1.0, 0.05}, {29.0, 70.0, 20, 2.0}, // rural spread
}

func benchPoints(n int) []Point {
	rng := rand.New(rand.NewPCG(1, 2))
	total := 0.0
	for _, c := range benchCities {
		total += c.weight
	}
	pts := make([]Point, n)
	for i := range pts {
		x := rng.Float64() * total
		c := benchCities[len(benchCities)-1]
		for _, cc := range benchCities {
			if x < cc.weight {
				c = cc
				break
			}
			x -= cc.weight
		}
		pts[i] = Point{c.lat + rng.NormFloat64()*c.sigma, c.lon + rng.NormFloat64()*c.sigma}
	}
	return pts
}

func buildBench(b *testing.B, pts []Point) *Index {
	bl := NewBuilder(len(pts))
	for i, p := range pts {
		if err := bl.Add(RecipientID(i), p); err != nil {
			b.Fatal(err)
		}
	}
	ix, err := bl.Build()
	if err != nil {
		b.Fatal(err)
	}
	return ix
}

func heapInUse() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

func BenchmarkBuild(b *testing.B) {
	pts := benchPoints(benchSize(b))
	b.ReportAllocs()
	var perPoint float64
	for b.Loop() {
		b.StopTimer()
		before := heapInUse()
		b.StartTimer()
		ix := buildBench(b, pts)
		b.StopTimer()
		perPoint = float64(heapInUse()-before) / float64(len(pts))
		runtime.KeepAlive(ix)
		b.StartTimer()
	}
	b.ReportMetric(perPoint, "heapB/point")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(pts)), "ns/point")
}

func BenchmarkQuery(b *testing.B) {
	pts := benchPoints(benchSize(b))
	ix := buildBench(b, pts)
	areas := []struct {
		name  string
		shape Shape
	}{
		// A Lahore-district-sized concave polygon.
		{"district", Polygon{Outer: []Point{
			{31.75, 74.05}, {31.72, 74.45}, {31.55, 74.62}, {31.33, 74.58}, {31.25, 74.30},
			{31.40, 74.25}, {31.35, 74.05}, {31.55, 73.98}, {31.75, 74.05},
		}}},
		{"province", punjabLike},
		{"circle50km", Circle{Center: islamabad, RadiusKM: 50}},
	}
	for _, ar := range areas {
		a, err := NewArea(ar.shape)
		if err != nil {
			b.Fatal(err)
		}
		n := ix.CountInside(a)
		b.Run(ar.name+"/Query", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if got := len(ix.Query(a)); got != n {
					b.Fatalf("Query returned %d, CountInside %d", got, n)
				}
			}
			b.ReportMetric(float64(n), "recipients")
		})
		b.Run(ar.name+"/CountInside", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				ix.CountInside(a)
			}
			b.ReportMetric(float64(n), "recipients")
		})
	}
}

// BenchmarkUpsert moves one recipient per operation in a full index, so
// merges of the delta are included at their amortised cost.
func BenchmarkUpsert(b *testing.B) {
	pts := benchPoints(benchSize(b))
	ix := buildBench(b, pts)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if err := ix.Upsert(RecipientID(i%len(pts)), []Point{pts[(i*7919)%len(pts)]}); err != nil {
			b.Fatal(err)
		}
		i++
	}
}
