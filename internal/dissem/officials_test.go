package dissem

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/taawun/taawun/internal/alert"
	"github.com/taawun/taawun/internal/store"
)

func box(minLon, minLat, maxLon, maxLat float64) orb.Polygon {
	return orb.Polygon{{{minLon, minLat}, {maxLon, minLat}, {maxLon, maxLat}, {minLon, maxLat}, {minLon, minLat}}}
}

// TestContactGroupReachesOfficialsOfAffectedDistricts: NDMA's "DDMA officers" group sends a
// warning for Lahore to the DDMA Lahore official and not to the DDMA Muzaffargarh one, though
// neither gave a location; a public subscriber far away gets nothing.
func TestContactGroupReachesOfficialsOfAffectedDistricts(t *testing.T) {
	p := startPipeline(t, 0)
	ctx := context.Background()
	orgs, err := p.db.Orgs().List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]store.Org{}
	for _, o := range orgs {
		byName[o.ShortName] = o
	}
	for name, area := range map[string]orb.Polygon{
		"DDMA Lahore":       box(74.0, 31.3, 74.6, 31.8),
		"DDMA Muzaffargarh": box(70.8, 29.8, 71.4, 30.4),
	} {
		o, ok := byName[name]
		if !ok {
			t.Fatalf("seed has no %s", name)
		}
		raw, _ := json.Marshal(geojson.NewGeometry(area))
		o.Jurisdiction = raw
		if err := p.db.WithTx(ctx, func(tx store.Tx) error { return tx.Orgs().Update(ctx, &o) }); err != nil {
			t.Fatal(err)
		}
		byName[name] = o
	}
	g := store.ContactGroup{OrgID: byName["NDMA"].ID, Name: "DDMA officers", Tier: store.TierDistrict}
	if err := p.db.ContactGroups().Create(ctx, &g); err != nil {
		t.Fatal(err)
	}
	p.addRecipients(t,
		store.Recipient{Name: "DC Lahore", Email: "dc.lahore@ddma.test", OrgID: byName["DDMA Lahore"].ID, Channels: []store.Channel{store.ChannelEmail}},
		store.Recipient{Name: "DC Muzaffargarh", Email: "dc.mzg@ddma.test", OrgID: byName["DDMA Muzaffargarh"].ID, Channels: []store.Channel{store.ChannelEmail}},
		store.Recipient{Name: "Karachi resident", Email: "karachi@example.pk", Channels: []store.Channel{store.ChannelEmail},
			Locations: []store.Location{{Lat: 24.86, Lon: 67.01}}},
	)
	m := p.issue(t, "Actual", lahoreFlood())
	p.waitDelivered(t, m, 1)
	mails := p.smtp.All()
	if len(mails) != 1 || mails[0].To[0] != "dc.lahore@ddma.test" {
		t.Fatalf("mails went to %+v", mails)
	}
}

// TestWarningForAnImportedDistrict: once an operator imports district boundaries, a warning can
// name a district by its code: the check, the CAP geocode (scheme "district") and the targeting
// all resolve it, and only the subscriber inside the district is reached.
func TestWarningForAnImportedDistrict(t *testing.T) {
	p := startPipeline(t, 0)
	ctx := context.Background()
	raw, _ := json.Marshal(geojson.NewGeometry(box(74.0, 31.3, 74.4, 31.7)))
	err := p.db.WithTx(ctx, func(tx store.Tx) error {
		_, err := tx.Geography().ReplaceLayer(ctx, &store.GeoLayer{Kind: store.GeoDistricts, Name: "Punjab districts", Source: "test"},
			[]store.District{{Code: "PK-PB-LHR", Name: "Lahore", Province: "PK-PB", Geometry: raw}}, nil)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	p.addRecipients(t,
		store.Recipient{Name: "inside", Email: "inside@example.pk", Channels: []store.Channel{store.ChannelEmail}, Locations: []store.Location{{Lat: 31.55, Lon: 74.34}}},
		store.Recipient{Name: "Faisalabad", Email: "fsd@example.pk", Channels: []store.Channel{store.ChannelEmail}, Locations: []store.Location{{Lat: 31.42, Lon: 73.08}}},
	)
	c := lahoreFlood()
	c.Areas = []alert.Area{{Desc: "Lahore district", Regions: []string{"PK-PB-LHR"}}}
	m := p.issue(t, "Actual", c)
	if !strings.Contains(string(m.XML), "<valueName>district</valueName>") || !strings.Contains(string(m.XML), "<value>PK-PB-LHR</value>") {
		t.Fatalf("CAP geocode of the district missing:\n%s", m.XML)
	}
	p.waitDelivered(t, m, 1)
	if mails := p.smtp.All(); len(mails) != 1 || mails[0].To[0] != "inside@example.pk" {
		t.Fatalf("mails went to %+v", mails)
	}
	bad := lahoreFlood()
	bad.Areas = []alert.Area{{Desc: "nowhere", Regions: []string{"PK-PB-XXX"}}}
	_, duty, _ := p.auth.Login(ctx, "duty.officer", pw, "127.0.0.1")
	if _, err := p.alerts.Draft(ctx, duty, "urban_flood", "Actual", bad); err == nil || !strings.Contains(err.Error(), "PK-PB-XXX") {
		t.Fatalf("unknown district: %v", err)
	}
}
