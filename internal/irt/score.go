package irt

import (
	"context"
	"fmt"
	"math"
	"runtime"
	"sync"
)

// Estimate is an ability estimate with its standard error (the posterior
// standard deviation for EAP).
type Estimate struct {
	Theta float64
	SE    float64
}

// Scorer estimates abilities from responses to calibrated items. It is
// safe for concurrent use.
type Scorer struct {
	items []Item
	prior Quadrature
	mean  float64
	sd    float64
	tab   *tables
	maxX  []int8 // highest score per item
	pool  sync.Pool
}

// NewScorer returns a scorer for the items (in response-column order) with
// the N(0,1) prior on 61 nodes over [-6, 6].
func NewScorer(items []Item) (*Scorer, error) {
	return NewScorerWithPrior(items, NormalQuadrature(61, -6, 6, 0, 1))
}

// NewScorerWithPrior returns a scorer that uses the given quadrature as the
// ability prior (for EAP) and its mean and SD as the normal prior of MAP.
func NewScorerWithPrior(items []Item, prior Quadrature) (*Scorer, error) {
	if len(items) == 0 {
		return nil, fmt.Errorf("scorer: no items")
	}
	if len(prior.Nodes) < 2 || len(prior.Nodes) != len(prior.Weights) {
		return nil, fmt.Errorf("scorer: invalid quadrature with %d nodes and %d weights", len(prior.Nodes), len(prior.Weights))
	}
	states := make([]itemState, len(items))
	for j, it := range items {
		if err := it.Validate(); err != nil {
			return nil, fmt.Errorf("scorer: %w", err)
		}
		states[j] = stateFromItem(it)
	}
	s := &Scorer{items: items, prior: prior, tab: newTables(states, prior), maxX: make([]int8, len(items))}
	for j, it := range items {
		s.maxX[j] = int8(min(it.MaxScore(), 127))
	}
	m, v := 0.0, 0.0
	for q, th := range prior.Nodes {
		m += prior.Weights[q] * th
	}
	for q, th := range prior.Nodes {
		v += prior.Weights[q] * (th - m) * (th - m)
	}
	s.mean, s.sd = m, math.Sqrt(v)
	s.pool.New = func() any { return newScratch(s.tab.Q, len(items)) }
	return s, nil
}

func (s *Scorer) check(row []int8) error {
	if len(row) != len(s.items) {
		return fmt.Errorf("response pattern has %d responses for %d items", len(row), len(s.items))
	}
	bad := false
	for j, x := range row {
		bad = bad || x > s.maxX[j] || x < Missing
	}
	if !bad {
		return nil
	}
	for j, x := range row {
		if x > s.maxX[j] || x < Missing {
			return fmt.Errorf("item %q: score %d outside 0..%d", s.items[j].ID, x, s.maxX[j])
		}
	}
	return nil
}

// EAP returns the expected a posteriori ability and the posterior SD.
func (s *Scorer) EAP(row []int8) (Estimate, error) {
	if err := s.check(row); err != nil {
		return Estimate{}, err
	}
	sc := s.pool.Get().(*scratch)
	defer s.pool.Put(sc)
	return s.eap(row, sc), nil
}

func (s *Scorer) eap(row []int8, sc *scratch) Estimate {
	many := s.tab.rowLists(row, sc)
	lo, hi, _ := s.tab.posterior(sc.pos, sc.other, many, false, sc)
	var m, m2 float64
	for q := lo; q <= hi; q++ {
		th := s.tab.nodes[q]
		m += sc.w[q] * th
		m2 += sc.w[q] * th * th
	}
	return Estimate{Theta: m, SE: math.Sqrt(math.Max(0, m2-m*m))}
}

