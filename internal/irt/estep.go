package irt

import (
	"math"
)

// windowCut is how far below its maximum (in log units) a node's posterior
// weight may fall before the node is dropped: e^-30 ≈ 1e-13 of the
// examinee's posterior mass, far below anything the estimates can resolve.
const windowCut = 30

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
	Q, M, Kmax   int
	nodes        []float64
	logPrior     []float64
	base         []float64 // logPrior + Σ_j logP0_j
	logP0        []float64 // M×Q
	slope, inter []float64 // M×Kmax, indexed j*Kmax + x-1
	nonlin       []bool
	anyNonlin    bool
	diff         []float64 // (j*Kmax + x-1)*Q + q: log P(x) - log P(0), nonlinear items
	// On an evenly spaced grid, step is the node spacing, ratio[q] =
	// exp(base[q+1]-base[q]) and invRatio[q] its inverse; nil otherwise.
	step            float64
	ratio, invRatio []float64
	// slopeAll and interAll sum slope and inter over all cells (for
	// complemented patterns of dichotomous items).
	slopeAll, interAll float64
}

func newTables(states []itemState, q Quadrature) *tables {
	Q, M := len(q.Nodes), len(states)
	kmax := 1
	for i := range states {
		kmax = max(kmax, states[i].k)
	}
	t := &tables{
		Q: Q, M: M, Kmax: kmax,
		nodes:    q.Nodes,
		logPrior: make([]float64, Q),
		base:     make([]float64, Q),
		logP0:    make([]float64, M*Q),
		slope:    make([]float64, M*kmax),
		inter:    make([]float64, M*kmax),
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
			for x := 0; x < t.Kmax; x++ {
				t.slope[j*t.Kmax+x], t.inter[j*t.Kmax+x] = 0, 0
			}
		} else {
			t.nonlin[j] = false
			for q, th := range t.nodes {
				lp[q] = -logSumExpDBT(s.a, s.d, th)
			}
			for x := 1; x <= t.Kmax; x++ {
				if x <= s.k {
					t.slope[j*t.Kmax+x-1] = s.a * float64(x)
					t.inter[j*t.Kmax+x-1] = s.d[x-1]
				} else {
					t.slope[j*t.Kmax+x-1], t.inter[j*t.Kmax+x-1] = 0, math.Inf(-1)
				}
			}
		}
		for q := range lp {
			t.base[q] += lp[q]
		}
	}
	t.slopeAll, t.interAll = 0, 0
	for k := range t.slope {
		t.slopeAll += t.slope[k]
		t.interAll += t.inter[k]
	}
	t.ratio, t.invRatio = t.ratio[:0], t.invRatio[:0]
	if Q < 2 {
		t.ratio, t.invRatio = nil, nil
		return
	}
	t.step = t.nodes[1] - t.nodes[0]
	for q := 0; q+1 < Q; q++ {
		if math.Abs(t.nodes[q+1]-t.nodes[q]-t.step) > 1e-9*math.Abs(t.step) {
			t.ratio, t.invRatio = nil, nil
			return
		}
		d := t.base[q+1] - t.base[q]
		t.ratio = append(t.ratio, math.Exp(d))
		t.invRatio = append(t.invRatio, math.Exp(-d))
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
	pos   []int32
	other []int32
}

func newScratch(Q, M int) *scratch {
	return &scratch{ll: make([]float64, Q), w: make([]float64, Q), pos: make([]int32, 0, M), other: make([]int32, 0, M)}
}

// patterns is a response matrix in the compact form the E-step iterates:
// per examinee the list of positive scores as cell indices j*Kmax + x-1, and
// the list of missing items, or of observed items when more than half are
// missing (manyMissing).
type patterns struct {
	N, M        int
	pos         []int32 // positive cells, or the non-correct items when comp
	comp        []bool  // dichotomous linear items: pos lists the items NOT answered correctly
	posStart    []int
	other       []int32
	otherStart  []int
	manyMissing []bool
}

