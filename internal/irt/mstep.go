package irt

import (
	"math"
)

// Parameter bounds that keep a runaway item (one answered correctly by
// everybody, say) from overflowing the tables.
const (
	maxSlope     = 20
	maxIntercept = 60
)

// Limits of the M-step's Newton iterations: iterations per M-step and step
// halvings per iteration. Each iteration also stops once the objective gains
// less than 1e-15 relative (no progress at double precision).
const (
	maxNewton   = 50
	maxHalvings = 30
)

// BetaPrior is a Beta(Alpha, Beta) prior density, used for the 3PL lower
// asymptote c.
type BetaPrior struct{ Alpha, Beta float64 }

// LogNormalPrior is a log-normal prior on the slope a: log a ~ N(Mean, SD²).
type LogNormalPrior struct{ Mean, SD float64 }

// itemData is the expected-count view of one item after an E-step.
type itemData struct {
	nodes []float64
	n     []float64 // expected examinees answering, per node
	r     []float64 // K×Q: expected examinees scoring x=1..K, per node
}

// dbtDerivs returns the expected complete-data log-likelihood of a
// divide-by-total item (Rasch, 2PL, GPCM) at (a, d) and writes its gradient
// and Fisher information with respect to (a, d_1..d_K) into grad (K+1) and
// info ((K+1)², row-major).
func dbtDerivs(x *itemData, a float64, d []float64, grad, info, p []float64) float64 {
	K := len(d)
	Q := len(x.nodes)
	np := K + 1
	clear(grad[:np])
	clear(info[:np*np])
	obj := 0.0
	for q, th := range x.nodes {
		n := x.n[q]
		if n <= 0 {
			continue
		}
		mx := 0.0
		for c := 0; c < K; c++ {
			mx = math.Max(mx, a*float64(c+1)*th+d[c])
		}
		p[0] = math.Exp(-mx)
		sum := p[0]
		for c := 0; c < K; c++ {
			p[c+1] = math.Exp(a*float64(c+1)*th + d[c] - mx)
			sum += p[c+1]
		}
		lse := mx + math.Log(sum)
		inv := 1 / sum
		var e, e2, sr, rz float64
		for c := 0; c <= K; c++ {
			p[c] *= inv
			fc := float64(c)
			e += fc * p[c]
			e2 += fc * fc * p[c]
		}
		for c := 1; c <= K; c++ {
			rc := x.r[(c-1)*Q+q]
			sr += float64(c) * rc
			rz += rc * (a*float64(c)*th + d[c-1])
		}
		obj += rz - n*lse
		grad[0] += th * (sr - n*e)
		info[0] += n * th * th * (e2 - e*e)
		for k := 1; k <= K; k++ {
			rk := x.r[(k-1)*Q+q]
			grad[k] += rk - n*p[k]
			v := n * th * p[k] * (float64(k) - e)
			info[k] += v
			info[k*np] += v
			for l := 1; l <= K; l++ {
				w := -n * p[k] * p[l]
				if k == l {
					w += n * p[k]
				}
				info[k*np+l] += w
			}
		}
	}
	return obj
}

// mws is reusable memory for the M-step of one item.
type mws struct {
	grad, info, grad2, info2, p, step, cand, tmp []float64
}

func newMWS(kmax int) *mws {
	n := kmax + 2
	return &mws{
		grad: make([]float64, n), info: make([]float64, n*n),
		grad2: make([]float64, n), info2: make([]float64, n*n),
		p: make([]float64, n), step: make([]float64, n), cand: make([]float64, n),
		tmp: make([]float64, n*n),
	}
}

// fitDBT maximises the expected log-likelihood of a divide-by-total item over
// its own slope and intercepts by Newton's method with step halving.
func fitDBT(x *itemData, s *itemState, ws *mws) {
	K := s.k
	np := K + 1
	obj := dbtDerivs(x, s.a, s.d, ws.grad, ws.info, ws.p)
	for iter := 0; iter < maxNewton; iter++ {
		gain := 0.0
		if !solveSPD(ws.info[:np*np], ws.grad[:np], ws.step[:np], ws.tmp) {
			return
		}
		lambda := 1.0
		accepted := false
		for h := 0; h < maxHalvings; h++ {
			ca := clamp(s.a+lambda*ws.step[0], -maxSlope, maxSlope)
			cd := ws.cand[:K]
			for k := range cd {
				cd[k] = clamp(s.d[k]+lambda*ws.step[k+1], -maxIntercept, maxIntercept)
			}
			o := dbtDerivs(x, ca, cd, ws.grad2, ws.info2, ws.p)
			if o >= obj-1e-12*(1+math.Abs(obj)) {
				s.a = ca
				copy(s.d, cd)
				gain = o - obj
				obj = o
				ws.grad, ws.grad2 = ws.grad2, ws.grad
				ws.info, ws.info2 = ws.info2, ws.info
				accepted = true
				break
			}
			lambda /= 2
		}
		if !accepted || maxAbs(ws.step[:np])*lambda < 1e-10 || gain < 1e-15*(1+math.Abs(obj)) {
			return
		}
	}
}

