package geotarget

// rect is a closed box in degrees: x is longitude, y is latitude.
type rect struct {
	minX, minY, maxX, maxY float64
}

func (r rect) intersects(o rect) bool {
	return r.minX <= o.maxX && o.minX <= r.maxX && r.minY <= o.maxY && o.minY <= r.maxY
}

func (r rect) contains(x, y float64) bool {
	return r.minX <= x && x <= r.maxX && r.minY <= y && y <= r.maxY
}

func (r rect) union(o rect) rect {
	return rect{min(r.minX, o.minX), min(r.minY, o.minY), max(r.maxX, o.maxX), max(r.maxY, o.maxY)}
}

// emptyRect is the identity of union.
var emptyRect = rect{minX: 1e300, minY: 1e300, maxX: -1e300, maxY: -1e300}
