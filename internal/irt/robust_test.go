package irt

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"
)

// TestCalibrateSmallRandomData runs every model on many tiny random
// matrices (degenerate items, empty rows, one item): Calibrate must either
// fail with an error or return finite parameters, never panic.
func TestCalibrateSmallRandomData(t *testing.T) {
	rng := rand.New(rand.NewPCG(99, 1))
	for trial := 0; trial < 150; trial++ {
		n, m := 1+rng.IntN(30), 1+rng.IntN(6)
		r := NewResponses(n, m)
		maxScore := int8(1)
		model := Model(rng.IntN(4))
		if model == GPCM {
			maxScore = 3
		}
		for k := range r.Data {
			if rng.IntN(4) == 0 {
				continue // missing
			}
			r.Data[k] = int8(rng.IntN(int(maxScore) + 1))
		}
		res, err := Calibrate(context.Background(), r, Options{Model: model, MaxCycles: 100})
		if err != nil {
			continue
		}
		if math.IsNaN(res.LogLik) || math.IsInf(res.LogLik, 0) {
			t.Fatalf("trial %d (%v, %dx%d): log-likelihood %v", trial, model, n, m, res.LogLik)
		}
		for _, it := range res.Items {
			bad := math.IsNaN(it.A) || math.IsNaN(it.B) || math.IsNaN(it.C)
			for _, s := range it.Steps {
				bad = bad || math.IsNaN(s)
			}
			if bad {
				t.Fatalf("trial %d (%v, %dx%d): item %+v", trial, model, n, m, it)
			}
		}
	}
}
