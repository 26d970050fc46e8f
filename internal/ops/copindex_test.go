package ops_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/taawun/taawun/internal/auth"
	"github.com/taawun/taawun/internal/bus"
	"github.com/taawun/taawun/internal/mode"
	"github.com/taawun/taawun/internal/ops"
	"github.com/taawun/taawun/internal/store"
	"github.com/taawun/taawun/internal/store/sqlstore/sqltest"
)

// picture returns a service over the fixture's store that answers the picture from a loaded
// index, beside f.svc, which answers it from the store.
func (f *fixture) picture() (*ops.Service, *ops.COPIndex) {
	f.t.Helper()
	ix := &ops.COPIndex{Store: f.db}
	if err := ix.Load(f.ctx); err != nil {
		f.t.Fatal(err)
	}
	svc := ops.New(f.db, f.clk)
	svc.Picture = ix
	return svc, ix
}

// canonical encodes a picture with each layer's features in id order (neither path promises
// an order), so that two pictures compare as the bytes a client would get.
func canonical(t *testing.T, cop map[string]ops.Layer) string {
	t.Helper()
	for name, l := range cop {
		l.Features = slices.Clone(l.Features)
		slices.SortFunc(l.Features, func(a, b ops.Feature) int { return strings.Compare(a.ID, b.ID) })
		cop[name] = l
	}
	b, err := json.Marshal(cop)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func polygon(w, s, e, n float64) json.RawMessage {
	return raw(`{"type":"Polygon","coordinates":[[[%g,%g],[%g,%g],[%g,%g],[%g,%g],[%g,%g]]]}`, w, s, e, s, e, n, w, n, w, s)
}

// opsWorld fills the fixture with records of every layer, of several organisations, shared and
// not, in several statuses, as points, as polygons over a few cells and over a province, on
// cell edges, and without geometry.
func opsWorld(f *fixture) (incidentID string) {
	f.t.Helper()
	karachi := f.orgs["DDMA Karachi"].ID
	tent := f.item("tent", "tent")
	inc := f.incident("PDMA Punjab", karachi)
	wide := must(f.svc.Create(f.ctx, f.ops("PDMA Sindh"), store.OpsIncident, ops.Input{Title: "Sindh-wide flood",
		Geometry: polygon(66.5, 23.8, 71.1, 28.5), Data: raw(`{"hazard":"riverine_flood"}`)}))
	must(f.svc.SetStatus(f.ctx, f.ops("PDMA Sindh"), store.OpsIncident, wide.ID, "contained"))
	must(f.svc.Create(f.ctx, f.ops("DDMA Lahore"), store.OpsIncident, ops.Input{Title: "Ravi flood", Geometry: polygon(74.1, 31.4, 74.6, 31.8),
		Data: raw(`{"hazard":"urban_flood"}`)}))
	wh := f.warehouse("PDMA Punjab", 74.25, 31.5, tent, 50) // on a cell edge
	must(f.svc.Create(f.ctx, f.ops("NDMA"), store.OpsWarehouse, ops.Input{Title: "NDMA depot", Geometry: pointAt(73, 33.6)}))
	for i, org := range []string{"PDMA Punjab", "PDMA Sindh", "DDMA Lahore", "DDMA Karachi", "NDMA"} {
		lon, lat := 67.0+float64(i)*1.7, 25.0+float64(i)*1.9
		sh := must(f.svc.Create(f.ctx, f.ops(org), store.OpsShelter, ops.Input{Title: org + " camp", Geometry: pointAt(lon, lat),
			Data: raw(`{"type":"camp","capacity":%d,"occupancy":{"female_0_4":%d}}`, 100*(i+1), 7*i)}))
		if i%2 == 0 {
			must(f.svc.SetStatus(f.ctx, f.ops(org), store.OpsShelter, sh.ID, "full"))
		}
		team := ops.Input{Title: org + " team", Geometry: pointAt(lon+0.3, lat+0.3), Data: raw(`{"type":"rescue1122_water","size":%d}`, 4+i)}
		if org != "PDMA Sindh" && org != "DDMA Lahore" { // those do not see the incident
			team.IncidentID = inc.ID
		}
		must(f.svc.Create(f.ctx, f.ops(org), store.OpsTeam, team))
	}
	punjab := f.ops("PDMA Punjab")
	req := must(f.svc.Create(f.ctx, punjab, store.OpsRequest, ops.Input{Title: "Tents for Jampur", IncidentID: inc.ID, Geometry: pointAt(70.6, 29.6),
		Data: raw(`{"item_id":%q,"quantity":20,"urgency":"high"}`, tent.ID)}))
	if err := f.svc.Share(f.ctx, punjab, req.ID, karachi); err != nil {
		f.t.Fatal(err)
	}
	must(f.svc.Create(f.ctx, punjab, store.OpsOffer, ops.Input{Title: "Tents from a donor", Data: raw(`{"item_id":%q,"quantity":20,"donor":"Alkhidmat"}`, tent.ID)}))
	must(f.svc.Create(f.ctx, punjab, store.OpsOffer, ops.Input{Title: "Boats from a donor", Geometry: pointAt(68.4, 27.1),
		Data: raw(`{"item_id":%q,"quantity":2,"donor":"Edhi"}`, tent.ID)}))
	must(f.svc.Distribute(f.ctx, punjab, inc.ID, pointAt(70.6, 29.6),
		ops.DistributionData{WarehouseID: wh.ID, Site: "Jampur", Lines: []ops.DistributionLine{{ItemID: tent.ID, Quantity: 5}}, People: 30}))
	return inc.ID
}

// TestCOPIndexAnswersAsTheStore: for every organisation of the visibility fixture and every
// filter (box, layers, incident, status), the index gives the same picture as the store's query,
// and Layer.AppendJSON writes either as encoding/json does. On both databases, whose box
// queries differ.
func TestCOPIndexAnswersAsTheStore(t *testing.T) {
	for _, b := range sqltest.Backends() {
		t.Run(b.Name, func(t *testing.T) { copIndexAnswersAsTheStore(t, newFixtureOn(t, b.URL(t))) })
	}
}

func copIndexAnswersAsTheStore(t *testing.T, f *fixture) {
	incID := opsWorld(f)
	fast, _ := f.picture()
	box := func(w, s, e, n float64) *store.BBox { return &store.BBox{MinLon: w, MinLat: s, MaxLon: e, MaxLat: n} }
	filters := map[string]ops.COPFilter{
		"everything":                 {},
		"Pakistan":                   {Box: box(60, 23, 78, 37)},
		"the world":                  {Box: box(-180, -90, 180, 90)},
		"Lahore district":            {Box: box(74.0, 31.3, 74.5, 31.7)},
		"inside the Sindh polygon":   {Box: box(68, 25, 68.2, 25.2)},
		"touching the warehouse":     {Box: box(74.0, 31.0, 74.25, 31.5)},
		"just off the warehouse":     {Box: box(74.0, 31.0, 74.2499, 31.5)},
		"empty sea":                  {Box: box(62, 20, 63, 21)},
		"one layer":                  {Layers: []store.OpsKind{store.OpsShelter}},
		"two layers in a box":        {Layers: []store.OpsKind{store.OpsIncident, store.OpsTeam}, Box: box(66, 23, 72, 30)},
		"offers (one without a map)": {Layers: []store.OpsKind{store.OpsOffer}},
		"one incident":               {IncidentID: incID},
		"one incident in a box":      {IncidentID: incID, Box: box(66, 24, 71, 29)},
		"full shelters":              {Statuses: []string{"full"}},
		"contained or full in a box": {Statuses: []string{"contained", "full"}, Box: box(60, 23, 70, 30)},
		"no such incident":           {IncidentID: "0190c0de-0000-7000-8000-000000000000"},
	}
	for name, flt := range filters {
		for org := range f.orgs {
			p := f.as(org, auth.RoleViewer)
			fromStore, fromIndex := must(f.svc.COP(f.ctx, p, flt)), must(fast.COP(f.ctx, p, flt))
			for _, cop := range []map[string]ops.Layer{fromStore, fromIndex} {
				for layer, l := range cop {
					if enc, plain := string(must(l.AppendJSON(nil))), string(must(json.Marshal(l))); enc != plain {
						t.Errorf("%s, %s: layer %s AppendJSON\n%s\njson.Marshal\n%s", name, org, layer, enc, plain)
					}
				}
			}
			want, got := canonical(t, fromStore), canonical(t, fromIndex)
			if got != want {
				t.Errorf("%s, %s:\nindex %s\nstore %s", name, org, got, want)
			}
		}
	}
}

// TestCOPIndexTruncatesAsTheStore: a layer over the cap is cut at the cap and marked so, from the
// index as from the store, whatever other layers hold.
func TestCOPIndexTruncatesAsTheStore(t *testing.T) {
	f := newFixture(t)
	org := f.orgs["PDMA Sindh"]
	err := f.db.WithTx(f.ctx, func(tx store.Tx) error {
		for i := range ops.MaxFeaturesPerLayer + 1 {
			lon, lat := 67+float64(i%50)*0.02, 25+float64(i/50)*0.02
			r := store.OpsRecord{Kind: store.OpsShelter, OrgID: org.ID, Status: "open", Title: fmt.Sprintf("camp %d", i),
				Geometry: pointAt(lon, lat), Box: &store.BBox{MinLon: lon, MinLat: lat, MaxLon: lon, MaxLat: lat}, Data: raw(`{"type":"camp","capacity":10}`)}
			if err := tx.OpsRecords().Create(f.ctx, &r); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	f.incident("PDMA Sindh")
	fast, _ := f.picture()
	p := f.as("NDMA", auth.RoleViewer)
	for _, flt := range []ops.COPFilter{{}, {Box: &store.BBox{MinLon: 60, MinLat: 23, MaxLon: 78, MaxLat: 37}}} {
		want := must(f.svc.COP(f.ctx, p, flt))
		got := must(fast.COP(f.ctx, p, flt))
		for _, layer := range []string{"shelter", "incident"} {
			w, g := want[layer], got[layer]
			if g.Truncated != w.Truncated || len(g.Features) != len(w.Features) {
				t.Errorf("%s: index %d features, truncated %v; store %d, %v", layer, len(g.Features), g.Truncated, len(w.Features), w.Truncated)
			}
		}
		if !got["shelter"].Truncated || len(got["shelter"].Features) != ops.MaxFeaturesPerLayer || len(got["incident"].Features) != 1 {
			t.Errorf("index: %d shelters (truncated %v), %d incidents", len(got["shelter"].Features), got["shelter"].Truncated, len(got["incident"].Features))
		}
	}
}

// TestCOPIndexFollowsTheBus: records created, moved, shared and closed after the index was built
// reach it through their events; a change it never heard of is healed by the next rebuild; an
// exercise is answered from the store.
func TestCOPIndexFollowsTheBus(t *testing.T) {
	f := newFixture(t)
	ctx, cancel := context.WithCancel(f.ctx)
	defer cancel()
	b, err := bus.Open(ctx, bus.Options{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	db := f.db.(interface{ Committed() <-chan struct{} })
	go (&bus.Relay{Store: f.db, JS: b.JS, Wake: db.Committed()}).Run(ctx)
	fast, ix := f.picture()
	go ix.Follow(ctx, b.Conn, "pk-test")
	time.Sleep(200 * time.Millisecond) // let Follow subscribe

	karachi := f.as("DDMA Karachi", auth.RoleViewer)
	same := func(what string) {
		t.Helper()
		deadline := time.Now().Add(5 * time.Second)
		for _, p := range []*auth.Principal{f.as("NDMA", auth.RoleViewer), karachi, f.as("DDMA Lahore", auth.RoleViewer)} {
			for {
				want := canonical(t, must(f.svc.COP(f.ctx, p, ops.COPFilter{})))
				got := canonical(t, must(fast.COP(f.ctx, p, ops.COPFilter{})))
				if got == want {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("%s: %s sees\nindex %s\nstore %s", what, p.Org.Name, got, want)
				}
				time.Sleep(20 * time.Millisecond)
			}
		}
	}
	punjab := f.ops("PDMA Punjab")
	inc := f.incident("PDMA Punjab")
	same("created")
	must(f.svc.Update(f.ctx, punjab, store.OpsIncident, inc.ID, ops.Input{Title: "Indus flood, moved", Geometry: polygon(70, 28, 72, 30),
		Data: raw(`{"hazard":"riverine_flood"}`)}))
	same("moved")
	if err := f.svc.Share(f.ctx, punjab, inc.ID, f.orgs["DDMA Karachi"].ID); err != nil {
		t.Fatal(err)
	}
	same("shared")
	if n := len(must(fast.COP(f.ctx, karachi, ops.COPFilter{}))["incident"].Features); n != 1 {
		t.Fatalf("Karachi sees %d incidents after the share", n)
	}
	must(f.svc.SetStatus(f.ctx, punjab, store.OpsIncident, inc.ID, "closed"))
	same("closed")

	// Behind the index's back: no event.
	err = f.db.WithTx(f.ctx, func(tx store.Tx) error {
		r := store.OpsRecord{Kind: store.OpsShelter, OrgID: f.orgs["NDMA"].ID, Status: "open", Title: "quiet camp",
			Geometry: pointAt(70, 30), Box: &store.BBox{MinLon: 70, MinLat: 30, MaxLon: 70, MaxLat: 30}, Data: raw(`{"type":"camp","capacity":10}`)}
		return tx.OpsRecords().Create(f.ctx, &r)
	})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(must(fast.COP(f.ctx, f.as("NDMA", auth.RoleViewer), ops.COPFilter{}))["shelter"].Features); n != 0 {
		t.Fatalf("index saw a change without an event (%d shelters)", n)
	}
	if err := ix.Load(f.ctx); err != nil {
		t.Fatal(err)
	}
	same("rebuilt")

	ex, _ := mode.Exercise("indus26")
	exCtx := mode.With(f.ctx, ex)
	must(f.svc.Create(exCtx, punjab, store.OpsIncident, ops.Input{Title: "Exercise flood", Geometry: pointAt(70, 30), Data: raw(`{"hazard":"riverine_flood"}`)}))
	if n := len(must(fast.COP(exCtx, punjab, ops.COPFilter{}))["incident"].Features); n != 1 {
		t.Fatalf("exercise picture has %d incidents, want its own one", n)
	}
}
