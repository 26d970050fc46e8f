package main

import (
	"context"
	"fmt"
	"hash/fnv"
	"io"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/taawun/taawun/internal/geotarget"
)

// result is one system's answer: how many recipients and a hash of their
// sorted ids.
type result struct {
	count int
	hash  uint64
}

func digest(ids []uint64) result {
	slices.Sort(ids)
	h := fnv.New64a()
	var b [8]byte
	for _, id := range ids {
		for i := range b {
			b[i] = byte(id >> (8 * i))
		}
		h.Write(b[:])
	}
	return result{len(ids), h.Sum64()}
}

type row struct {
	area                 string
	taawun, pg           result
	pgContains           int // ST_Contains count, polygons only (-1 for circles)
	twIDs, twCount       time.Duration
	pgIDs, pgCount       time.Duration
	twIDsRuns, pgIDsRuns []time.Duration
}

// timeRuns runs f once to warm up, then runs times, and returns the median
// and all timed runs.
func timeRuns(runs int, f func() error) (time.Duration, []time.Duration, error) {
	if err := f(); err != nil {
		return 0, nil, err
	}
	d := make([]time.Duration, runs)
	for i := range d {
		t0 := time.Now()
		if err := f(); err != nil {
			return 0, nil, err
		}
		d[i] = time.Since(t0)
	}
	s := slices.Clone(d)
	slices.Sort(s)
	return s[len(s)/2], d, nil
}

func compare(ctx context.Context, a area, tw *taawun, pg *postgis, runs int, log *slog.Logger) (row, error) {
	r := row{area: a.name, pgContains: -1}
	geo, err := geotarget.NewArea(a.shape)
	if err != nil {
		return r, err
	}
	var twIDs []geotarget.RecipientID
	if r.twIDs, r.twIDsRuns, err = timeRuns(runs, func() error { twIDs = tw.ix.Query(geo); return nil }); err != nil {
		return r, err
	}
	if r.twCount, _, err = timeRuns(runs, func() error { tw.ix.CountInside(geo); return nil }); err != nil {
		return r, err
	}
	ids := make([]uint64, len(twIDs))
	for i, id := range twIDs {
		ids[i] = uint64(id)
	}
	r.taawun = digest(ids)
	log.Info("taawun", "area", a.name, "recipients", r.taawun.count, "query", r.twIDs, "count", r.twCount)

	var pgIDs []uint64
	if r.pgIDs, r.pgIDsRuns, err = timeRuns(runs, func() (err error) { pgIDs, err = pg.ids(ctx, a); return err }); err != nil {
		return r, err
	}
	cond, args := where(a)
	if r.pgCount, _, err = timeRuns(runs, func() error { _, err := pg.count(ctx, a, cond, args); return err }); err != nil {
		return r, err
	}
	r.pg = digest(pgIDs)
	if a.geoJSON != "" {
		c := strings.Replace(cond, "ST_Covers", "ST_Contains", 1)
		if r.pgContains, err = pg.count(ctx, a, c, args); err != nil {
			return r, err
		}
	}
	log.Info("postgis", "area", a.name, "recipients", r.pg.count, "query", r.pgIDs, "count", r.pgCount)
	return r, nil
}

type report struct {
	n, runs             int
	taawunBuild, pgLoad time.Duration
	taawunBytes         uint64
	pgBytes             int64
	rows                []row
}

func (r report) allMatch() bool {
	for _, x := range r.rows {
		if x.taawun != x.pg {
			return false
		}
	}
	return true
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f", float64(d.Microseconds())/1000) }

func (r report) write(w io.Writer) {
	fmt.Fprintf(w, "Subscribers: %d (one location each). Median of %d runs after one warm-up.\n\n", r.n, r.runs)
	fmt.Fprintf(w, "| area | recipients | same set (count, FNV-64 of sorted ids) | Taawun Query ms | PostGIS ids ms | ratio | Taawun CountInside ms | PostGIS count(*) ms | ratio |\n")
	fmt.Fprintf(w, "|---|---|---|---|---|---|---|---|---|\n")
	for _, x := range r.rows {
		same := "yes"
		if x.taawun != x.pg {
			same = fmt.Sprintf("**NO**: Taawun %d/%016x, PostGIS %d/%016x", x.taawun.count, x.taawun.hash, x.pg.count, x.pg.hash)
		} else {
			same = fmt.Sprintf("yes (%016x)", x.taawun.hash)
		}
		fmt.Fprintf(w, "| %s | %d | %s | %s | %s | %.0f× | %s | %s | %.0f× |\n", x.area, x.taawun.count, same,
			ms(x.twIDs), ms(x.pgIDs), float64(x.pgIDs)/float64(x.twIDs),
			ms(x.twCount), ms(x.pgCount), float64(x.pgCount)/float64(x.twCount))
	}
	fmt.Fprintln(w)
	for _, x := range r.rows {
		if x.pgContains >= 0 {
			fmt.Fprintf(w, "- %s: ST_Contains (boundary excluded) counts %d, ST_Covers %d.\n", x.area, x.pgContains, x.pg.count)
		}
		fmt.Fprintf(w, "- %s: all timed runs, Taawun Query %v; PostGIS ids %v.\n", x.area, x.twIDsRuns, x.pgIDsRuns)
	}
	fmt.Fprintf(w, "\nTaawun: build %v, %.1f bytes/subscriber of Go heap (index only).\n", r.taawunBuild.Round(time.Millisecond), float64(r.taawunBytes)/float64(r.n))
	if r.pgLoad > 0 {
		fmt.Fprintf(w, "PostGIS: load + two GiST indexes %v, ", r.pgLoad.Round(time.Second))
	} else {
		fmt.Fprintf(w, "PostGIS: (table reused from an earlier run), ")
	}
	fmt.Fprintf(w, "%.1f bytes/subscriber on disk (table + geometry and geography GiST indexes, pg_total_relation_size).\n", float64(r.pgBytes)/float64(r.n))
}
