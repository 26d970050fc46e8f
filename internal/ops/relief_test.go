package ops_test

import (
	"errors"
	"testing"

	"github.com/taawun/taawun/internal/auth"
	"github.com/taawun/taawun/internal/ops"
	"github.com/taawun/taawun/internal/store"
)

// TestStockBadInput: every refused movement names its problem and writes nothing: no ledger
// line, no balance change, no request change.
func TestStockBadInput(t *testing.T) {
	f := newFixture(t)
	p := f.ops("PDMA Punjab")
	tent := f.item("tent", "tent")
	wh := f.warehouse("PDMA Punjab", 74.3, 31.5, tent, 10)
	other := f.warehouse("PDMA Punjab", 73.0, 33.6, tent, 0)
	sindhWH := f.warehouse("PDMA Sindh", 67, 24.9, tent, 0)
	sharedWH := f.warehouse("PDMA Punjab", 72, 30, tent, 5)
	if err := f.svc.Share(f.ctx, p, sharedWH.ID, f.orgs["PDMA Sindh"].ID); err != nil {
		t.Fatal(err)
	}
	req := must(f.svc.Create(f.ctx, p, store.OpsRequest, ops.Input{Title: "Tents", Geometry: pointAt(70.6, 29.6),
		Data: raw(`{"item_id":%q,"quantity":20,"urgency":"critical"}`, tent.ID)}))
	for _, tc := range []struct {
		name  string
		p     *auth.Principal
		m     ops.Movement
		want  error
		field string
	}{
		{"negative receipt", p, ops.Movement{Kind: store.MoveReceive, WarehouseID: wh.ID, ItemID: tent.ID, Quantity: -5}, ops.ErrInvalid, "quantity"},
		{"zero", p, ops.Movement{Kind: store.MoveDispatch, WarehouseID: wh.ID, ItemID: tent.ID}, ops.ErrInvalid, "quantity"},
		{"dispatch beyond stock", p, ops.Movement{Kind: store.MoveDispatch, WarehouseID: wh.ID, ItemID: tent.ID, Quantity: 11, RequestID: req.ID}, ops.ErrInvalid, "quantity"},
		{"transfer beyond stock", p, ops.Movement{Kind: MoveTransfer, WarehouseID: wh.ID, ToWarehouseID: other.ID, ItemID: tent.ID, Quantity: 11}, ops.ErrInvalid, "quantity"},
		{"adjust below zero", p, ops.Movement{Kind: store.MoveAdjust, WarehouseID: wh.ID, ItemID: tent.ID, Quantity: -11}, ops.ErrInvalid, "quantity"},
		{"unknown item", p, ops.Movement{Kind: store.MoveReceive, WarehouseID: wh.ID, ItemID: "caviar", Quantity: 1}, ops.ErrInvalid, "item_id"},
		{"unknown kind", p, ops.Movement{Kind: "steal", WarehouseID: wh.ID, ItemID: tent.ID, Quantity: 1}, ops.ErrInvalid, "kind"},
		{"warehouse not visible", p, ops.Movement{Kind: store.MoveReceive, WarehouseID: sindhWH.ID, ItemID: tent.ID, Quantity: 1}, ops.ErrInvalid, "warehouse_id"},
		{"warehouse only shared", f.ops("PDMA Sindh"), ops.Movement{Kind: store.MoveDispatch, WarehouseID: sharedWH.ID, ItemID: tent.ID, Quantity: 1}, ops.ErrForbidden, ""},
		{"transfer to itself", p, ops.Movement{Kind: MoveTransfer, WarehouseID: wh.ID, ToWarehouseID: wh.ID, ItemID: tent.ID, Quantity: 1}, ops.ErrInvalid, "to_warehouse_id"},
		{"a viewer", f.as("PDMA Punjab", auth.RoleViewer), ops.Movement{Kind: store.MoveReceive, WarehouseID: wh.ID, ItemID: tent.ID, Quantity: 1}, ops.ErrForbidden, ""},
	} {
		_, err := f.svc.Move(f.ctx, tc.p, tc.m)
		var fe *ops.FieldError
		if !errors.Is(err, tc.want) || (tc.field != "" && (!errors.As(err, &fe) || fe.Field != tc.field)) {
			t.Errorf("%s: %v, want %v on %q", tc.name, err, tc.want, tc.field)
		}
	}
	if lines := must(f.db.Relief().Ledger(f.ctx, wh.ID, 0)); len(lines) != 1 {
		t.Fatalf("ledger has %d lines after refused movements, want the one receipt", len(lines))
	}
	if st := must(f.db.Relief().Stock(f.ctx, []string{wh.ID, other.ID})); len(st) != 1 || st[0].Quantity != 10 {
		t.Fatalf("stock = %+v, want 10 in the first warehouse only", st)
	}
	if got := must(f.svc.Get(f.ctx, p, store.OpsRequest, req.ID)); got.Status != "open" {
		t.Fatalf("request became %s after a refused dispatch", got.Status)
	}
	if _, err := f.svc.CreateItem(f.ctx, p, ops.ItemInput{Code: "rice", Cluster: store.ClusterFood, Unit: "sack", Names: map[string]string{"en": "Rice"}}); !errors.Is(err, ops.ErrInvalid) {
		t.Fatalf("unknown unit = %v", err)
	}
	if _, err := f.svc.CreateItem(f.ctx, p, ops.ItemInput{Code: "tent", Cluster: store.ClusterShelterNFI, Unit: "tent", Names: map[string]string{"en": "Tent"}}); !errors.Is(err, ops.ErrInvalid) {
		t.Fatalf("duplicate code = %v", err)
	}
}

