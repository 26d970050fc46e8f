package hazard

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/taawun/taawun/internal/alert"
	"github.com/taawun/taawun/internal/auth"
	"github.com/taawun/taawun/internal/feed"
	"github.com/taawun/taawun/internal/geodata"
	"github.com/taawun/taawun/internal/store"
)

// Errors the configuration calls return.
var (
	ErrForbidden = errors.New("hazard: not permitted")
	ErrInvalid   = errors.New("hazard: invalid")
)

// Admin configures sources and trigger rules, each change with its audit entry and event.
type Admin struct {
	Store store.Store
}

// MinInterval is the shortest polling interval a source may have: feeds update at most every
// minute, and their operators ask clients not to poll faster.
const MinInterval = 30 * time.Second

func checkSource(s *store.HazardSource) error {
	u, err := url.Parse(s.URL)
	switch {
	case strings.TrimSpace(s.Name) == "":
		return fmt.Errorf("%w: the source needs a name", ErrInvalid)
	case !s.Kind.Valid():
		return fmt.Errorf("%w: kind %q is not usgs, gdacs or cap", ErrInvalid, s.Kind)
	case err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "":
		return fmt.Errorf("%w: %q is not an http or https URL", ErrInvalid, s.URL)
	case s.Interval < MinInterval:
		return fmt.Errorf("%w: interval %s is shorter than %s", ErrInvalid, s.Interval, MinInterval)
	}
	return nil
}

// sourceView is what audit entries carry of a source.
type sourceView struct {
	Name     string           `json:"name"`
	Kind     store.SourceKind `json:"kind"`
	URL      string           `json:"url"`
	Interval string           `json:"interval"`
	Enabled  bool             `json:"enabled"`
}

func viewSource(s store.HazardSource) sourceView {
	return sourceView{s.Name, s.Kind, s.URL, s.Interval.String(), s.Enabled}
}

// AddSource adds a source; it is due at once.
func (a *Admin) AddSource(ctx context.Context, p *auth.Principal, s *store.HazardSource) error {
	if !p.Can(auth.PermManageSources) {
		return ErrForbidden
	}
	if err := checkSource(s); err != nil {
		return err
	}
	return a.Store.WithTx(ctx, func(tx store.Tx) error {
		if err := tx.HazardSources().Create(ctx, s); err != nil {
			return err
		}
		return tx.Record(ctx, store.Change{Actor: p.User.ID, Action: "hazard.source.created", EntityType: "hazard_source", EntityID: s.ID, After: viewSource(*s)})
	})
}

// UpdateSource changes a source's configuration.
func (a *Admin) UpdateSource(ctx context.Context, p *auth.Principal, s *store.HazardSource) error {
	if !p.Can(auth.PermManageSources) {
		return ErrForbidden
	}
	if err := checkSource(s); err != nil {
		return err
	}
	return a.Store.WithTx(ctx, func(tx store.Tx) error {
		before, err := tx.HazardSources().Get(ctx, s.ID)
		if err != nil {
			return err
		}
		if err := tx.HazardSources().Update(ctx, s); err != nil {
			return err
		}
		return tx.Record(ctx, store.Change{Actor: p.User.ID, Action: "hazard.source.updated", EntityType: "hazard_source", EntityID: s.ID,
			Before: viewSource(before), After: viewSource(*s)})
	})
}

// DeleteSource removes a source; its events stay.
func (a *Admin) DeleteSource(ctx context.Context, p *auth.Principal, id string) error {
	if !p.Can(auth.PermManageSources) {
		return ErrForbidden
	}
	return a.Store.WithTx(ctx, func(tx store.Tx) error {
		before, err := tx.HazardSources().Get(ctx, id)
		if err != nil {
			return err
		}
		if err := tx.HazardSources().Delete(ctx, id); err != nil {
			return err
		}
		return tx.Record(ctx, store.Change{Actor: p.User.ID, Action: "hazard.source.deleted", EntityType: "hazard_source", EntityID: id, Before: viewSource(before)})
	})
}

