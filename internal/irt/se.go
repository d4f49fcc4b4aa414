package irt

import (
	"fmt"
	"math"
)

// ParamSE holds the standard errors of an item's parameters; NaN where a
// parameter is not estimated (anchored items, c outside the 3PL) or its
// information is not positive.
type ParamSE struct {
	A, B, C float64
	Steps   []float64 // GPCM step difficulties
}

// StandardErrors returns the standard errors of calibrated items (res.Items,
// calibrated on r with opts) from the observed information of the marginal
// likelihood. For each item it builds that item's block of the observed
// information matrix by Louis' identity, summing over examinees
//
//	E_post[−∂² log P(x|θ)] − Var_post[∂ log P(x|θ)]
//
// with each examinee's posterior over the quadrature at the final
// estimates (and, for the 3PL, the curvature of the prior on c), and
// inverts it. The derivatives are taken numerically in the reported
// parameterisation (a, b, c; a and the steps for the GPCM), so no delta
// method is needed; B of a GPCM item is the mean of its steps. The other
// items are held at their estimates (the block-diagonal approximation), so
// the errors leave out the covariance between items, which is small when
// every item has many respondents. Rasch items share one slope: its error
// and the difficulties' come from the slope's row of the information over
// all items with each difficulty's own entry (raschSE).
func StandardErrors(r *Responses, res *Result, opts Options) ([]ParamSE, error) {
	opt := opts.withDefaults()
	items := res.Items
	if err := r.Validate(); err != nil {
		return nil, fmt.Errorf("standard errors: %w", err)
	}
	if len(items) != r.M {
		return nil, fmt.Errorf("standard errors: %d items for %d columns", len(items), r.M)
	}
	q := res.Prior
	if len(q.Nodes) == 0 {
		q = NormalQuadrature(opt.QuadPoints, opt.ThetaMin, opt.ThetaMax, 0, 1)
	}
	Q := len(q.Nodes)
	// log P_j(k | θ_q) at the estimates.
	logP := make([][][]float64, r.M)
	for j, it := range items {
		logP[j] = logCategoryTable(it, q.Nodes)
	}
	// Each examinee's posterior over the nodes.
	post := make([]float64, r.N*Q)
	for i := 0; i < r.N; i++ {
		w := post[i*Q : (i+1)*Q]
		mx := math.Inf(-1)
		for k := range w {
			w[k] = math.Log(q.Weights[k])
			for j, x := range r.Row(i) {
				if x >= 0 && int(x) < len(logP[j]) {
					w[k] += logP[j][x][k]
				}
			}
			mx = math.Max(mx, w[k])
		}
		sum := 0.0
		for k := range w {
			w[k] = math.Exp(w[k] - mx)
			sum += w[k]
		}
		for k := range w {
			w[k] /= sum
		}
	}
	out := make([]ParamSE, r.M)
	for j, it := range items {
		out[j] = ParamSE{A: math.NaN(), B: math.NaN(), C: math.NaN()}
		if it.Model == GPCM {
			out[j].Steps = make([]float64, len(it.Steps))
			for k := range out[j].Steps {
				out[j].Steps[k] = math.NaN()
			}
		}
		if _, anchored := opt.Anchors[j]; anchored || it.Model == Rasch {
			continue // Rasch items: raschSE below
		}
		p := paramVector(it)
		d := derivTable(it, p, q.Nodes)
		info := blockInfo(r, j, d, post, Q, len(p))
		if it.Model == ThreePL && opt.GuessPrior.Alpha > 0 {
			c := it.C
			info[2*len(p)+2] += (opt.GuessPrior.Alpha-1)/(c*c) + (opt.GuessPrior.Beta-1)/((1-c)*(1-c))
		}
		cov, ok := invert(info, len(p))
		if !ok {
			continue
		}
		se := func(k int) float64 { return math.Sqrt(cov[k*len(p)+k]) }
		switch it.Model {
		case Rasch:
			out[j].B = se(0)
		case TwoPL:
			out[j].A, out[j].B = se(0), se(1)
		case ThreePL:
			out[j].A, out[j].B, out[j].C = se(0), se(1), se(2)
		case GPCM:
			out[j].A = se(0)
			K := len(it.Steps)
			v := 0.0
			for a := 1; a <= K; a++ {
				out[j].Steps[a-1] = se(a)
				for b := 1; b <= K; b++ {
					v += cov[a*len(p)+b]
				}
			}
			if v >= 0 {
				out[j].B = math.Sqrt(v) / float64(K)
			}
		}
	}
	if len(items) > 0 && items[0].Model == Rasch {
		seA, seB := raschSE(r, items, opt, q.Nodes, post)
		for j := range out {
			if _, anchored := opt.Anchors[j]; !anchored {
				out[j].A, out[j].B = seA, seB[j]
			}
		}
	}
	return out, nil
}

