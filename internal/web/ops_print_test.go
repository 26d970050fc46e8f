package web

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb/geojson"

	"github.com/taawun/taawun/internal/ops"
	"github.com/taawun/taawun/internal/store"
)

// importLahore imports a districts layer holding Lahore (code PK401, in Punjab) with its names
// in Urdu and Russian, as an operator's import would.
func (n *testNode) importLahore(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	err := n.db.WithTx(ctx, func(tx store.Tx) error {
		_, err := tx.Geography().ReplaceLayer(ctx, &store.GeoLayer{Kind: store.GeoDistricts, Name: "pk-adm2", Source: "test"}, []store.District{{
			Code: "PK401", Name: "Lahore", Names: map[string]string{"ur": "لاہور", "ru": "Лахор"}, Province: "PK-PB",
			Geometry: json.RawMessage(`{"type":"Polygon","coordinates":[[[74.1,31.3],[74.5,31.3],[74.5,31.7],[74.1,31.7],[74.1,31.3]]]}`)}}, nil)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestSitrepExportsNameDistricts: the partner exports and the printed report name an imported
// district in the reader's language beside its code, and the GeoJSON draws its imported outline.
func TestSitrepExportsNameDistricts(t *testing.T) {
	n := newTestNode(t)
	n.importLahore(t)
	c := n.login(t, "ops.punjab") // prefers Urdu
	var inc idOnly
	decodeInto(t, c, c.PostJSON("/api/v1/incidents", map[string]any{"title": "Ravi flood", "geometry": map[string]any{"type": "Point", "coordinates": []float64{74.3, 31.5}},
		"data": map[string]any{"hazard": "riverine_flood"}}), http.StatusCreated, &inc)
	decodeInto(t, c, c.PostJSON("/api/v1/incidents/"+inc.ID+"/sitreps", map[string]any{"area_code": "PK401", "as_of": time.Now().Add(-time.Minute), "dead": 7}),
		http.StatusCreated, nil)
	base := "/api/v1/incidents/" + inc.ID + "/report?format="
	for _, tc := range []struct{ format, want string }{
		{"csv", "\nPK401,PK-PB,لاہور,"},
		{"csv&lang=ru", "\nPK401,PK-PB,Лахор,"},
		{"csv&lang=zh", "\nPK401,PK-PB,Lahore,"}, // no Chinese name: English
		{"xml", `<name>لاہور</name>`},
		{"json", `"name": "لاہور",`},
	} {
		if body := c.Body(c.Get(base + tc.format)); !strings.Contains(body, tc.want) || !strings.Contains(body, "PK401") {
			t.Errorf("%s lacks %q:\n%.600s", tc.format, tc.want, body)
		}
	}
	fc, err := geojson.UnmarshalFeatureCollection([]byte(c.Body(c.Get(base + "geojson"))))
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, f := range fc.Features {
		if f.ID == "PK401" {
			found = true
			if f.Properties["name"] != "لاہور" || f.Geometry == nil {
				t.Errorf("GeoJSON Lahore: %v %v", f.Properties, f.Geometry)
			}
		}
	}
	if !found {
		t.Error("GeoJSON has no PK401")
	}

	// The page Chromium prints: the Urdu name, isolated, beside the code.
	rec := store.OpsRecord{Meta: store.Meta{ID: inc.ID}, Kind: store.OpsIncident, Title: "Ravi flood", Data: json.RawMessage(`{"hazard":"riverine_flood"}`)}
	rows := ops.Rollup([]store.Sitrep{{Meta: store.Meta{ID: "s"}, AreaCode: "PK401", AsOf: time.Now(), Figures: store.Figures{Dead: 7}}}, time.Time{}, map[string]string{"PK401": "PK-PB"})
	rep, err := n.srv.Ops.Report(context.Background(), rec, rows, time.Now(), time.Now(), "pk-ndma", "ur")
	if err != nil {
		t.Fatal(err)
	}
	html, err := n.srv.printHTML(&reqCtx{Lang: "ur"}, rec, rep)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(html, `<bdi>لاہور</bdi> <bdi class="code" dir="ltr">PK401</bdi>`) || !strings.Contains(html, `<html lang="ur" dir="rtl">`) {
		t.Errorf("the printed report does not name Lahore in Urdu beside its code:\n%s", html[strings.Index(html, "<body>"):])
	}
}
