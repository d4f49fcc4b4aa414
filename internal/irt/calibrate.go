package irt

import (
	"context"
	"errors"
	"fmt"
	"math"
	"runtime"
	"sync"
)

// Accelerator selects how EM cycles are accelerated.
type Accelerator int

// The EM accelerators.
const (
	// SQUAREM is the squared extrapolation method of Varadhan and Roland
	// (2008), scheme S3, with a monotonicity safeguard.
	SQUAREM Accelerator = iota
	// NoAcceleration runs plain Bock–Aitkin EM.
	NoAcceleration
)

// Options configures Calibrate. The zero value calibrates a 2PL with the
// defaults documented on each field.
type Options struct {
	// Model is the model of every free item. Items scored above 1 need GPCM.
	Model Model
	// QuadPoints is the number of quadrature nodes (default 61, minimum 41
	// unless AllowCoarseGrid is set).
	QuadPoints int
	// ThetaMin and ThetaMax bound the quadrature grid (default -6 and 6).
	ThetaMin, ThetaMax float64
	// AllowCoarseGrid permits fewer than 41 nodes (for experiments only).
	AllowCoarseGrid bool
	// MaxCycles caps the number of EM cycles (E-steps; default 500).
	MaxCycles int
	// Tol stops EM when no item parameter (a, b, c, step) moves by more
	// than Tol in one plain EM step (default 1e-4, as mirt).
	Tol float64
	// Accelerator chooses SQUAREM (default) or plain EM.
	Accelerator Accelerator
	// GuessPrior is the Beta prior on the 3PL lower asymptote (default
	// Beta(5,17): mean 0.2, as for four-option items).
	GuessPrior BetaPrior
	// SlopePrior, when set, is a log-normal prior on the 3PL slopes.
	SlopePrior *LogNormalPrior
	// Anchors fixes items at known parameters (column index → item); the
	// other items are calibrated onto the anchors' scale.
	Anchors map[int]Item
	// Workers is the number of goroutines of the E-step (default GOMAXPROCS).
	Workers int
	// Progress, when set, is called after every EM cycle.
	Progress func(Progress)
}

// Progress reports one EM cycle.
type Progress struct {
	Cycle     int     // EM cycles (E-steps) so far
	MaxCycles int     // the cap
	LogLik    float64 // marginal log-likelihood at the parameters of the cycle's E-step
	Change    float64 // largest parameter change of the last plain EM step (NaN after an extrapolation)
	// WarmStart marks cycles of the subsample calibration that provides
	// start values for large data sets.
	WarmStart bool
}

// Result is a calibration.
type Result struct {
	Items  []Item  // in column order
	LogLik float64 // marginal log-likelihood at Items
	Cycles int     // EM cycles (E-steps) run on the full data
	// WarmStartCycles counts the E-steps of the subsample calibration that
	// provided start values for large data sets (zero for small ones).
	WarmStartCycles int
	Converged       bool       // Tol was reached before MaxCycles
	LatentMean      float64    // ability mean (0 unless estimated)
	LatentSD        float64    // ability SD (1 unless estimated)
	Prior           Quadrature // the final quadrature with its prior weights
}

func (o *Options) withDefaults() Options {
	c := *o
	if c.QuadPoints == 0 {
		c.QuadPoints = 61
	}
	if c.ThetaMin == 0 && c.ThetaMax == 0 {
		c.ThetaMin, c.ThetaMax = -6, 6
	}
	if c.MaxCycles == 0 {
		c.MaxCycles = 500
	}
	if c.Tol == 0 {
		c.Tol = 1e-4
	}
	if c.GuessPrior == (BetaPrior{}) {
		c.GuessPrior = BetaPrior{Alpha: 5, Beta: 17}
	}
	if c.Workers <= 0 {
		c.Workers = runtime.GOMAXPROCS(0)
	}
	return c
}

