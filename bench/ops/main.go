// Command ops benchmarks emergency operations on PostgreSQL: the common operating picture API
// under many concurrent clients, and the streamed export of the significant-events log.
//
//	go run ./bench/ops -db postgres://… seed     # 100,000 incidents, 1,000,000 log entries, 10,000 shelters
//	go run ./bench/ops -db postgres://… cop      # GET /api/v1/cop from 200 clients; p50, p99
//	go run ./bench/ops -db postgres://… export   # GET /api/v1/log/export; time, rows, peak RSS
//
// Each step is its own process so that the export's peak RSS is the export's alone. The
// server is the real web.Server over the real store, called over loopback HTTP with an API
// token, as a partner system would.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"runtime/pprof"
	"time"

	"github.com/taawun/taawun/internal/store/sqlstore"
)

func main() {
	var (
		db       = flag.String("db", os.Getenv("TAAWUN_BENCH_POSTGRES"), "PostgreSQL URL (a dedicated database: seed empties the operations tables)")
		node     = flag.String("node", "pk-bench", "node id")
		incid    = flag.Int("incidents", 100_000, "incidents to seed")
		entries  = flag.Int("log", 1_000_000, "log entries to seed")
		shelters = flag.Int("shelters", 10_000, "shelters to seed")
		clients  = flag.Int("clients", 200, "concurrent COP clients")
		duration = flag.Duration("duration", 30*time.Second, "how long the COP clients run")
		window   = flag.Float64("window", 1.0, "side of the COP bounding box in degrees")
		layers   = flag.String("layers", "incident,shelter", "COP layers asked for")
		profile  = flag.String("cpuprofile", "", "write a CPU profile of the run to this file")
		memprof  = flag.String("memprofile", "", "write an allocation profile of the run to this file")
		picture  = flag.Bool("picture", true, "answer the operating picture from the in-memory index (false: from the store's query)")
	)
	flag.Usage = func() {
		fmt.Fprintf(flag.CommandLine.Output(), "usage: ops [flags] seed|cop|export\n")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() != 1 || *db == "" {
		flag.Usage()
		os.Exit(2)
	}
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	store, err := sqlstore.Open(ctx, sqlstore.Options{URL: *db, NodeID: *node, Logger: log})
	if err != nil {
		fail(err)
	}
	defer store.Close()
	if _, err := store.Migrate(ctx); err != nil {
		fail(err)
	}
	if *profile != "" {
		f, err := os.Create(*profile)
		if err != nil {
			fail(err)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			fail(err)
		}
		defer pprof.StopCPUProfile()
	}
	switch flag.Arg(0) {
	case "seed":
		err = seed(ctx, store, *db, *incid, *entries, *shelters)
	case "cop":
		err = benchCOP(ctx, store, *clients, *duration, *window, *layers, *picture)
	case "export":
		err = benchExport(ctx, store)
	default:
		flag.Usage()
		os.Exit(2)
	}
	if err != nil {
		pprof.StopCPUProfile()
		fail(err)
	}
	if *memprof != "" {
		f, err := os.Create(*memprof)
		if err == nil {
			err = pprof.Lookup("allocs").WriteTo(f, 0)
			f.Close()
		}
		if err != nil {
			fail(err)
		}
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "ops bench:", err)
	os.Exit(1)
}
