package storetest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/taawun/taawun/internal/clock"
	"github.com/taawun/taawun/internal/mode"
	"github.com/taawun/taawun/internal/store"
)

// RunOps runs the conformance tests of the emergency-operations aggregates.
func RunOps(t *testing.T, open Opener) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s store.Store, clk *clock.Manual)
	}{
		{"RecordsRoundTripAndFilter", testOpsRecords},
		{"RecordsVisibility", testOpsVisibility},
		{"RecordsRejectInvalid", testOpsInvalid},
		{"LogVettingAndStream", testOpsLog},
		{"SitrepsAsOf", testSitreps},
		{"StockNeverNegative", testStock},
		{"ConcurrentDispatches", testConcurrentDispatch},
		{"ZeroMovementRejected", testZeroMovement},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clk := clock.NewManual(Start)
			tt.fn(t, open(t, clk), clk)
		})
	}
}

func mustRecord(t *testing.T, s store.Store, r store.OpsRecord) store.OpsRecord {
	t.Helper()
	ctx := context.Background()
	if err := s.WithTx(ctx, func(tx store.Tx) error { return tx.OpsRecords().Create(ctx, &r) }); err != nil {
		t.Fatalf("create %s %q: %v", r.Kind, r.Title, err)
	}
	return r
}

func point(lon, lat float64) (json.RawMessage, *store.BBox) {
	return json.RawMessage(fmt.Sprintf(`{"type":"Point","coordinates":[%g,%g]}`, lon, lat)), &store.BBox{MinLon: lon, MinLat: lat, MaxLon: lon, MaxLat: lat}
}

func testOpsRecords(t *testing.T, s store.Store, clk *clock.Manual) {
	ctx := context.Background()
	org := mustOrg(t, ctx, s, "NDMA", "")
	g, box := point(71.5, 30.2)
	inc := mustRecord(t, s, store.OpsRecord{Kind: store.OpsIncident, OrgID: org.ID, Status: "active", Title: "Indus flood", Geometry: g, Box: box,
		Data: json.RawMessage(`{"hazard":"riverine_flood"}`)})
	far, farBox := point(10, 10)
	mustRecord(t, s, store.OpsRecord{Kind: store.OpsShelter, OrgID: org.ID, IncidentID: inc.ID, Status: "open", Title: "Far camp", Geometry: far, Box: farBox})
	mustRecord(t, s, store.OpsRecord{Kind: store.OpsTask, OrgID: org.ID, IncidentID: inc.ID, Status: "open", Title: "No place"})

	got, err := s.OpsRecords().Get(ctx, inc.ID)
	if err != nil || got.Title != "Indus flood" || got.Box == nil || got.Box.MinLon != 71.5 || string(got.Data) != `{"hazard":"riverine_flood"}` ||
		!got.CreatedAt.Equal(Start) || got.OriginNode != Node {
		t.Fatalf("Get = %+v, %v", got, err)
	}
	clk.Advance(time.Minute)
	got.Status = "contained"
	if err := s.OpsRecords().Update(ctx, &got); err != nil {
		t.Fatal(err)
	}
	if again, _ := s.OpsRecords().Get(ctx, inc.ID); again.Status != "contained" || !again.UpdatedAt.Equal(Start.Add(time.Minute)) {
		t.Fatalf("update not stored: %+v", again)
	}
	inBox := &store.BBox{MinLon: 60, MinLat: 23, MaxLon: 78, MaxLat: 37}
	list, err := s.OpsRecords().List(ctx, store.OpsFilter{Box: inBox})
	if err != nil || len(list) != 1 || list[0].ID != inc.ID {
		t.Fatalf("List in Pakistan's box = %+v, %v; want only the incident (a record without a place is not on a map)", list, err)
	}
	if list, _ := s.OpsRecords().List(ctx, store.OpsFilter{IncidentID: inc.ID}); len(list) != 2 {
		t.Fatalf("List by incident = %d records, want 2", len(list))
	}
	if list, _ := s.OpsRecords().List(ctx, store.OpsFilter{Kinds: []store.OpsKind{store.OpsTask}, Statuses: []string{"open"}}); len(list) != 1 {
		t.Fatalf("List by kind and status = %d records", len(list))
	}
	page, _ := s.OpsRecords().List(ctx, store.OpsFilter{Limit: 2})
	rest, _ := s.OpsRecords().List(ctx, store.OpsFilter{AfterID: page[1].ID})
	if len(page) != 2 || len(rest) != 1 {
		t.Fatalf("paging: %d then %d", len(page), len(rest))
	}
	mustRecord(t, s, store.OpsRecord{Kind: store.OpsTask, OrgID: org.ID, Status: "open", Title: "Second task"})
	if list, err := s.OpsRecords().List(ctx, store.OpsFilter{PerKind: 1}); err != nil || len(list) != 3 {
		t.Fatalf("List one per kind = %d records, %v; want 3 (incident, shelter, one of two tasks)", len(list), err)
	}
	counts, err := s.OpsRecords().Count(ctx, store.OpsFilter{})
	if err != nil || counts[store.OpsIncident]["contained"] != 1 || counts[store.OpsShelter]["open"] != 1 || counts[store.OpsTask]["open"] != 2 {
		t.Fatalf("Count = %v, %v", counts, err)
	}
	ex, _ := mode.Exercise("drill")
	if _, err := s.OpsRecords().Get(mode.With(ctx, ex), inc.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("live incident visible in an exercise: %v", err)
	}
}

