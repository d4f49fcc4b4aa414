package irt

import (
	"context"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// TestKR20 checks alpha on a small matrix against the KR-20 formula.
func TestKR20(t *testing.T) {
	rows := []string{"1101", "1111", "0100", "1110", "0000", "1011"}
	r := NewResponses(len(rows), 4)
	for i, row := range rows {
		for j, ch := range row {
			r.Set(i, j, int8(ch-'0'))
		}
	}
	a, err := Analyze(r, nil, nil, nil, AnalysisOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// KR-20 = k/(k-1) (1 - Σ p(1-p) / σ²_total), population variances.
	var totals []float64
	for _, row := range rows {
		totals = append(totals, float64(strings.Count(row, "1")))
	}
	_, sd := meanSD(totals)
	spq := 0.0
	for j := 0; j < 4; j++ {
		p := 0.0
		for _, row := range rows {
			p += float64(row[j] - '0')
		}
		p /= float64(len(rows))
		if got := a.Items[j].PValue; math.Abs(got-p) > 1e-12 {
			t.Errorf("item %d: p-value %v, want %v", j+1, got, p)
		}
		spq += p * (1 - p)
	}
	want := 4.0 / 3 * (1 - spq/(sd*sd))
	if math.Abs(a.Test.Alpha-want) > 1e-12 {
		t.Errorf("alpha %v, KR-20 %v", a.Test.Alpha, want)
	}
	if sem := sd * math.Sqrt(1-want); math.Abs(a.Test.SEM-sem) > 1e-12 {
		t.Errorf("SEM %v, want %v", a.Test.SEM, sem)
	}
}

// TestAnalyzeFlags simulates multiple-choice answers with one miskeyed,
// one very easy, one very hard, one random and one misfitting item.
func TestAnalyzeFlags(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 2))
	const n, m = 3000, 20
	items := SimulateItems2PL(rng, m)
	for j := range items {
		items[j].A = 1 + 0.5*rng.Float64()
		items[j].B = clamp(items[j].B, -1.5, 1.5)
	}
	items[1].B = -5                                       // too easy
	items[2].B = 4                                        // too hard
	items[3].A = 0                                        // random: non-discriminating
	items[4] = Item{Model: ThreePL, A: 3, B: 1.2, C: 0.5} // misfits a 2PL
	th := SimulateAbilities(rng, n)
	truth := SimulateResponses(rng, items, th)
	// Choices: the right answer is A; wrong answers spread over B-D, except
	// item 0, whose stored key says B although A is right.
	ch := &Choices{N: n, M: m, ItemIDs: truth.ItemIDs, Data: make([]byte, n*m)}
	for i := 0; i < n; i++ {
		for j := 0; j < m; j++ {
			if truth.At(i, j) == 1 {
				ch.Data[i*m+j] = 'A'
			} else {
				ch.Data[i*m+j] = "BCD"[rng.IntN(3)]
			}
		}
	}
	keys := slices.Repeat([]byte{'A'}, m)
	keys[0] = 'B'
	scored, err := ch.Score(keys)
	if err != nil {
		t.Fatal(err)
	}
	res, err := Calibrate(context.Background(), scored, Options{Model: TwoPL})
	if err != nil {
		t.Fatal(err)
	}
	a, err := Analyze(scored, ch, keys, res.Items, AnalysisOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := map[int][]Flag{
		0: {FlagMiskeyed},
		1: {FlagTooEasy},
		2: {FlagTooHard},
		3: {FlagNonDiscriminating},
		4: {FlagMisfit},
	}
	for j, st := range a.Items {
		for _, f := range want[j] {
			if !slices.Contains(st.Flags, f) {
				t.Errorf("item %d (p %.3f, r %.3f, S-X2 p %.3g, infit %.2f): flags %v lack %s", j+1, st.PValue, st.PointBiserial, st.SX2P, st.Infit, st.Flags, f)
			}
		}
		if j > 4 && len(st.Flags) > 0 {
			t.Logf("well-behaved item %d flagged %v (p %.3f, r %.3f, S-X2 p %.3g)", j+1, st.Flags, st.PValue, st.PointBiserial, st.SX2P)
		}
	}
	falseAlarms := 0
	for _, st := range a.Items[5:] {
		if slices.Contains(st.Flags, FlagMisfit) || slices.Contains(st.Flags, FlagMiskeyed) || slices.Contains(st.Flags, FlagNonDiscriminating) {
			falseAlarms++
		}
	}
	if falseAlarms > 1 {
		t.Errorf("%d of %d well-behaved items flagged", falseAlarms, m-5)
	}
	// Distractors: on the miskeyed item the "distractor" A rises with ability.
	for _, o := range a.Items[0].Options {
		if o.Option == 'A' && !(o.ByGroup[len(o.ByGroup)-1] > o.ByGroup[0]) {
			t.Errorf("option A of item 1 by group %v should rise with ability", o.ByGroup)
		}
	}
	if a.Test.Alpha <= 0.5 || a.Test.Alpha >= 1 {
		t.Errorf("alpha %.3f out of the plausible range", a.Test.Alpha)
	}
}

func TestChiSquareSurvival(t *testing.T) {
	tests := []struct{ x, df, want float64 }{
		{3.841458820694124, 1, 0.05},
		{5.991464547107979, 2, 0.05},
		{18.307038053275146, 10, 0.05},
		{2, 2, math.Exp(-1)}, // df=2 is exponential: exp(-x/2)
		{100, 3, 0},
		{0, 4, 1},
	}
	for _, tc := range tests {
		if got := chiSquareSurvival(tc.x, tc.df); math.Abs(got-tc.want) > 1e-9 {
			t.Errorf("Q(%v; df %v) = %v, want %v", tc.x, tc.df, got, tc.want)
		}
	}
}
