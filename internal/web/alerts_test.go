package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/taawun/taawun/internal/cap"
	"github.com/taawun/taawun/internal/cap/capfeed"
	"github.com/taawun/taawun/internal/store"
)

// floodAlert is an API body for a flood warning on the Chenab near Jhang, in Punjab.
func floodAlert(headline string) map[string]any {
	return map[string]any{
		"hazard": "riverine_flood", "cap_status": "Actual",
		"content": map[string]any{
			"texts": map[string]any{
				"en": map[string]any{"headline": headline, "description": "Very high flood at Trimmu within 24 hours.", "instruction": "Move to higher ground."},
				"ur": map[string]any{"headline": "دریائے چناب میں اونچے درجے کا سیلاب", "description": "تریموں پر اگلے 24 گھنٹوں میں انتہائی اونچے درجے کا سیلاب متوقع ہے۔"},
			},
			"urgency": "Expected", "severity": "Severe", "certainty": "Likely", "response_types": []string{"Evacuate"},
			"expires": time.Now().Add(12 * time.Hour).UTC().Format(time.RFC3339),
			"areas":   []any{map[string]any{"desc": "Jhang riverine belt", "polygons": []string{"31.10,72.20 31.40,72.20 31.40,72.50 31.10,72.50 31.10,72.20"}}},
		},
	}
}

func decode[T any](t *testing.T, resp *http.Response) T {
	t.Helper()
	var v T
	if err := json.NewDecoder(resp.Body).Decode(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

// TestWarningThroughAPIToPublicFeeds: a duty officer drafts and submits, an approver issues, and
// the warning appears in the public page, GeoJSON, CAP file and Atom feed, which our own
// validator passes with the google profile.
func TestWarningThroughAPIToPublicFeeds(t *testing.T) {
	n := newTestNode(t)
	ctx := context.Background()
	duty, approver := n.login(t, "duty.officer"), n.login(t, "approver")

	resp := duty.PostJSON("/api/v1/alerts", floodAlert("High flood in the Chenab at Jhang"))
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("draft: %d %s", resp.StatusCode, duty.Body(resp))
	}
	created := decode[apiAlert](t, resp)
	if resp := duty.PostJSON("/api/v1/alerts/"+created.ID+"/approve", nil); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("duty officer approving: %d", resp.StatusCode)
	}
	if resp := duty.PostJSON("/api/v1/alerts/"+created.ID+"/submit", nil); resp.StatusCode != http.StatusOK {
		t.Fatalf("submit: %d %s", resp.StatusCode, duty.Body(resp))
	}
	queue := decode[struct {
		Queue []apiVersion `json:"queue"`
	}](t, approver.Get("/api/v1/alerts/queue"))
	if len(queue.Queue) != 1 || queue.Queue[0].AlertID != created.ID {
		t.Fatalf("queue: %+v", queue)
	}
	resp = approver.PostJSON("/api/v1/alerts/"+created.ID+"/approve", nil)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("approve: %d %s", resp.StatusCode, approver.Body(resp))
	}
	detail := decode[struct {
		Alert    apiAlert     `json:"alert"`
		Messages []apiMessage `json:"messages"`
	}](t, resp)
	if detail.Alert.State != "issued" || len(detail.Messages) != 1 {
		t.Fatalf("after approval: %+v", detail)
	}

	visitor := n.anon(t)
	capFile := visitor.Get(detail.Messages[0].CAPURL)
	if ct := capFile.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/cap+xml") {
		t.Fatalf("CAP content type %q", ct)
	}
	if _, report := cap.Check(ctx, capFile.Body, cap.Options{Profile: cap.ProfileGoogle}); !report.Valid() {
		t.Fatalf("public CAP fails the google profile: %v", report.Issues)
	}
	atom := visitor.Get("/feeds/alerts.atom")
	feed, report := capfeed.Check(ctx, atom.Body, cap.Options{Profile: cap.ProfileGoogle})
	if !report.Valid() || feed == nil {
		t.Fatalf("Atom feed fails validation: %v", report.Issues)
	}
	body := visitor.Body(visitor.Get("/feeds/alerts.atom"))
	if !strings.Contains(body, "High flood in the Chenab at Jhang") || !strings.Contains(body, detail.Messages[0].ID+".xml") {
		t.Fatalf("feed lacks the warning:\n%s", body)
	}
	page := visitor.Body(visitor.Get("/alerts?lang=ur"))
	if !strings.Contains(page, "دریائے چناب میں اونچے درجے کا سیلاب") {
		t.Fatal("public page does not show the Urdu headline to an Urdu reader")
	}
	geo := visitor.Body(visitor.Get("/alerts.geojson"))
	if !strings.Contains(geo, `"severity":"Severe"`) || !strings.Contains(geo, "MultiPolygon") {
		t.Fatalf("GeoJSON: %.300s", geo)
	}

	// The warning's page maps the issued area, in the officer's language.
	areas := duty.Get("/api/v1/alerts/" + created.ID + "/areas?lang=ur")
	if body := duty.Body(areas); areas.StatusCode != http.StatusOK || !strings.Contains(body, "MultiPolygon") || !strings.Contains(body, "دریائے چناب") {
		t.Fatalf("areas of the warning: %d %.300s", areas.StatusCode, body)
	}
	if page := duty.Body(duty.Get("/warnings/" + created.ID)); !strings.Contains(page, `data-alerts-url="/api/v1/alerts/`+created.ID+`/areas`) {
		t.Fatal("the warning's page has no map of its area")
	}
	if resp := visitor.Get("/api/v1/alerts/" + created.ID + "/areas"); resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("areas for a visitor: %d", resp.StatusCode)
	}

	// Cancelled: the feed carries the cancellation for a day.
	if resp := duty.PostJSON("/api/v1/alerts/"+created.ID+"/revise", map[string]any{"kind": "Cancel", "content": map[string]any{"note": "River receding"}}); resp.StatusCode != http.StatusOK {
		t.Fatalf("revise: %d %s", resp.StatusCode, duty.Body(resp))
	}
	duty.PostJSON("/api/v1/alerts/"+created.ID+"/submit", nil)
	if resp := approver.PostJSON("/api/v1/alerts/"+created.ID+"/approve", nil); resp.StatusCode != http.StatusOK {
		t.Fatalf("approve cancel: %d", resp.StatusCode)
	}
	if body := visitor.Body(visitor.Get("/feeds/alerts.atom")); !strings.Contains(body, "CANCELLED: High flood") {
		t.Fatalf("feed lacks the cancellation:\n%s", body)
	}
}

