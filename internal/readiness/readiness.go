// Package readiness estimates how ready a learner is for a certification
// exam from their practice answers: the ability overall and per blueprint
// domain, each with a credible interval, and the predicted probability of
// passing the real exam, updated after every answer.
//
// It builds on the item model and EAP posterior of package cat (readiness
// is a separate package because it answers a different question — "would I
// pass?" rather than "what next?" — and is also fed by non-adaptive
// practice); like cat it imports nothing else of certlab.
package readiness

import (
	"errors"
	"fmt"
	"math"

	"github.com/certlab/certlab/internal/cat"
)

// Exam describes the real exam the learner prepares for.
type Exam struct {
	// CutTheta is the passing ability on the IRT scale (scaled score 700).
	CutTheta float64
	// Form is a representative form of the real exam. Its test information
	// I(θ) gives the exam's measurement error SE(θ) = 1/√I(θ): the exam
	// passes a candidate when its estimate θ + e, e ~ N(0, SE(θ)²), is at
	// least CutTheta. An empty Form means an error-free exam that passes
	// exactly the candidates whose true ability is at least CutTheta.
	Form []cat.Item
}

// SE returns the exam's standard error of measurement at theta, 0 for an
// exam without a form.
func (e Exam) SE(theta float64) float64 {
	if len(e.Form) == 0 {
		return 0
	}
	var info float64
	for _, it := range e.Form {
		info += cat.Info(theta, it)
	}
	return 1 / math.Sqrt(info)
}

// PassGivenTheta returns the probability that a candidate of true ability
// theta passes the exam: Φ((θ − cut)/SE(θ)).
func (e Exam) PassGivenTheta(theta float64) float64 {
	se := e.SE(theta)
	if se == 0 {
		if theta >= e.CutTheta {
			return 1
		}
		return 0
	}
	return cat.NormalCDF((theta - e.CutTheta) / se)
}

func (e Exam) validate() error {
	if math.IsNaN(e.CutTheta) || math.IsInf(e.CutTheta, 0) {
		return fmt.Errorf("readiness: cut theta %v is not finite", e.CutTheta)
	}
	for i, it := range e.Form {
		if err := it.Validate(); err != nil {
			return fmt.Errorf("readiness: exam form item %d: %w", i, err)
		}
	}
	return nil
}

// Estimate is an ability estimate with its uncertainty.
type Estimate struct {
	Theta     float64 // EAP ability
	SE        float64 // posterior standard deviation
	Low, High float64 // 95% credible interval
	Responses int     // answers the estimate is based on
}

// DomainEstimate is the estimate for one blueprint domain.
type DomainEstimate struct {
	Name string
	Estimate
	// AboveCut is the posterior probability that the ability in this
	// domain is at least the cut: low values mark weak domains.
	AboveCut float64
}

// Report is the learner's readiness after the answers recorded so far.
type Report struct {
	Overall Estimate
	Domains []DomainEstimate
	// PassProbability is the predicted probability of passing the real
	// exam: the exam's pass curve averaged over the ability posterior, so
	// both the uncertainty of the current estimate and the exam's own
	// measurement error are accounted for.
	PassProbability float64
}

// Tracker accumulates practice answers into a readiness Report. It is not
// safe for concurrent use; rebuild it from stored answers after a restart.
type Tracker struct {
	exam    Exam
	names   []string
	overall *cat.Posterior
	domains []*cat.Posterior
	pass    []float64 // exam pass curve at the posterior nodes
}

// NewTracker returns a tracker for exam with the named blueprint domains
// (item Domain indexes them) and the population ability prior (the zero
// value means N(0, 1)).
func NewTracker(exam Exam, domains []string, prior cat.Normal) (*Tracker, error) {
	if err := exam.validate(); err != nil {
		return nil, err
	}
	if len(domains) == 0 {
		return nil, errors.New("readiness: no domains")
	}
	if prior == (cat.Normal{}) {
		prior = cat.Normal{Mean: 0, SD: 1}
	}
	overall, err := cat.NewPosterior(prior, 0)
	if err != nil {
		return nil, fmt.Errorf("readiness: %w", err)
	}
	t := &Tracker{exam: exam, names: append([]string(nil), domains...), overall: overall}
	for range domains {
		t.domains = append(t.domains, overall.Clone())
	}
	nodes := overall.Nodes()
	h := nodes[1] - nodes[0]
	t.pass = make([]float64, len(nodes))
	for i, x := range nodes {
		if len(exam.Form) == 0 {
			// Mass of the node's bin [x−h/2, x+h/2] that lies above the cut.
			t.pass[i] = math.Min(1, math.Max(0, (x+h/2-exam.CutTheta)/h))
			continue
		}
		t.pass[i] = exam.PassGivenTheta(x)
	}
	return t, nil
}

// Record adds one practice answer to the item it.
func (t *Tracker) Record(it cat.Item, correct bool) error {
	if err := it.Validate(); err != nil {
		return fmt.Errorf("readiness: record answer: %w", err)
	}
	if it.Domain >= len(t.domains) {
		return fmt.Errorf("readiness: record answer: item domain %d is not one of the %d domains", it.Domain, len(t.domains))
	}
	t.overall.Update(it, correct)
	t.domains[it.Domain].Update(it, correct)
	return nil
}

// PassProbability returns the predicted probability of passing the exam.
func (t *Tracker) PassProbability() float64 {
	var p float64
	for i, w := range t.overall.Weights() {
		p += w * t.pass[i]
	}
	return math.Min(1, math.Max(0, p))
}

// Report returns the current readiness.
func (t *Tracker) Report() Report {
	r := Report{Overall: estimate(t.overall), PassProbability: t.PassProbability()}
	for d, post := range t.domains {
		r.Domains = append(r.Domains, DomainEstimate{
			Name:     t.names[d],
			Estimate: estimate(post),
			AboveCut: probAbove(post, t.exam.CutTheta),
		})
	}
	return r
}

func estimate(p *cat.Posterior) Estimate {
	theta, se := p.EAP()
	return Estimate{Theta: theta, SE: se, Low: p.Quantile(0.025), High: p.Quantile(0.975), Responses: p.Responses()}
}

// probAbove returns the posterior probability of an ability of at least x.
func probAbove(p *cat.Posterior, x float64) float64 {
	return math.Min(1, math.Max(0, 1-cdfAt(p, x)))
}

// cdfAt returns the posterior probability of an ability below x, with the
// same piecewise-uniform bins as Posterior.Quantile.
func cdfAt(p *cat.Posterior, x float64) float64 {
	nodes := p.Nodes()
	h := nodes[1] - nodes[0]
	var c float64
	for i, w := range p.Weights() {
		c += w * math.Min(1, math.Max(0, (x-(nodes[i]-h/2))/h))
	}
	return c
}