// calibration is the state of one Calibrate call.
type calibration struct {
	opt    Options
	resp   *Responses
	pat    *patterns
	states []itemState
	free   []int // indices of free items
	shared bool  // Rasch: one slope for all free items
	mu     float64
	sigma  float64
	tab    *tables
	accs   []*accum
	scr    []*scratch
	data   []itemData
	ws     *mws
	nbuf   []float64
	rbuf   []float64
	cycles int
	// estLatent estimates the mean and SD of the ability distribution; it is
	// on exactly when items are anchored (otherwise the N(0,1) prior fixes
	// the scale).
	estLatent  bool
	warmCycles int
}

// Calibrate estimates item parameters from a response matrix by marginal
// maximum likelihood (Bock–Aitkin EM over a fixed quadrature grid) with the
// ability distribution N(0,1), or N(μ,σ²) estimated when items are anchored.
func Calibrate(ctx context.Context, r *Responses, opts Options) (*Result, error) {
	opt := opts.withDefaults()
	if err := r.Validate(); err != nil {
		return nil, fmt.Errorf("calibrate: %w", err)
	}
	if opt.QuadPoints < 41 && !opt.AllowCoarseGrid {
		return nil, fmt.Errorf("calibrate: %d quadrature points is too coarse for long tests (need at least 41)", opt.QuadPoints)
	}
	if opt.QuadPoints < 3 || !(opt.ThetaMax > opt.ThetaMin) {
		return nil, fmt.Errorf("calibrate: invalid quadrature (%d points on [%g, %g])", opt.QuadPoints, opt.ThetaMin, opt.ThetaMax)
	}
	if opt.Model < TwoPL || opt.Model > GPCM {
		return nil, fmt.Errorf("calibrate: unknown model %v", opt.Model)
	}
	c := &calibration{opt: opt, resp: r, mu: 0, sigma: 1, estLatent: len(opt.Anchors) > 0}
	if err := c.init(); err != nil {
		return nil, fmt.Errorf("calibrate: %w", err)
	}
	if err := c.warmStart(ctx); err != nil {
		return nil, fmt.Errorf("calibrate: %w", err)
	}
	return c.run(ctx)
}

// warmStartMin is the sample size from which Calibrate first calibrates a
// systematic subsample of about warmStartMin/4 examinees to get start values.
const warmStartMin = 40000

// warmStart replaces the starting values of a large calibration with those
// of a loosely converged calibration of every k-th examinee, which costs a
// few full-data cycles and saves more.
func (c *calibration) warmStart(ctx context.Context) error {
	r := c.resp
	if r.N < warmStartMin {
		return nil
	}
	k := r.N / (warmStartMin / 4)
	n := r.N / k
	sub := &Responses{N: n, M: r.M, ItemIDs: r.ItemIDs, Data: make([]int8, 0, n*r.M)}
	for i := 0; i < n; i++ {
		sub.Data = append(sub.Data, r.Row(i*k)...)
	}
	opt := c.opt
	opt.Tol = 1e-3
	if report := c.opt.Progress; report != nil {
		opt.Progress = func(p Progress) {
			p.WarmStart = true
			report(p)
		}
	}
	w := &calibration{opt: opt, resp: sub, mu: 0, sigma: 1, estLatent: c.estLatent}
	if err := w.init(); err != nil {
		return fmt.Errorf("warm start: %w", err)
	}
	if _, err := w.run(ctx); err != nil {
		return fmt.Errorf("warm start: %w", err)
	}
	for j := range c.states {
		if !c.states[j].fixed {
			c.states[j] = w.states[j]
		}
	}
	c.mu, c.sigma = w.mu, w.sigma
	c.warmCycles = w.cycles
	return nil
}

