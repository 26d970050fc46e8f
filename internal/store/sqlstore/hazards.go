package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/taawun/taawun/internal/mode"
	"github.com/taawun/taawun/internal/store"
)

type hazardSources struct{ q }
type hazardEvents struct{ q }

func (q q) HazardSources() store.HazardSources    { return hazardSources{q} }
func (db *DB) HazardSources() store.HazardSources { return db.direct().HazardSources() }
func (q q) HazardEvents() store.HazardEvents      { return hazardEvents{q} }
func (db *DB) HazardEvents() store.HazardEvents   { return db.direct().HazardEvents() }

const sourceColumns = `id, origin_node, mode, name, kind, url, interval_s, enabled, etag, last_modified, next_poll, failures,
	last_poll, last_success, last_error_at, last_error, items_seen, items_skipped, events_new, events_updated, last_skips, created_at, updated_at`

func checkSource(s *store.HazardSource) error {
	if strings.TrimSpace(s.Name) == "" || !s.Kind.Valid() || !strings.HasPrefix(s.URL, "http") || s.Interval < time.Second {
		return fmt.Errorf("%w: a hazard source needs a name, a kind (usgs, gdacs, cap), an http(s) URL and an interval of at least 1s", store.ErrInvalidRecord)
	}
	return nil
}

