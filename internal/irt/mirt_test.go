package irt

import (
	"context"
	"math"
	"testing"
)

// TestCalibrateMatchesMirt fits the 2PL to the shared 10,000 x 100 data and
// compares with the R package mirt 1.47 (61 nodes on [-6,6]).
func TestCalibrateMatchesMirt(t *testing.T) {
	const mirtLogLik = -544933.07
	r := loadSim10k(t)
	pars := loadSim10kPars(t)
	if r.N != 10000 || r.M != 100 || len(pars) != 100 {
		t.Fatalf("fixture shape %dx%d with %d parameter rows, want 10000x100 and 100", r.N, r.M, len(pars))
	}
	res, err := Calibrate(context.Background(), r, Options{Model: TwoPL})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Converged {
		t.Errorf("did not converge in %d cycles", res.Cycles)
	}
	t.Logf("log-likelihood %.2f (mirt %.2f), %d EM cycles", res.LogLik, mirtLogLik, res.Cycles)
	if d := math.Abs(res.LogLik - mirtLogLik); d > 0.5 {
		t.Errorf("log-likelihood %.2f differs from mirt's %.2f by %.2f (max 0.5)", res.LogLik, mirtLogLik, d)
	}
	var maxDA, maxDB float64
	for j, p := range pars {
		it := res.Items[j]
		da, db := math.Abs(it.A-p.AMirt), math.Abs(it.B-p.BMirt)
		maxDA, maxDB = math.Max(maxDA, da), math.Max(maxDB, db)
		if da > 0.01 || db > 0.01 {
			t.Errorf("item %d: a=%.4f b=%.4f, mirt a=%.4f b=%.4f", j+1, it.A, it.B, p.AMirt, p.BMirt)
		}
	}
	t.Logf("largest difference from mirt: a %.5f, b %.5f", maxDA, maxDB)
}