func TestWarningAPIProblems(t *testing.T) {
	n := newTestNode(t)
	duty := n.login(t, "duty.officer")
	bad := floodAlert("x")
	content := bad["content"].(map[string]any)
	delete(content["texts"].(map[string]any), "ur")
	resp := duty.PostJSON("/api/v1/alerts", bad)
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("missing Urdu: %d", resp.StatusCode)
	}
	p := decode[alertProblem](t, resp)
	if p.Field != "texts.ur.headline" || len(p.Problems) != 2 {
		t.Fatalf("problem: %+v", p)
	}
	ops := n.login(t, "ops.punjab")
	if resp := ops.PostJSON("/api/v1/alerts", floodAlert("x")); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("operations officer drafting: %d", resp.StatusCode)
	}
	outside := floodAlert("Karachi")
	outside["content"].(map[string]any)["areas"] = []any{map[string]any{"desc": "Arabian Sea", "circles": []string{"22.0,64.0 30"}}}
	resp = duty.PostJSON("/api/v1/alerts", outside)
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(duty.Body(resp), "Arabian Sea") {
		t.Fatalf("area outside Pakistan: %d", resp.StatusCode)
	}
}

// TestWarningThroughPages walks the composer, the warning page and the approval queue as the two
// officers would in a browser.
func TestWarningThroughPages(t *testing.T) {
	n := newTestNode(t)
	duty, approver := n.login(t, "duty.officer"), n.login(t, "approver")
	page := duty.Body(duty.Get("/warnings/new?hazard=flash_flood"))
	if !strings.Contains(page, `value="flash_flood" selected`) || !strings.Contains(page, "ندی نالوں") {
		t.Fatal("composer not prefilled from the flash flood template")
	}
	form := url.Values{
		"hazard": {"flash_flood"}, "cap_status": {"Actual"}, "urgency": {"Immediate"}, "severity": {"Severe"}, "certainty": {"Likely"},
		"response": {"Evacuate"}, "expires": {time.Now().Add(6 * time.Hour).UTC().Format(formTime)},
		"headline_en": {"Flash flood in Swat"}, "description_en": {"Heavy rain upstream."},
		"headline_ur": {"سوات میں اچانک سیلاب"}, "description_ur": {"بالائی علاقوں میں شدید بارش۔"},
		"area_desc_0": {"Swat valley"}, "area_circles_0": {"35.2,72.4 15"},
	}
	resp := duty.PostForm("/warnings", form)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("compose: %d %s", resp.StatusCode, duty.Body(resp))
	}
	where := resp.Header.Get("Location")
	form.Set("headline_ur", "")
	if resp := duty.PostForm("/warnings", form); resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(duty.Body(resp), "texts.ur.headline") {
		t.Fatalf("compose without Urdu: %d", resp.StatusCode)
	}
	if resp := duty.PostForm(where+"/submit", nil); resp.StatusCode != http.StatusOK {
		t.Fatalf("submit: %d", resp.StatusCode)
	}
	queue := approver.Body(approver.Get("/warnings/queue"))
	if !strings.Contains(queue, "Flash flood in Swat") {
		t.Fatal("queue lacks the warning")
	}
	done := approver.Body(approver.PostForm(where+"/approve", nil))
	if !strings.Contains(done, n.srv.Catalog.T("en", "warning.issued")) || !strings.Contains(done, "&lt;alert xmlns=") {
		t.Fatalf("approval page:\n%s", done)
	}
	if list := n.anon(t).Body(n.anon(t).Get("/alerts")); !strings.Contains(list, "Flash flood in Swat") {
		t.Fatal("public list lacks the warning")
	}
}