func (c *calibration) init() error {
	r, opt := c.resp, c.opt
	mx := r.MaxScores()
	// Observed proportions per score for starting values.
	counts := make([][]float64, r.M)
	for j := range counts {
		counts[j] = make([]float64, mx[j]+1)
	}
	for i := 0; i < r.N; i++ {
		for j, x := range r.Row(i) {
			if x >= 0 {
				counts[j][x]++
			}
		}
	}
	c.states = make([]itemState, r.M)
	for j := 0; j < r.M; j++ {
		if anchor, ok := opt.Anchors[j]; ok {
			if err := anchor.Validate(); err != nil {
				return fmt.Errorf("anchor for column %d: %w", j+1, err)
			}
			if anchor.MaxScore() < mx[j] {
				return fmt.Errorf("item %q: score %d observed but the anchor allows at most %d", r.ItemIDs[j], mx[j], anchor.MaxScore())
			}
			c.states[j] = stateFromItem(anchor)
			c.states[j].fixed = true
			continue
		}
		answered := 0.0
		for _, n := range counts[j] {
			answered += n
		}
		if answered == 0 {
			return fmt.Errorf("item %q (column %d) has no responses", r.ItemIDs[j], j+1)
		}
		if mx[j] > 1 && opt.Model != GPCM {
			return fmt.Errorf("item %q has score %d: use the gpcm model for partial-credit items", r.ItemIDs[j], mx[j])
		}
		k := max(mx[j], 1)
		s := itemState{model: opt.Model, k: k, a: 1, d: make([]float64, k)}
		if opt.Model == GPCM && k == 1 {
			s.model = GPCM
		}
		n0 := counts[j][0] + 0.5
		for x := 1; x <= k; x++ {
			nx := 0.5
			if x < len(counts[j]) {
				nx += counts[j][x]
			}
			s.d[x-1] = math.Log(nx / n0)
		}
		if opt.Model == ThreePL {
			g := opt.GuessPrior.Alpha / (opt.GuessPrior.Alpha + opt.GuessPrior.Beta)
			s.g = math.Log(g / (1 - g))
			p := logistic(s.d[0])
			pstar := clamp((p-g)/(1-g), 0.02, 0.98)
			s.d[0] = math.Log(pstar / (1 - pstar))
		}
		c.states[j] = s
		c.free = append(c.free, j)
	}
	if len(c.free) == 0 {
		return errors.New("every item is anchored: nothing to calibrate")
	}
	if opt.Model == Rasch {
		c.shared = true
		for _, s := range c.states {
			if s.fixed && s.model == Rasch {
				// Free items share the anchors' slope: the anchors define the unit.
				for _, j := range c.free {
					c.states[j].a = s.a
				}
				c.shared = false
				break
			}
		}
	}
	q := NormalQuadrature(opt.QuadPoints, opt.ThetaMin, opt.ThetaMax, 0, 1)
	c.tab = newTables(c.states, q)
	complement := c.tab.Kmax == 1
	for _, s := range c.states {
		complement = complement && s.model != ThreePL
	}
	c.pat = newPatterns(r, c.tab.Kmax, complement)
	w := min(opt.Workers, max(1, r.N/64))
	for k := 0; k < w; k++ {
		c.accs = append(c.accs, newAccum(c.tab))
		c.scr = append(c.scr, newScratch(c.tab.Q, r.M))
	}
	c.data = make([]itemData, r.M)
	c.nbuf = make([]float64, r.M*c.tab.Q)
	c.rbuf = make([]float64, r.M*c.tab.Kmax*c.tab.Q)
	for j := range c.data {
		c.data[j] = itemData{nodes: q.Nodes, n: c.nbuf[j*c.tab.Q : (j+1)*c.tab.Q]}
	}
	c.ws = newMWS(c.tab.Kmax)
	return nil
}

// pack flattens the free parameters into a vector for extrapolation.
func (c *calibration) pack(dst []float64) []float64 {
	dst = dst[:0]
	for _, j := range c.free {
		s := &c.states[j]
		if !c.shared {
			dst = append(dst, s.a)
		}
		dst = append(dst, s.d...)
		if s.model == ThreePL {
			dst = append(dst, s.g)
		}
	}
	if c.shared {
		dst = append(dst, c.states[c.free[0]].a)
	}
	if c.estLatent {
		dst = append(dst, c.mu, math.Log(c.sigma))
	}
	return dst
}

func (c *calibration) unpack(v []float64) {
	k := 0
	for _, j := range c.free {
		s := &c.states[j]
		if !c.shared {
			s.a = v[k]
			k++
		}
		k += copy(s.d, v[k:k+len(s.d)])
		if s.model == ThreePL {
			s.g = v[k]
			k++
		}
	}
	if c.shared {
		for _, j := range c.free {
			c.states[j].a = v[k]
		}
		k++
	}
	if c.estLatent {
		c.mu, c.sigma = v[k], math.Exp(v[k+1])
	}
}

