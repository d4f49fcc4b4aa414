package irt

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"
)

func rmse(est, truth []float64) float64 {
	s := 0.0
	for k := range est {
		d := est[k] - truth[k]
		s += d * d
	}
	return math.Sqrt(s / float64(len(est)))
}

// params collects one parameter of the items.
func params(items []Item, f func(Item) float64) []float64 {
	out := make([]float64, len(items))
	for j, it := range items {
		out[j] = f(it)
	}
	return out
}

func mustCalibrate(t *testing.T, r *Responses, opt Options) *Result {
	t.Helper()
	res, err := Calibrate(context.Background(), r, opt)
	if err != nil {
		t.Fatal(err)
	}
	if !res.Converged {
		t.Fatalf("did not converge in %d cycles", res.Cycles)
	}
	return res
}

func TestRecovery(t *testing.T) {
	getA := func(it Item) float64 { return it.A }
	getB := func(it Item) float64 { return it.B }
	getC := func(it Item) float64 { return it.C }
	tests := []struct {
		name    string
		n, m    int
		missing float64
		model   Model
		items   func(rng *rand.Rand, m int) []Item
		maxA    float64 // RMSE bounds
		maxB    float64
		maxC    float64
	}{
		{
			name: "rasch", n: 3000, m: 25, model: Rasch,
			items: func(rng *rand.Rand, m int) []Item {
				items := SimulateItems2PL(rng, m)
				for j := range items {
					items[j].A = 1.3
					items[j].Model = Rasch
				}
				return items
			},
			maxA: 0.05, maxB: 0.08,
		},
		{
			name: "2pl", n: 3000, m: 25, model: TwoPL,
			items: SimulateItems2PL, maxA: 0.10, maxB: 0.10,
		},
		{
			name: "2pl 30% missing", n: 4000, m: 25, missing: 0.3, model: TwoPL,
			items: SimulateItems2PL, maxA: 0.12, maxB: 0.12,
		},
		{
			name: "2pl 70% missing", n: 10000, m: 25, missing: 0.7, model: TwoPL,
			items: SimulateItems2PL, maxA: 0.12, maxB: 0.12,
		},
		{
			name: "3pl", n: 10000, m: 25, model: ThreePL,
			items: func(rng *rand.Rand, m int) []Item {
				items := SimulateItems2PL(rng, m)
				for j := range items {
					items[j].Model = ThreePL
					items[j].A *= 1.3
					items[j].C = 0.1 + 0.15*rng.Float64()
				}
				return items
			},
			maxA: 0.2, maxB: 0.15, maxC: 0.05,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			rng := rand.New(rand.NewPCG(7, uint64(tc.n+tc.m)))
			items := tc.items(rng, tc.m)
			r := SimulateResponses(rng, items, SimulateAbilities(rng, tc.n))
			if tc.missing > 0 {
				MaskRandom(rng, r, tc.missing)
			}
			res := mustCalibrate(t, r, Options{Model: tc.model, Workers: 2})
			ra := rmse(params(res.Items, getA), params(items, getA))
			rb := rmse(params(res.Items, getB), params(items, getB))
			rc := rmse(params(res.Items, getC), params(items, getC))
			t.Logf("RMSE a %.4f b %.4f c %.4f after %d cycles", ra, rb, rc, res.Cycles)
			if ra > tc.maxA || rb > tc.maxB {
				t.Errorf("RMSE a %.4f b %.4f, want at most %.3f and %.3f", ra, rb, tc.maxA, tc.maxB)
			}
			if tc.maxC > 0 && rc > tc.maxC {
				t.Errorf("RMSE c %.4f, want at most %.3f", rc, tc.maxC)
			}
			if tc.model == Rasch {
				for _, it := range res.Items {
					if it.A != res.Items[0].A {
						t.Fatalf("rasch slopes differ: %v and %v", it.A, res.Items[0].A)
					}
				}
			}
		})
	}
}

func TestRecoveryGPCM(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(11, 3))
	var items []Item
	for j := 0; j < 15; j++ {
		k := 1 + j%3 // 1, 2 or 3 steps
		it := Item{Model: GPCM, A: math.Exp(0.3 * rng.NormFloat64())}
		for v := 0; v < k; v++ {
			it.Steps = append(it.Steps, -1+float64(v)+0.5*rng.NormFloat64())
		}
		items = append(items, it)
	}
	r := SimulateResponses(rng, items, SimulateAbilities(rng, 4000))
	MaskRandom(rng, r, 0.15)
	res := mustCalibrate(t, r, Options{Model: GPCM})
	var est, truth, ea, ta []float64
	for j, it := range res.Items {
		if len(it.Steps) != len(items[j].Steps) {
			t.Fatalf("item %d: %d steps, want %d", j+1, len(it.Steps), len(items[j].Steps))
		}
		est = append(est, it.Steps...)
		truth = append(truth, items[j].Steps...)
		ea = append(ea, it.A)
		ta = append(ta, items[j].A)
	}
	rs, ra := rmse(est, truth), rmse(ea, ta)
	t.Logf("GPCM RMSE a %.4f steps %.4f", ra, rs)
	if ra > 0.1 || rs > 0.15 {
		t.Errorf("GPCM RMSE a %.4f steps %.4f, want at most 0.1 and 0.15", ra, rs)
	}
}

