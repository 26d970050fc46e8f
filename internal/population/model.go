package population

import (
	"context"
	"fmt"
	"math"
	"sync"
	"sync/atomic"

	"github.com/taawun/taawun/internal/gazetteer"
	"github.com/taawun/taawun/internal/geotarget"
	"github.com/taawun/taawun/internal/store"
)

// Layer names.
const (
	LayerGrid   = "grid"
	LayerPlaces = "places"
)

// Cell is one population grid cell: its centre and the people in it.
type Cell struct {
	Lat, Lon   float64
	Population float64
}

// Point is one counted location: a grid cell, or a place (Place set).
type Point struct {
	Lat, Lon   float64
	Population float64
	// Unit is the point on the unit sphere (x, y, z), so that distances need no trigonometry:
	// the chord between two points is |a − b| (see Chord).
	Unit     [3]float64
	Province *gazetteer.Entry // nil when outside every province
	District *gazetteer.Entry // nil when no district contains it
	Place    *gazetteer.Entry // the place, for the places set
}

// pointSet is a set of points with a spatial index over them.
type pointSet struct {
	// pts are in the order of order, which is also the order in which ix answers a query: both
	// walks visit the points in the same order, so sums over them agree to the last bit.
	pts   []Point
	ix    *geotarget.Index
	order *geotarget.PointOrder
}

// newPointSet takes pts (and reorders them).
func newPointSet(pts []Point, gaz *gazetteer.Gazetteer) (*pointSet, error) {
	locs := make([]geotarget.Point, len(pts))
	for i, p := range pts {
		locs[i] = geotarget.Point{Lat: p.Lat, Lon: p.Lon}
	}
	order, perm, err := geotarget.NewPointOrder(locs)
	if err != nil {
		return nil, fmt.Errorf("population: %w", err)
	}
	permute(pts, perm)
	for i := range pts {
		pts[i].Unit = UnitVector(pts[i].Lat, pts[i].Lon)
	}
	b := geotarget.NewBuilder(len(pts))
	for i, p := range pts {
		if err := b.Add(geotarget.RecipientID(i), geotarget.Point{Lat: p.Lat, Lon: p.Lon}); err != nil {
			return nil, fmt.Errorf("population: point %d: %w", i, err)
		}
	}
	ix, err := b.Build()
	if err != nil {
		return nil, fmt.Errorf("population: index: %w", err)
	}
	s := &pointSet{pts: pts, ix: ix, order: order}
	// One geotarget query per area assigns every point its province and
	// district; far cheaper than a point-in-polygon test per point.
	for _, prov := range gaz.Provinces() {
		s.assign(gaz, prov, func(p *Point, e *gazetteer.Entry) { p.Province = e })
	}
	for _, d := range gaz.Districts() {
		s.assign(gaz, d, func(p *Point, e *gazetteer.Entry) { p.District = e })
	}
	return s, nil
}

func (s *pointSet) assign(gaz *gazetteer.Gazetteer, e *gazetteer.Entry, set func(*Point, *gazetteer.Entry)) {
	shape, ok := gaz.Shape(e.Code)
	if !ok {
		return
	}
	for _, id := range s.ix.Query(shape) {
		set(&s.pts[id], e)
	}
}

// permute puts pts[perm[i]] at i, in place (a grid can hold millions of points), following
// each cycle of perm and marking its positions done.
func permute(pts []Point, perm []int) {
	for i := range perm {
		if perm[i] == i {
			continue
		}
		held, j := pts[i], i
		for perm[j] != i {
			next := perm[j]
			pts[j], perm[j] = pts[next], j
			j = next
		}
		pts[j], perm[j] = held, j
	}
}

// each calls fn for every point inside a.
func (s *pointSet) each(a *geotarget.Area, fn func(*Point)) {
	for _, id := range s.ix.Query(a) {
		fn(&s.pts[id])
	}
}

// near calls fn for every point within km of (lat, lon) — its squared chord from there at most
// ChordSquaredOf(km) — with that squared chord, in the order of each.
func (s *pointSet) near(lat, lon, km float64, fn func(p *Point, chord2 float64)) error {
	centre, max2 := UnitVector(lat, lon), ChordSquaredOf(km)
	err := s.order.NearRuns(geotarget.Circle{Center: geotarget.Point{Lat: lat, Lon: lon}, RadiusKM: km}, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			p := &s.pts[i]
			if c2 := ChordSquared(centre, p.Unit); c2 <= max2 {
				fn(p, c2)
			}
		}
	})
	if err != nil {
		return fmt.Errorf("population: %w", err)
	}
	return nil
}

// Model is one snapshot of the population layers.
type Model struct {
	gaz    *gazetteer.Gazetteer
	places *pointSet
	grid   *pointSet // nil without an imported grid
	cells  int
}

