package irt

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"
)

func TestScoring(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	items := SimulateItems2PL(rng, 40)
	items[3].Model, items[3].C = ThreePL, 0.2
	items[7] = Item{Model: GPCM, A: 1.1, Steps: []float64{-0.8, 0.2, 1.0}}
	items[7].B = (items[7].Steps[0] + items[7].Steps[1] + items[7].Steps[2]) / 3
	th := SimulateAbilities(rng, 3000)
	r := SimulateResponses(rng, items, th)
	sc, err := NewScorer(items)
	if err != nil {
		t.Fatal(err)
	}
	eap, err := sc.ScoreEAP(context.Background(), r)
	if err != nil {
		t.Fatal(err)
	}
	// EAP: the posterior SD must match the actual error on average.
	var se2, err2 float64
	for i, e := range eap {
		single, err := sc.EAP(r.Row(i))
		if err != nil {
			t.Fatal(err)
		}
		if single != e {
			t.Fatalf("examinee %d: EAP %v alone, %v in bulk", i, single, e)
		}
		se2 += e.SE * e.SE
		err2 += (e.Theta - th[i]) * (e.Theta - th[i])
	}
	rmsSE, rmsErr := math.Sqrt(se2/float64(len(th))), math.Sqrt(err2/float64(len(th)))
	t.Logf("EAP: RMS posterior SD %.4f, RMS error %.4f", rmsSE, rmsErr)
	if math.Abs(rmsSE-rmsErr) > 0.1*rmsErr {
		t.Errorf("EAP posterior SD %.4f does not match the error %.4f", rmsSE, rmsErr)
	}
	// ML and MAP: Fisher-scoring stationarity, SEs from the information.
	var mlErr2, mlSE2 float64
	n := 0
	for i := 0; i < 500; i++ {
		row := r.Row(i)
		ml, err := sc.ML(row)
		if err != nil {
			t.Fatal(err)
		}
		mp, err := sc.MAP(row)
		if err != nil {
			t.Fatal(err)
		}
		if math.IsInf(ml.SE, 1) {
			continue
		}
		g := 0.0
		for j, x := range row {
			d, _ := itemScoreDerivs(&items[j], int(x), ml.Theta)
			g += d
		}
		if math.Abs(g) > 1e-5 && ml.Theta > -6 && ml.Theta < 6 {
			t.Fatalf("examinee %d: score function %.2g at the ML estimate", i, g)
		}
		if want := ConditionalSE(items, ml.Theta); math.Abs(ml.SE-want) > 1e-9 {
			t.Fatalf("ML SE %v, conditional SE %v", ml.SE, want)
		}
		// MAP shrinks towards the prior mean.
		if math.Abs(mp.Theta) > math.Abs(ml.Theta)+1e-9 {
			t.Fatalf("examinee %d: MAP %.3f is further from 0 than ML %.3f", i, mp.Theta, ml.Theta)
		}
		if mp.SE >= ml.SE {
			t.Fatalf("examinee %d: MAP SE %.3f not below ML SE %.3f", i, mp.SE, ml.SE)
		}
		mlErr2 += (ml.Theta - th[i]) * (ml.Theta - th[i])
		mlSE2 += ml.SE * ml.SE
		n++
	}
	t.Logf("ML: RMS SE %.4f, RMS error %.4f over %d examinees", math.Sqrt(mlSE2/float64(n)), math.Sqrt(mlErr2/float64(n)), n)
	if r := math.Sqrt(mlErr2/mlSE2) - 1; math.Abs(r) > 0.2 {
		t.Errorf("ML SEs off by %.0f%%", 100*r)
	}
}

