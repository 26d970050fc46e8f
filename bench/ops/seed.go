package main

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/taawun/taawun/internal/auth"
	"github.com/taawun/taawun/internal/ident"
	"github.com/taawun/taawun/internal/store"
	"github.com/taawun/taawun/internal/store/sqlstore"
)

// Pakistan's bounding box; seeded records fall inside it.
const (
	west, south, east, north = 60.9, 23.7, 77.8, 37.1
)

// benchUser is the national officer the benchmark reads as.
const benchUser = "bench.ndma"

// seed makes the organisations and a user through the store (so the audit chain is real), then
// bulk-loads the operational rows with multi-row INSERTs: the benchmark measures reads, and
// a million audited writes would only measure the seeding.
func seed(ctx context.Context, db *sqlstore.DB, url string, incidents, entries, shelters int) error {
	start := time.Now()
	orgIDs, err := seedOrgs(ctx, db)
	if err != nil {
		return err
	}
	raw, err := sql.Open("pgx", url)
	if err != nil {
		return err
	}
	defer raw.Close()
	for _, t := range []string{"ops_attachments", "ops_log", "ops_sitreps", "ops_shares", "relief_stock", "ops_records"} {
		if _, err := raw.ExecContext(ctx, "DELETE FROM "+t); err != nil {
			return fmt.Errorf("empty %s: %w", t, err)
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	now := time.Now().UTC()
	point := func() (float64, float64) {
		return west + rng.Float64()*(east-west), south + rng.Float64()*(north-south)
	}
	hazards := []string{"riverine_flood", "flash_flood", "earthquake", "landslide", "heatwave", "urban_flood"}
	statuses := []string{"active", "contained", "closed"}
	incidentIDs := make([]string, incidents)
	err = bulk(ctx, raw, "ops_records", []string{"id", "origin_node", "mode", "kind", "org_id", "incident_id", "status", "title", "geometry",
		"min_lon", "min_lat", "max_lon", "max_lat", "data", "created_at", "updated_at"}, incidents, func(i int) []any {
		id := ident.NewID()
		incidentIDs[i] = id
		lon, lat := point()
		return []any{id, db.NodeID(), "live", "incident", orgIDs[i%len(orgIDs)], "", statuses[i%3], fmt.Sprintf("Incident %d", i),
			fmt.Sprintf(`{"type":"Point","coordinates":[%.5f,%.5f]}`, lon, lat), lon, lat, lon, lat,
			fmt.Sprintf(`{"hazard":%q,"source":"manual"}`, hazards[i%len(hazards)]), now, now}
	})
	if err != nil {
		return err
	}
	fmt.Printf("seeded %d incidents in %s\n", incidents, time.Since(start).Round(time.Millisecond))
	err = bulk(ctx, raw, "ops_records", []string{"id", "origin_node", "mode", "kind", "org_id", "incident_id", "status", "title", "geometry",
		"min_lon", "min_lat", "max_lon", "max_lat", "data", "created_at", "updated_at"}, shelters, func(i int) []any {
		lon, lat := point()
		return []any{ident.NewID(), db.NodeID(), "live", "shelter", orgIDs[i%len(orgIDs)], incidentIDs[i%len(incidentIDs)], "open",
			fmt.Sprintf("Shelter %d", i), fmt.Sprintf(`{"type":"Point","coordinates":[%.5f,%.5f]}`, lon, lat), lon, lat, lon, lat,
			fmt.Sprintf(`{"type":"camp","capacity":%d,"occupancy":{"female_18_59":%d,"male_18_59":%d}}`, 200+i%800, i%150, i%120), now, now}
	})
	if err != nil {
		return err
	}
	fmt.Printf("seeded %d shelters in %s\n", shelters, time.Since(start).Round(time.Millisecond))
	body := strings.Repeat("Water level at the barrage rising; embankment patrols doubled. ", 2)
	err = bulk(ctx, raw, "ops_log", []string{"id", "origin_node", "mode", "incident_id", "org_id", "author_id", "body", "occurred_at", "state",
		"vetted_by", "vetted_at", "reason", "created_at"}, entries, func(i int) []any {
		at := now.Add(-time.Duration(entries-i) * time.Second)
		return []any{ident.NewID(), db.NodeID(), "live", incidentIDs[i%len(incidentIDs)], orgIDs[i%len(orgIDs)], "bench", fmt.Sprintf("%d: %s", i, body),
			at, "vetted", "controller", at, "", at}
	})
	if err != nil {
		return err
	}
	fmt.Printf("seeded %d log entries in %s\n", entries, time.Since(start).Round(time.Millisecond))
	_, err = raw.ExecContext(ctx, "ANALYZE")
	return err
}

// seedOrgs makes NDMA with five provinces and the national benchmark user, once.
func seedOrgs(ctx context.Context, db *sqlstore.DB) ([]string, error) {
	orgs, err := db.Orgs().List(ctx)
	if err != nil {
		return nil, err
	}
	if len(orgs) == 0 {
		err = db.WithTx(ctx, func(tx store.Tx) error {
			ndma := store.Org{Name: "NDMA", ShortName: "NDMA", Country: "PK", Tier: store.TierNational}
			if err := auth.CreateOrg(ctx, tx, auth.SystemActor, &ndma); err != nil {
				return err
			}
			for _, p := range []string{"Punjab", "Sindh", "Khyber Pakhtunkhwa", "Balochistan", "Gilgit-Baltistan"} {
				o := store.Org{Name: "PDMA " + p, ShortName: "PDMA " + p, Country: "PK", Tier: store.TierProvincial, ParentID: ndma.ID}
				if err := auth.CreateOrg(ctx, tx, auth.SystemActor, &o); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		if orgs, err = db.Orgs().List(ctx); err != nil {
			return nil, err
		}
	}
	ids := make([]string, len(orgs))
	for i, o := range orgs {
		ids[i] = o.ID
	}
	return ids, nil
}

// bulk inserts n rows of columns in batches of one multi-row INSERT each.
func bulk(ctx context.Context, db *sql.DB, table string, columns []string, n int, row func(i int) []any) error {
	const batch = 1000
	for from := 0; from < n; from += batch {
		to := min(from+batch, n)
		var (
			b    strings.Builder
			args []any
		)
		b.WriteString("INSERT INTO " + table + " (" + strings.Join(columns, ", ") + ") VALUES ")
		for i := from; i < to; i++ {
			if i > from {
				b.WriteString(", ")
			}
			b.WriteString("(")
			for c := range columns {
				if c > 0 {
					b.WriteString(", ")
				}
				fmt.Fprintf(&b, "$%d", len(args)+c+1)
			}
			b.WriteString(")")
			args = append(args, row(i)...)
		}
		if _, err := db.ExecContext(ctx, b.String(), args...); err != nil {
			return fmt.Errorf("insert into %s: %w", table, err)
		}
	}
	return nil
}