func TestComposerPreview(t *testing.T) {
	n := newTestNode(t)
	ctx := context.Background()
	for _, r := range []store.Recipient{
		{Name: "inside", Email: "a@example.pk", Confirmed: true, Channels: []store.Channel{store.ChannelEmail}, Locations: []store.Location{{Lat: 31.25, Lon: 72.35}}},
		{Name: "outside", Email: "b@example.pk", Confirmed: true, Channels: []store.Channel{store.ChannelEmail}, Locations: []store.Location{{Lat: 24.86, Lon: 67.01}}},
	} {
		if err := n.db.Recipients().Create(ctx, &r); err != nil {
			t.Fatal(err)
		}
	}
	duty := n.login(t, "duty.officer")
	resp := duty.PostJSON("/api/v1/alerts/preview", floodAlert("High flood in the Chenab at Jhang"))
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("preview: %d %s", resp.StatusCode, duty.Body(resp))
	}
	type preview struct {
		Problems   []map[string]string `json:"problems"`
		Findings   []map[string]any    `json:"findings"`
		Valid      bool                `json:"valid"`
		Recipients *int                `json:"recipients"`
		SMS        map[string]smsPlan  `json:"sms"`
	}
	pv := decode[preview](t, resp)
	if pv.Recipients == nil || *pv.Recipients != 1 || !pv.Valid {
		t.Fatalf("preview: %+v", pv)
	}
	if pv.SMS["en"].Encoding != "GSM-7" || pv.SMS["ur"].Encoding != "UCS-2" || pv.SMS["ur"].Segments != 1 {
		t.Fatalf("SMS plans: %+v", pv.SMS)
	}
	bad := floodAlert("x")
	delete(bad["content"].(map[string]any)["texts"].(map[string]any), "ur")
	pv = decode[preview](t, duty.PostJSON("/api/v1/alerts/preview", bad))
	if pv.Valid || !strings.Contains(fmt.Sprint(pv.Problems), "texts.ur.headline") {
		t.Fatalf("preview of a draft without Urdu: %+v", pv)
	}
	if n, _ := n.db.Alerts().List(ctx, store.AlertFilter{}); len(n) != 0 {
		t.Fatal("preview stored a draft")
	}
}

// TestPublicStreamAnnouncesActualWarnings: open public pages hear of an Actual warning as it is
// issued, and never of a Test one.
func TestPublicStreamAnnouncesActualWarnings(t *testing.T) {
	n := newTestNode(t)
	duty, approver := n.login(t, "duty.officer"), n.login(t, "approver")
	visitor := n.anon(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, visitor.Base+"/alerts/stream", nil)
	stream := newEventReader(visitor.Do(req))
	issue := func(status, headline string) {
		body := floodAlert(headline)
		body["cap_status"] = status
		var created apiAlert
		resp := duty.PostJSON("/api/v1/alerts", body)
		json.NewDecoder(resp.Body).Decode(&created)
		duty.PostJSON("/api/v1/alerts/"+created.ID+"/submit", nil)
		if resp := approver.PostJSON("/api/v1/alerts/"+created.ID+"/approve", nil); resp.StatusCode != http.StatusOK {
			t.Fatalf("approve %s: %d", status, resp.StatusCode)
		}
	}
	issue("Test", "A test")
	issue("Actual", "The real one")
	e, err := stream.next()
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Kind      string `json:"kind"`
		MessageID string `json:"message_id"`
	}
	json.Unmarshal(e.Data, &got)
	if got.Kind != "alert.issued" || got.MessageID == "" {
		t.Fatalf("first public event %s", e.Data)
	}
	m, err := n.db.Alerts().Message(context.Background(), got.MessageID)
	if err != nil || m.CAPStatus != "Actual" {
		t.Fatalf("the public stream announced %+v (a Test message?)", m)
	}
}
