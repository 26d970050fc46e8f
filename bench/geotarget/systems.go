package main

import (
	"context"
	"fmt"
	"log/slog"
	"runtime"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/taawun/taawun/internal/geotarget"
)

type taawun struct {
	ix    *geotarget.Index
	build time.Duration
	bytes uint64 // heap held by the index
}

func heap() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

func newTaawun(s *subscribers, log *slog.Logger) (*taawun, error) {
	before := heap()
	t0 := time.Now()
	b := geotarget.NewBuilder(len(s.lat))
	for i := range s.lat {
		lat, lon := s.deg(i)
		if err := b.Add(geotarget.RecipientID(i+1), geotarget.Point{Lat: lat, Lon: lon}); err != nil {
			return nil, fmt.Errorf("taawun: build: %w", err)
		}
	}
	ix, err := b.Build()
	if err != nil {
		return nil, fmt.Errorf("taawun: build: %w", err)
	}
	tw := &taawun{ix: ix, build: time.Since(t0)}
	tw.bytes = heap() - before
	log.Info("taawun index built", "took", tw.build, "bytes/subscriber", float64(tw.bytes)/float64(len(s.lat)))
	return tw, nil
}

type postgis struct {
	conn  *pgx.Conn
	load  time.Duration
	bytes int64
}

// newPostGIS (re)creates table geotarget_subs unless it already holds this
// exact data set (same n and seed, recorded in geotarget_meta), so reruns
// skip the slow load.
func newPostGIS(ctx context.Context, dsn, workMem string, parallelWorkers int, s *subscribers, seed uint64, log *slog.Logger) (*postgis, error) {
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return nil, fmt.Errorf("postgis: connect: %w", err)
	}
	pg := &postgis{conn: conn}
	n := len(s.lat)
	exec := func(sql string, args ...any) error {
		if _, err := conn.Exec(ctx, sql, args...); err != nil {
			return fmt.Errorf("postgis: %s: %w", sql, err)
		}
		return nil
	}
	// Queries returning millions of rows build bitmaps larger than the default 4 MB of
	// work_mem; lossy bitmaps made the 10 M province query crawl. The session gets workMem.
	if err := exec(`SET work_mem = '` + workMem + `'`); err != nil {
		return nil, err
	}
	// At 10 M points the parallel bitmap-heap plan PostgreSQL picks for the Punjab polygon had
	// not finished after 17 minutes (CPU-bound in its workers) where the serial plan counts the
	// same 4.9 M points in about 20 s; serial plans (workers 0, the default) are PostGIS's best
	// here.
	if err := exec(fmt.Sprintf(`SET max_parallel_workers_per_gather = %d`, parallelWorkers)); err != nil {
		return nil, err
	}
	if err := exec(`CREATE EXTENSION IF NOT EXISTS postgis`); err != nil {
		return nil, err
	}
	if err := exec(`CREATE TABLE IF NOT EXISTS geotarget_meta (n bigint, seed numeric)`); err != nil {
		return nil, err
	}
	var have int
	if err := conn.QueryRow(ctx, `SELECT count(*) FROM geotarget_meta WHERE n = $1 AND seed = $2`, n, seed).Scan(&have); err != nil {
		return nil, fmt.Errorf("postgis: read meta: %w", err)
	}
	if have == 0 {
		t0 := time.Now()
		steps := []string{
			`DELETE FROM geotarget_meta`,
			`DROP TABLE IF EXISTS geotarget_subs`,
			`DROP TABLE IF EXISTS geotarget_raw`,
			`CREATE UNLOGGED TABLE geotarget_raw (id bigint, lon float8, lat float8)`,
		}
		for _, q := range steps {
			if err := exec(q); err != nil {
				return nil, err
			}
		}
		rows := pgx.CopyFromFunc(func() func() ([]any, error) {
			i := 0
			return func() ([]any, error) {
				if i == n {
					return nil, nil
				}
				lat, lon := s.deg(i)
				i++
				return []any{int64(i), lon, lat}, nil
			}
		}())
		if _, err := conn.CopyFrom(ctx, pgx.Identifier{"geotarget_raw"}, []string{"id", "lon", "lat"}, rows); err != nil {
			return nil, fmt.Errorf("postgis: copy: %w", err)
		}
		steps = []string{
			`SET maintenance_work_mem = '2GB'`,
			`CREATE TABLE geotarget_subs AS SELECT id, ST_SetSRID(ST_MakePoint(lon, lat), 4326)::geometry(Point, 4326) AS geom FROM geotarget_raw`,
			`DROP TABLE geotarget_raw`,
			`CREATE INDEX geotarget_subs_geom ON geotarget_subs USING gist (geom)`,
			`CREATE INDEX geotarget_subs_geog ON geotarget_subs USING gist ((geom::geography))`,
			`VACUUM ANALYZE geotarget_subs`,
		}
		for _, q := range steps {
			t := time.Now()
			if err := exec(q); err != nil {
				return nil, err
			}
			log.Info("postgis", "step", q, "took", time.Since(t))
		}
		if err := exec(`INSERT INTO geotarget_meta VALUES ($1, $2)`, n, seed); err != nil {
			return nil, err
		}
		pg.load = time.Since(t0)
	} else {
		log.Info("postgis: reusing loaded table", "n", n)
	}
	// Rows are generated in random spatial order, so an area's subscribers lie on as many heap
	// pages as there are subscribers; once the table outgrows shared_buffers (10 M points are
	// ~0.5 GB against Debian's 128 MB default) each one is a page read. Ordering the table along
	// the GiST index, as PostGIS users do for point tables, gives PostGIS its best case.
	var clustered bool
	if err := conn.QueryRow(ctx, `SELECT indisclustered FROM pg_index WHERE indexrelid = 'geotarget_subs_geom'::regclass`).Scan(&clustered); err != nil {
		return nil, fmt.Errorf("postgis: read clustering: %w", err)
	}
	if !clustered {
		t := time.Now()
		for _, q := range []string{`SET maintenance_work_mem = '2GB'`, `CLUSTER geotarget_subs USING geotarget_subs_geom`, `VACUUM ANALYZE geotarget_subs`} {
			if err := exec(q); err != nil {
				return nil, err
			}
		}
		log.Info("postgis", "step", "CLUSTER geotarget_subs USING geotarget_subs_geom; VACUUM ANALYZE", "took", time.Since(t))
		pg.load += time.Since(t)
	}
	if err := conn.QueryRow(ctx, `SELECT pg_total_relation_size('geotarget_subs')`).Scan(&pg.bytes); err != nil {
		return nil, fmt.Errorf("postgis: size: %w", err)
	}
	return pg, nil
}

