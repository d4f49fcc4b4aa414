package irt

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"
)

// TestStandardErrorsMatchSamplingSpread checks the standard errors against
// what they estimate: the spread of the estimates over repeated samples.
// For each model, items are calibrated on many simulated samples from the
// same items; the mean reported SE of each parameter must be within 25 %
// of the standard deviation of its estimates over the samples, averaged
// over the items (and within 45 % item by item).
func TestStandardErrorsMatchSamplingSpread(t *testing.T) {
	if testing.Short() {
		t.Skip("simulation")
	}
	tests := []struct {
		name  string
		model Model
		items func(rng *rand.Rand) []Item
		n     int
		miss  float64
	}{
		{"2pl", TwoPL, func(rng *rand.Rand) []Item { return SimulateItems2PL(rng, 12) }, 800, 0},
		{"2pl missing", TwoPL, func(rng *rand.Rand) []Item { return SimulateItems2PL(rng, 12) }, 1200, 0.3},
		{"rasch", Rasch, func(rng *rand.Rand) []Item {
			items := SimulateItems2PL(rng, 12)
			for j := range items {
				items[j].A, items[j].Model = 1.2, Rasch
			}
			return items
		}, 800, 0},
		{"gpcm", GPCM, func(rng *rand.Rand) []Item {
			var items []Item
			for j := 0; j < 8; j++ {
				it := Item{Model: GPCM, A: math.Exp(0.3 * rng.NormFloat64())}
				for v := 0; v < 1+j%2; v++ {
					it.Steps = append(it.Steps, -0.7+1.2*float64(v)+0.4*rng.NormFloat64())
				}
				items = append(items, it)
			}
			return items
		}, 800, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			rng := rand.New(rand.NewPCG(21, 5))
			truth := tc.items(rng)
			const reps = 40
			var estA, estB, seA, seB [][]float64
			for rep := 0; rep < reps; rep++ {
				r := SimulateResponses(rng, truth, SimulateAbilities(rng, tc.n))
				if tc.miss > 0 {
					MaskRandom(rng, r, tc.miss)
				}
				opt := Options{Model: tc.model, Workers: 1}
				res, err := Calibrate(context.Background(), r, opt)
				if err != nil || !res.Converged {
					t.Fatalf("calibrate: %v (converged %v)", err, res != nil && res.Converged)
				}
				ses, err := StandardErrors(r, res, opt)
				if err != nil {
					t.Fatal(err)
				}
				var a, b, sa, sb []float64
				for j, it := range res.Items {
					b1, s1 := it.B, ses[j].B
					if tc.model == GPCM {
						b1, s1 = it.Steps[0], ses[j].Steps[0]
					}
					a, b, sa, sb = append(a, it.A), append(b, b1), append(sa, ses[j].A), append(sb, s1)
				}
				estA, estB, seA, seB = append(estA, a), append(estB, b), append(seA, sa), append(seB, sb)
			}
			check := func(what string, est, se [][]float64) {
				t.Helper()
				sumRatio := 0.0
				M := len(est[0])
				for j := 0; j < M; j++ {
					mean, meanSE := 0.0, 0.0
					for rep := range est {
						mean += est[rep][j] / reps
						meanSE += se[rep][j] / reps
					}
					v := 0.0
					for rep := range est {
						v += (est[rep][j] - mean) * (est[rep][j] - mean) / (reps - 1)
					}
					ratio := meanSE / math.Sqrt(v)
					if math.IsNaN(ratio) || ratio < 0.55 || ratio > 1.8 {
						t.Errorf("%s of item %d: mean SE %.4f, SD of estimates %.4f", what, j+1, meanSE, math.Sqrt(v))
					}
					sumRatio += ratio
				}
				mean := sumRatio / float64(M)
				t.Logf("%s: mean SE / SD of estimates = %.3f over %d items", what, mean, M)
				if mean < 0.8 || mean > 1.25 {
					t.Errorf("%s: mean SE / SD of estimates = %.3f, want 0.8 to 1.25", what, mean)
				}
			}
			// Rasch items share one slope: every column holds it.
			check("a", estA, seA)
			check("b", estB, seB)
		})
	}
}

func TestInvert(t *testing.T) {
	a := []float64{4, 2, 0.6, 2, 5, 1, 0.6, 1, 3}
	inv, ok := invert(a, 3)
	if !ok {
		t.Fatal("not positive definite")
	}
	for i := 0; i < 3; i++ {
		for j := 0; j < 3; j++ {
			s := 0.0
			for k := 0; k < 3; k++ {
				s += a[i*3+k] * inv[k*3+j]
			}
			want := 0.0
			if i == j {
				want = 1
			}
			if math.Abs(s-want) > 1e-12 {
				t.Fatalf("A·A⁻¹[%d][%d] = %g", i, j, s)
			}
		}
	}
	if _, ok := invert([]float64{1, 2, 2, 1}, 2); ok {
		t.Fatal("an indefinite matrix was inverted")
	}
}
