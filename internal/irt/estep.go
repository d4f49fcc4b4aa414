package irt

import (
	"math"
)

// windowCut is how far below its maximum (in log units) a node's posterior
// weight may fall before the node is dropped: e^-40 ≈ 4e-18, far below the
// rounding error of the float64 sums it would join.
const windowCut = 40

// itemState is one item's parameters in the slope–intercept form the
// estimator works in: z_k(θ) = a·k·θ + d_k for score k (d_0 = 0), and for the
// 3PL c = logistic(g).
type itemState struct {
	model Model
	k     int // maximum score
	a     float64
	d     []float64
	g     float64
	fixed bool
}

func (s *itemState) item(id string) Item {
	it := Item{ID: id, Model: s.model, A: s.a}
	switch s.model {
	case GPCM:
		it.Steps = make([]float64, s.k)
		prev, sum := 0.0, 0.0
		for v := 0; v < s.k; v++ {
			it.Steps[v] = -(s.d[v] - prev) / s.a
			prev = s.d[v]
			sum += it.Steps[v]
		}
		it.B = sum / float64(s.k)
	default:
		it.B = -s.d[0] / s.a
		if s.model == ThreePL {
			it.C = logistic(s.g)
		}
	}
	return it
}

func stateFromItem(it Item) itemState {
	s := itemState{model: it.Model, k: it.MaxScore(), a: it.A}
	if it.Model == GPCM {
		s.d = make([]float64, len(it.Steps))
		cum := 0.0
		for v, b := range it.Steps {
			cum += b
			s.d[v] = -it.A * cum
		}
		return s
	}
	s.d = []float64{-it.A * it.B}
	if it.Model == ThreePL {
		c := math.Min(math.Max(it.C, 1e-6), 1-1e-6)
		s.g = math.Log(c / (1 - c))
	}
	return s
}

// tables holds, for one set of item parameters and one prior, everything
// the per-examinee posterior needs. For the divide-by-total models (Rasch,
// 2PL, GPCM) log P(x|θ) = a·x·θ + d_x + logP0(θ), so the log-likelihood of a
// whole response pattern is s1·θ + s2 + Σ logP0_j(θ): the pattern enters
// through two sums only. 3PL items are "nonlinear" and add a tabulated
// log-ratio per node.
type tables struct {
	Q, M, W, Kmax int
	nodes         []float64
	logPrior      []float64
	base          []float64 // logPrior + Σ_j logP0_j
	logP0         []float64 // M×Q
	slope, inter  []float64 // M×W, indexed j*W + x
	nonlin        []bool
	anyNonlin     bool
	diff          []float64 // (j*Kmax + x-1)*Q + q: log P(x) - log P(0), nonlinear items
}

func newTables(states []itemState, q Quadrature) *tables {
	Q, M := len(q.Nodes), len(states)
	kmax := 1
	for i := range states {
		kmax = max(kmax, states[i].k)
	}
	t := &tables{
		Q: Q, M: M, W: kmax + 1, Kmax: kmax,
		nodes:    q.Nodes,
		logPrior: make([]float64, Q),
		base:     make([]float64, Q),
		logP0:    make([]float64, M*Q),
		slope:    make([]float64, M*(kmax+1)),
		inter:    make([]float64, M*(kmax+1)),
		nonlin:   make([]bool, M),
	}
	for k, w := range q.Weights {
		t.logPrior[k] = math.Log(w)
	}
	t.update(states)
	return t
}

// update recomputes the item tables for new parameters.
func (t *tables) update(states []itemState) {
	Q := t.Q
	copy(t.base, t.logPrior)
	for j := range states {
		s := &states[j]
		lp := t.logP0[j*Q : j*Q+Q]
		if s.model == ThreePL {
			t.nonlin[j] = true
			if t.diff == nil {
				t.diff = make([]float64, t.M*t.Kmax*Q)
			}
			t.anyNonlin = true
			c := logistic(s.g)
			l1c := math.Log1p(-c)
			df := t.diff[j*t.Kmax*Q : j*t.Kmax*Q+Q]
			for q, th := range t.nodes {
				z := s.a*th + s.d[0]
				lp[q] = l1c - softplus(z)
				p := c + (1-c)*logistic(z)
				df[q] = math.Log(p) - lp[q]
			}
			for x := 0; x < t.W; x++ {
				t.slope[j*t.W+x], t.inter[j*t.W+x] = 0, 0
			}
		} else {
			t.nonlin[j] = false
			for q, th := range t.nodes {
				lp[q] = -logSumExpDBT(s.a, s.d, th)
			}
			t.slope[j*t.W], t.inter[j*t.W] = 0, 0
			for x := 1; x < t.W; x++ {
				if x <= s.k {
					t.slope[j*t.W+x] = s.a * float64(x)
					t.inter[j*t.W+x] = s.d[x-1]
				} else {
					t.slope[j*t.W+x], t.inter[j*t.W+x] = 0, math.Inf(-1)
				}
			}
		}
		for q := range lp {
			t.base[q] += lp[q]
		}
	}
}

// setPrior replaces the prior weights.
func (t *tables) setPrior(q Quadrature, states []itemState) {
	for k, w := range q.Weights {
		t.logPrior[k] = math.Log(w)
	}
	t.update(states)
}

