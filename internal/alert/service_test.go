package alert

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/taawun/taawun/internal/auth"
	"github.com/taawun/taawun/internal/cap"
	"github.com/taawun/taawun/internal/clock"
	"github.com/taawun/taawun/internal/geodata"
	"github.com/taawun/taawun/internal/mode"
	"github.com/taawun/taawun/internal/seed"
	"github.com/taawun/taawun/internal/store"
	"github.com/taawun/taawun/internal/store/sqlstore/sqltest"
)

const pw = "alert test password"

type fixture struct {
	svc  *Service
	auth *auth.Service
	clk  *clock.Manual
	db   store.Store
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	ctx := context.Background()
	clk := clock.NewManual(time.Date(2026, 8, 14, 3, 0, 0, 0, time.UTC))
	db := sqltest.Open(t, sqltest.SQLiteURL(t), "pk-ndma", clk)
	as, err := auth.NewService(db, clk, auth.HashParams{MemoryKiB: 64, Time: 1, Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := seed.Demo(ctx, db, as, pw); err != nil {
		t.Fatal(err)
	}
	orgs, _ := db.Orgs().List(ctx)
	byShort := map[string]string{}
	for _, o := range orgs {
		byShort[o.ShortName] = o.ID
	}
	err = db.WithTx(ctx, func(tx store.Tx) error {
		for _, u := range []auth.NewUser{
			{Username: "duty.punjab", Password: pw, OrgID: byShort["PDMA Punjab"], Role: auth.RoleDutyOfficer},
			{Username: "approver.sindh", Password: pw, OrgID: byShort["PDMA Sindh"], Role: auth.RoleApprover},
			{Username: "approver.punjab", Password: pw, OrgID: byShort["PDMA Punjab"], Role: auth.RoleApprover},
		} {
			if _, err := as.CreateUser(ctx, tx, auth.SystemActor, u); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{svc: &Service{Store: db, Clock: clk, Node: "pk-ndma"}, auth: as, clk: clk, db: db}
}

func (f *fixture) who(t testing.TB, username string) *auth.Principal {
	t.Helper()
	_, p, err := f.auth.Login(context.Background(), username, pw, "127.0.0.1")
	if err != nil {
		t.Fatalf("login %s: %v", username, err)
	}
	return p
}

// floodContent is a riverine flood warning for a stretch of the Chenab near Jhang (Punjab).
func (f *fixture) floodContent() Content {
	return Content{
		Texts: map[string]Text{
			"en": {Headline: "High flood in the Chenab at Jhang", Description: "Very high flood expected at Trimmu Headworks within 24 hours.", Instruction: "Move to higher ground."},
			"ur": {Headline: "دریائے چناب میں جھنگ کے مقام پر اونچے درجے کا سیلاب", Description: "اگلے 24 گھنٹوں میں تریموں ہیڈ ورکس پر انتہائی اونچے درجے کا سیلاب متوقع ہے۔", Instruction: "بلند مقامات پر منتقل ہو جائیں۔"},
		},
		Urgency: "Expected", Severity: "Severe", Certainty: "Likely", ResponseTypes: []string{"Evacuate"},
		Expires: f.clk.Now().Add(24 * time.Hour),
		Areas: []Area{{Desc: "Jhang riverine belt", Polygons: []string{"31.10,72.20 31.40,72.20 31.40,72.50 31.10,72.50 31.10,72.20"}},
			{Desc: "Trimmu", Circles: []string{"31.15,72.15 10"}}},
	}
}

func TestLifecycleTwoPersonRuleAndCAP(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	duty, approver, admin := f.who(t, "duty.officer"), f.who(t, "approver"), f.who(t, "admin")

	a, err := f.svc.Draft(ctx, duty, "riverine_flood", "Actual", f.floodContent())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Approve(ctx, approver, a.ID); !errors.Is(err, ErrWrongState) {
		t.Fatalf("approving a draft: %v", err)
	}
	report, err := f.svc.Submit(ctx, duty, a.ID)
	if err != nil || !report.Valid() {
		t.Fatalf("submit: %v %v", err, report.Issues)
	}
	if _, err := f.svc.Approve(ctx, duty, a.ID); !errors.Is(err, ErrForbidden) {
		t.Fatalf("duty officer approving: %v", err)
	}
	queue, _ := f.db.Alerts().Submitted(ctx, approver.Scope)
	if len(queue) != 1 || queue[0].AlertID != a.ID {
		t.Fatalf("approval queue = %+v", queue)
	}
	f.clk.Advance(5 * time.Minute)
	msg, err := f.svc.Approve(ctx, approver, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	parsed, report := cap.Check(ctx, strings.NewReader(string(msg.XML)), cap.Options{Profile: cap.ProfilePK, Resolver: geodata.Resolver{}})
	if !report.Valid() {
		t.Fatalf("issued CAP invalid under pk: %v\n%s", report.Issues, msg.XML)
	}
	if google := cap.Validate(ctx, parsed, cap.Options{Profile: cap.ProfileGoogle}); !google.Valid() {
		t.Fatalf("issued CAP invalid under google: %v", google.Issues)
	}
	if parsed.MsgType != "Alert" || parsed.Status != "Actual" || len(parsed.Infos) != 2 || parsed.Infos[1].Language != "ur" ||
		parsed.Sent != "2026-08-14T03:05:00-00:00" || parsed.Infos[0].SenderName != "National Disaster Management Authority" {
		t.Fatalf("CAP: %+v", parsed)
	}
	got, _ := f.db.Alerts().Get(ctx, a.ID)
	if got.State != store.AlertIssued || got.Identifier != msg.Identifier || got.Issued != 1 {
		t.Fatalf("alert after issue: %+v", got)
	}

	// An update referencing the first message, then a cancellation referencing both.
	upd := f.floodContent()
	upd.Texts["en"] = Text{Headline: "Exceptionally high flood in the Chenab at Jhang", Description: "Peak raised.", Instruction: "Evacuate now."}
	if err := f.svc.Revise(ctx, duty, a.ID, store.KindUpdate, upd); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Submit(ctx, duty, a.ID); err != nil {
		t.Fatal(err)
	}
	f.clk.Advance(time.Hour)
	msg2, err := f.svc.Approve(ctx, approver, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	p2, _ := cap.ParseBytes(msg2.XML)
	if p2.MsgType != "Update" || p2.References != "taawun:pk-ndma,"+msg.Identifier+",2026-08-14T03:05:00-00:00" {
		t.Fatalf("update references %q", p2.References)
	}
	if err := f.svc.Revise(ctx, admin, a.ID, store.KindCancel, Content{Note: "River receding"}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Submit(ctx, admin, a.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Approve(ctx, admin, a.ID); !errors.Is(err, ErrSameOfficer) {
		t.Fatalf("admin approving own cancellation: %v", err)
	}
	msg3, err := f.svc.Approve(ctx, approver, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	p3, _ := cap.ParseBytes(msg3.XML)
	if p3.MsgType != "Cancel" || strings.Count(p3.References, " ")+1 != 2 || p3.Note != "River receding" ||
		!strings.HasPrefix(p3.Infos[0].Headline, "CANCELLED: ") {
		t.Fatalf("cancel: %+v", p3)
	}
	if got, _ := f.db.Alerts().Get(ctx, a.ID); got.State != store.AlertCancelled || got.Issued != 3 {
		t.Fatalf("after cancel: %+v", got)
	}
	entries, _ := f.db.Audit().ListForEntity(ctx, "alert", a.ID)
	if len(entries) != 9 {
		t.Errorf("%d audit entries for the alert, want 9 (draft, 3×submit, 3×approve, 2×revise)", len(entries))
	}
}

func TestJurisdictionAndScope(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	punjab := f.who(t, "duty.punjab")
	sindhArea := f.floodContent()
	sindhArea.Areas = []Area{{Desc: "Dadu", Circles: []string{"26.73,67.78 20"}}}
	_, err := f.svc.Draft(ctx, punjab, "riverine_flood", "Actual", sindhArea)
	if !errors.Is(err, ErrOutsideJurisdiction) || !strings.Contains(err.Error(), `"Dadu"`) || !strings.Contains(err.Error(), "Authority Punjab") {
		t.Fatalf("PDMA Punjab warning Dadu: %v", err)
	}
	// A province picked from the gazetteer is inside its own authority's jurisdiction.
	whole := f.floodContent()
	whole.Areas = []Area{{Desc: "Punjab", Regions: []string{"PK-PB"}}}
	a, err := f.svc.Draft(ctx, punjab, "heatwave", "Actual", whole)
	if err != nil {
		t.Fatalf("province-wide warning: %v", err)
	}
	if _, err := f.svc.Submit(ctx, punjab, a.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Approve(ctx, f.who(t, "approver.sindh"), a.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("Sindh approver reached a Punjab alert: %v", err)
	}
	if _, err := f.svc.Approve(ctx, f.who(t, "approver.punjab"), a.ID); err != nil {
		t.Fatalf("Punjab approver: %v", err)
	}
}

func TestContentProblemsNameTheField(t *testing.T) {
	f := newFixture(t)
	duty := f.who(t, "duty.officer")
	c := f.floodContent()
	delete(c.Texts, "ur")
	c.Severity = "severe"
	c.Areas = append(c.Areas, Area{Desc: "bad", Polygons: []string{"31,72 32,72 31,72"}})
	c.Expires = f.clk.Now().Add(-time.Hour)
	_, err := f.svc.Draft(context.Background(), duty, "riverine_flood", "Actual", c)
	var ps Problems
	if !errors.As(err, &ps) || !errors.Is(err, ErrInvalid) {
		t.Fatalf("err = %v", err)
	}
	fields := map[string]bool{}
	for _, p := range ps {
		fields[p.Field] = true
	}
	for _, want := range []string{"texts.ur.headline", "texts.ur.description", "severity", "expires", "areas[2].polygons[0]"} {
		if !fields[want] {
			t.Errorf("no problem named %s in %v", want, ps)
		}
	}
	if n, _ := f.db.Alerts().List(context.Background(), store.AlertFilter{}); len(n) != 0 {
		t.Fatal("an invalid draft was stored")
	}
	if _, err := f.svc.Draft(context.Background(), duty, "meteor", "Actual", f.floodContent()); !errors.Is(err, ErrUnknownHazard) {
		t.Fatalf("unknown hazard: %v", err)
	}
}

func TestExpiry(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	duty, approver := f.who(t, "duty.officer"), f.who(t, "approver")
	a, _ := f.svc.Draft(ctx, duty, "riverine_flood", "Actual", f.floodContent())
	f.svc.Submit(ctx, duty, a.ID)
	if _, err := f.svc.Approve(ctx, approver, a.ID); err != nil {
		t.Fatal(err)
	}
	if n, _ := f.svc.ExpireDue(ctx); n != 0 {
		t.Fatal("expired early")
	}
	f.clk.Advance(25 * time.Hour)
	if n, err := f.svc.ExpireDue(ctx); err != nil || n != 1 {
		t.Fatalf("ExpireDue = %d, %v", n, err)
	}
	if got, _ := f.db.Alerts().Get(ctx, a.ID); got.State != store.AlertExpired {
		t.Fatalf("state %s", got.State)
	}
	if cur, _ := f.db.Alerts().Current(ctx, "Actual", f.clk.Now().Add(-24*time.Hour), 10); len(cur) != 0 {
		t.Fatal("expired alert still current")
	}
}

func TestStatusesKeptApartByMode(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	duty := f.who(t, "duty.officer")
	if _, err := f.svc.Draft(ctx, duty, "riverine_flood", "Exercise", f.floodContent()); !errors.Is(err, ErrStatus) {
		t.Fatalf("Exercise status in live mode: %v", err)
	}
	ex, _ := mode.Exercise("indus-2026")
	exCtx := mode.With(ctx, ex)
	if _, err := f.svc.Draft(exCtx, duty, "riverine_flood", "Actual", f.floodContent()); !errors.Is(err, ErrStatus) {
		t.Fatalf("Actual status in an exercise: %v", err)
	}
}

func TestBuildCAPMarksExercises(t *testing.T) {
	f := newFixture(t)
	h, _ := HazardByCode("glof")
	a := buildCAP(message{identifier: "x", sender: "s", sent: f.clk.Now(), status: "Exercise", msgType: store.KindAlert, hazard: h,
		content: f.floodContent(), org: store.Org{Name: "GBDMA"}})
	for _, in := range a.Infos {
		if !strings.HasPrefix(in.Headline, exercisePrefix[in.Language]+" — ") {
			t.Errorf("%s headline %q lacks the exercise marking", in.Language, in.Headline)
		}
	}
}