// ScoreEAP returns the EAP estimate of every examinee of r, in parallel.
func (s *Scorer) ScoreEAP(ctx context.Context, r *Responses) ([]Estimate, error) {
	if r.M != len(s.items) {
		return nil, fmt.Errorf("score: %d response columns for %d items", r.M, len(s.items))
	}
	out := make([]Estimate, r.N)
	w := min(runtime.GOMAXPROCS(0), max(1, r.N/256))
	errs := make([]error, w)
	var wg sync.WaitGroup
	for k := 0; k < w; k++ {
		i0, i1 := k*r.N/w, (k+1)*r.N/w
		wg.Go(func() {
			sc := s.pool.Get().(*scratch)
			defer s.pool.Put(sc)
			for i := i0; i < i1; i++ {
				if i%4096 == 0 && ctx.Err() != nil {
					return
				}
				row := r.Row(i)
				if err := s.check(row); err != nil {
					errs[k] = fmt.Errorf("score: examinee %d: %w", i+1, err)
					return
				}
				out[i] = s.eap(row, sc)
			}
		})
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// MAP returns the maximum a posteriori ability under the normal prior with
// the scorer's prior mean and SD, with the SE from the posterior curvature.
func (s *Scorer) MAP(row []int8) (Estimate, error) {
	if err := s.check(row); err != nil {
		return Estimate{}, err
	}
	th, info := s.newton(row, true)
	return Estimate{Theta: th, SE: 1 / math.Sqrt(info)}, nil
}

// ML returns the maximum likelihood ability with its standard error
// 1/sqrt(I(θ)). The ML estimate does not exist for a pattern of all lowest
// or all highest scores (or no responses): ML then returns the end of the
// scorer's grid with an infinite SE.
func (s *Scorer) ML(row []int8) (Estimate, error) {
	if err := s.check(row); err != nil {
		return Estimate{}, err
	}
	lo, hi, n := true, true, 0
	for j, x := range row {
		if x < 0 {
			continue
		}
		n++
		lo = lo && x == 0
		hi = hi && int(x) == s.items[j].MaxScore()
	}
	nodes := s.prior.Nodes
	switch {
	case n == 0:
		return Estimate{Theta: s.mean, SE: math.Inf(1)}, nil
	case lo:
		return Estimate{Theta: nodes[0], SE: math.Inf(1)}, nil
	case hi:
		return Estimate{Theta: nodes[len(nodes)-1], SE: math.Inf(1)}, nil
	}
	th, info := s.newton(row, false)
	return Estimate{Theta: th, SE: 1 / math.Sqrt(info)}, nil
}

// newton maximises the log-likelihood (plus the normal log prior when
// prior is set) by Fisher scoring, within the grid's range.
func (s *Scorer) newton(row []int8, prior bool) (theta, info float64) {
	lo, hi := s.prior.Nodes[0], s.prior.Nodes[len(s.prior.Nodes)-1]
	th := s.mean
	if !prior {
		if e, err := s.EAP(row); err == nil {
			th = e.Theta
		}
	}
	for iter := 0; iter < 100; iter++ {
		g, inf := 0.0, 0.0
		for j, x := range row {
			if x < 0 {
				continue
			}
			d1, i1 := itemScoreDerivs(&s.items[j], int(x), th)
			g += d1
			inf += i1
		}
		if prior {
			g -= (th - s.mean) / (s.sd * s.sd)
			inf += 1 / (s.sd * s.sd)
		}
		if inf <= 0 {
			break
		}
		step := clamp(g/inf, -1, 1)
		next := clamp(th+step, lo, hi)
		done := math.Abs(next-th) < 1e-10
		th = next
		if done {
			break
		}
	}
	for j, x := range row {
		if x >= 0 {
			_, i1 := itemScoreDerivs(&s.items[j], int(x), th)
			info += i1
		}
	}
	if prior {
		info += 1 / (s.sd * s.sd)
	}
	return th, info
}

// itemScoreDerivs returns d/dθ log P(x|θ) and the item's Fisher information.
func itemScoreDerivs(it *Item, x int, th float64) (float64, float64) {
	switch it.Model {
	case ThreePL:
		ps := logistic(it.A * (th - it.B))
		p := it.C + (1-it.C)*ps
		dp := it.A * (1 - it.C) * ps * (1 - ps)
		pq := p * (1 - p)
		if pq <= 0 {
			return 0, 0
		}
		return (float64(x) - p) / pq * dp, dp * dp / pq
	case GPCM:
		var buf [16]float64
		p := it.CategoryProbs(th, buf[:0])
		e, e2 := 0.0, 0.0
		for k, v := range p {
			e += float64(k) * v
			e2 += float64(k*k) * v
		}
		return it.A * (float64(x) - e), it.A * it.A * (e2 - e*e)
	default:
		p := logistic(it.A * (th - it.B))
		return it.A * (float64(x) - p), it.A * it.A * p * (1 - p)
	}
}
