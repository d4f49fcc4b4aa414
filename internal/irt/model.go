package irt

import (
	"fmt"
	"math"
	"strings"
)

// Model is an item response model.
type Model int

// The supported item response models. The zero value is the 2PL.
const (
	// TwoPL is the two-parameter logistic model P = 1/(1+exp(-a(θ-b))).
	TwoPL Model = iota
	// Rasch is the one-parameter model: the 2PL with one slope shared by all
	// items (equivalent to the Rasch model with a freely estimated ability
	// variance, reported on the N(0,1) ability scale).
	Rasch
	// ThreePL adds a lower asymptote c: P = c + (1-c)/(1+exp(-a(θ-b))).
	ThreePL
	// GPCM is the generalized partial credit model for items scored
	// 0..K: P(k) ∝ exp(Σ_{v≤k} a(θ-b_v)).
	GPCM
)

// String returns the name used on the command line.
func (m Model) String() string {
	switch m {
	case TwoPL:
		return "2pl"
	case Rasch:
		return "rasch"
	case ThreePL:
		return "3pl"
	case GPCM:
		return "gpcm"
	}
	return fmt.Sprintf("Model(%d)", int(m))
}

// ParseModel parses a model name: rasch (or 1pl), 2pl, 3pl or gpcm.
func ParseModel(s string) (Model, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "rasch", "1pl":
		return Rasch, nil
	case "2pl":
		return TwoPL, nil
	case "3pl":
		return ThreePL, nil
	case "gpcm", "pcm":
		return GPCM, nil
	}
	return 0, fmt.Errorf("unknown IRT model %q (want rasch, 2pl, 3pl or gpcm)", s)
}

// Item holds the parameters of one item in the IRT parameterisation a(θ-b).
//
// For dichotomous models A is the discrimination, B the difficulty and C the
// lower asymptote (zero except for the 3PL). For GPCM items Steps holds the
// step difficulties b_1..b_K of an item scored 0..K, B is their mean and C is
// zero.
type Item struct {
	ID    string
	Model Model
	A     float64
	B     float64
	C     float64
	Steps []float64
}

// Categories returns the number of score categories (2 for dichotomous items).
func (it Item) Categories() int {
	if it.Model == GPCM {
		return len(it.Steps) + 1
	}
	return 2
}

// MaxScore returns the highest score of the item (1 for dichotomous items).
func (it Item) MaxScore() int { return it.Categories() - 1 }

// P returns the probability of a correct response at ability theta. For GPCM
// items it is the expected score as a fraction of the maximum score.
func (it Item) P(theta float64) float64 {
	if it.Model == GPCM {
		return it.ExpectedScore(theta) / float64(len(it.Steps))
	}
	return it.C + (1-it.C)*logistic(it.A*(theta-it.B))
}

// ExpectedScore returns the expected item score at theta.
func (it Item) ExpectedScore(theta float64) float64 {
	if it.Model != GPCM {
		return it.P(theta)
	}
	var buf [16]float64
	p := it.CategoryProbs(theta, buf[:0])
	e := 0.0
	for k, v := range p {
		e += float64(k) * v
	}
	return e
}

// CategoryProbs appends to dst the probabilities of scores 0..MaxScore at
// theta and returns the extended slice.
func (it Item) CategoryProbs(theta float64, dst []float64) []float64 {
	if it.Model != GPCM {
		p := it.P(theta)
		return append(dst, 1-p, p)
	}
	start := len(dst)
	dst = append(dst, 0)
	z, mx := 0.0, 0.0
	for _, b := range it.Steps {
		z += it.A * (theta - b)
		dst = append(dst, z)
		mx = math.Max(mx, z)
	}
	sum := 0.0
	for k := start; k < len(dst); k++ {
		dst[k] = math.Exp(dst[k] - mx)
		sum += dst[k]
	}
	for k := start; k < len(dst); k++ {
		dst[k] /= sum
	}
	return dst
}

// Information returns the Fisher information of the item at theta.
func (it Item) Information(theta float64) float64 {
	switch it.Model {
	case GPCM:
		var buf [16]float64
		p := it.CategoryProbs(theta, buf[:0])
		m, m2 := 0.0, 0.0
		for k, v := range p {
			m += float64(k) * v
			m2 += float64(k*k) * v
		}
		return it.A * it.A * (m2 - m*m)
	case ThreePL:
		p := it.P(theta)
		if p <= 0 || p >= 1 || it.C >= 1 {
			return 0
		}
		x := (p - it.C) / (1 - it.C)
		return it.A * it.A * x * x * (1 - p) / p
	default:
		p := logistic(it.A * (theta - it.B))
		return it.A * it.A * p * (1 - p)
	}
}

// Validate reports whether the parameters describe a usable item.
func (it Item) Validate() error {
	bad := func(what string, v float64) error {
		return fmt.Errorf("item %q: %s = %v is not a finite number", it.ID, what, v)
	}
	if math.IsNaN(it.A) || math.IsInf(it.A, 0) {
		return bad("a", it.A)
	}
	if math.IsNaN(it.B) || math.IsInf(it.B, 0) {
		return bad("b", it.B)
	}
	if math.IsNaN(it.C) || it.C < 0 || it.C >= 1 {
		return fmt.Errorf("item %q: c = %v is outside [0,1)", it.ID, it.C)
	}
	if it.Model == GPCM {
		if len(it.Steps) == 0 {
			return fmt.Errorf("item %q: a GPCM item needs at least one step", it.ID)
		}
		for k, s := range it.Steps {
			if math.IsNaN(s) || math.IsInf(s, 0) {
				return bad(fmt.Sprintf("step %d", k+1), s)
			}
		}
	}
	return nil
}

// TestInformation returns the sum of the item informations at theta.
func TestInformation(items []Item, theta float64) float64 {
	s := 0.0
	for _, it := range items {
		s += it.Information(theta)
	}
	return s
}

// ConditionalSE returns the standard error of measurement of the ML ability
// estimate at theta, 1/sqrt(test information).
func ConditionalSE(items []Item, theta float64) float64 {
	return 1 / math.Sqrt(TestInformation(items, theta))
}

// TestCharacteristic returns the expected total score at theta.
func TestCharacteristic(items []Item, theta float64) float64 {
	s := 0.0
	for _, it := range items {
		s += it.ExpectedScore(theta)
	}
	return s
}

func logistic(z float64) float64 {
	if z >= 0 {
		return 1 / (1 + math.Exp(-z))
	}
	e := math.Exp(z)
	return e / (1 + e)
}

// softplus returns log(1+exp(z)) without overflow.
func softplus(z float64) float64 {
	if z > 35 {
		return z
	}
	if z < -35 {
		return math.Exp(z)
	}
	return math.Log1p(math.Exp(z))
}
