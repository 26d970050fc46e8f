package geotarget

import (
	"testing"

	"github.com/paulmach/orb"
)

func box(minLon, minLat, maxLon, maxLat float64) orb.Polygon {
	return orb.Polygon{{{minLon, minLat}, {maxLon, minLat}, {maxLon, maxLat}, {minLon, maxLat}, {minLon, minLat}}}
}

func TestMeets(t *testing.T) {
	tests := []struct {
		name string
		a, b orb.Polygon
		want bool
	}{
		{"overlapping corners", box(0, 0, 2, 2), box(1, 1, 3, 3), true},
		{"disjoint", box(0, 0, 1, 1), box(2, 2, 3, 3), false},
		{"bounds overlap, shapes apart", orb.Polygon{{{0, 0}, {4, 0}, {0, 4}, {0, 0}}}, box(3, 3, 4, 4), false},
		{"one inside the other", box(0, 0, 10, 10), box(4, 4, 5, 5), true},
		{"other inside the one", box(4, 4, 5, 5), box(0, 0, 10, 10), true},
		{"crossing, no vertex inside", box(0, 2, 10, 3), box(4, 0, 5, 10), true},
		{"touching along an edge", box(0, 0, 1, 1), box(1, 0, 2, 1), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Meets(orb.MultiPolygon{tt.a}, orb.MultiPolygon{tt.b}); got != tt.want {
				t.Errorf("Meets = %v, want %v", got, tt.want)
			}
		})
	}
}
