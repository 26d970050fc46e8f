package ops_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/taawun/taawun/internal/auth"
	"github.com/taawun/taawun/internal/ops"
	"github.com/taawun/taawun/internal/store"
)

var pngHeader = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")

// TestLogVetting: a participant's entry waits for a controller of the lead organisation; until
// then only the writer's organisations and the controllers see it.
func TestLogVetting(t *testing.T) {
	f := newFixture(t)
	sindh := f.orgs["PDMA Sindh"].ID
	inc := f.incident("PDMA Punjab", sindh)
	writer := f.as("PDMA Sindh", auth.RoleDutyOfficer)
	e := must(f.svc.WriteLog(f.ctx, writer, inc.ID, "Sukkur barrage at 900,000 cusecs", start.Add(-time.Hour), nil))
	if e.State != store.LogPending {
		t.Fatalf("new entry is %s, want pending", e.State)
	}
	seen := func(p *auth.Principal) int {
		t.Helper()
		return len(must(f.svc.LogView(f.ctx, p, inc.ID, "", 0)))
	}
	if n := seen(f.as("PDMA Punjab", auth.RoleViewer)); n != 0 {
		t.Fatalf("a lead-organisation viewer sees %d pending entries", n)
	}
	if n := seen(f.as("PDMA Sindh", auth.RoleViewer)); n != 1 {
		t.Fatalf("the writer's organisation sees %d of its pending entries", n)
	}
	controller := f.ops("PDMA Punjab")
	if n := seen(controller); n != 1 {
		t.Fatalf("the controller sees %d pending entries", n)
	}

	for _, tc := range []struct {
		name string
		p    *auth.Principal
		want error
	}{
		{"without the vetting right", f.as("PDMA Punjab", auth.RoleDutyOfficer), ops.ErrForbidden},
		{"a controller of a participant, not the lead", f.ops("PDMA Sindh"), ops.ErrForbidden},
	} {
		if _, err := f.svc.Vet(f.ctx, tc.p, e.ID, true, ""); !errors.Is(err, tc.want) {
			t.Errorf("vetting by %s = %v, want %v", tc.name, err, tc.want)
		}
		if got := must(f.db.OpsLog().Get(f.ctx, e.ID)); got.State != store.LogPending {
			t.Fatalf("refused vetting by %s changed the entry to %s", tc.name, got.State)
		}
	}
	own := must(f.svc.WriteLog(f.ctx, controller, inc.ID, "Army columns requested", start, nil))
	if _, err := f.svc.Vet(f.ctx, controller, own.ID, true, ""); !errors.Is(err, ops.ErrForbidden) || !strings.Contains(err.Error(), "author") {
		t.Fatalf("a controller vetting their own entry = %v", err)
	}
	if _, err := f.svc.Vet(f.ctx, controller, e.ID, false, " "); !errors.Is(err, ops.ErrInvalid) {
		t.Fatalf("turning back without a reason = %v", err)
	}
	vetted := must(f.svc.Vet(f.ctx, controller, e.ID, true, ""))
	if vetted.State != store.LogVetted || vetted.VettedBy != controller.User.ID {
		t.Fatalf("vetted = %+v", vetted)
	}
	if _, err := f.svc.Vet(f.ctx, controller, e.ID, false, "late"); !errors.Is(err, ops.ErrWrongState) {
		t.Fatalf("vetting twice = %v", err)
	}
	// Punjab's viewer sees Sindh's vetted entry and Punjab's own pending one.
	if n := seen(f.as("PDMA Punjab", auth.RoleViewer)); n != 2 {
		t.Fatalf("after vetting, a Punjab viewer sees %d entries, want 2", n)
	}
	if _, err := f.svc.LogView(f.ctx, f.as("DDMA Karachi", auth.RoleViewer), inc.ID, "", 0); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("an organisation the incident is not shared with reads its log: %v", err)
	}
	audit := must(f.db.Audit().ListForEntity(f.ctx, "log_entry", e.ID))
	if len(audit) != 2 || audit[0].Action != "log.vetted" {
		t.Fatalf("audit of the entry = %+v", audit)
	}
}

