package impact

// Alert level from exposure.
//
// USGS PAGER colours an earthquake by its estimated fatalities: green
// below 1, yellow 1–99, orange 100–999, red 1,000 or more (PAGER also
// colours by economic loss; we have no exposure values, so not here).
// PAGER's fatality model multiplies the population at each intensity by a
// country-specific fatality rate (Jaiswal & Wald 2010), which we do not
// reproduce. Instead we apply one set of indicative rates typical of the
// vulnerable building stock of the region (order of magnitude of PAGER's
// empirical rates for Pakistan, Iran and Central Asia), and PAGER's
// thresholds to the result:
//
//	VI 1e-6, VII 1e-4, VIII 1e-3, IX 1e-2, X+ 3e-2
//
// so, for example, 10,000 people at VIII (≈10) make yellow, 100,000 at VIII
// or 10,000 at IX (≈100) orange, 1,000,000 at VIII or 100,000 at IX red.
// The figure is an index, not a casualty estimate, and is never shown as
// one. With the places layer the exposure is an urban lower bound, so the
// level errs low.
func fatalityRate(band int) float64 {
	switch {
	case band >= 10:
		return 3e-2
	case band == 9:
		return 1e-2
	case band == 8:
		return 1e-3
	case band == 7:
		return 1e-4
	case band == 6:
		return 1e-6
	}
	return 0
}

// PAGER's fatality thresholds.
const (
	yellowFrom = 1
	orangeFrom = 100
	redFrom    = 1000
)

// levelFor returns the level of an exposure per band.
func levelFor(bands []Band) Level {
	var f float64
	for _, b := range bands {
		f += float64(b.Population) * fatalityRate(b.MMI)
	}
	switch {
	case f >= redFrom:
		return LevelRed
	case f >= orangeFrom:
		return LevelOrange
	case f >= yellowFrom:
		return LevelYellow
	}
	return LevelGreen
}