// NewModel builds a model over the gazetteer's places and the grid cells
// (none: places only).
func NewModel(gaz *gazetteer.Gazetteer, cells []Cell) (*Model, error) {
	placePts := make([]Point, 0, len(gaz.Places()))
	for _, e := range gaz.Places() {
		p := Point{Lat: e.Lat, Lon: e.Lon, Population: float64(e.Population), Place: e}
		if prov, _, ok := gaz.Area(e.Province); ok && e.Province != "" {
			p.Province = prov // kept for the few places outside every outline
		}
		placePts = append(placePts, p)
	}
	places, err := newPointSet(placePts, gaz)
	if err != nil {
		return nil, err
	}
	m := &Model{gaz: gaz, places: places, cells: len(cells)}
	if len(cells) > 0 {
		pts := make([]Point, len(cells))
		for i, c := range cells {
			pts[i] = Point{Lat: c.Lat, Lon: c.Lon, Population: c.Population}
		}
		if m.grid, err = newPointSet(pts, gaz); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// Gazetteer returns the model's gazetteer (with its districts).
func (m *Model) Gazetteer() *gazetteer.Gazetteer { return m.gaz }

// Layer names the layer that Population and EachCounted use: LayerGrid
// when a grid is imported, else LayerPlaces.
func (m *Model) Layer() string {
	if m.grid != nil {
		return LayerGrid
	}
	return LayerPlaces
}

// GridCells returns the number of imported grid cells.
func (m *Model) GridCells() int { return m.cells }

func (m *Model) counted() *pointSet {
	if m.grid != nil {
		return m.grid
	}
	return m.places
}

// Population sums the counted layer's people inside a, rounded to whole
// people, and names the layer used.
func (m *Model) Population(a *geotarget.Area) (int64, string) {
	var sum float64
	m.counted().each(a, func(p *Point) { sum += p.Population })
	return int64(sum + 0.5), m.Layer()
}

// EachCounted calls fn for each point of the counted layer inside a.
func (m *Model) EachCounted(a *geotarget.Area, fn func(*Point)) {
	m.counted().each(a, fn)
}

// EachPlace calls fn for each GeoNames place inside a (whatever layer is
// counted: places name what is affected).
func (m *Model) EachPlace(a *geotarget.Area, fn func(*Point)) {
	m.places.each(a, fn)
}

// EachCountedNear calls fn for each point of the counted layer within km of (lat, lon), with its
// squared chord from there, in the order EachCounted would: a disc is the one area that needs
// no general area walk, and the chord is what callers rank by.
func (m *Model) EachCountedNear(lat, lon, km float64, fn func(p *Point, chord2 float64)) error {
	return m.counted().near(lat, lon, km, fn)
}

// EachPlaceNear is EachCountedNear for the GeoNames places.
func (m *Model) EachPlaceNear(lat, lon, km float64, fn func(p *Point, chord2 float64)) error {
	return m.places.near(lat, lon, km, fn)
}

// Layers holds the current Model. The zero value holds none.
type Layers struct {
	cur atomic.Pointer[Model]
	mu  sync.Mutex // serialises Reload
}

// NewLayers returns Layers holding m.
func NewLayers(m *Model) *Layers {
	l := &Layers{}
	l.Set(m)
	return l
}

// Current returns the model in force (nil before the first Set).
func (l *Layers) Current() *Model { return l.cur.Load() }

// Set replaces the model in force.
func (l *Layers) Set(m *Model) { l.cur.Store(m) }

// Embedded returns a places-only model over the embedded gazetteer.
func Embedded() (*Model, error) {
	gaz, err := gazetteer.Embedded()
	if err != nil {
		return nil, err
	}
	return NewModel(gaz, nil)
}

// Reload builds a model from the layers stored for the context's mode and
// puts it in force. Estimates running meanwhile finish on the old model.
func (l *Layers) Reload(ctx context.Context, g store.Geography) (*Model, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.load(ctx, g)
}

func (l *Layers) load(ctx context.Context, g store.Geography) (*Model, error) {
	m, err := Load(ctx, g)
	if err != nil {
		return nil, err
	}
	l.Set(m)
	return m, nil
}

// Ensure returns the model in force, loading it first if there is none.
func (l *Layers) Ensure(ctx context.Context, g store.Geography) (*Model, error) {
	if m := l.Current(); m != nil {
		return m, nil
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if m := l.Current(); m != nil {
		return m, nil
	}
	return l.load(ctx, g)
}

// UnitVector returns the point (lat, lon) in degrees on the unit sphere.
func UnitVector(lat, lon float64) [3]float64 {
	φ, λ := lat*math.Pi/180, lon*math.Pi/180
	return [3]float64{math.Cos(φ) * math.Cos(λ), math.Cos(φ) * math.Sin(λ), math.Sin(φ)}
}

// ChordSquared is the squared straight-line distance between two unit vectors; it grows with
// the great-circle distance, so comparing it with ChordSquaredOf(km) sorts points by distance.
func ChordSquared(a, b [3]float64) float64 {
	dx, dy, dz := a[0]-b[0], a[1]-b[1], a[2]-b[2]
	return dx*dx + dy*dy + dz*dz
}

// ChordSquaredOf is the squared chord of a great-circle distance in km on the sphere of
// geotarget.EarthRadiusKM.
func ChordSquaredOf(km float64) float64 {
	c := 2 * math.Sin(min(km/geotarget.EarthRadiusKM, math.Pi)/2)
	return c * c
}

// DistanceOfChordSquared is the great-circle distance in km of a squared chord.
func DistanceOfChordSquared(c2 float64) float64 {
	return 2 * geotarget.EarthRadiusKM * math.Asin(min(1, math.Sqrt(c2)/2))
}