func (s hazardSources) Create(ctx context.Context, src *store.HazardSource) error {
	if err := checkSource(src); err != nil {
		return err
	}
	s.stamp(ctx, &src.Meta)
	if src.NextPoll.IsZero() {
		src.NextPoll = src.CreatedAt
	}
	_, err := s.exec(ctx, `INSERT INTO hazard_sources (id, origin_node, mode, name, kind, url, interval_s, enabled, next_poll, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		src.ID, src.OriginNode, src.Mode.String(), src.Name, string(src.Kind), src.URL, int64(src.Interval/time.Second), boolInt(src.Enabled),
		ts(src.NextPoll), src.CreatedAt, src.UpdatedAt)
	return s.wrap(err, "sqlstore: create hazard source")
}

func (s hazardSources) Get(ctx context.Context, id string) (store.HazardSource, error) {
	src, err := scanSource(s.queryRow(ctx, `SELECT `+sourceColumns+` FROM hazard_sources WHERE id = ? AND mode = ?`, id, mode.From(ctx).String()))
	return src, s.wrap(err, "sqlstore: hazard source %s", id)
}

func (s hazardSources) List(ctx context.Context) ([]store.HazardSource, error) {
	return collect(ctx, s.q, "list hazard sources", scanSource, `SELECT `+sourceColumns+` FROM hazard_sources WHERE mode = ? ORDER BY name, id`,
		mode.From(ctx).String())
}

func (s hazardSources) Update(ctx context.Context, src *store.HazardSource) error {
	if err := checkSource(src); err != nil {
		return err
	}
	now := ts(s.db.clock.Now())
	src.UpdatedAt, src.NextPoll = now, now
	res, err := s.exec(ctx, `UPDATE hazard_sources SET name = ?, kind = ?, url = ?, interval_s = ?, enabled = ?, next_poll = ?, failures = 0,
		etag = CASE WHEN url = ? THEN etag ELSE '' END, last_modified = CASE WHEN url = ? THEN last_modified ELSE '' END, updated_at = ?
		WHERE id = ? AND mode = ?`,
		src.Name, string(src.Kind), src.URL, int64(src.Interval/time.Second), boolInt(src.Enabled), now, src.URL, src.URL, now, src.ID, mode.From(ctx).String())
	return s.wrap(mustAffect(res, err), "sqlstore: update hazard source %s", src.ID)
}

func (s hazardSources) Delete(ctx context.Context, id string) error {
	res, err := s.exec(ctx, `DELETE FROM hazard_sources WHERE id = ? AND mode = ?`, id, mode.From(ctx).String())
	return s.wrap(mustAffect(res, err), "sqlstore: delete hazard source %s", id)
}

func (s hazardSources) Claim(ctx context.Context, holder string, now, until time.Time, limit int) ([]store.HazardSource, error) {
	return collect(ctx, q{db: s.db, read: s.write, write: s.write}, "claim hazard sources", scanSource,
		`UPDATE hazard_sources SET lease_holder = ?, lease_until = ?
		 WHERE id IN (SELECT id FROM hazard_sources WHERE mode = ? AND enabled = 1 AND next_poll <= ?
		              AND (lease_until IS NULL OR lease_until < ?) ORDER BY next_poll LIMIT ?`+s.db.dialect.skipLocked()+`)
		 RETURNING `+sourceColumns, holder, ts(until), mode.From(ctx).String(), ts(now), ts(now), limit)
}

func (s hazardSources) RecordPoll(ctx context.Context, holder string, src *store.HazardSource) error {
	skips, err := json.Marshal(nonNil(src.LastSkips))
	if err != nil {
		return err
	}
	res, err := s.exec(ctx, `UPDATE hazard_sources SET etag = ?, last_modified = ?, next_poll = ?, failures = ?, last_poll = ?, last_success = ?,
		last_error_at = ?, last_error = ?, items_seen = ?, items_skipped = ?, events_new = ?, events_updated = ?, last_skips = ?,
		lease_holder = '', lease_until = NULL WHERE id = ? AND mode = ? AND lease_holder = ?`,
		src.ETag, src.LastModified, ts(src.NextPoll), src.Failures, nullTS(src.LastPoll), nullTS(src.LastSuccess), nullTS(src.LastErrorAt),
		src.LastError, src.ItemsSeen, src.ItemsSkipped, src.EventsNew, src.EventsUpdated, string(skips), src.ID, mode.From(ctx).String(), holder)
	return s.wrap(mustAffect(res, err), "sqlstore: record poll of hazard source %s", src.ID)
}

func scanSource(r scanner) (store.HazardSource, error) {
	var (
		src                         store.HazardSource
		m, kind, skips              string
		interval, enabled           int64
		lastPoll, lastOK, lastErrAt sql.NullTime
	)
	err := r.Scan(&src.ID, &src.OriginNode, &m, &src.Name, &kind, &src.URL, &interval, &enabled, &src.ETag, &src.LastModified, &src.NextPoll,
		&src.Failures, &lastPoll, &lastOK, &lastErrAt, &src.LastError, &src.ItemsSeen, &src.ItemsSkipped, &src.EventsNew, &src.EventsUpdated,
		&skips, &src.CreatedAt, &src.UpdatedAt)
	if err != nil {
		return src, err
	}
	src.Kind, src.Interval, src.Enabled = store.SourceKind(kind), time.Duration(interval)*time.Second, enabled != 0
	src.LastPoll, src.LastSuccess, src.LastErrorAt = fromNull(lastPoll), fromNull(lastOK), fromNull(lastErrAt)
	src.NextPoll, src.CreatedAt, src.UpdatedAt = src.NextPoll.UTC(), src.CreatedAt.UTC(), src.UpdatedAt.UTC()
	if err := json.Unmarshal([]byte(skips), &src.LastSkips); err != nil {
		return src, fmt.Errorf("last skips: %w", err)
	}
	src.Mode, err = mode.Parse(m)
	return src, err
}

const hazardColumns = `id, origin_node, mode, type, title, source_id, time, updated, expires, lat, lon, depth_km, magnitude, severity,
	alert_level, tsunami, cancelled, geometry, regions, area_desc, country, links, revision, created_at, updated_at`

// checkEvent refuses values no source can mean; parsers reject them earlier with a reason, this
// keeps the table clean whoever writes.
func checkEvent(e *store.HazardEvent) error {
	bad := func(f float64) bool { return math.IsNaN(f) || math.IsInf(f, 0) }
	switch {
	case e.Type == "" || len(e.Keys) == 0 || e.Time.IsZero() || e.Updated.IsZero():
		return fmt.Errorf("%w: a hazard event needs a type, keys, a time and an update time", store.ErrInvalidRecord)
	case bad(e.Lat) || bad(e.Lon) || e.Lat < -90 || e.Lat > 90 || e.Lon < -180 || e.Lon > 180:
		return fmt.Errorf("%w: hazard event position %v,%v", store.ErrInvalidRecord, e.Lat, e.Lon)
	case e.Magnitude != nil && (bad(*e.Magnitude) || *e.Magnitude < -2 || *e.Magnitude > 10):
		return fmt.Errorf("%w: hazard event magnitude %v", store.ErrInvalidRecord, *e.Magnitude)
	case e.DepthKm != nil && (bad(*e.DepthKm) || *e.DepthKm < -10 || *e.DepthKm > 1000):
		return fmt.Errorf("%w: hazard event depth %v", store.ErrInvalidRecord, *e.DepthKm)
	}
	return nil
}

func (s hazardEvents) Create(ctx context.Context, e *store.HazardEvent, rev store.HazardRevision) error {
	if err := checkEvent(e); err != nil {
		return err
	}
	s.stamp(ctx, &e.Meta)
	e.Revision = 1
	links, err := json.Marshal(nonNil(e.Links))
	if err != nil {
		return err
	}
	_, err = s.exec(ctx, `INSERT INTO hazard_events (`+hazardColumns+`) VALUES (`+placeholders(25)+`)`,
		e.ID, e.OriginNode, e.Mode.String(), e.Type, e.Title, e.SourceID, ts(e.Time), ts(e.Updated), nullTS(e.Expires), e.Lat, e.Lon,
		nullFloat(e.DepthKm), nullFloat(e.Magnitude), e.Severity, e.AlertLevel, boolInt(e.Tsunami), boolInt(e.Cancelled), string(e.Geometry),
		joinList(e.Regions), e.AreaDesc, e.Country, string(links), e.Revision, e.CreatedAt, e.UpdatedAt)
	if err != nil {
		return s.wrap(err, "sqlstore: create hazard event")
	}
	if err := s.addKeys(ctx, e.ID, e.Keys); err != nil {
		return err
	}
	return s.addRevision(ctx, e, rev)
}

func (s hazardEvents) Update(ctx context.Context, e *store.HazardEvent, rev store.HazardRevision) error {
	if err := checkEvent(e); err != nil {
		return err
	}
	links, err := json.Marshal(nonNil(e.Links))
	if err != nil {
		return err
	}
	e.UpdatedAt = ts(s.db.clock.Now())
	e.Revision++
	res, err := s.exec(ctx, `UPDATE hazard_events SET type = ?, title = ?, source_id = ?, time = ?, updated = ?, expires = ?, lat = ?, lon = ?,
		depth_km = ?, magnitude = ?, severity = ?, alert_level = ?, tsunami = ?, cancelled = ?, geometry = ?, regions = ?, area_desc = ?, country = ?,
		links = ?, revision = ?, updated_at = ? WHERE id = ? AND mode = ?`,
		e.Type, e.Title, e.SourceID, ts(e.Time), ts(e.Updated), nullTS(e.Expires), e.Lat, e.Lon, nullFloat(e.DepthKm), nullFloat(e.Magnitude),
		e.Severity, e.AlertLevel, boolInt(e.Tsunami), boolInt(e.Cancelled), string(e.Geometry), joinList(e.Regions), e.AreaDesc, e.Country, string(links),
		e.Revision, e.UpdatedAt, e.ID, mode.From(ctx).String())
	if err := mustAffect(res, err); err != nil {
		return s.wrap(err, "sqlstore: update hazard event %s", e.ID)
	}
	if err := s.addKeys(ctx, e.ID, e.Keys); err != nil {
		return err
	}
	return s.addRevision(ctx, e, rev)
}

// addKeys records the keys the event does not hold yet; a key held by another event is a
// conflict (two events cannot be the same hazard).
func (s hazardEvents) addKeys(ctx context.Context, id string, keys []string) error {
	m := mode.From(ctx).String()
	for _, k := range keys {
		// Most keys are new: inserted at once, and only a key already held is looked up.
		res, err := s.exec(ctx, `INSERT INTO hazard_event_keys (mode, key, event_id) VALUES (?, ?, ?) ON CONFLICT (mode, key) DO NOTHING`, m, k, id)
		if err != nil {
			return s.wrap(err, "sqlstore: hazard event key %q", k)
		}
		if n, err := res.RowsAffected(); err != nil || n == 1 {
			if err != nil {
				return s.wrap(err, "sqlstore: hazard event key %q", k)
			}
			continue
		}
		var owner string
		if err := s.queryRow(ctx, `SELECT event_id FROM hazard_event_keys WHERE mode = ? AND key = ?`, m, k).Scan(&owner); err != nil {
			return s.wrap(err, "sqlstore: hazard event key %q", k)
		}
		if owner != id {
			return fmt.Errorf("sqlstore: hazard event key %q belongs to event %s: %w", k, owner, store.ErrConflict)
		}
	}
	return nil
}

func (s hazardEvents) addRevision(ctx context.Context, e *store.HazardEvent, rev store.HazardRevision) error {
	if len(rev.Data) == 0 {
		rev.Data = json.RawMessage(`{}`)
	}
	if rev.Updated.IsZero() {
		rev.Updated = e.Updated
	}
	_, err := s.exec(ctx, `INSERT INTO hazard_event_revisions (event_id, seq, source_id, updated, at, data) VALUES (?, ?, ?, ?, ?, ?)`,
		e.ID, e.Revision, rev.SourceID, ts(rev.Updated), ts(s.db.clock.Now()), string(rev.Data))
	return s.wrap(err, "sqlstore: hazard event %s revision %d", e.ID, e.Revision)
}

func (s hazardEvents) Get(ctx context.Context, id string) (store.HazardEvent, error) {
	e, err := scanHazard(s.queryRow(ctx, `SELECT `+hazardColumns+` FROM hazard_events WHERE id = ? AND mode = ?`, id, mode.From(ctx).String()))
	if err != nil {
		return e, s.wrap(err, "sqlstore: hazard event %s", id)
	}
	return e, s.loadKeys(ctx, &e)
}

func (s hazardEvents) GetMany(ctx context.Context, ids []string) ([]store.HazardEvent, error) {
	var out []store.HazardEvent
	for chunk := range slices.Chunk(ids, idsPerQuery) {
		args := []any{mode.From(ctx).String()}
		for _, id := range chunk {
			args = append(args, id)
		}
		evs, err := collect(ctx, s.q, "hazard events", scanHazard,
			`SELECT `+hazardColumns+` FROM hazard_events WHERE mode = ? AND id IN (`+placeholders(len(chunk))+`)`, args...)
		if err != nil {
			return nil, err
		}
		out = append(out, evs...)
	}
	return out, nil
}

// idsPerQuery bounds the ids one IN list carries.
const idsPerQuery = 500

func (s hazardEvents) FindByKeys(ctx context.Context, keys []string) (store.HazardEvent, error) {
	if len(keys) == 0 {
		return store.HazardEvent{}, fmt.Errorf("sqlstore: hazard event without keys: %w", store.ErrNotFound)
	}
	args := []any{mode.From(ctx).String()}
	for _, k := range keys {
		args = append(args, k)
	}
	var id string
	err := s.queryRow(ctx, `SELECT event_id FROM hazard_event_keys WHERE mode = ? AND key IN (`+placeholders(len(keys))+`) ORDER BY event_id LIMIT 1`, args...).Scan(&id)
	if err != nil {
		return store.HazardEvent{}, s.wrap(err, "sqlstore: hazard event by keys %v", keys)
	}
	return s.Get(ctx, id)
}

func (s hazardEvents) KeyHolders(ctx context.Context, keys []string) (map[string]string, error) {
	holders := map[string]string{}
	for chunk := range slices.Chunk(keys, idsPerQuery) {
		args := []any{mode.From(ctx).String()}
		for _, k := range chunk {
			args = append(args, k)
		}
		rows, err := s.query(ctx, `SELECT key, event_id FROM hazard_event_keys WHERE mode = ? AND key IN (`+placeholders(len(chunk))+`)`, args...)
		if err != nil {
			return nil, s.wrap(err, "sqlstore: holders of %d hazard event keys", len(chunk))
		}
		for rows.Next() {
			var k, id string
			if err := rows.Scan(&k, &id); err != nil {
				rows.Close()
				return nil, s.wrap(err, "sqlstore: holders of hazard event keys")
			}
			holders[k] = id
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, s.wrap(err, "sqlstore: holders of hazard event keys")
		}
	}
	return holders, nil
}

func (s hazardEvents) loadKeys(ctx context.Context, e *store.HazardEvent) error {
	keys, err := collect(ctx, s.q, "hazard event keys", func(r scanner) (string, error) {
		var k string
		return k, r.Scan(&k)
	}, `SELECT key FROM hazard_event_keys WHERE event_id = ? ORDER BY key`, e.ID)
	e.Keys = keys
	return err
}

func (s hazardEvents) List(ctx context.Context, f store.HazardEventFilter) ([]store.HazardEvent, error) {
	query := `SELECT ` + hazardColumns + ` FROM hazard_events WHERE mode = ?`
	args := []any{mode.From(ctx).String()}
	if len(f.Types) > 0 {
		query += ` AND type IN (` + placeholders(len(f.Types)) + `)`
		for _, t := range f.Types {
			args = append(args, t)
		}
	}
	if !f.Since.IsZero() {
		query += ` AND time >= ?`
		args = append(args, ts(f.Since))
	}
	query += ` ORDER BY time DESC, id DESC`
	if f.Limit > 0 {
		query += ` LIMIT ?`
		args = append(args, f.Limit)
	}
	return collect(ctx, s.q, "list hazard events", scanHazard, query, args...)
}

func (s hazardEvents) Revisions(ctx context.Context, id string) ([]store.HazardRevision, error) {
	return collect(ctx, s.q, "hazard event revisions", func(r scanner) (store.HazardRevision, error) {
		var (
			rev  store.HazardRevision
			data string
		)
		err := r.Scan(&rev.EventID, &rev.Seq, &rev.SourceID, &rev.Updated, &rev.At, &data)
		rev.Data, rev.Updated, rev.At = json.RawMessage(data), rev.Updated.UTC(), rev.At.UTC()
		return rev, err
	}, `SELECT r.event_id, r.seq, r.source_id, r.updated, r.at, r.data FROM hazard_event_revisions r JOIN hazard_events e ON e.id = r.event_id
		WHERE r.event_id = ? AND e.mode = ? ORDER BY r.seq`, id, mode.From(ctx).String())
}

func scanHazard(r scanner) (store.HazardEvent, error) {
	var (
		e                           store.HazardEvent
		m, geometry, regions, links string
		expires                     sql.NullTime
		depth, mag                  sql.NullFloat64
		tsunami, cancelled          int64
	)
	err := r.Scan(&e.ID, &e.OriginNode, &m, &e.Type, &e.Title, &e.SourceID, &e.Time, &e.Updated, &expires, &e.Lat, &e.Lon, &depth, &mag,
		&e.Severity, &e.AlertLevel, &tsunami, &cancelled, &geometry, &regions, &e.AreaDesc, &e.Country, &links, &e.Revision, &e.CreatedAt, &e.UpdatedAt)
	if err != nil {
		return e, err
	}
	e.Expires, e.Tsunami, e.Cancelled = fromNull(expires), tsunami != 0, cancelled != 0
	e.Time, e.Updated, e.CreatedAt, e.UpdatedAt = e.Time.UTC(), e.Updated.UTC(), e.CreatedAt.UTC(), e.UpdatedAt.UTC()
	if depth.Valid {
		e.DepthKm = &depth.Float64
	}
	if mag.Valid {
		e.Magnitude = &mag.Float64
	}
	e.Regions = splitList(regions)
	if geometry != "" {
		e.Geometry = json.RawMessage(geometry)
	}
	if err := json.Unmarshal([]byte(links), &e.Links); err != nil {
		return e, fmt.Errorf("links: %w", err)
	}
	e.Mode, err = mode.Parse(m)
	return e, err
}

func nullFloat(f *float64) sql.NullFloat64 {
	if f == nil {
		return sql.NullFloat64{}
	}
	return sql.NullFloat64{Float64: *f, Valid: true}
}

// nonNil makes a nil list marshal as [] rather than null.
func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
