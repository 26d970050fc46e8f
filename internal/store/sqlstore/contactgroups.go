package sqlstore

import (
	"context"
	"fmt"

	"github.com/taawun/taawun/internal/mode"
	"github.com/taawun/taawun/internal/store"
)

func (q q) ContactGroups() store.ContactGroups    { return contactGroups{q} }
func (db *DB) ContactGroups() store.ContactGroups { return db.direct().ContactGroups() }

type contactGroups struct{ q }

const contactGroupColumns = `id, origin_node, mode, org_id, name, tier, created_at, updated_at`

func (s contactGroups) Create(ctx context.Context, g *store.ContactGroup) error {
	if g.OrgID == "" || g.Name == "" || !g.Tier.Valid() {
		return fmt.Errorf("sqlstore: contact group %q: organisation, name and a valid tier are required: %w", g.Name, store.ErrInvalidRecord)
	}
	s.stamp(ctx, &g.Meta)
	_, err := s.exec(ctx, `INSERT INTO contact_groups (`+contactGroupColumns+`) VALUES (`+placeholders(8)+`)`,
		g.ID, g.OriginNode, g.Mode.String(), g.OrgID, g.Name, string(g.Tier), g.CreatedAt, g.UpdatedAt)
	return s.wrap(err, "sqlstore: create contact group %q", g.Name)
}

func (s contactGroups) List(ctx context.Context) ([]store.ContactGroup, error) {
	return collect(ctx, s.q, "list contact groups", func(sc scanner) (store.ContactGroup, error) {
		var (
			g       store.ContactGroup
			m, tier string
		)
		err := sc.Scan(&g.ID, &g.OriginNode, &m, &g.OrgID, &g.Name, &tier, &g.CreatedAt, &g.UpdatedAt)
		g.Mode, _ = mode.Parse(m)
		g.Tier = store.Tier(tier)
		g.CreatedAt, g.UpdatedAt = g.CreatedAt.UTC(), g.UpdatedAt.UTC()
		return g, err
	}, `SELECT `+contactGroupColumns+` FROM contact_groups WHERE mode = ? ORDER BY name`, mode.From(ctx).String())
}
