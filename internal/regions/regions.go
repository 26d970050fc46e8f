// Package regions resolves the region codes warnings are drawn with: the embedded countries and
// provinces, and the districts a node's operators imported (store.Geography). Every server of a
// node reads the districts from the shared database, so all of them resolve the same codes.
package regions

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/taawun/taawun/internal/clock"
	"github.com/taawun/taawun/internal/geodata"
	"github.com/taawun/taawun/internal/mode"
	"github.com/taawun/taawun/internal/store"
)

// refresh is how old the districts read from the store may be: an import on another server is
// seen within it.
const refresh = 30 * time.Second

// Lookup is a geodata.Lookup over the embedded regions and the imported districts of the live
// mode.
type Lookup struct {
	Store store.Store
	Clock clock.Clock

	mu       sync.Mutex
	byCode   map[string]geodata.Region
	loadedAt time.Time
}

// Region returns the region with the code: a built-in country or province, else an imported
// district.
func (l *Lookup) Region(ctx context.Context, code string) (geodata.Region, bool, error) {
	if r, ok, err := geodata.RegionByCode(code); ok || err != nil {
		return r, ok, err
	}
	districts, err := l.districts(ctx)
	if err != nil {
		return geodata.Region{}, false, err
	}
	r, ok := districts[code]
	return r, ok, nil
}

// Districts returns the imported districts of country (all when country is ""), by code.
func (l *Lookup) Districts(ctx context.Context, country string) ([]geodata.Region, error) {
	districts, err := l.districts(ctx)
	if err != nil {
		return nil, err
	}
	var out []geodata.Region
	for _, r := range districts {
		if country == "" || r.Country == country {
			out = append(out, r)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Code < out[j].Code })
	return out, nil
}

// Forget drops the districts read so far, so that the next lookup reads them again (after an
// import on this server).
func (l *Lookup) Forget() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.byCode = nil
}

// districts returns the imported districts, reading them again when older than refresh.
func (l *Lookup) districts(ctx context.Context) (map[string]geodata.Region, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.Clock.Now()
	if l.byCode != nil && now.Sub(l.loadedAt) < refresh {
		return l.byCode, nil
	}
	ds, err := l.Store.Geography().Districts(mode.With(ctx, mode.Live))
	if err != nil {
		return nil, fmt.Errorf("regions: read districts: %w", err)
	}
	byCode := make(map[string]geodata.Region, len(ds))
	for _, d := range ds {
		r, err := region(d)
		if err != nil {
			return nil, err
		}
		byCode[d.Code] = r
	}
	l.byCode, l.loadedAt = byCode, now
	return byCode, nil
}

// region turns an imported district into a region. Its province is the one the import named,
// else the built-in province holding the district (provinceHolding); its country is its
// province's.
func region(d store.District) (geodata.Region, error) {
	mp, err := geodata.ReadMultiPolygon(d.Geometry)
	if err != nil {
		return geodata.Region{}, fmt.Errorf("regions: district %s: %w", d.Code, err)
	}
	names := map[string]string{"en": d.Name}
	for lang, n := range d.Names {
		names[lang] = n
	}
	r := geodata.Region{Code: d.Code, Scheme: geodata.SchemeDistrict, Names: names, Geometry: mp}
	p, ok, err := geodata.RegionByCode(d.Province)
	if err == nil && (!ok || p.Scheme != geodata.SchemeProvince) {
		p, ok, err = provinceHolding(mp)
	}
	if err != nil {
		return geodata.Region{}, fmt.Errorf("regions: district %s: %w", d.Code, err)
	}
	if ok {
		r.Province, r.Country = p.Code, p.Country
	}
	return r, nil
}
