package impact

import "math"

// Intensity prediction equation of Allen, T. I., Wald, D. J. and Worden,
// C. B. (2012), "Intensity attenuation for active crustal regions",
// Journal of Seismology 16:409–433, doi:10.1007/s10950-012-9278-7.
//
// Hypocentral-distance form (point source), the paper's eq. 6:
//
//	MMI = c0 + c1·M + c2·ln√(R² + Rm²) + S,   Rm = m1 + m2·exp(M − 5)
//	S   = 0 for R ≤ 50 km,  c4·ln(R/50) for R > 50 km
//
// with R the hypocentral distance in km and
//
//	c0 = 2.085, c1 = 1.428, c2 = −1.402, c4 = 0.078, m1 = −0.209, m2 = 2.042.
//
// Rupture-distance form, the paper's eq. 5:
//
//	MMI = c0 + c1·M + c2·ln√(R² + (1 + c3·exp(M − 5))²)
//
// with R the closest distance to the rupture in km and
//
//	c0 = 3.950, c1 = 0.913, c2 = −1.107, c3 = 0.813.
//
// The coefficients were checked against the paper as quoted by OpenQuake's
// AllenEtAl2012 and AllenEtAl2012Rhypo implementations. Both forms are for
// average (rock-to-firm) site conditions; no site amplification is applied.
const (
	hypoC0, hypoC1, hypoC2, hypoC4 = 2.085, 1.428, -1.402, 0.078
	hypoM1, hypoM2                 = -0.209, 2.042
	hypoBreakKm                    = 50.0

	rupC0, rupC1, rupC2, rupC3 = 3.950, 0.913, -1.107, 0.813
)

// MMIHypocentral predicts intensity at hypocentral distance rKm for moment
// magnitude m.
func MMIHypocentral(m, rKm float64) float64 { return mmiHypocentral(m, hypoRm(m), rKm) }

func hypoRm(m float64) float64 { return hypoM1 + hypoM2*math.Exp(m-5) }

// mmiHypocentral is MMIHypocentral given Rm.
func mmiHypocentral(m, rm, rKm float64) float64 {
	i := hypoC0 + hypoC1*m + hypoC2*math.Log(math.Sqrt(rKm*rKm+rm*rm))
	if rKm > hypoBreakKm {
		i += hypoC4 * math.Log(rKm/hypoBreakKm)
	}
	return i
}

// MMIRupture predicts intensity at rupture distance rKm for moment
// magnitude m.
func MMIRupture(m, rKm float64) float64 { return mmiRupture(m, rupT(m), rKm) }

func rupT(m float64) float64 { return 1 + rupC3*math.Exp(m-5) }

// mmiRupture is MMIRupture given 1 + c3·exp(M − 5).
func mmiRupture(m, t, rKm float64) float64 {
	return rupC0 + rupC1*m + rupC2*math.Log(math.Sqrt(rKm*rKm+t*t))
}

// Rupture dimensions from Wells, D. L. and Coppersmith, K. J. (1994), "New
// empirical relationships among magnitude, rupture length, rupture width,
// rupture area, and surface displacement", BSSA 84(4):974–1002, Table 2A,
// all slip types: subsurface rupture length log10(RLD) = −2.44 + 0.59·M and
// downdip rupture width log10(RW) = −1.01 + 0.32·M (km).
func ruptureLengthKm(m float64) float64 { return math.Pow(10, -2.44+0.59*m) }
func ruptureWidthKm(m float64) float64  { return math.Pow(10, -1.01+0.32*m) }

// shaking is the intensity equation of one quake, with what depends on its magnitude and depth
// alone worked out once: an estimate evaluates it a few hundred times (a bisection per band,
// the ranked places), and the exponential and powers were most of each evaluation.
type shaking struct {
	Quake
	rm      float64 // point source: Rm
	t       float64 // finite fault: 1 + c3·exp(M − 5)
	halfLen float64 // finite fault: half the rupture length
	ztop    float64 // finite fault: depth of the rupture's top
}

func (q Quake) shaking() shaking {
	s := shaking{Quake: q}
	if q.FiniteFault {
		s.t = rupT(q.Magnitude)
		s.halfLen = ruptureLengthKm(q.Magnitude) / 2
		s.ztop = math.Max(0, q.DepthKm-ruptureWidthKm(q.Magnitude)/2)
	} else {
		s.rm = hypoRm(q.Magnitude)
	}
	return s
}

// intensityAt returns the predicted MMI at epicentral distance dKm.
//
// With a finite fault the strike is unknown (feeds give a point), so the
// rupture is taken as a line of Wells & Coppersmith length centred on the
// epicentre and pointing at the site, its top at the hypocentre depth less
// half the rupture width: the closest distance is then
// √(max(0, d − L/2)² + Ztop²). This is the worst case over strikes, a
// circular footprint widened by half the rupture length.
func (s shaking) intensityAt(dKm float64) float64 {
	if !s.FiniteFault {
		return mmiHypocentral(s.Magnitude, s.rm, math.Hypot(dKm, s.DepthKm))
	}
	return mmiRupture(s.Magnitude, s.t, math.Hypot(math.Max(0, dKm-s.halfLen), s.ztop))
}

// maxRadiusKm bounds the search for band radii.
const maxRadiusKm = 3000

// radiusFor returns the largest epicentral distance at which the predicted
// intensity is at least mmi (0 if it is nowhere). Intensity decreases with
// distance in both forms, so bisection finds it.
func (s shaking) radiusFor(mmi float64) float64 {
	if s.intensityAt(0) < mmi {
		return 0
	}
	if s.intensityAt(maxRadiusKm) >= mmi {
		return maxRadiusKm
	}
	lo, hi := 0.0, float64(maxRadiusKm)
	for hi-lo > 0.001 {
		mid := (lo + hi) / 2
		if s.intensityAt(mid) >= mmi {
			lo = mid
		} else {
			hi = mid
		}
	}
	return lo
}
