// Command geotarget compares Taawun's in-memory geotargeting index
// (internal/geotarget) with PostGIS on the same subscriber locations: the
// same recipients must come back (count and a hash of the sorted ids), and
// the median of several timed runs of each query is reported.
//
// Subscribers are placed around the Pakistani GeoNames places of
// testdata/pk-cities.csv in proportion to population, with Gaussian jitter
// that widens with the size of the place, and a quarter of them spread
// wider as a rural hinterland. Coordinates are whole multiples of 1e-7
// degree, the index's precision, so both systems see identical numbers.
//
// Run it through run.sh, which sets up the database.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"time"
)

func main() {
	var cfg config
	flag.IntVar(&cfg.n, "n", 10_000_000, "number of subscribers")
	flag.IntVar(&cfg.runs, "runs", 5, "timed runs per query and system (after one warm-up)")
	flag.StringVar(&cfg.dsn, "dsn", "postgres://taawun:taawun@127.0.0.1:5432/geobench", "PostgreSQL+PostGIS database for the comparison")
	flag.StringVar(&cfg.workMem, "work-mem", "256MB", "PostgreSQL work_mem of the benchmark's session")
	flag.IntVar(&cfg.pgWorkers, "pg-parallel-workers", 0, "PostgreSQL max_parallel_workers_per_gather of the session (0: serial plans, PostGIS's best at 10 M)")
	flag.StringVar(&cfg.cities, "cities", "testdata/pk-cities.csv", "GeoNames places: geonameid,name,lat,lon,population")
	flag.Uint64Var(&cfg.seed, "seed", 1, "random seed of the subscriber locations")
	flag.Parse()
	if err := run(context.Background(), cfg, slog.New(slog.NewTextHandler(os.Stderr, nil))); err != nil {
		fmt.Fprintln(os.Stderr, "geotarget bench:", err)
		os.Exit(1)
	}
}

type config struct {
	n, runs int
	dsn     string
	workMem string
	// pgWorkers is PostgreSQL's max_parallel_workers_per_gather for the benchmark's session.
	pgWorkers int
	cities    string
	seed      uint64
}

func run(ctx context.Context, cfg config, log *slog.Logger) error {
	cities, err := readCities(cfg.cities)
	if err != nil {
		return err
	}
	t0 := time.Now()
	subs := generate(cities, cfg.n, cfg.seed)
	log.Info("generated subscribers", "n", cfg.n, "places", len(cities), "took", time.Since(t0))

	areas, err := benchAreas()
	if err != nil {
		return err
	}
	tw, err := newTaawun(subs, log)
	if err != nil {
		return err
	}
	pg, err := newPostGIS(ctx, cfg.dsn, cfg.workMem, cfg.pgWorkers, subs, cfg.seed, log)
	if err != nil {
		return err
	}
	defer pg.close()

	rep := report{n: cfg.n, runs: cfg.runs, taawunBuild: tw.build, taawunBytes: tw.bytes,
		pgLoad: pg.load, pgBytes: pg.bytes}
	for _, a := range areas {
		row, err := compare(ctx, a, tw, pg, cfg.runs, log)
		if err != nil {
			return err
		}
		rep.rows = append(rep.rows, row)
	}
	rep.write(os.Stdout)
	if !rep.allMatch() {
		return fmt.Errorf("the two systems returned different recipient sets")
	}
	return nil
}