// testOpsVisibility: owner, ancestors and explicit shares see a record; siblings, children and
// the share target's parent do not.
func testOpsVisibility(t *testing.T, s store.Store, _ *clock.Manual) {
	ctx := context.Background()
	ndma := mustOrg(t, ctx, s, "NDMA", "")
	punjab := mustOrg(t, ctx, s, "PDMA Punjab", ndma.ID)
	sindh := mustOrg(t, ctx, s, "PDMA Sindh", ndma.ID)
	lahore := mustOrg(t, ctx, s, "DDMA Lahore", punjab.ID)
	karachi := mustOrg(t, ctx, s, "DDMA Karachi", sindh.ID)
	subtree := map[string][]string{
		ndma.ID: {ndma.ID, punjab.ID, sindh.ID, lahore.ID, karachi.ID}, punjab.ID: {punjab.ID, lahore.ID},
		sindh.ID: {sindh.ID, karachi.ID}, lahore.ID: {lahore.ID}, karachi.ID: {karachi.ID},
	}
	viewer := func(id string) store.Viewer { return store.Viewer{OrgID: id, Scope: subtree[id]} }
	rec := mustRecord(t, s, store.OpsRecord{Kind: store.OpsTask, OrgID: punjab.ID, Status: "open", Title: "Punjab task"})
	if err := s.OpsRecords().Share(ctx, rec.ID, karachi.ID); err != nil {
		t.Fatal(err)
	}
	if err := s.OpsRecords().Share(ctx, rec.ID, karachi.ID); err != nil {
		t.Fatalf("sharing twice: %v", err)
	}
	for _, tc := range []struct {
		name string
		org  string
		want bool
	}{
		{"owner", punjab.ID, true},
		{"ancestor", ndma.ID, true},
		{"shared with", karachi.ID, true},
		{"child of owner", lahore.ID, false},
		{"sibling of owner", sindh.ID, false},
	} {
		ok, err := s.OpsRecords().Visible(ctx, rec.ID, viewer(tc.org))
		if err != nil || ok != tc.want {
			t.Errorf("%s: Visible = %v, %v; want %v", tc.name, ok, err, tc.want)
		}
		v := viewer(tc.org)
		list, err := s.OpsRecords().List(ctx, store.OpsFilter{Viewer: &v})
		if err != nil || (len(list) == 1) != tc.want {
			t.Errorf("%s: List = %d records, %v; want visible=%v", tc.name, len(list), err, tc.want)
		}
	}
	if shares, _ := s.OpsRecords().Shares(ctx, rec.ID); len(shares) != 1 || shares[0] != karachi.ID {
		t.Fatalf("Shares = %v", shares)
	}
	unshared := mustRecord(t, s, store.OpsRecord{Kind: store.OpsTask, OrgID: punjab.ID, Status: "open", Title: "Unshared task"})
	if m, err := s.OpsRecords().SharesOf(ctx, []string{rec.ID, unshared.ID}); err != nil || len(m) != 1 || len(m[rec.ID]) != 1 || m[rec.ID][0] != karachi.ID {
		t.Fatalf("SharesOf = %v, %v", m, err)
	}
}