// MoveTransfer is short for the transfer kind in tables.
const MoveTransfer = ops.MoveTransfer

// TestTransferAndAdjust: a transfer writes two lines; an adjustment corrects the books.
func TestTransferAndAdjust(t *testing.T) {
	f := newFixture(t)
	p := f.ops("PDMA Punjab")
	kit := f.item("hygiene-kit", "kit")
	a := f.warehouse("PDMA Punjab", 74.3, 31.5, kit, 100)
	b := f.warehouse("PDMA Punjab", 73.0, 33.6, kit, 0)
	lines := must(f.svc.Move(f.ctx, p, ops.Movement{Kind: MoveTransfer, WarehouseID: a.ID, ToWarehouseID: b.ID, ItemID: kit.ID, Quantity: 30}))
	if len(lines) != 2 || lines[0].Kind != store.MoveTransferOut || lines[0].Balance != 70 || lines[1].Kind != store.MoveTransferIn || lines[1].Balance != 30 {
		t.Fatalf("transfer lines = %+v", lines)
	}
	lines = must(f.svc.Move(f.ctx, p, ops.Movement{Kind: store.MoveAdjust, WarehouseID: a.ID, ItemID: kit.ID, Quantity: -4, Note: "water damage"}))
	if lines[0].Balance != 66 {
		t.Fatalf("after adjustment %d, want 66", lines[0].Balance)
	}
}