// fitSharedSlope is the M-step of the Rasch model: one slope shared by the
// items plus an intercept per item, by Newton's method on the joint
// (arrow-shaped) information matrix through its Schur complement.
func fitSharedSlope(data []itemData, states []itemState, free []int, a *float64, ws *mws) {
	if len(free) == 0 {
		return
	}
	// per holds one item's gradient and information entries for (a, d).
	type per struct{ ga, gd, haa, had, hdd float64 }
	eval := func(aa float64, d []float64, out []per) float64 {
		total := 0.0
		for n, j := range free {
			dd := d[n : n+1]
			total += dbtDerivs(&data[j], aa, dd, ws.grad, ws.info, ws.p)
			out[n] = per{ga: ws.grad[0], gd: ws.grad[1], haa: ws.info[0], had: ws.info[1], hdd: ws.info[3]}
		}
		return total
	}
	dcur := make([]float64, len(free))
	for n, j := range free {
		dcur[n] = states[j].d[0]
	}
	cur := make([]per, len(free))
	cand := make([]per, len(free))
	dnew := make([]float64, len(free))
	stepD := make([]float64, len(free))
	obj := eval(*a, dcur, cur)
	for iter := 0; iter < maxNewton; iter++ {
		gain := 0.0
		var S, G float64
		for _, c := range cur {
			S += c.haa
			G += c.ga
			if c.hdd > 0 {
				S -= c.had * c.had / c.hdd
				G -= c.had * c.gd / c.hdd
			}
		}
		da := 0.0
		if S > 0 {
			da = G / S
		}
		for n, c := range cur {
			stepD[n] = 0
			if c.hdd > 0 {
				stepD[n] = (c.gd - c.had*da) / c.hdd
			}
		}
		lambda := 1.0
		accepted := false
		for h := 0; h < maxHalvings; h++ {
			aa := clamp(*a+lambda*da, 1e-3, maxSlope)
			for n := range free {
				dnew[n] = clamp(dcur[n]+lambda*stepD[n], -maxIntercept, maxIntercept)
			}
			o := eval(aa, dnew, cand)
			if o >= obj-1e-12*(1+math.Abs(obj)) {
				*a = aa
				copy(dcur, dnew)
				gain = o - obj
				obj = o
				cur, cand = cand, cur
				accepted = true
				break
			}
			lambda /= 2
		}
		if !accepted || math.Max(math.Abs(da), maxAbs(stepD))*lambda < 1e-10 || gain < 1e-15*(1+math.Abs(obj)) {
			break
		}
	}
	for n, j := range free {
		states[j].d[0] = dcur[n]
	}
}

// threePLDerivs returns the expected log-likelihood plus log priors of a 3PL
// item at (a, d, g) with its gradient and Fisher information.
func threePLDerivs(x *itemData, a, d, g float64, cp BetaPrior, sp *LogNormalPrior, grad, info []float64) float64 {
	clear(grad[:3])
	clear(info[:9])
	c := logistic(g)
	l1c := math.Log1p(-c)
	obj := 0.0
	for q, th := range x.nodes {
		n := x.n[q]
		if n <= 0 {
			continue
		}
		r := x.r[q]
		z := a*th + d
		sg := logistic(z)
		P := c + (1-c)*sg
		lq := l1c - softplus(z)
		obj += r*math.Log(P) + (n-r)*lq
		pq := P * math.Exp(lq)
		if pq <= 0 {
			continue
		}
		ds := (1 - c) * sg * (1 - sg)
		dp := [3]float64{ds * th, ds, (1 - sg) * c * (1 - c)}
		sc := (r - n*P) / pq
		w := n / pq
		for k := 0; k < 3; k++ {
			grad[k] += sc * dp[k]
			for l := 0; l < 3; l++ {
				info[k*3+l] += w * dp[k] * dp[l]
			}
		}
	}
	if cp.Alpha > 0 && cp.Beta > 0 {
		obj += (cp.Alpha-1)*math.Log(c) + (cp.Beta-1)*l1c
		grad[2] += (cp.Alpha-1)*(1-c) - (cp.Beta-1)*c
		info[8] += (cp.Alpha + cp.Beta - 2) * c * (1 - c)
	}
	if sp != nil && sp.SD > 0 && a > 0 {
		la := math.Log(a)
		s2 := sp.SD * sp.SD
		obj += -la - (la-sp.Mean)*(la-sp.Mean)/(2*s2)
		grad[0] += -1/a - (la-sp.Mean)/(s2*a)
		info[0] += math.Max(0, (1-(la-sp.Mean))/(s2*a*a)-1/(a*a))
	}
	return obj
}

