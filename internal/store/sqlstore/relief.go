package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/taawun/taawun/internal/ident"
	"github.com/taawun/taawun/internal/mode"
	"github.com/taawun/taawun/internal/store"
)

type relief struct{ q }

func (q q) Relief() store.Relief    { return relief{q} }
func (db *DB) Relief() store.Relief { return db.direct().Relief() }

func (s relief) CreateItem(ctx context.Context, it *store.Item) error {
	if it.Code == "" || it.Unit == "" || it.Names["en"] == "" {
		return fmt.Errorf("%w: item needs a code, a unit and an English name", store.ErrInvalidRecord)
	}
	switch it.Cluster {
	case store.ClusterFood, store.ClusterShelterNFI, store.ClusterWASH, store.ClusterHealth:
	default:
		return fmt.Errorf("%w: unknown cluster %q", store.ErrInvalidRecord, it.Cluster)
	}
	names, err := json.Marshal(it.Names)
	if err != nil {
		return err
	}
	s.stamp(ctx, &it.Meta)
	_, err = s.exec(ctx, `INSERT INTO relief_items (id, origin_node, mode, code, cluster, unit, names, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		it.ID, it.OriginNode, it.Mode.String(), it.Code, string(it.Cluster), it.Unit, string(names), it.CreatedAt)
	return s.wrap(err, "sqlstore: create item %q", it.Code)
}

const itemColumns = `id, origin_node, mode, code, cluster, unit, names, created_at`

func (s relief) Item(ctx context.Context, id string) (store.Item, error) {
	it, err := scanItem(s.queryRow(ctx, `SELECT `+itemColumns+` FROM relief_items WHERE (id = ? OR code = ?) AND mode = ?`, id, id, mode.From(ctx).String()))
	return it, s.wrap(err, "sqlstore: item %s", id)
}

func (s relief) Items(ctx context.Context) ([]store.Item, error) {
	return collect(ctx, s.q, "list items", scanItem, `SELECT `+itemColumns+` FROM relief_items WHERE mode = ? ORDER BY cluster, code`, mode.From(ctx).String())
}

func scanItem(sc scanner) (store.Item, error) {
	var (
		it               store.Item
		m, cluster, name string
	)
	if err := sc.Scan(&it.ID, &it.OriginNode, &m, &it.Code, &cluster, &it.Unit, &name, &it.CreatedAt); err != nil {
		return it, err
	}
	it.Cluster, it.CreatedAt, it.UpdatedAt = store.ItemCluster(cluster), it.CreatedAt.UTC(), it.CreatedAt.UTC()
	if err := json.Unmarshal([]byte(name), &it.Names); err != nil {
		return it, fmt.Errorf("item %s names: %w", it.Code, err)
	}
	var err error
	it.Mode, err = mode.Parse(m)
	return it, err
}

// Move applies a delta with one statement that refuses to go below zero: on PostgreSQL the
// UPDATE takes the balance row's lock and re-reads it, so two concurrent dispatches of the last
// stock cannot both succeed; SQLite has one writer.
func (s relief) Move(ctx context.Context, l *store.LedgerLine) error {
	if l.WarehouseID == "" || l.ItemID == "" || l.Actor == "" || l.Delta == 0 {
		return fmt.Errorf("%w: stock movement needs a warehouse, an item, an actor and a non-zero quantity", store.ErrInvalidRecord)
	}
	if l.Delta > 0 {
		_, err := s.exec(ctx, `INSERT INTO relief_stock (warehouse_id, item_id, quantity) VALUES (?, ?, ?)
			ON CONFLICT (warehouse_id, item_id) DO UPDATE SET quantity = relief_stock.quantity + excluded.quantity`,
			l.WarehouseID, l.ItemID, l.Delta)
		if err != nil {
			return s.wrap(err, "sqlstore: add stock")
		}
	} else {
		res, err := s.exec(ctx, `UPDATE relief_stock SET quantity = quantity + ? WHERE warehouse_id = ? AND item_id = ? AND quantity >= ?`,
			l.Delta, l.WarehouseID, l.ItemID, -l.Delta)
		if err := mustAffect(res, err); errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("sqlstore: take %d of item %s from warehouse %s: %w", -l.Delta, l.ItemID, l.WarehouseID, store.ErrInsufficientStock)
		} else if err != nil {
			return s.wrap(err, "sqlstore: take stock")
		}
	}
	if err := s.queryRow(ctx, `SELECT quantity FROM relief_stock WHERE warehouse_id = ? AND item_id = ?`, l.WarehouseID, l.ItemID).Scan(&l.Balance); err != nil {
		return s.wrap(err, "sqlstore: read balance")
	}
	if l.ID == "" {
		l.ID = ident.NewID()
	}
	l.At = ts(s.db.clock.Now())
	_, err := s.exec(ctx, `INSERT INTO relief_ledger (id, mode, warehouse_id, item_id, kind, delta, balance, ref_id, actor, note, at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		l.ID, mode.From(ctx).String(), l.WarehouseID, l.ItemID, string(l.Kind), l.Delta, l.Balance, l.RefID, l.Actor, l.Note, l.At)
	return s.wrap(err, "sqlstore: append ledger line")
}

func (s relief) Stock(ctx context.Context, warehouseIDs []string) ([]store.StockLevel, error) {
	query := `SELECT s.warehouse_id, s.item_id, s.quantity FROM relief_stock s JOIN ops_records w ON w.id = s.warehouse_id WHERE w.mode = ?`
	args := []any{mode.From(ctx).String()}
	if warehouseIDs != nil {
		if len(warehouseIDs) == 0 {
			return nil, nil
		}
		query += ` AND s.warehouse_id IN (` + placeholders(len(warehouseIDs)) + `)`
		for _, id := range warehouseIDs {
			args = append(args, id)
		}
	}
	return collect(ctx, s.q, "list stock", func(sc scanner) (store.StockLevel, error) {
		var l store.StockLevel
		return l, sc.Scan(&l.WarehouseID, &l.ItemID, &l.Quantity)
	}, query+` ORDER BY s.warehouse_id, s.item_id`, args...)
}

const ledgerColumns = `id, warehouse_id, item_id, kind, delta, balance, ref_id, actor, note, at`

func (s relief) Ledger(ctx context.Context, warehouseID string, limit int) ([]store.LedgerLine, error) {
	if limit <= 0 {
		limit = 1000
	}
	return collect(ctx, s.q, "list ledger", scanLedgerLine, `SELECT `+ledgerColumns+` FROM relief_ledger WHERE warehouse_id = ? AND mode = ? ORDER BY id LIMIT ?`,
		warehouseID, mode.From(ctx).String(), limit)
}

func (s relief) LedgerByRef(ctx context.Context, refID string) ([]store.LedgerLine, error) {
	return collect(ctx, s.q, "list ledger by reference", scanLedgerLine, `SELECT `+ledgerColumns+` FROM relief_ledger WHERE ref_id = ? AND mode = ? ORDER BY id`,
		refID, mode.From(ctx).String())
}

func scanLedgerLine(sc scanner) (store.LedgerLine, error) {
	var (
		l    store.LedgerLine
		kind string
	)
	err := sc.Scan(&l.ID, &l.WarehouseID, &l.ItemID, &kind, &l.Delta, &l.Balance, &l.RefID, &l.Actor, &l.Note, &l.At)
	l.Kind, l.At = store.MoveKind(kind), l.At.UTC()
	return l, err
}