// logSumExpDBT returns log Σ_{c=0..K} exp(a·c·θ + d_c) with d_0 = 0.
func logSumExpDBT(a float64, d []float64, th float64) float64 {
	mx := 0.0
	for c, dc := range d {
		mx = math.Max(mx, a*float64(c+1)*th+dc)
	}
	s := math.Exp(-mx)
	for c, dc := range d {
		s += math.Exp(a*float64(c+1)*th + dc - mx)
	}
	return mx + math.Log(s)
}

// scratch is per-worker working memory for posterior computations.
type scratch struct {
	ll, w []float64
	miss  []int32
}

func newScratch(Q, M int) *scratch {
	return &scratch{ll: make([]float64, Q), w: make([]float64, Q), miss: make([]int32, 0, M)}
}

// posterior computes the normalised posterior weights of one response
// pattern into s.w[lo..hi] (the nodes carrying weight), and returns the
// window, the number of missing responses (listed in s.miss) and the
// marginal log-likelihood of the pattern.
func (t *tables) posterior(row []int8, s *scratch) (lo, hi, nmiss int, logLik float64) {
	Q, W := t.Q, t.W
	var s1, s2 float64
	miss := s.miss[:0]
	slope, inter := t.slope, t.inter
	for j, x := range row {
		if x < 0 {
			miss = append(miss, int32(j))
			continue
		}
		k := j*W + int(x)
		s1 += slope[k]
		s2 += inter[k]
	}
	s.miss = miss
	nmiss = len(miss)
	ll := s.ll[:Q]
	nodes := t.nodes[:Q]
	if 2*nmiss <= len(row) {
		base := t.base[:Q]
		for q := range ll {
			ll[q] = base[q] + s1*nodes[q]
		}
		for _, j := range miss {
			lp := t.logP0[int(j)*Q : int(j)*Q+Q]
			for q := range ll {
				ll[q] -= lp[q]
			}
		}
	} else {
		lpr := t.logPrior[:Q]
		for q := range ll {
			ll[q] = lpr[q] + s1*nodes[q]
		}
		for j, x := range row {
			if x < 0 {
				continue
			}
			lp := t.logP0[j*Q : j*Q+Q]
			for q := range ll {
				ll[q] += lp[q]
			}
		}
	}
	if t.anyNonlin {
		for j, x := range row {
			if x > 0 && t.nonlin[j] {
				d := t.diff[(j*t.Kmax+int(x)-1)*Q:][:Q]
				for q := range ll {
					ll[q] += d[q]
				}
			}
		}
	}
	mx := math.Inf(-1)
	for _, v := range ll {
		if v > mx {
			mx = v
		}
	}
	cut := mx - windowCut
	lo, hi = 0, Q-1
	for lo < hi && !(ll[lo] >= cut) {
		lo++
	}
	for hi > lo && !(ll[hi] >= cut) {
		hi--
	}
	w := s.w[:Q]
	sum := 0.0
	for q := lo; q <= hi; q++ {
		e := math.Exp(ll[q] - mx)
		w[q] = e
		sum += e
	}
	inv := 1 / sum
	for q := lo; q <= hi; q++ {
		w[q] *= inv
	}
	return lo, hi, nmiss, mx + math.Log(sum) + s2
}

// accum collects the expected counts of one E-step.
type accum struct {
	r    []float64 // (j*Kmax + x-1)*Q + q: expected examinees at node q scoring x on item j
	nAll []float64 // Q: posterior mass of examinees with at most half missing
	post []float64 // Q: posterior mass of all examinees
	miss []float64 // M×Q: mass of missing responses among the nAll examinees
	obs  []float64 // M×Q: mass of observed responses among the others
	ll   float64
}

func newAccum(t *tables) *accum {
	return &accum{
		r:    make([]float64, t.M*t.Kmax*t.Q),
		nAll: make([]float64, t.Q),
		post: make([]float64, t.Q),
		miss: make([]float64, t.M*t.Q),
		obs:  make([]float64, t.M*t.Q),
	}
}

func (a *accum) reset() {
	clear(a.r)
	clear(a.nAll)
	clear(a.post)
	clear(a.miss)
	clear(a.obs)
	a.ll = 0
}

func (a *accum) add(b *accum) {
	addTo(a.r, b.r)
	addTo(a.nAll, b.nAll)
	addTo(a.post, b.post)
	addTo(a.miss, b.miss)
	addTo(a.obs, b.obs)
	a.ll += b.ll
}

// addTo adds src element-wise into dst[:len(src)].
func addTo(dst, src []float64) {
	dst = dst[:len(src)]
	for i, v := range src {
		dst[i] += v
	}
}

// expect runs the E-step for examinees i0..i1-1 into acc.
func (t *tables) expect(r *Responses, i0, i1 int, acc *accum, s *scratch) {
	Q, M, K := t.Q, t.M, t.Kmax
	for i := i0; i < i1; i++ {
		row := r.Data[i*M : i*M+M]
		lo, hi, nmiss, l := t.posterior(row, s)
		acc.ll += l
		wv := s.w[lo : hi+1]
		addTo(acc.post[lo:], wv)
		if 2*nmiss <= M {
			addTo(acc.nAll[lo:], wv)
			for _, j := range s.miss {
				addTo(acc.miss[int(j)*Q+lo:], wv)
			}
		} else {
			for j, x := range row {
				if x >= 0 {
					addTo(acc.obs[j*Q+lo:], wv)
				}
			}
		}
		for j, x := range row {
			if x > 0 {
				addTo(acc.r[(j*K+int(x)-1)*Q+lo:], wv)
			}
		}
	}
}
