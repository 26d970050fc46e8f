package dissem

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/taawun/taawun/internal/bus"
	"github.com/taawun/taawun/internal/cap"
	"github.com/taawun/taawun/internal/clock"
	"github.com/taawun/taawun/internal/store"
	"github.com/taawun/taawun/internal/store/sqlstore/sqltest"
)

func lahoreArea(t *testing.T) *Area {
	t.Helper()
	a, err := AreaOf(context.Background(), nil, &cap.Alert{Identifier: "x", Infos: []cap.Info{{Areas: []cap.Area{{AreaDesc: "Lahore", Circles: []string{"31.55,74.34 20"}}}}}})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func ids(rs []store.Recipient) string {
	var out []string
	for _, r := range rs {
		out = append(out, r.ID)
	}
	return strings.Join(out, ",")
}

// TestIndexTargeterMatchesScanAndFollowsTheBus: the index answers as the scan does, and takes in
// a recipient created after it was built, from the recipient's bus event, and an import.
func TestIndexTargeterMatchesScanAndFollowsTheBus(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	db := sqltest.Open(t, sqltest.SQLiteURL(t), "pk-ndma", clock.System{})
	b, err := bus.Open(ctx, bus.Options{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	relay := &bus.Relay{Store: db, JS: b.JS, Wake: db.Committed()}
	go relay.Run(ctx)

	if _, err := ImportCSV(ctx, db, strings.NewReader("name,phone,lat,lon\nin,+923001111111,31.52,74.36\nout,+923002222222,24.86,67.01\n"), nil); err != nil {
		t.Fatal(err)
	}
	ix := &IndexTargeter{Store: db}
	if err := ix.Load(ctx); err != nil {
		t.Fatal(err)
	}
	go ix.Follow(ctx, b.Conn, "pk-ndma")
	area := lahoreArea(t)
	got, _ := ix.Inside(ctx, area)
	want, _ := ScanTargeter{Store: db}.Inside(ctx, area)
	if len(got) != 1 || ids(got) != ids(want) {
		t.Fatalf("index %v, scan %v", ids(got), ids(want))
	}

	select {
	case <-ix.Following():
	case <-time.After(10 * time.Second):
		t.Fatal("the index did not subscribe")
	}
	late := store.Recipient{Name: "late", Email: "late@example.pk", Confirmed: true, Channels: []store.Channel{store.ChannelEmail},
		Locations: []store.Location{{Lat: 31.60, Lon: 74.30}}}
	err = db.WithTx(ctx, func(tx store.Tx) error {
		if err := tx.Recipients().Create(ctx, &late); err != nil {
			return err
		}
		return tx.Record(ctx, store.Change{Actor: "test", Action: "recipient.created", EntityType: "recipient", EntityID: late.ID})
	})
	if err != nil {
		t.Fatal(err)
	}
	waitInside(t, ix, area, 2)
	if _, err := ImportCSV(ctx, db, strings.NewReader("name,phone,lat,lon\nmore,+923003333333,31.50,74.40\n"), nil); err != nil {
		t.Fatal(err)
	}
	waitInside(t, ix, area, 3)
}

func waitInside(t *testing.T, ix *IndexTargeter, area *Area, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		got, err := ix.Inside(context.Background(), area)
		if err == nil && len(got) == n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("index holds %d inside, want %d (%v)", len(got), n, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