// TestFulfilment: request → matched → dispatched → delivered, with the counts on the request.
func TestFulfilment(t *testing.T) {
	f := newFixture(t)
	p := f.ops("PDMA Punjab")
	tent := f.item("tent", "tent")
	near := f.warehouse("PDMA Punjab", 70.5, 29.5, tent, 8)
	far := f.warehouse("PDMA Punjab", 74.3, 31.5, tent, 50)
	must(f.svc.Create(f.ctx, p, store.OpsOffer, ops.Input{Title: "Donor tents", Geometry: pointAt(70.7, 29.7),
		Data: raw(`{"item_id":%q,"quantity":25,"donor":"Edhi Foundation"}`, tent.ID)}))
	req := must(f.svc.Create(f.ctx, p, store.OpsRequest, ops.Input{Title: "Tents for Jampur", Geometry: pointAt(70.6, 29.6),
		Data: raw(`{"item_id":%q,"quantity":20,"urgency":"critical","dispatched":999}`, tent.ID)}))
	if d := must(ops.Decode[ops.RequestData](req)); d.Dispatched != 0 {
		t.Fatalf("a new request claims %d dispatched", d.Dispatched)
	}
	matches := must(f.svc.Suggest(f.ctx, p, req.ID))
	if len(matches) != 3 || matches[0].Kind != "offer" || !matches[0].Covers || matches[1].ID != far.ID || matches[2].ID != near.ID || matches[2].Covers {
		t.Fatalf("suggestions = %+v; want the near covering offer, then the far warehouse that covers, then the near one that does not", matches)
	}
	must(f.svc.Move(f.ctx, p, ops.Movement{Kind: store.MoveDispatch, WarehouseID: far.ID, ItemID: tent.ID, Quantity: 20, RequestID: req.ID}))
	got := must(f.svc.Get(f.ctx, p, store.OpsRequest, req.ID))
	if d := must(ops.Decode[ops.RequestData](got)); got.Status != "dispatched" || d.Dispatched != 20 {
		t.Fatalf("after dispatch: %s %+v", got.Status, d)
	}
	if _, err := f.svc.Deliver(f.ctx, p, req.ID, 21); !errors.Is(err, ops.ErrInvalid) {
		t.Fatalf("delivering more than dispatched = %v", err)
	}
	must(f.svc.Deliver(f.ctx, p, req.ID, 12))
	got = must(f.svc.Deliver(f.ctx, p, req.ID, 8))
	if d := must(ops.Decode[ops.RequestData](got)); got.Status != "delivered" || d.Delivered != 20 {
		t.Fatalf("after delivery: %s %+v", got.Status, d)
	}
	// An edit of the request keeps the counts: they come from dispatches, not from typing.
	edited := must(f.svc.Update(f.ctx, p, store.OpsRequest, req.ID, ops.Input{Title: "Tents for Jampur (UC 4)", Status: "delivered", Geometry: req.Geometry,
		Data: raw(`{"item_id":%q,"quantity":20,"urgency":"high"}`, tent.ID)}))
	if d := must(ops.Decode[ops.RequestData](edited)); d.Dispatched != 20 || d.Delivered != 20 {
		t.Fatalf("edit lost the fulfilment: %+v", d)
	}
	if refs := must(f.db.Relief().LedgerByRef(f.ctx, req.ID)); len(refs) != 1 || refs[0].Delta != -20 {
		t.Fatalf("ledger lines of the request = %+v", refs)
	}
}

// TestDistributionAllOrNothing: a distribution whose second line exceeds stock takes nothing.
func TestDistributionAllOrNothing(t *testing.T) {
	f := newFixture(t)
	p := f.ops("PDMA Punjab")
	tent, kit := f.item("tent", "tent"), f.item("kit", "kit")
	wh := f.warehouse("PDMA Punjab", 74.3, 31.5, tent, 10)
	must(f.svc.Move(f.ctx, p, ops.Movement{Kind: store.MoveReceive, WarehouseID: wh.ID, ItemID: kit.ID, Quantity: 3}))
	d := ops.DistributionData{WarehouseID: wh.ID, Site: "Rajanpur", People: 40, Female: 20, Male: 20, Children: 15,
		Lines: []ops.DistributionLine{{ItemID: tent.ID, Quantity: 5}, {ItemID: kit.ID, Quantity: 4}}}
	if _, err := f.svc.Distribute(f.ctx, p, "", pointAt(70.3, 29.1), d); !errors.Is(err, ops.ErrInvalid) {
		t.Fatalf("distribution beyond stock = %v", err)
	}
	if st := must(f.db.Relief().Stock(f.ctx, []string{wh.ID})); st[0].Quantity+st[1].Quantity != 13 {
		t.Fatalf("stock changed by a refused distribution: %+v", st)
	}
	if n := len(must(f.svc.List(f.ctx, p, store.OpsFilter{Kinds: []store.OpsKind{store.OpsDistribution}}))); n != 0 {
		t.Fatalf("%d distributions stored by a refused request", n)
	}
	bad := d
	bad.Lines, bad.Female = []ops.DistributionLine{{ItemID: tent.ID, Quantity: 1}}, 30
	if _, err := f.svc.Distribute(f.ctx, p, "", nil, bad); !errors.Is(err, ops.ErrInvalid) {
		t.Fatalf("more women and men than people = %v", err)
	}
	d.Lines[1].Quantity = 3
	rec := must(f.svc.Distribute(f.ctx, p, "", pointAt(70.3, 29.1), d))
	if refs := must(f.db.Relief().LedgerByRef(f.ctx, rec.ID)); len(refs) != 2 {
		t.Fatalf("distribution wrote %d ledger lines", len(refs))
	}
}