// reported returns the parameters in the reported parameterisation (a, b or
// steps, c) so that convergence is judged on the numbers users see.
func (c *calibration) reported(dst []float64) []float64 {
	dst = dst[:0]
	for _, j := range c.free {
		s := &c.states[j]
		it := s.item("")
		dst = append(dst, it.A)
		if it.Model == GPCM {
			dst = append(dst, it.Steps...)
		} else {
			dst = append(dst, it.B)
		}
		if it.Model == ThreePL {
			dst = append(dst, it.C)
		}
	}
	if c.estLatent {
		dst = append(dst, c.mu, c.sigma)
	}
	return dst
}

// estep runs the E-step at the current parameters and returns the marginal
// log-likelihood; the expected counts are left in c.accs[0] and c.data.
func (c *calibration) estep(ctx context.Context) (float64, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	t := c.tab
	if c.estLatent {
		t.setPrior(NormalQuadrature(c.opt.QuadPoints, c.opt.ThetaMin, c.opt.ThetaMax, c.mu, c.sigma), c.states)
	} else {
		t.update(c.states)
	}
	n := c.resp.N
	w := len(c.accs)
	var wg sync.WaitGroup
	for k := 0; k < w; k++ {
		i0, i1 := k*n/w, (k+1)*n/w
		acc, s := c.accs[k], c.scr[k]
		acc.reset()
		wg.Go(func() { t.expect(c.pat, i0, i1, acc, s) })
	}
	wg.Wait()
	acc := c.accs[0]
	for _, b := range c.accs[1:] {
		acc.add(b)
	}
	c.cycles++
	if math.IsNaN(acc.ll) || math.IsInf(acc.ll, 0) {
		return acc.ll, errors.New("log-likelihood is not finite")
	}
	Q, K, M := t.Q, t.Kmax, t.M
	for j := range c.data {
		n := c.data[j].n
		for q := range n {
			n[q] = acc.nAll[q] - acc.miss[q*M+j] + acc.obs[q*M+j]
		}
		r := c.rbuf[j*K*Q : (j+1)*K*Q]
		for x := 0; x < K; x++ {
			for q := 0; q < Q; q++ {
				r[x*Q+q] = acc.r[q*M*K+j*K+x] + acc.postComp[q]
			}
		}
		c.data[j].r = r
	}
	return acc.ll, nil
}

// mstep updates the free parameters from the expected counts.
func (c *calibration) mstep() {
	for _, j := range c.free {
		s := &c.states[j]
		switch {
		case s.model == ThreePL:
			fit3PL(&c.data[j], s, c.opt.GuessPrior, c.opt.SlopePrior, c.ws)
		case !c.shared:
			fitDBT(&c.data[j], s, c.ws)
		}
	}
	if c.shared {
		a := c.states[c.free[0]].a
		fitSharedSlope(c.data, c.states, c.free, &a, c.ws)
		for _, j := range c.free {
			c.states[j].a = a
		}
	}
	if c.estLatent {
		post := c.accs[0].post
		tot, m := 0.0, 0.0
		for q, th := range c.tab.nodes {
			tot += post[q]
			m += post[q] * th
		}
		m /= tot
		v := 0.0
		for q, th := range c.tab.nodes {
			v += post[q] * (th - m) * (th - m)
		}
		c.mu, c.sigma = m, math.Sqrt(v/tot)
	}
}

// emStep maps the parameter vector x to one EM update F(x) in out, and
// returns the log-likelihood at x.
func (c *calibration) emStep(ctx context.Context, x, out []float64) ([]float64, float64, error) {
	c.unpack(x)
	ll, err := c.estep(ctx)
	if err != nil {
		return out, ll, err
	}
	c.mstep()
	return c.pack(out), ll, nil
}

