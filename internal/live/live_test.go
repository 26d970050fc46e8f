package live

import (
	"context"
	"testing"
	"time"

	"github.com/taawun/taawun/internal/bus"
	"github.com/taawun/taawun/internal/mode"
)

func TestHubDeliversByMode(t *testing.T) {
	b, err := bus.Open(context.Background(), bus.Options{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	h, err := Start(b.Conn, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer h.Stop()
	drill, _ := mode.Exercise("drill")
	liveC, drillC := h.Subscribe(mode.Live), h.Subscribe(drill)
	defer liveC.Close()
	defer drillC.Close()

	b.Conn.Publish("taawun.pk-ndma.x-drill.alert.issued", []byte(`{"id":"e1","org_id":"o1"}`))
	b.Conn.Publish("taawun.pk-ndma.live.org.created", []byte(`{"id":"e2"}`))
	b.Conn.Publish("not.ours", []byte(`{}`))
	b.Conn.Flush()

	select {
	case e := <-drillC.Events():
		if e.ID != "e1" || e.Kind != "alert.issued" || e.OrgID != "o1" || e.Node != "pk-ndma" {
			t.Fatalf("drill client got %+v", e)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("drill event not delivered")
	}
	select {
	case e := <-liveC.Events():
		if e.ID != "e2" {
			t.Fatalf("live client got %+v (an exercise event leaked?)", e)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("live event not delivered")
	}
	select {
	case e := <-liveC.Events():
		t.Fatalf("extra event %+v", e)
	case <-time.After(100 * time.Millisecond):
	}
}
