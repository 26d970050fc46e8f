package web

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestLiveStreamShowsHazardEventsToEveryOfficer: hazard events belong to the node, not to an
// organisation, and reach a district viewer's live stream as they reach the national tier's.
func TestLiveStreamShowsHazardEventsToEveryOfficer(t *testing.T) {
	n := newTestNode(t)
	viewer := n.login(t, "viewer.lahore")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, viewer.Base+"/api/v1/events", nil)
	stream := newEventReader(viewer.Do(req))
	ev := n.addKashmir(t)
	e, err := stream.next()
	if err != nil || e.Kind != "hazard.event.new" || e.ID == "" {
		t.Fatalf("district viewer's stream: %+v, %v", e, err)
	}
	if !strings.Contains(string(e.Data), ev.ID) {
		t.Fatalf("event %s not in %s", ev.ID, e.Data)
	}
}