func (pg *postgis) close() { pg.conn.Close(context.Background()) }

// where returns the SQL condition for a and its arguments. Polygons use
// ST_Covers, which like Taawun counts the boundary as inside (ST_Contains
// does not); circles use ST_DWithin on geography with use_spheroid = false,
// PostGIS's great-circle distance on its mean-radius sphere.
func where(a area) (string, []any) {
	if a.geoJSON != "" {
		return `ST_Covers(ST_SetSRID(ST_GeomFromGeoJSON($1), 4326), geom)`, []any{a.geoJSON}
	}
	return `ST_DWithin(geom::geography, ST_SetSRID(ST_MakePoint($1, $2), 4326)::geography, $3, false)`,
		[]any{a.centre.Lon, a.centre.Lat, a.radiusKM * 1000}
}

func (pg *postgis) ids(ctx context.Context, a area) ([]uint64, error) {
	cond, args := where(a)
	rows, err := pg.conn.Query(ctx, `SELECT id FROM geotarget_subs WHERE `+cond, args...)
	if err != nil {
		return nil, fmt.Errorf("postgis: query %s: %w", a.name, err)
	}
	var out []uint64
	var id int64
	_, err = pgx.ForEachRow(rows, []any{&id}, func() error {
		out = append(out, uint64(id))
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("postgis: query %s: %w", a.name, err)
	}
	return out, nil
}

func (pg *postgis) count(ctx context.Context, a area, cond string, args []any) (int, error) {
	var n int
	if err := pg.conn.QueryRow(ctx, `SELECT count(*) FROM geotarget_subs WHERE `+cond, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("postgis: count %s: %w", a.name, err)
	}
	return n, nil
}