// TestLogBadInput: each bad entry is refused with a clear error and leaves no trace.
func TestLogBadInput(t *testing.T) {
	f := newFixture(t)
	inc := f.incident("PDMA Punjab")
	p := f.ops("PDMA Punjab")
	exe := append([]byte("MZ\x90\x00"), bytes.Repeat([]byte{0}, 100)...)
	for _, tc := range []struct {
		name  string
		p     *auth.Principal
		inc   string
		body  string
		at    time.Time
		files []ops.NewAttachment
		want  error
		field string
	}{
		{"empty", p, inc.ID, "  ", start, nil, ops.ErrInvalid, "body"},
		{"too long", p, inc.ID, strings.Repeat("ب", ops.MaxEntryText+1), start, nil, ops.ErrInvalid, "body"},
		{"in the future", p, inc.ID, "x", start.Add(time.Hour), nil, ops.ErrInvalid, "occurred_at"},
		{"an executable", p, inc.ID, "x", start, []ops.NewAttachment{{Name: "a.jpg", Content: exe}}, ops.ErrInvalid, "attachments"},
		{"too big", p, inc.ID, "x", start, []ops.NewAttachment{{Name: "a.png", Content: append(pngHeader, make([]byte, ops.MaxAttachmentBytes)...)}}, ops.ErrInvalid, "attachments"},
		{"a path as name", p, inc.ID, "x", start, []ops.NewAttachment{{Name: "../etc/passwd", Content: pngHeader}}, ops.ErrInvalid, "attachments"},
		{"too many", p, inc.ID, "x", start, make([]ops.NewAttachment, ops.MaxAttachments+1), ops.ErrInvalid, "attachments"},
		{"a viewer", f.as("PDMA Punjab", auth.RoleViewer), inc.ID, "x", start, nil, ops.ErrForbidden, ""},
		{"an incident not visible", f.ops("PDMA Sindh"), inc.ID, "x", start, nil, store.ErrNotFound, ""},
	} {
		_, err := f.svc.WriteLog(f.ctx, tc.p, tc.inc, tc.body, tc.at, tc.files)
		var fe *ops.FieldError
		if !errors.Is(err, tc.want) || (tc.field != "" && (!errors.As(err, &fe) || fe.Field != tc.field)) {
			t.Errorf("%s: %v, want %v on %q", tc.name, err, tc.want, tc.field)
		}
	}
	if n := len(must(f.db.OpsLog().List(f.ctx, store.LogFilter{}))); n != 0 {
		t.Fatalf("%d entries written by refused requests", n)
	}
	// A good entry with a photo: the type is sniffed from the bytes, not taken from the name.
	e := must(f.svc.WriteLog(f.ctx, p, inc.ID, "Photo of the breach", start, []ops.NewAttachment{{Name: "breach.jpg", Content: pngHeader}}))
	atts := must(f.db.OpsLog().Attachments(f.ctx, e.ID))
	if len(atts) != 1 || atts[0].ContentType != "image/png" {
		t.Fatalf("attachments = %+v", atts)
	}
}

// TestSharedLogExport: the export across incidents streams the vetted entries of the incidents
// the caller sees, in order, and nothing else.
func TestSharedLogExport(t *testing.T) {
	f := newFixture(t)
	punjab, sindh := f.incident("PDMA Punjab"), f.incident("PDMA Sindh")
	for _, tc := range []struct {
		org, inc string
	}{{"PDMA Punjab", punjab.ID}, {"PDMA Sindh", sindh.ID}, {"PDMA Punjab", punjab.ID}} {
		e := must(f.svc.WriteLog(f.ctx, f.as(tc.org, auth.RoleDutyOfficer), tc.inc, "entry of "+tc.org, start, nil))
		must(f.svc.Vet(f.ctx, f.ops(tc.org), e.ID, true, ""))
	}
	must(f.svc.WriteLog(f.ctx, f.ops("PDMA Punjab"), punjab.ID, "still pending", start, nil))
	var got []string
	err := f.svc.StreamSharedLog(f.ctx, f.as("PDMA Punjab", auth.RoleViewer), "", func(e store.LogEntry) error {
		got = append(got, e.Body)
		return nil
	})
	if err != nil || len(got) != 2 || got[0] != "entry of PDMA Punjab" {
		t.Fatalf("Punjab's export = %v, %v", got, err)
	}
	got = nil
	if err := f.svc.StreamSharedLog(f.ctx, f.as("NDMA", auth.RoleViewer), "", func(e store.LogEntry) error {
		got = append(got, e.Body)
		return nil
	}); err != nil || len(got) != 3 {
		t.Fatalf("NDMA's export = %v, %v", got, err)
	}
}