// fit3PL maximises the posterior of a 3PL item by Fisher scoring with step
// halving.
func fit3PL(x *itemData, s *itemState, cp BetaPrior, sp *LogNormalPrior, ws *mws) {
	obj := threePLDerivs(x, s.a, s.d[0], s.g, cp, sp, ws.grad, ws.info)
	for iter := 0; iter < maxNewton; iter++ {
		gain := 0.0
		if !solveSPD(ws.info[:9], ws.grad[:3], ws.step[:3], ws.tmp) {
			return
		}
		lambda := 1.0
		accepted := false
		for h := 0; h < maxHalvings; h++ {
			ca := clamp(s.a+lambda*ws.step[0], 1e-3, maxSlope)
			cd := clamp(s.d[0]+lambda*ws.step[1], -maxIntercept, maxIntercept)
			cg := clamp(s.g+lambda*ws.step[2], -15, 15)
			o := threePLDerivs(x, ca, cd, cg, cp, sp, ws.grad2, ws.info2)
			if o >= obj-1e-12*(1+math.Abs(obj)) {
				s.a, s.d[0], s.g = ca, cd, cg
				gain = o - obj
				obj = o
				ws.grad, ws.grad2 = ws.grad2, ws.grad
				ws.info, ws.info2 = ws.info2, ws.info
				accepted = true
				break
			}
			lambda /= 2
		}
		if !accepted || maxAbs(ws.step[:3])*lambda < 1e-9 || gain < 1e-15*(1+math.Abs(obj)) {
			return
		}
	}
}

// solveSPD solves H x = g for a symmetric positive definite H (n×n) by
// Cholesky decomposition, adding a small ridge when H is near singular. It
// reports false when no solution could be found.
func solveSPD(h, g, x, tmp []float64) bool {
	n := len(g)
	ridge := 0.0
	for attempt := 0; attempt < 8; attempt++ {
		L := tmp[:n*n]
		ok := true
		for i := 0; i < n && ok; i++ {
			for j := 0; j <= i; j++ {
				s := h[i*n+j]
				if i == j {
					s += ridge * (1 + math.Abs(h[i*n+i]))
				}
				for k := 0; k < j; k++ {
					s -= L[i*n+k] * L[j*n+k]
				}
				if i == j {
					if !(s > 0) {
						ok = false
						break
					}
					L[i*n+i] = math.Sqrt(s)
				} else {
					L[i*n+j] = s / L[j*n+j]
				}
			}
		}
		if ok {
			for i := 0; i < n; i++ {
				s := g[i]
				for k := 0; k < i; k++ {
					s -= L[i*n+k] * x[k]
				}
				x[i] = s / L[i*n+i]
			}
			for i := n - 1; i >= 0; i-- {
				s := x[i]
				for k := i + 1; k < n; k++ {
					s -= L[k*n+i] * x[k]
				}
				x[i] = s / L[i*n+i]
			}
			for _, v := range x[:n] {
				if math.IsNaN(v) || math.IsInf(v, 0) {
					return false
				}
			}
			return true
		}
		if ridge == 0 {
			ridge = 1e-10
		} else {
			ridge *= 100
		}
	}
	return false
}

func clamp(v, lo, hi float64) float64 {
	if v < lo {
		return lo
	}
	if v > hi {
		return hi
	}
	return v
}

func maxAbs(v []float64) float64 {
	m := 0.0
	for _, x := range v {
		m = math.Max(m, math.Abs(x))
	}
	return m
}