func testOpsInvalid(t *testing.T, s store.Store, _ *clock.Manual) {
	ctx := context.Background()
	org := mustOrg(t, ctx, s, "NDMA", "")
	for _, r := range []store.OpsRecord{
		{Kind: "volcano", OrgID: org.ID, Status: "active", Title: "x"},
		{Kind: store.OpsIncident, Status: "active", Title: "x"},
		{Kind: store.OpsIncident, OrgID: org.ID, Status: "active", Title: "x", Data: json.RawMessage(`{broken`)},
		{Kind: store.OpsIncident, OrgID: org.ID, Status: "active", Title: "x", Geometry: json.RawMessage(`{"type":"Point","coordinates":[1,2]}`)},
	} {
		err := s.WithTx(ctx, func(tx store.Tx) error { return tx.OpsRecords().Create(ctx, &r) })
		if !errors.Is(err, store.ErrInvalidRecord) {
			t.Errorf("Create(%+v) = %v, want ErrInvalidRecord", r, err)
		}
	}
}

func testOpsLog(t *testing.T, s store.Store, clk *clock.Manual) {
	ctx := context.Background()
	org := mustOrg(t, ctx, s, "NDMA", "")
	inc := mustRecord(t, s, store.OpsRecord{Kind: store.OpsIncident, OrgID: org.ID, Status: "active", Title: "Flood"})
	var ids []string
	for i := range 7 {
		e := store.LogEntry{IncidentID: inc.ID, OrgID: org.ID, AuthorID: "u1", Body: fmt.Sprintf("entry %d", i), OccurredAt: clk.Now()}
		if err := s.OpsLog().Create(ctx, &e); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, e.ID)
		clk.Advance(time.Second)
	}
	e, _ := s.OpsLog().Get(ctx, ids[0])
	e.State, e.VettedBy, e.VettedAt = store.LogVetted, "u2", clk.Now()
	if err := s.OpsLog().Decide(ctx, &e); err != nil {
		t.Fatal(err)
	}
	if err := s.OpsLog().Decide(ctx, &e); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("deciding twice = %v, want ErrConflict", err)
	}
	if got, _ := s.OpsLog().Get(ctx, ids[0]); got.State != store.LogVetted || got.VettedBy != "u2" || !got.VettedAt.Equal(clk.Now()) {
		t.Fatalf("decision not stored: %+v", got)
	}
	vetted, _ := s.OpsLog().List(ctx, store.LogFilter{IncidentID: inc.ID, States: []store.LogState{store.LogVetted}})
	if len(vetted) != 1 {
		t.Fatalf("vetted = %d", len(vetted))
	}
	var streamed []string
	if err := s.OpsLog().Stream(ctx, store.LogFilter{IncidentID: inc.ID}, func(e store.LogEntry) error {
		streamed = append(streamed, e.ID)
		return nil
	}); err != nil || fmt.Sprint(streamed) != fmt.Sprint(ids) {
		t.Fatalf("Stream = %v, %v; want %v in order", streamed, err, ids)
	}
	a := store.Attachment{EntryID: ids[1], Name: "photo.png", ContentType: "image/png", Content: []byte("\x89PNG\r\n\x1a\nrest")}
	if err := s.OpsLog().AddAttachment(ctx, &a); err != nil {
		t.Fatal(err)
	}
	list, _ := s.OpsLog().Attachments(ctx, ids[1])
	if len(list) != 1 || list[0].Size != int64(len(a.Content)) || list[0].Content != nil {
		t.Fatalf("Attachments = %+v", list)
	}
	got, err := s.OpsLog().Attachment(ctx, a.ID)
	if err != nil || string(got.Content) != string(a.Content) || got.ContentType != "image/png" {
		t.Fatalf("Attachment = %+v, %v", got, err)
	}
	if err := s.OpsLog().Create(ctx, &store.LogEntry{IncidentID: inc.ID, OrgID: org.ID, AuthorID: "u1", Body: " "}); !errors.Is(err, store.ErrInvalidRecord) {
		t.Fatalf("empty entry: %v", err)
	}
}