func TestMLExtremePatterns(t *testing.T) {
	items := []Item{{A: 1, B: 0}, {A: 1.5, B: 1}, {Model: GPCM, A: 1, Steps: []float64{0, 1}}}
	sc, err := NewScorer(items)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		row   []int8
		theta float64
	}{
		{"all wrong", []int8{0, 0, 0}, -6},
		{"all right", []int8{1, 1, 2}, 6},
		{"none", []int8{Missing, Missing, Missing}, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e, err := sc.ML(tc.row)
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(e.Theta-tc.theta) > 1e-9 || !math.IsInf(e.SE, 1) {
				t.Errorf("ML %+v, want theta %v with infinite SE", e, tc.theta)
			}
		})
	}
	if _, err := sc.ML([]int8{0, 2, 0}); err == nil {
		t.Error("score 2 on a dichotomous item accepted")
	}
	if _, err := sc.EAP([]int8{0, 1}); err == nil {
		t.Error("short pattern accepted")
	}
}

func TestInformationMatchesNumericalDerivative(t *testing.T) {
	items := []Item{
		{Model: TwoPL, A: 1.3, B: 0.4},
		{Model: ThreePL, A: 1.7, B: -0.2, C: 0.2},
		{Model: GPCM, A: 0.9, Steps: []float64{-1, 0.3, 1.2}},
	}
	for _, it := range items {
		t.Run(it.Model.String(), func(t *testing.T) {
			for _, th := range []float64{-2, -0.5, 0, 0.7, 2.5} {
				// Fisher information = E[(d/dθ log P(X|θ))²].
				var buf []float64
				buf = it.CategoryProbs(th, buf)
				want := 0.0
				const h = 1e-5
				for x, p := range buf {
					up := it.CategoryProbs(th+h, nil)[x]
					dn := it.CategoryProbs(th-h, nil)[x]
					d := (math.Log(up) - math.Log(dn)) / (2 * h)
					want += p * d * d
				}
				if got := it.Information(th); math.Abs(got-want) > 1e-6 {
					t.Errorf("θ=%v: information %v, numerical %v", th, got, want)
				}
			}
		})
	}
}

func TestScaledScore(t *testing.T) {
	s, err := NewScale(0.8)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		theta float64
		want  int
	}{
		{-10, 1}, {-4, 1}, {0.8, 700}, {4, 1000}, {9, 1000},
		{(-4 + 0.8) / 2, 351}, // midway below the cut: (1+700)/2 rounded
		{(0.8 + 4) / 2, 850},
	}
	for _, tc := range tests {
		if got := s.ScaledScore(tc.theta); got != tc.want {
			t.Errorf("ScaledScore(%v) = %d, want %d", tc.theta, got, tc.want)
		}
	}
	prev := 0
	for th := -5.0; th <= 5; th += 0.01 {
		v := s.ScaledScore(th)
		if v < prev {
			t.Fatalf("scale decreases at θ=%v", th)
		}
		prev = v
		if math.Abs(s.Theta(float64(v))-th) > 0.02 && th > -4 && th < 4 {
			t.Fatalf("Theta(ScaledScore(%v)) = %v", th, s.Theta(float64(v)))
		}
	}
	if s.Passed(0.79) || !s.Passed(0.81) {
		t.Error("pass decision wrong around the cut")
	}
	if _, err := NewScale(5); err == nil {
		t.Error("cut above the top accepted")
	}
}

func TestCutThetaFromAngoff(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 4))
	items := SimulateItems2PL(rng, 30)
	const target = 0.6
	// Raters who know the model exactly, with symmetric disagreement.
	ratings := make([][]float64, 4)
	for r := range ratings {
		ratings[r] = make([]float64, len(items))
		for j, it := range items {
			ratings[r][j] = it.P(target) + []float64{-0.05, 0.05, -0.02, 0.02}[r]
		}
	}
	cut, err := CutThetaFromAngoff(items, ratings)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(cut-target) > 1e-6 {
		t.Errorf("cut θ %v, want %v", cut, target)
	}
	if _, err := CutThetaFromAngoff(items, [][]float64{{0.5}}); err == nil {
		t.Error("short rating row accepted")
	}
	bad := [][]float64{make([]float64, len(items))}
	bad[0][3] = 1.5
	if _, err := CutThetaFromAngoff(items, bad); err == nil {
		t.Error("rating 1.5 accepted")
	}
}
