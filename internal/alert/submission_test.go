package alert

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/taawun/taawun/internal/cap"
	"github.com/taawun/taawun/internal/cap/capgeo"
	"github.com/taawun/taawun/internal/store"
)

// TestSubmissionPreparedThenWritten: a prepared submission checks what Draft and Submit check,
// writes nothing until written, and is then one audited change waiting for a second officer.
func TestSubmissionPreparedThenWritten(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	duty, approver, viewer := f.who(t, "duty.officer"), f.who(t, "approver"), f.who(t, "viewer.lahore")

	if _, err := f.svc.PrepareSubmission(ctx, viewer, "riverine_flood", "Actual", f.floodContent()); !errors.Is(err, ErrForbidden) {
		t.Fatalf("a viewer prepared a submission: %v", err)
	}
	if _, err := f.svc.PrepareSubmission(ctx, duty, "no_such_hazard", "Actual", f.floodContent()); !errors.Is(err, ErrUnknownHazard) {
		t.Fatalf("unknown hazard: %v", err)
	}
	abroad := f.floodContent()
	abroad.Areas = []Area{{Desc: "Almaty", Circles: []string{"43.24,76.89 10"}}}
	if _, err := f.svc.PrepareSubmission(ctx, duty, "riverine_flood", "Actual", abroad); !errors.Is(err, ErrOutsideJurisdiction) {
		t.Fatalf("an area abroad: %v", err)
	}
	sub, err := f.svc.PrepareSubmission(ctx, duty, "riverine_flood", "Actual", f.floodContent())
	if err != nil || !sub.Report.Valid() {
		t.Fatalf("prepare: %v %v", err, sub.Report.Issues)
	}
	if all, _ := f.db.Alerts().List(ctx, store.AlertFilter{}); len(all) != 0 {
		t.Fatalf("preparing wrote %d alerts", len(all))
	}
	before, _ := f.db.Audit().List(ctx, 0, 1000)
	if err := f.db.WithTx(ctx, func(tx store.Tx) error { return f.svc.WriteSubmission(ctx, tx, sub) }); err != nil {
		t.Fatal(err)
	}
	queue, _ := f.db.Alerts().Submitted(ctx, approver.Scope)
	if len(queue) != 1 || queue[0].AlertID != sub.Alert.ID || queue[0].SubmitterID != duty.User.ID {
		t.Fatalf("approval queue = %+v", queue)
	}
	after, _ := f.db.Audit().List(ctx, 0, 1000)
	if added := after[len(before):]; len(added) != 1 || added[0].Action != "alert.submitted" || len(added[0].Before) != 0 {
		t.Fatalf("audit entries added: %+v", added)
	}
	if _, err := f.svc.Approve(ctx, duty, sub.Alert.ID); !errors.Is(err, ErrForbidden) {
		t.Fatalf("the drafter approving: %v", err)
	}
	if _, err := f.svc.Approve(ctx, approver, sub.Alert.ID); err != nil {
		t.Fatalf("a second officer approving: %v", err)
	}
	if err := f.db.WithTx(ctx, func(tx store.Tx) error { return f.svc.WriteSubmission(ctx, tx, &Submission{}) }); !errors.Is(err, ErrWrongState) {
		t.Fatalf("writing an unprepared submission: %v", err)
	}
}

// BenchmarkPrepareSubmission is the check of one new warning before it is written: the content,
// the area against the jurisdiction and the CAP message under the pk profile, for a 64-point
// polygon (a footprint's size) and a circle.
func BenchmarkPrepareSubmission(b *testing.B) {
	f := newFixture(b)
	ctx := context.Background()
	duty := f.who(b, "duty.officer")
	c := f.floodContent()
	disc := capgeo.CirclePolygonN(cap.Circle{Center: cap.Point{Lat: 31.27, Lon: 72.32}, RadiusKM: 100}, 64)[0]
	pairs := make([]string, len(disc))
	for i, p := range disc {
		pairs[i] = strconv.FormatFloat(p[1], 'f', 4, 64) + "," + strconv.FormatFloat(p[0], 'f', 4, 64)
	}
	c.Areas[0].Polygons = []string{strings.Join(pairs, " ")}
	b.ReportAllocs()
	for b.Loop() {
		if sub, err := f.svc.PrepareSubmission(ctx, duty, "riverine_flood", "Actual", c); err != nil || !sub.Report.Valid() {
			b.Fatalf("prepare: %v", err)
		}
	}
}