func testSitreps(t *testing.T, s store.Store, clk *clock.Manual) {
	ctx := context.Background()
	org := mustOrg(t, ctx, s, "NDMA", "")
	inc := mustRecord(t, s, store.OpsRecord{Kind: store.OpsIncident, OrgID: org.ID, Status: "active", Title: "Flood"})
	for i, area := range []string{"PK-SD", "PK-PB", "PK-SD"} {
		r := store.Sitrep{IncidentID: inc.ID, OrgID: org.ID, AuthorID: "u1", AreaCode: area, AsOf: Start.Add(time.Duration(i) * time.Hour),
			Figures: store.Figures{Dead: int64(i + 1), BridgesDamaged: 2}, Needs: "tents"}
		if err := s.Sitreps().Create(ctx, &r); err != nil {
			t.Fatal(err)
		}
	}
	all, err := s.Sitreps().List(ctx, inc.ID, time.Time{})
	if err != nil || len(all) != 3 || all[0].AreaCode != "PK-PB" || all[2].Dead != 3 || all[2].BridgesDamaged != 2 || all[2].Needs != "tents" {
		t.Fatalf("List = %+v, %v", all, err)
	}
	early, _ := s.Sitreps().List(ctx, inc.ID, Start.Add(90*time.Minute))
	if len(early) != 2 {
		t.Fatalf("List as of 90 minutes = %d reports, want 2", len(early))
	}
	if err := s.Sitreps().Create(ctx, &store.Sitrep{IncidentID: inc.ID, OrgID: org.ID, AuthorID: "u1", AsOf: Start}); !errors.Is(err, store.ErrInvalidRecord) {
		t.Fatalf("report without area: %v", err)
	}
}

// stockFixture makes a warehouse and an item.
func stockFixture(t *testing.T, s store.Store) (store.OpsRecord, store.Item) {
	t.Helper()
	ctx := context.Background()
	org := mustOrg(t, ctx, s, "NDMA", "")
	g, box := point(73.1, 33.7)
	wh := mustRecord(t, s, store.OpsRecord{Kind: store.OpsWarehouse, OrgID: org.ID, Status: "open", Title: "Islamabad depot", Geometry: g, Box: box})
	it := store.Item{Code: "tent-family", Cluster: store.ClusterShelterNFI, Unit: "tent", Names: map[string]string{"en": "Family tent"}}
	if err := s.Relief().CreateItem(ctx, &it); err != nil {
		t.Fatal(err)
	}
	if err := s.Relief().CreateItem(ctx, &store.Item{Code: "tent-family", Cluster: store.ClusterFood, Unit: "kg", Names: map[string]string{"en": "x"}}); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("duplicate item code: %v", err)
	}
	return wh, it
}

