package ops_test

import (
	"errors"
	"slices"
	"testing"

	"github.com/taawun/taawun/internal/auth"
	"github.com/taawun/taawun/internal/ops"
	"github.com/taawun/taawun/internal/store"
)

// TestVisibilityOfEveryRecordType: each kind of record, made by PDMA Punjab and shared with
// DDMA Karachi, is visible to Punjab (owner), NDMA (ancestor) and Karachi (shared with), and
// to nobody else: not Sindh (a sibling, and the parent of the organisation shared with), not
// Lahore (a child of the owner). Log entries, situation reports and attachments follow their
// incident; stock follows its warehouse.
func TestVisibilityOfEveryRecordType(t *testing.T) {
	f := newFixture(t)
	punjab := f.ops("PDMA Punjab")
	karachi := f.orgs["DDMA Karachi"].ID
	tent := f.item("tent", "tent")
	inc := f.incident("PDMA Punjab", karachi)
	wh := f.warehouse("PDMA Punjab", 74.3, 31.5, tent, 50)
	must(f.svc.Create(f.ctx, f.ops("NDMA"), store.OpsWarehouse, ops.Input{Title: "NDMA depot", Geometry: pointAt(73, 33.6)}))

	share := func(r store.OpsRecord) store.OpsRecord {
		t.Helper()
		if err := f.svc.Share(f.ctx, punjab, r.ID, karachi); err != nil {
			t.Fatal(err)
		}
		return r
	}
	records := map[store.OpsKind]store.OpsRecord{store.OpsIncident: inc, store.OpsWarehouse: share(wh)}
	for kind, in := range map[store.OpsKind]ops.Input{
		store.OpsTask: {Title: "Clear the embankment", IncidentID: inc.ID,
			Data: raw(`{"assignee_org":%q,"due":"2026-08-20T12:00:00Z"}`, f.orgs["PDMA Punjab"].ID)},
		store.OpsShelter: {Title: "Govt school camp", Geometry: pointAt(74.3, 31.5), Data: raw(`{"type":"camp","capacity":500}`)},
		store.OpsTeam:    {Title: "Rescue 1122 water", Geometry: pointAt(74.3, 31.5), Data: raw(`{"type":"rescue1122_water","size":12}`)},
		store.OpsRequest: {Title: "Tents for Jampur", Geometry: pointAt(70.6, 29.6), Data: raw(`{"item_id":%q,"quantity":20,"urgency":"high"}`, tent.ID)},
		store.OpsOffer:   {Title: "Tents from a donor", Data: raw(`{"item_id":%q,"quantity":20,"donor":"Alkhidmat"}`, tent.ID)},
	} {
		records[kind] = share(must(f.svc.Create(f.ctx, punjab, kind, in)))
	}
	records[store.OpsDistribution] = share(must(f.svc.Distribute(f.ctx, punjab, inc.ID, pointAt(70.6, 29.6),
		ops.DistributionData{WarehouseID: wh.ID, Site: "Jampur", Lines: []ops.DistributionLine{{ItemID: tent.ID, Quantity: 5}}, People: 30})))
	if len(records) != len(store.OpsKinds()) {
		t.Fatalf("the test covers %d kinds of %d", len(records), len(store.OpsKinds()))
	}

	entry := must(f.svc.WriteLog(f.ctx, punjab, inc.ID, "Breach at the left bank", start, []ops.NewAttachment{{Name: "note.txt", Content: []byte("breach 40 m")}}))
	must(f.svc.Vet(f.ctx, f.as("PDMA Punjab", auth.RoleAdmin), entry.ID, true, ""))
	atts := must(f.db.OpsLog().Attachments(f.ctx, entry.ID))
	must(f.svc.SubmitSitrep(f.ctx, punjab, inc.ID, ops.SitrepInput{AreaCode: "PK-PB", AsOf: start, Figures: store.Figures{Dead: 3}}))

	for _, tc := range []struct {
		org  string
		want bool
	}{
		{"PDMA Punjab", true}, {"NDMA", true}, {"DDMA Karachi", true}, {"PDMA Sindh", false}, {"DDMA Lahore", false},
	} {
		p := f.as(tc.org, auth.RoleViewer)
		for kind, r := range records {
			_, err := f.svc.Get(f.ctx, p, kind, r.ID)
			if tc.want != (err == nil) || (err != nil && !errors.Is(err, store.ErrNotFound)) {
				t.Errorf("%s: Get %s = %v; want visible=%v", tc.org, kind, err, tc.want)
			}
			list := must(f.svc.List(f.ctx, p, store.OpsFilter{Kinds: []store.OpsKind{kind}}))
			if slices.ContainsFunc(list, func(x store.OpsRecord) bool { return x.ID == r.ID }) != tc.want {
				t.Errorf("%s: List %s shows it = %v; want %v", tc.org, kind, !tc.want, tc.want)
			}
		}
		log, err := f.svc.LogView(f.ctx, p, inc.ID, "", 0)
		if tc.want != (err == nil && len(log) == 1) {
			t.Errorf("%s: log = %d entries, %v; want visible=%v", tc.org, len(log), err, tc.want)
		}
		if _, err := f.svc.Attachment(f.ctx, p, atts[0].ID); tc.want != (err == nil) {
			t.Errorf("%s: attachment: %v; want visible=%v", tc.org, err, tc.want)
		}
		_, reports, _, err := f.svc.SitrepSummary(f.ctx, p, inc.ID, start)
		if tc.want != (err == nil && len(reports) == 1) {
			t.Errorf("%s: situation reports = %d, %v; want visible=%v", tc.org, len(reports), err, tc.want)
		}
		stock := must(f.svc.StockOf(f.ctx, p))
		if slices.ContainsFunc(stock, func(l store.StockLevel) bool { return l.WarehouseID == wh.ID }) != tc.want {
			t.Errorf("%s: stock of the warehouse shown = %v; want %v", tc.org, !tc.want, tc.want)
		}
	}
}
