// Package cat is certlab's computerised adaptive practice: it picks the next
// item by maximum Fisher information at the current ability estimate, with
// exposure control (randomesque and Sympson–Hetter) and content balancing to
// blueprint weights, updates the ability by EAP after every response, and
// stops at a standard-error target or a maximum length.
//
// Items follow the three-parameter logistic model in the a(θ−b)
// parameterisation (C = 0 gives the 2PL). The package implements its own
// item probability, information and posterior so that it imports nothing
// else of certlab.
package cat

import (
	"fmt"
	"math"
	"slices"
)

// Item is one calibrated, dichotomously scored item of a bank.
type Item struct {
	A      float64 // discrimination, > 0
	B      float64 // difficulty
	C      float64 // lower asymptote (guessing), in [0, 1); 0 for the 2PL
	Domain int     // index of the blueprint domain the item belongs to
}

// Validate reports whether the item parameters are usable.
func (it Item) Validate() error {
	if !(it.A > 0) || math.IsInf(it.A, 0) {
		return fmt.Errorf("discrimination a = %v must be positive and finite", it.A)
	}
	if math.IsNaN(it.B) || math.IsInf(it.B, 0) {
		return fmt.Errorf("difficulty b = %v must be finite", it.B)
	}
	if !(it.C >= 0 && it.C < 1) {
		return fmt.Errorf("guessing c = %v must be in [0, 1)", it.C)
	}
	if it.Domain < 0 {
		return fmt.Errorf("domain %d must not be negative", it.Domain)
	}
	return nil
}

// Prob returns the probability of a correct response at ability theta:
// c + (1−c) / (1 + exp(−a(θ−b))).
func Prob(theta float64, it Item) float64 {
	return it.C + (1-it.C)*logistic(it.A*(theta-it.B))
}

// Info returns the Fisher information of the item at theta:
// a² · (1−P)/P · ((P−c)/(1−c))², which is a²·P·(1−P) for the 2PL.
func Info(theta float64, it Item) float64 {
	l := logistic(it.A * (theta - it.B))
	if it.C == 0 {
		return it.A * it.A * l * (1 - l)
	}
	p := it.C + (1-it.C)*l
	return it.A * it.A * (1 - p) / p * l * l
}

func logistic(x float64) float64 { return 1 / (1 + math.Exp(-x)) }

// Normal is a normal distribution, used as the ability prior.
type Normal struct {
	Mean, SD float64
}

// NormalCDF returns Φ(x), the standard normal distribution function.
func NormalCDF(x float64) float64 { return 0.5 * math.Erfc(-x/math.Sqrt2) }

// Posterior is an ability posterior on a fixed grid of quadrature points,
// updated one response at a time. The zero value is not usable; use
// NewPosterior.
type Posterior struct {
	nodes []float64
	w     []float64 // normalised posterior probability of each node
	n     int       // responses recorded
}

// DefaultQuadrature is the number of grid points NewPosterior uses when
// asked for 0: 81 equally spaced points over the prior mean ± 6 SD.
const DefaultQuadrature = 81

// NewPosterior returns the prior on points equally spaced points over mean ±
// 6 SD (DefaultQuadrature when points is 0).
func NewPosterior(prior Normal, points int) (*Posterior, error) {
	if points == 0 {
		points = DefaultQuadrature
	}
	if points < 11 {
		return nil, fmt.Errorf("cat: %d quadrature points is too few (want at least 11)", points)
	}
	if !(prior.SD > 0) || math.IsInf(prior.SD, 0) || math.IsNaN(prior.Mean) || math.IsInf(prior.Mean, 0) {
		return nil, fmt.Errorf("cat: prior N(%v, %v²) is not a proper normal distribution", prior.Mean, prior.SD)
	}
	p := &Posterior{nodes: make([]float64, points), w: make([]float64, points)}
	lo, hi := prior.Mean-6*prior.SD, prior.Mean+6*prior.SD
	for i := range p.nodes {
		x := lo + (hi-lo)*float64(i)/float64(points-1)
		z := (x - prior.Mean) / prior.SD
		p.nodes[i] = x
		p.w[i] = math.Exp(-0.5 * z * z)
	}
	p.normalise()
	return p, nil
}

func (p *Posterior) normalise() {
	var sum float64
	for _, v := range p.w {
		sum += v
	}
	if !(sum > 1e-280) {
		// Underflow cannot happen after one response from a normalised
		// state unless every node had probability ~0; keep the previous
		// shape rather than dividing by zero.
		return
	}
	inv := 1 / sum
	for i := range p.w {
		p.w[i] *= inv
	}
}

// Clone returns an independent copy of p.
func (p *Posterior) Clone() *Posterior {
	return &Posterior{nodes: p.nodes, w: slices.Clone(p.w), n: p.n}
}

// Update multiplies the posterior by the likelihood of one response and
// renormalises it.
func (p *Posterior) Update(it Item, correct bool) {
	for i, x := range p.nodes {
		pr := Prob(x, it)
		if !correct {
			pr = 1 - pr
		}
		p.w[i] *= math.Max(pr, 1e-300)
	}
	p.normalise()
	p.n++
}

// Responses returns the number of responses recorded.
func (p *Posterior) Responses() int { return p.n }

// Nodes returns the quadrature points (shared; do not modify).
func (p *Posterior) Nodes() []float64 { return p.nodes }

// Weights returns the posterior probabilities of the nodes (shared until
// the next Update; do not modify).
func (p *Posterior) Weights() []float64 { return p.w }

// EAP returns the expected a posteriori ability and the posterior standard
// deviation, which serves as its standard error.
func (p *Posterior) EAP() (theta, sd float64) {
	var m, m2 float64
	for i, x := range p.nodes {
		m += p.w[i] * x
	}
	for i, x := range p.nodes {
		d := x - m
		m2 += p.w[i] * d * d
	}
	return m, math.Sqrt(m2)
}

// Quantile returns the q-quantile of the posterior (0 < q < 1), treating
// each node as the centre of a bin of uniform mass; it gives credible
// intervals.
func (p *Posterior) Quantile(q float64) float64 {
	h := p.nodes[1] - p.nodes[0]
	var cum float64
	for i, wi := range p.w {
		if cum+wi >= q {
			frac := 0.0
			if wi > 0 {
				frac = (q - cum) / wi
			}
			return p.nodes[i] - h/2 + frac*h
		}
		cum += wi
	}
	return p.nodes[len(p.nodes)-1] + h/2
}

// Expect returns the posterior expectation of f(θ).
func (p *Posterior) Expect(f func(theta float64) float64) float64 {
	var s float64
	for i, x := range p.nodes {
		s += p.w[i] * f(x)
	}
	return s
}