// CheckRule returns what is wrong with a rule's values.
func CheckRule(r *store.TriggerRule) error {
	var probs []string
	if strings.TrimSpace(r.Name) == "" {
		probs = append(probs, "the rule needs a name")
	}
	for _, t := range r.HazardTypes {
		if !slices.Contains(feed.Types(), t) {
			probs = append(probs, fmt.Sprintf("hazard type %q is not one of %s", t, strings.Join(feed.Types(), ", ")))
		}
	}
	if r.MinMagnitude < 0 || r.MinMagnitude > feed.MaxMagnitude {
		probs = append(probs, fmt.Sprintf("minimum magnitude %v outside [0, %g]", r.MinMagnitude, feed.MaxMagnitude))
	}
	if r.MinSeverity != "" && feed.SeverityRank(r.MinSeverity) == 0 {
		probs = append(probs, fmt.Sprintf("severity %q is not Minor, Moderate, Severe or Extreme", r.MinSeverity))
	}
	if r.MinPopulation < 0 {
		probs = append(probs, "minimum population is negative")
	}
	for _, code := range r.Regions {
		if _, ok, _ := geodata.RegionByCode(code); !ok {
			probs = append(probs, fmt.Sprintf("region %q is not an ISO 3166 code in the gazetteer", code))
		}
	}
	if len(r.Polygon) > 0 {
		if mp, err := geometry(r.Polygon); err != nil || len(mp) == 0 {
			probs = append(probs, "the polygon of concern is not a GeoJSON Polygon or MultiPolygon")
		}
	}
	for _, l := range r.Languages {
		if !slices.Contains(alert.OptionalLanguages, l) {
			probs = append(probs, fmt.Sprintf("language %q is not one of %s (English and Urdu are always written)", l, strings.Join(alert.OptionalLanguages, ", ")))
		}
	}
	if len(probs) > 0 {
		return fmt.Errorf("%w: %s", ErrInvalid, strings.Join(probs, "; "))
	}
	return nil
}

// AddRule adds a rule for an organisation the principal acts in.
func (a *Admin) AddRule(ctx context.Context, p *auth.Principal, r *store.TriggerRule) error {
	if !p.Can(auth.PermManageTriggers) {
		return ErrForbidden
	}
	if err := CheckRule(r); err != nil {
		return err
	}
	if !p.InScope(r.OrgID) {
		return fmt.Errorf("%w: organisation %q is not one you act in", ErrForbidden, r.OrgID)
	}
	r.CreatedBy = p.User.ID
	return a.Store.WithTx(ctx, func(tx store.Tx) error {
		if err := tx.TriggerRules().Create(ctx, r); err != nil {
			return err
		}
		return tx.Record(ctx, store.Change{Actor: p.User.ID, OrgID: r.OrgID, Action: "hazard.rule.created", EntityType: "trigger_rule", EntityID: r.ID, After: r})
	})
}

// UpdateRule replaces a rule's values.
func (a *Admin) UpdateRule(ctx context.Context, p *auth.Principal, r *store.TriggerRule) error {
	if err := CheckRule(r); err != nil {
		return err
	}
	return a.changeRule(ctx, p, r.ID, func(tx store.Tx, before store.TriggerRule) (string, any, error) {
		r.OrgID, r.CreatedBy = before.OrgID, before.CreatedBy
		return "hazard.rule.updated", r, tx.TriggerRules().Update(ctx, r)
	})
}

// DeleteRule removes a rule; the drafts it made stay.
func (a *Admin) DeleteRule(ctx context.Context, p *auth.Principal, id string) error {
	return a.changeRule(ctx, p, id, func(tx store.Tx, _ store.TriggerRule) (string, any, error) {
		return "hazard.rule.deleted", nil, tx.TriggerRules().Delete(ctx, id)
	})
}

func (a *Admin) changeRule(ctx context.Context, p *auth.Principal, id string, fn func(store.Tx, store.TriggerRule) (string, any, error)) error {
	if !p.Can(auth.PermManageTriggers) {
		return ErrForbidden
	}
	return a.Store.WithTx(ctx, func(tx store.Tx) error {
		before, err := tx.TriggerRules().Get(ctx, id)
		if err != nil {
			return err
		}
		if !p.InScope(before.OrgID) {
			return fmt.Errorf("rule %s: %w", id, store.ErrNotFound)
		}
		action, after, err := fn(tx, before)
		if err != nil {
			return err
		}
		return tx.Record(ctx, store.Change{Actor: p.User.ID, OrgID: before.OrgID, Action: action, EntityType: "trigger_rule", EntityID: id,
			Before: before, After: after})
	})
}