// paramVector is the item's parameter vector in the reported parameterisation.
func paramVector(it Item) []float64 {
	switch it.Model {
	case Rasch:
		return []float64{it.B}
	case ThreePL:
		return []float64{it.A, it.B, it.C}
	case GPCM:
		return append([]float64{it.A}, it.Steps...)
	default:
		return []float64{it.A, it.B}
	}
}

// withParams returns the item with the parameter vector p.
func withParams(it Item, p []float64) Item {
	switch it.Model {
	case Rasch:
		it.B = p[0]
	case ThreePL:
		it.A, it.B, it.C = p[0], p[1], p[2]
	case GPCM:
		it.A = p[0]
		it.Steps = append([]float64(nil), p[1:]...)
	default:
		it.A, it.B = p[0], p[1]
	}
	return it
}

func logCategoryTable(it Item, nodes []float64) [][]float64 {
	out := make([][]float64, it.Categories())
	for k := range out {
		out[k] = make([]float64, len(nodes))
	}
	var buf [32]float64
	for q, th := range nodes {
		for k, v := range it.CategoryProbs(th, buf[:0]) {
			out[k][q] = math.Log(math.Max(v, 1e-300))
		}
	}
	return out
}

// derivs are the gradient and Hessian of log P(k | θ_q) in the item's
// parameters, per category and node.
type derivs struct {
	p     int
	grad  [][][]float64 // [k][q][a]
	hess  [][][]float64 // [k][q][a*p+b]
	nodes int
}

// derivTable differentiates log P(k | θ) numerically (central
// differences) at every node.
func derivTable(it Item, p []float64, nodes []float64) *derivs {
	n := len(p)
	K := it.Categories()
	d := &derivs{p: n, nodes: len(nodes), grad: make([][][]float64, K), hess: make([][][]float64, K)}
	for k := 0; k < K; k++ {
		d.grad[k] = make([][]float64, len(nodes))
		d.hess[k] = make([][]float64, len(nodes))
		for q := range nodes {
			d.grad[k][q] = make([]float64, n)
			d.hess[k][q] = make([]float64, n*n)
		}
	}
	const h = 1e-4
	at := func(shift map[int]float64) [][]float64 {
		x := append([]float64(nil), p...)
		for a, s := range shift {
			x[a] += s
		}
		return logCategoryTable(withParams(it, x), nodes)
	}
	f0 := logCategoryTable(it, nodes)
	plus := make([][][]float64, n)
	minus := make([][][]float64, n)
	for a := 0; a < n; a++ {
		plus[a], minus[a] = at(map[int]float64{a: h}), at(map[int]float64{a: -h})
	}
	for a := 0; a < n; a++ {
		for b := a + 1; b < n; b++ {
			pp, pm := at(map[int]float64{a: h, b: h}), at(map[int]float64{a: h, b: -h})
			mp, mm := at(map[int]float64{a: -h, b: h}), at(map[int]float64{a: -h, b: -h})
			for k := 0; k < K; k++ {
				for q := range nodes {
					v := (pp[k][q] - pm[k][q] - mp[k][q] + mm[k][q]) / (4 * h * h)
					d.hess[k][q][a*n+b], d.hess[k][q][b*n+a] = v, v
				}
			}
		}
		for k := 0; k < K; k++ {
			for q := range nodes {
				d.grad[k][q][a] = (plus[a][k][q] - minus[a][k][q]) / (2 * h)
				d.hess[k][q][a*n+a] = (plus[a][k][q] - 2*f0[k][q] + minus[a][k][q]) / (h * h)
			}
		}
	}
	return d
}

// blockInfo is item j's block of the observed information (n×n, row-major).
func blockInfo(r *Responses, j int, d *derivs, post []float64, Q, n int) []float64 {
	info := make([]float64, n*n)
	m := make([]float64, n)
	for i := 0; i < r.N; i++ {
		x := r.At(i, j)
		if x < 0 || int(x) >= len(d.grad) {
			continue
		}
		w := post[i*Q : (i+1)*Q]
		for a := range m {
			m[a] = 0
		}
		for q, wq := range w {
			if wq < 1e-14 {
				continue
			}
			g, hs := d.grad[x][q], d.hess[x][q]
			for a := 0; a < n; a++ {
				m[a] += wq * g[a]
				for b := 0; b < n; b++ {
					info[a*n+b] += wq * (-hs[a*n+b] - g[a]*g[b])
				}
			}
		}
		for a := 0; a < n; a++ {
			for b := 0; b < n; b++ {
				info[a*n+b] += m[a] * m[b]
			}
		}
	}
	return info
}

