package storetest

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/taawun/taawun/internal/clock"
	"github.com/taawun/taawun/internal/mode"
	"github.com/taawun/taawun/internal/store"
)

func testAlerts(t *testing.T, s store.Store, clk *clock.Manual) {
	ctx := context.Background()
	u := mustUser(t, s)
	var a store.Alert
	var v store.AlertVersion
	err := s.WithTx(ctx, func(tx store.Tx) error {
		a = store.Alert{OrgID: u.OrgID, Hazard: "riverine_flood", CAPStatus: "Actual", State: store.AlertDraft, DrafterID: u.ID, Headline: "Flood"}
		if err := tx.Alerts().Create(ctx, &a); err != nil {
			return err
		}
		v = store.AlertVersion{AlertID: a.ID, Kind: store.KindAlert, State: store.VersionDraft, Content: json.RawMessage(`{"x":1}`), DrafterID: u.ID}
		return tx.Alerts().CreateVersion(ctx, &v)
	})
	if err != nil {
		t.Fatal(err)
	}
	if v.Seq != 1 {
		t.Fatalf("first version seq %d", v.Seq)
	}
	if err := s.WithTx(ctx, func(tx store.Tx) error {
		return tx.Alerts().Create(ctx, &store.Alert{OrgID: u.OrgID, CAPStatus: "Actual", State: store.AlertDraft})
	}); !errors.Is(err, store.ErrInvalidRecord) {
		t.Fatalf("alert without hazard: %v", err)
	}

	clk.Advance(time.Minute)
	v.State, v.SubmitterID, v.SubmittedAt = store.VersionSubmitted, u.ID, clk.Now()
	if err := s.Alerts().UpdateVersion(ctx, &v); err != nil {
		t.Fatal(err)
	}
	queue, err := s.Alerts().Submitted(ctx, []string{u.OrgID})
	if err != nil || len(queue) != 1 || queue[0].ID != v.ID || !queue[0].SubmittedAt.Equal(clk.Now()) {
		t.Fatalf("Submitted = %+v, %v", queue, err)
	}
	if other, _ := s.Alerts().Submitted(ctx, []string{"elsewhere"}); len(other) != 0 {
		t.Fatal("queue shows another organisation's alert")
	}

	sent := clk.Now()
	a.State, a.Identifier, a.Issued, a.Expires = store.AlertIssued, "taawun.pk-test.1", 1, sent.Add(6*time.Hour)
	msg := store.AlertMessage{AlertID: a.ID, VersionID: v.ID, OrgID: u.OrgID, Identifier: "taawun.pk-test.1", MsgType: "Alert",
		CAPStatus: "Actual", Sent: sent, Expires: a.Expires, XML: []byte("<alert/>")}
	err = s.WithTx(ctx, func(tx store.Tx) error {
		if err := tx.Alerts().Update(ctx, &a); err != nil {
			return err
		}
		return tx.Alerts().AddMessage(ctx, &msg)
	})
	if err != nil {
		t.Fatal(err)
	}
	clk.Advance(time.Hour)
	update := store.AlertMessage{AlertID: a.ID, VersionID: v.ID, OrgID: u.OrgID, Identifier: "taawun.pk-test.2", MsgType: "Update",
		CAPStatus: "Actual", Sent: clk.Now(), Expires: a.Expires, XML: []byte("<alert>2</alert>")}
	if err := s.Alerts().AddMessage(ctx, &update); err != nil {
		t.Fatal(err)
	}
	if err := s.Alerts().AddMessage(ctx, &store.AlertMessage{AlertID: a.ID, VersionID: v.ID, Identifier: "taawun.pk-test.2", MsgType: "Update",
		CAPStatus: "Actual", Sent: clk.Now(), Expires: a.Expires}); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("duplicate identifier: %v", err)
	}
	cur, err := s.Alerts().Current(ctx, "Actual", clk.Now().Add(-24*time.Hour), 10)
	if err != nil || len(cur) != 1 || cur[0].Identifier != "taawun.pk-test.2" || string(cur[0].XML) != "<alert>2</alert>" {
		t.Fatalf("Current = %+v, %v", cur, err)
	}
	if tests, _ := s.Alerts().Current(ctx, "Test", time.Time{}, 10); len(tests) != 0 {
		t.Fatal("Current mixes CAP statuses")
	}
	if got, err := s.Alerts().Message(ctx, "taawun.pk-test.1"); err != nil || got.ID != msg.ID {
		t.Fatalf("Message by identifier = %+v, %v", got, err)
	}
	if all, _ := s.Alerts().Messages(ctx, a.ID); len(all) != 2 || all[0].MsgType != "Alert" {
		t.Fatalf("Messages = %+v", all)
	}
	ex, _ := mode.Exercise("drill")
	if _, err := s.Alerts().Get(mode.With(ctx, ex), a.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("live alert visible in an exercise: %v", err)
	}
	if cur, _ := s.Alerts().Current(mode.With(ctx, ex), "Actual", time.Time{}, 10); len(cur) != 0 {
		t.Fatal("live message in an exercise feed")
	}
	if due, _ := s.Alerts().DueToExpire(ctx, clk.Now()); len(due) != 0 {
		t.Fatal("alert due before its expiry")
	}
	due, err := s.Alerts().DueToExpire(ctx, a.Expires)
	if err != nil || len(due) != 1 {
		t.Fatalf("DueToExpire = %v, %v", due, err)
	}
	list, err := s.Alerts().List(ctx, store.AlertFilter{OrgIDs: []string{u.OrgID}, States: []store.AlertState{store.AlertIssued}})
	if err != nil || len(list) != 1 || list[0].Issued != 1 || !list[0].Expires.Equal(a.Expires) {
		t.Fatalf("List = %+v, %v", list, err)
	}
}