func testStock(t *testing.T, s store.Store, _ *clock.Manual) {
	ctx := context.Background()
	wh, it := stockFixture(t, s)
	move := func(kind store.MoveKind, delta int64) error {
		return s.WithTx(ctx, func(tx store.Tx) error {
			return tx.Relief().Move(ctx, &store.LedgerLine{WarehouseID: wh.ID, ItemID: it.ID, Kind: kind, Delta: delta, Actor: "u1"})
		})
	}
	if err := move(store.MoveDispatch, -1); !errors.Is(err, store.ErrInsufficientStock) {
		t.Fatalf("dispatch from empty stock = %v", err)
	}
	if err := move(store.MoveReceive, 100); err != nil {
		t.Fatal(err)
	}
	if err := move(store.MoveDispatch, -60); err != nil {
		t.Fatal(err)
	}
	if err := move(store.MoveDispatch, -41); !errors.Is(err, store.ErrInsufficientStock) {
		t.Fatalf("dispatch beyond stock = %v", err)
	}
	stock, err := s.Relief().Stock(ctx, nil)
	if err != nil || len(stock) != 1 || stock[0].Quantity != 40 {
		t.Fatalf("Stock = %+v, %v; want 40", stock, err)
	}
	lines, err := s.Relief().Ledger(ctx, wh.ID, 0)
	if err != nil || len(lines) != 2 || lines[0].Balance != 100 || lines[1].Balance != 40 || lines[1].Delta != -60 {
		t.Fatalf("Ledger = %+v, %v", lines, err)
	}
	if got, err := s.Relief().Item(ctx, "tent-family"); err != nil || got.ID != it.ID || got.Names["en"] != "Family tent" {
		t.Fatalf("Item by code = %+v, %v", got, err)
	}
}

// testConcurrentDispatch: many dispatches race for the same stock; exactly as many succeed as
// the stock allows and the balance ends at zero, never below.
func testConcurrentDispatch(t *testing.T, s store.Store, _ *clock.Manual) {
	ctx := context.Background()
	wh, it := stockFixture(t, s)
	const stock, workers = 10, 25
	if err := s.WithTx(ctx, func(tx store.Tx) error {
		return tx.Relief().Move(ctx, &store.LedgerLine{WarehouseID: wh.ID, ItemID: it.ID, Kind: store.MoveReceive, Delta: stock, Actor: "u1"})
	}); err != nil {
		t.Fatal(err)
	}
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		ok, fail int
	)
	for range workers {
		wg.Go(func() {
			err := s.WithTx(ctx, func(tx store.Tx) error {
				return tx.Relief().Move(ctx, &store.LedgerLine{WarehouseID: wh.ID, ItemID: it.ID, Kind: store.MoveDispatch, Delta: -1, Actor: "u1"})
			})
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				ok++
			case errors.Is(err, store.ErrInsufficientStock):
				fail++
			default:
				t.Errorf("dispatch: %v", err)
			}
		})
	}
	wg.Wait()
	if ok != stock || fail != workers-stock {
		t.Fatalf("%d dispatches succeeded and %d were refused; want %d and %d", ok, fail, stock, workers-stock)
	}
	levels, _ := s.Relief().Stock(ctx, []string{wh.ID})
	if len(levels) != 1 || levels[0].Quantity != 0 {
		t.Fatalf("stock after the race = %+v, want 0", levels)
	}
	lines, _ := s.Relief().Ledger(ctx, wh.ID, 0)
	if len(lines) != 1+stock {
		t.Fatalf("ledger has %d lines, want %d", len(lines), 1+stock)
	}
}

func testZeroMovement(t *testing.T, s store.Store, _ *clock.Manual) {
	ctx := context.Background()
	wh, it := stockFixture(t, s)
	if err := s.WithTx(ctx, func(tx store.Tx) error {
		return tx.Relief().Move(ctx, &store.LedgerLine{WarehouseID: wh.ID, ItemID: it.ID, Kind: store.MoveReceive, Delta: 5, Actor: "u1"})
	}); err != nil {
		t.Fatal(err)
	}
	if err := s.WithTx(ctx, func(tx store.Tx) error {
		return tx.Relief().Move(ctx, &store.LedgerLine{WarehouseID: wh.ID, ItemID: it.ID, Kind: store.MoveReceive, Delta: 0, Actor: "u1"})
	}); !errors.Is(err, store.ErrInvalidRecord) {
		t.Fatalf("zero movement: %v", err)
	}
}