// raschSE returns the standard errors of the slope Rasch items share and of
// each free item's difficulty. The slope couples every item, so the
// information is taken with its arrow structure: the slope's row over all
// items, each difficulty's own entry (covariances between two
// difficulties left out), and inverted through the Schur complement.
func raschSE(r *Responses, items []Item, opt Options, nodes []float64, post []float64) (seA float64, seB []float64) {
	Q := len(nodes)
	seB = make([]float64, len(items))
	for j := range seB {
		seB[j] = math.NaN()
	}
	d := make([]*derivs, len(items))
	for j, it := range items {
		if _, anchored := opt.Anchors[j]; anchored {
			continue
		}
		two := it
		two.Model = TwoPL
		d[j] = derivTable(two, []float64{it.A, it.B}, nodes)
	}
	iaa := 0.0
	iab := make([]float64, len(items))
	ibb := make([]float64, len(items))
	sa := make([]float64, Q)
	for i := 0; i < r.N; i++ {
		w := post[i*Q : (i+1)*Q]
		row := r.Row(i)
		for q := range sa {
			sa[q] = 0
		}
		haa := 0.0
		for j, x := range row {
			if d[j] == nil || x < 0 || int(x) >= len(d[j].grad) {
				continue
			}
			for q, wq := range w {
				sa[q] += d[j].grad[x][q][0]
				haa += wq * d[j].hess[x][q][0]
			}
		}
		ma, ma2 := 0.0, 0.0
		for q, wq := range w {
			ma += wq * sa[q]
			ma2 += wq * sa[q] * sa[q]
		}
		iaa += -haa - (ma2 - ma*ma)
		for j, x := range row {
			if d[j] == nil || x < 0 || int(x) >= len(d[j].grad) {
				continue
			}
			mb, mb2, mab, hab, hbb := 0.0, 0.0, 0.0, 0.0, 0.0
			for q, wq := range w {
				g := d[j].grad[x][q][1]
				mb += wq * g
				mb2 += wq * g * g
				mab += wq * sa[q] * g
				hab += wq * d[j].hess[x][q][1]
				hbb += wq * d[j].hess[x][q][3]
			}
			iab[j] += -hab - (mab - ma*mb)
			ibb[j] += -hbb - (mb2 - mb*mb)
		}
	}
	schur := iaa
	for j := range items {
		if d[j] != nil && ibb[j] > 0 {
			schur -= iab[j] * iab[j] / ibb[j]
		}
	}
	if !(schur > 0) {
		return math.NaN(), seB
	}
	varA := 1 / schur
	for j := range items {
		if d[j] != nil && ibb[j] > 0 {
			seB[j] = math.Sqrt(1/ibb[j] + (iab[j]/ibb[j])*(iab[j]/ibb[j])*varA)
		}
	}
	return math.Sqrt(varA), seB
}

// invert inverts a symmetric positive definite n×n matrix by Cholesky
// decomposition; ok is false when it is not positive definite.
func invert(a []float64, n int) ([]float64, bool) {
	l := make([]float64, n*n)
	for i := 0; i < n; i++ {
		for j := 0; j <= i; j++ {
			s := a[i*n+j]
			for k := 0; k < j; k++ {
				s -= l[i*n+k] * l[j*n+k]
			}
			if i == j {
				if !(s > 0) {
					return nil, false
				}
				l[i*n+i] = math.Sqrt(s)
			} else {
				l[i*n+j] = s / l[j*n+j]
			}
		}
	}
	// inverse = L^-T L^-1: solve for each unit vector.
	inv := make([]float64, n*n)
	y := make([]float64, n)
	for c := 0; c < n; c++ {
		for i := 0; i < n; i++ {
			s := 0.0
			if i == c {
				s = 1
			}
			for k := 0; k < i; k++ {
				s -= l[i*n+k] * y[k]
			}
			y[i] = s / l[i*n+i]
		}
		for i := n - 1; i >= 0; i-- {
			s := y[i]
			for k := i + 1; k < n; k++ {
				s -= l[k*n+i] * inv[k*n+c]
			}
			inv[i*n+c] = s / l[i*n+i]
		}
	}
	return inv, true
}