// TestAnchoredCalibration puts new items on the scale of anchors when the
// new group is abler and more spread than the reference group.
func TestAnchoredCalibration(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(5, 5))
	items := SimulateItems2PL(rng, 30)
	th := SimulateAbilities(rng, 5000)
	for i := range th {
		th[i] = 0.5 + 1.2*th[i]
	}
	r := SimulateResponses(rng, items, th)
	anchors := map[int]Item{}
	for j := 0; j < 20; j++ {
		anchors[j] = items[j]
	}
	res := mustCalibrate(t, r, Options{Model: TwoPL, Anchors: anchors})
	for j := 0; j < 20; j++ {
		if res.Items[j].A != items[j].A || math.Abs(res.Items[j].B-items[j].B) > 1e-12 {
			t.Fatalf("anchor %d moved: %+v, was %+v", j, res.Items[j], items[j])
		}
	}
	getA := func(it Item) float64 { return it.A }
	getB := func(it Item) float64 { return it.B }
	ra := rmse(params(res.Items[20:], getA), params(items[20:], getA))
	rb := rmse(params(res.Items[20:], getB), params(items[20:], getB))
	t.Logf("latent mean %.3f sd %.3f; new items RMSE a %.4f b %.4f", res.LatentMean, res.LatentSD, ra, rb)
	if math.Abs(res.LatentMean-0.5) > 0.08 || math.Abs(res.LatentSD-1.2) > 0.08 {
		t.Errorf("latent N(%.3f, %.3f²), want about N(0.5, 1.2²)", res.LatentMean, res.LatentSD)
	}
	if ra > 0.12 || rb > 0.12 {
		t.Errorf("new items RMSE a %.4f b %.4f, want at most 0.12", ra, rb)
	}
	// Without anchors the same data land on the group's own N(0,1) scale:
	// the difficulties shift by about the group's mean.
	free := mustCalibrate(t, r, Options{Model: TwoPL})
	shift := 0.0
	for j := range items {
		shift += items[j].B - free.Items[j].B
	}
	shift /= float64(len(items))
	if math.Abs(shift-0.5) > 0.15 {
		t.Errorf("unanchored difficulties shifted by %.3f, want about 0.5", shift)
	}
}

// TestAccelerationReachesSameOptimum compares SQUAREM with plain EM.
func TestAccelerationReachesSameOptimum(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(3, 1))
	items := SimulateItems2PL(rng, 20)
	r := SimulateResponses(rng, items, SimulateAbilities(rng, 2000))
	fast := mustCalibrate(t, r, Options{Tol: 1e-6})
	slow := mustCalibrate(t, r, Options{Tol: 1e-6, Accelerator: NoAcceleration, MaxCycles: 5000})
	t.Logf("SQUAREM %d cycles, EM %d cycles; log-likelihoods %.4f and %.4f", fast.Cycles, slow.Cycles, fast.LogLik, slow.LogLik)
	if math.Abs(fast.LogLik-slow.LogLik) > 0.01 {
		t.Errorf("log-likelihoods differ: %.4f vs %.4f", fast.LogLik, slow.LogLik)
	}
	for j := range items {
		if math.Abs(fast.Items[j].A-slow.Items[j].A) > 2e-3 || math.Abs(fast.Items[j].B-slow.Items[j].B) > 2e-3 {
			t.Errorf("item %d: SQUAREM %+v, EM %+v", j+1, fast.Items[j], slow.Items[j])
		}
	}
	if fast.Cycles >= slow.Cycles {
		t.Errorf("SQUAREM took %d cycles, plain EM %d", fast.Cycles, slow.Cycles)
	}
}

func TestCalibrateErrors(t *testing.T) {
	r := NewResponses(3, 2)
	r.Set(0, 0, 2)
	r.Set(1, 1, 1)
	tests := []struct {
		name string
		r    *Responses
		opt  Options
	}{
		{"partial credit needs gpcm", r, Options{Model: TwoPL}},
		{"coarse grid", r, Options{Model: GPCM, QuadPoints: 21}},
		{"empty", &Responses{}, Options{}},
		{"item without responses", NewResponses(3, 2), Options{}},
		{"all anchored", r, Options{Model: GPCM, Anchors: map[int]Item{0: {Model: GPCM, A: 1, Steps: []float64{0, 1}}, 1: {A: 1}}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := Calibrate(context.Background(), tc.r, tc.opt); err == nil {
				t.Fatal("no error")
			} else {
				t.Log(err)
			}
		})
	}
}

func TestCalibrateCancel(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	r := SimulateResponses(rng, SimulateItems2PL(rng, 10), SimulateAbilities(rng, 500))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Calibrate(ctx, r, Options{}); err == nil {
		t.Fatal("calibration ran despite a cancelled context")
	}
}
