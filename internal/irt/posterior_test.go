package irt

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"
)

// bruteLogLik returns log Σ_q w_q Π_j P_j(x_j | θ_q) for one pattern and the
// posterior mean and SD, straight from the item probabilities.
func bruteLogLik(items []Item, q Quadrature, row []int8) (ll, mean, sd float64) {
	lw := make([]float64, len(q.Nodes))
	mx := math.Inf(-1)
	for k, th := range q.Nodes {
		l := math.Log(q.Weights[k])
		for j, x := range row {
			if x >= 0 {
				l += math.Log(items[j].CategoryProbs(th, nil)[x])
			}
		}
		lw[k] = l
		mx = math.Max(mx, l)
	}
	var s, m, m2 float64
	for k, th := range q.Nodes {
		w := math.Exp(lw[k] - mx)
		s += w
		m += w * th
		m2 += w * th * th
	}
	m /= s
	return mx + math.Log(s), m, math.Sqrt(m2/s - m*m)
}

// TestPosteriorMatchesBruteForce checks the optimised E-step (sufficient
// sums, windows, weight recurrences, complemented patterns, missing
// responses) against direct evaluation.
func TestPosteriorMatchesBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 8))
	tests := []struct {
		name    string
		items   func() []Item
		missing float64
	}{
		{"2pl complete", func() []Item { return SimulateItems2PL(rng, 60) }, 0},
		{"2pl 20% missing", func() []Item { return SimulateItems2PL(rng, 60) }, 0.2},
		{"2pl 80% missing", func() []Item { return SimulateItems2PL(rng, 60) }, 0.8},
		{"mixed 3pl and gpcm", func() []Item {
			items := SimulateItems2PL(rng, 30)
			for j := 0; j < 30; j += 3 {
				items[j].Model, items[j].C = ThreePL, 0.2
			}
			items[1] = Item{Model: GPCM, A: 1.2, Steps: []float64{-0.5, 0.4}, B: -0.05}
			return items
		}, 0.1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			items := tc.items()
			r := SimulateResponses(rng, items, SimulateAbilities(rng, 300))
			MaskRandom(rng, r, tc.missing)
			q := NormalQuadrature(61, -6, 6, 0.2, 1.1)
			sc, err := NewScorerWithPrior(items, q)
			if err != nil {
				t.Fatal(err)
			}
			states := make([]itemState, len(items))
			for j := range items {
				states[j] = stateFromItem(items[j])
			}
			tab := newTables(states, q)
			complement := true
			for _, s := range states {
				complement = complement && s.model != ThreePL && s.k == 1
			}
			pat := newPatterns(r, tab.Kmax, complement)
			s := newScratch(tab.Q, r.M)
			for i := 0; i < r.N; i++ {
				wantLL, wantM, wantSD := bruteLogLik(items, q, r.Row(i))
				e, err := sc.EAP(r.Row(i))
				if err != nil {
					t.Fatal(err)
				}
				if math.Abs(e.Theta-wantM) > 1e-9 || math.Abs(e.SE-wantSD) > 1e-9 {
					t.Fatalf("examinee %d: EAP %+v, direct %.12f ± %.12f", i, e, wantM, wantSD)
				}
				_, _, ll := tab.posterior(pat.pos[pat.posStart[i]:pat.posStart[i+1]], pat.other[pat.otherStart[i]:pat.otherStart[i+1]], pat.manyMissing[i], pat.comp[i], s)
				if math.Abs(ll-wantLL) > 1e-8*math.Max(1, math.Abs(wantLL)) {
					t.Fatalf("examinee %d: log-likelihood %.10f, direct %.10f", i, ll, wantLL)
				}
			}
		})
	}
}

// TestExpectedCountsMatchBruteForce checks the accumulated expected counts
// of one E-step against direct sums of the posteriors.
func TestExpectedCountsMatchBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(12, 1))
	items := SimulateItems2PL(rng, 40)
	r := SimulateResponses(rng, items, SimulateAbilities(rng, 500))
	MaskRandom(rng, r, 0.3)
	for i := 0; i < 50; i++ { // some examinees with most answers missing
		row := r.Row(i)
		for j := range row {
			if j%5 != 0 {
				row[j] = Missing
			}
		}
	}
	c := &calibration{opt: (&Options{Workers: 2}).withDefaults(), resp: r, sigma: 1}
	if err := c.init(); err != nil {
		t.Fatal(err)
	}
	for j := range items {
		c.states[j] = stateFromItem(items[j])
	}
	ll, err := c.estep(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	q := NormalQuadrature(61, -6, 6, 0, 1)
	Q := len(q.Nodes)
	wantN := make([]float64, r.M*Q)
	wantR := make([]float64, r.M*Q)
	wantLL := 0.0
	for i := 0; i < r.N; i++ {
		row := r.Row(i)
		l, _, _ := bruteLogLik(items, q, row)
		wantLL += l
		for k, th := range q.Nodes {
			lp := math.Log(q.Weights[k])
			for j, x := range row {
				if x >= 0 {
					lp += math.Log(items[j].CategoryProbs(th, nil)[x])
				}
			}
			w := math.Exp(lp - l)
			for j, x := range row {
				if x >= 0 {
					wantN[j*Q+k] += w
				}
				if x == 1 {
					wantR[j*Q+k] += w
				}
			}
		}
	}
	if math.Abs(ll-wantLL) > 1e-7*math.Abs(wantLL) {
		t.Errorf("log-likelihood %.8f, direct %.8f", ll, wantLL)
	}
	for j := range items {
		for k := 0; k < Q; k++ {
			if d := math.Abs(c.data[j].n[k] - wantN[j*Q+k]); d > 1e-8 {
				t.Fatalf("item %d node %d: n %.10f, direct %.10f", j, k, c.data[j].n[k], wantN[j*Q+k])
			}
			if d := math.Abs(c.data[j].r[k] - wantR[j*Q+k]); d > 1e-8 {
				t.Fatalf("item %d node %d: r %.10f, direct %.10f", j, k, c.data[j].r[k], wantR[j*Q+k])
			}
		}
	}
}