// newPatterns compacts r. When complement is set (dichotomous items of the
// divide-by-total family only) an examinee with more correct than other
// responses is stored by the items not answered correctly, which halves the
// worst-case work of the E-step.
func newPatterns(r *Responses, kmax int, complement bool) *patterns {
	p := &patterns{N: r.N, M: r.M, posStart: make([]int, r.N+1), otherStart: make([]int, r.N+1), manyMissing: make([]bool, r.N), comp: make([]bool, r.N)}
	npos, nother := 0, 0
	for i := 0; i < r.N; i++ {
		nmiss, np := 0, 0
		for _, x := range r.Row(i) {
			if x > 0 {
				np++
			} else if x < 0 {
				nmiss++
			}
		}
		if complement && 2*np > r.M {
			np = r.M - np
		}
		npos += np
		nother += min(nmiss, r.M-nmiss)
	}
	p.pos = make([]int32, 0, npos)
	p.other = make([]int32, 0, nother)
	for i := 0; i < r.N; i++ {
		row := r.Row(i)
		p.posStart[i] = len(p.pos)
		p.otherStart[i] = len(p.other)
		nmiss, np := 0, 0
		for _, x := range row {
			if x > 0 {
				np++
			} else if x < 0 {
				nmiss++
			}
		}
		if complement && 2*np > r.M {
			p.comp[i] = true
			for j, x := range row {
				if x <= 0 {
					p.pos = append(p.pos, int32(j))
				}
			}
		} else {
			for j, x := range row {
				if x > 0 {
					p.pos = append(p.pos, int32(j*kmax+int(x)-1))
				}
			}
		}
		many := 2*nmiss > r.M
		p.manyMissing[i] = many
		for j, x := range row {
			if (x < 0) != many {
				p.other = append(p.other, int32(j))
			}
		}
	}
	p.posStart[r.N] = len(p.pos)
	p.otherStart[r.N] = len(p.other)
	return p
}

// rowLists fills s.pos and s.other for one response row and reports whether
// more than half of it is missing.
func (t *tables) rowLists(row []int8, s *scratch) bool {
	pos := s.pos[:len(row)]
	np, nmiss := 0, 0
	K := t.Kmax
	for j, x := range row {
		pos[np] = int32(j*K + int(x) - 1)
		np += b2i(x > 0)
		nmiss += b2i(x < 0)
	}
	s.pos = pos[:np]
	many := 2*nmiss > len(row)
	s.other = s.other[:0]
	if nmiss == 0 {
		return false
	}
	for j, x := range row {
		if (x < 0) != many {
			s.other = append(s.other, int32(j))
		}
	}
	return many
}

// b2i converts a bool to 0 or 1 (compiled without a branch).
func b2i(b bool) int {
	var v int
	if b {
		v = 1
	}
	return v
}