func (c *calibration) change(x, y []float64) float64 {
	c.unpack(x)
	rx := c.reported(nil)
	c.unpack(y)
	ry := c.reported(nil)
	m := 0.0
	for k := range rx {
		m = math.Max(m, math.Abs(rx[k]-ry[k]))
	}
	return m
}

func (c *calibration) progress(ll, change float64) {
	if c.opt.Progress != nil {
		c.opt.Progress(Progress{Cycle: c.cycles, MaxCycles: c.opt.MaxCycles, LogLik: ll, Change: change})
	}
}

func (c *calibration) run(ctx context.Context) (*Result, error) {
	x0 := c.pack(nil)
	n := len(x0)
	x1 := make([]float64, n)
	x2 := make([]float64, n)
	xp := make([]float64, n)
	x3 := make([]float64, n)
	const stepMin, mstep = 1.0, 4.0
	stepMax := 16.0
	converged := false
	var err error
	var ll0, ll1, llp float64
	for c.cycles < c.opt.MaxCycles {
		x1, ll0, err = c.emStep(ctx, x0, x1)
		if err != nil {
			return nil, fmt.Errorf("EM cycle %d: %w", c.cycles, err)
		}
		ch := c.change(x0, x1)
		c.progress(ll0, ch)
		if ch < c.opt.Tol {
			x0, x1 = x1, x0
			converged = true
			break
		}
		if c.opt.Accelerator == NoAcceleration || c.cycles >= c.opt.MaxCycles {
			x0, x1 = x1, x0
			continue
		}
		x2, ll1, err = c.emStep(ctx, x1, x2)
		if err != nil {
			return nil, fmt.Errorf("EM cycle %d: %w", c.cycles, err)
		}
		ch = c.change(x1, x2)
		c.progress(ll1, ch)
		if ch < c.opt.Tol {
			x0, x2 = x2, x0
			converged = true
			break
		}
		// Squared extrapolation: r = x1-x0, v = x2-2x1+x0.
		var sr, sv float64
		for k := range x0 {
			r := x1[k] - x0[k]
			v := x2[k] - 2*x1[k] + x0[k]
			sr += r * r
			sv += v * v
		}
		alpha := math.Sqrt(sr / sv)
		if math.IsNaN(alpha) {
			alpha = stepMin
		}
		alpha = math.Max(stepMin, math.Min(stepMax, alpha))
		for k := range x0 {
			r := x1[k] - x0[k]
			v := x2[k] - 2*x1[k] + x0[k]
			xp[k] = x0[k] + 2*alpha*r + alpha*alpha*v
		}
		ok := c.cycles < c.opt.MaxCycles && c.plausible(xp)
		if ok {
			var e error
			x3, llp, e = c.emStep(ctx, xp, x3)
			if e != nil && ctx.Err() != nil {
				return nil, fmt.Errorf("EM cycle %d: %w", c.cycles, e)
			}
			ok = e == nil && llp >= ll1
			if e == nil {
				c.progress(llp, math.NaN())
			}
		}
		if ok {
			x0, x3 = x3, x0
			if alpha == stepMax {
				stepMax *= mstep
			}
		} else {
			x0, x2 = x2, x0
			if alpha == stepMax {
				stepMax = math.Max(stepMin, stepMax/mstep)
			}
		}
	}
	c.unpack(x0)
	ll, err := c.estep(ctx)
	if err != nil {
		return nil, fmt.Errorf("final E-step: %w", err)
	}
	res := &Result{
		LogLik: ll, Cycles: c.cycles, Converged: converged, WarmStartCycles: c.warmCycles,
		LatentMean: c.mu, LatentSD: c.sigma,
		Prior: NormalQuadrature(c.opt.QuadPoints, c.opt.ThetaMin, c.opt.ThetaMax, c.mu, c.sigma),
	}
	for j := range c.states {
		res.Items = append(res.Items, c.states[j].item(c.resp.ItemIDs[j]))
	}
	return res, nil
}

// plausible reports whether an extrapolated vector is safe to evaluate.
func (c *calibration) plausible(x []float64) bool {
	for _, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) || math.Abs(v) > 4*maxIntercept {
			return false
		}
	}
	return true
}