// posterior computes the normalised posterior weights of one response
// pattern, given as positive-score cells pos and the missing (or, when
// many, the observed) items other, into s.w[lo..hi] (the nodes carrying
// weight), and returns the window and the marginal log-likelihood.
func (t *tables) posterior(pos, other []int32, many, comp bool, s *scratch) (lo, hi int, logLik float64) {
	Q := t.Q
	var s1, s2 float64
	slope, inter := t.slope, t.inter
	for _, k := range pos {
		s1 += slope[k]
		s2 += inter[k]
	}
	if comp {
		s1, s2 = t.slopeAll-s1, t.interAll-s2
	}
	ll := s.ll[:Q]
	nodes := t.nodes[:Q]
	if !many {
		base := t.base[:Q]
		for q := range ll {
			ll[q] = base[q] + s1*nodes[q]
		}
		for _, j := range other {
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
		for _, j := range other {
			lp := t.logP0[int(j)*Q : int(j)*Q+Q]
			for q := range ll {
				ll[q] += lp[q]
			}
		}
	}
	if t.anyNonlin {
		for _, k := range pos {
			if t.nonlin[int(k)/t.Kmax] {
				d := t.diff[int(k)*Q:][:Q]
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
	if t.ratio != nil && !many && len(other) == 0 && !t.anyNonlin {
		// Complete linear pattern: ll[q+1]-ll[q] = (base[q+1]-base[q]) + s1·h,
		// so neighbouring weights differ by a tabulated factor times one exp.
		m := lo
		for q := lo; q <= hi; q++ {
			if ll[q] == mx {
				m = q
				break
			}
		}
		e, ie := math.Exp(s1*t.step), math.Exp(-s1*t.step)
		w[m] = 1
		sum = 1
		v := 1.0
		for q := m + 1; q <= hi; q++ {
			v *= t.ratio[q-1] * e
			w[q] = v
			sum += v
		}
		v = 1
		for q := m - 1; q >= lo; q-- {
			v *= t.invRatio[q] * ie
			w[q] = v
			sum += v
		}
	} else {
		for q := lo; q <= hi; q++ {
			e := math.Exp(ll[q] - mx)
			w[q] = e
			sum += e
		}
	}
	inv := 1 / sum
	for q := lo; q <= hi; q++ {
		w[q] *= inv
	}
	return lo, hi, mx + math.Log(sum) + s2
}

// accum collects the expected counts of one E-step. The per-item arrays are
// node-major (q*cols + column) so that one examinee's updates at a node hit
// one short, cache-resident row.
type accum struct {
	r    []float64 // q*M*Kmax + j*Kmax + x-1: expected examinees at node q scoring x on item j
	nAll []float64 // Q: posterior mass of examinees with at most half missing
	post []float64 // Q: posterior mass of all examinees
	// postComp is the posterior mass of complemented examinees, who count
	// as correct on every item except those subtracted in r.
	postComp []float64
	miss     []float64 // q*M + j: mass of missing responses among the nAll examinees
	obs      []float64 // q*M + j: mass of observed responses among the others
	ll       float64
}

func newAccum(t *tables) *accum {
	return &accum{
		r:        make([]float64, t.M*t.Kmax*t.Q),
		nAll:     make([]float64, t.Q),
		post:     make([]float64, t.Q),
		postComp: make([]float64, t.Q),
		miss:     make([]float64, t.M*t.Q),
		obs:      make([]float64, t.M*t.Q),
	}
}

func (a *accum) reset() {
	clear(a.r)
	clear(a.nAll)
	clear(a.post)
	clear(a.postComp)
	clear(a.miss)
	clear(a.obs)
	a.ll = 0
}

func (a *accum) add(b *accum) {
	addTo(a.r, b.r)
	addTo(a.nAll, b.nAll)
	addTo(a.post, b.post)
	addTo(a.postComp, b.postComp)
	addTo(a.miss, b.miss)
	addTo(a.obs, b.obs)
	a.ll += b.ll
}

// addTo adds src element-wise into dst[:len(src)].
func addTo(dst, src []float64) {
	dst = dst[:len(src)]
	i := 0
	for ; i+4 <= len(src); i += 4 {
		d := dst[i : i+4 : i+4]
		s := src[i : i+4 : i+4]
		d[0] += s[0]
		d[1] += s[1]
		d[2] += s[2]
		d[3] += s[3]
	}
	for ; i < len(src); i++ {
		dst[i] += src[i]
	}
}

// expect runs the E-step for examinees i0..i1-1 into acc.
func (t *tables) expect(p *patterns, i0, i1 int, acc *accum, s *scratch) {
	for i := i0; i < i1; i++ {
		pos := p.pos[p.posStart[i]:p.posStart[i+1]]
		other := p.other[p.otherStart[i]:p.otherStart[i+1]]
		many, comp := p.manyMissing[i], p.comp[i]
		lo, hi, l := t.posterior(pos, other, many, comp, s)
		acc.ll += l
		wv := s.w[lo : hi+1]
		addTo(acc.post[lo:], wv)
		if !many {
			addTo(acc.nAll[lo:], wv)
		}
		if comp {
			addTo(acc.postComp[lo:], wv)
		}
		MK := t.M * t.Kmax
		M := t.M
		for q := lo; q <= hi; q++ {
			wq := s.w[q]
			rq := acc.r[q*MK : q*MK+MK]
			if comp {
				for _, k := range pos {
					rq[k] -= wq
				}
			} else {
				for _, k := range pos {
					rq[k] += wq
				}
			}
			if len(other) == 0 {
				continue
			}
			if !many {
				mq := acc.miss[q*M : q*M+M]
				for _, j := range other {
					mq[j] += wq
				}
			} else {
				oq := acc.obs[q*M : q*M+M]
				for _, j := range other {
					oq[j] += wq
				}
			}
		}
	}
}
