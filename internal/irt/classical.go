package irt

import (
	"fmt"
	"math"
	"sort"
)

// Flag names a problem found by item analysis.
type Flag string

// The item analysis flags; AnalysisOptions holds their thresholds.
const (
	FlagTooEasy           Flag = "too-easy"
	FlagTooHard           Flag = "too-hard"
	FlagNonDiscriminating Flag = "non-discriminating"
	FlagMiskeyed          Flag = "probably-miskeyed"
	FlagMisfit            Flag = "misfit"
)

// AnalysisOptions holds the ability grouping and the flag thresholds; the
// zero value uses the documented defaults.
type AnalysisOptions struct {
	Groups       int     // ability groups for distractor analysis (default 5)
	TooEasy      float64 // flag when the p-value exceeds this (default 0.95)
	TooHard      float64 // flag when the p-value is below this (default 0.20)
	MinDiscrim   float64 // flag when the corrected point-biserial is below this (default 0.15)
	MisfitAlpha  float64 // flag when the S-X2 p-value is below this (default 0.01)
	MisfitMeanSq float64 // flag when infit or outfit exceeds this (default 1.3)
}

func (o AnalysisOptions) withDefaults() AnalysisOptions {
	if o.Groups <= 0 {
		o.Groups = 5
	}
	if o.TooEasy == 0 {
		o.TooEasy = 0.95
	}
	if o.TooHard == 0 {
		o.TooHard = 0.20
	}
	if o.MinDiscrim == 0 {
		o.MinDiscrim = 0.15
	}
	if o.MisfitAlpha == 0 {
		o.MisfitAlpha = 0.01
	}
	if o.MisfitMeanSq == 0 {
		o.MisfitMeanSq = 1.3
	}
	return o
}

// OptionStats describes one option of a multiple-choice item.
type OptionStats struct {
	Option        byte
	Key           bool
	Proportion    float64   // of the examinees who answered the item
	ByGroup       []float64 // proportion choosing it in each ability group, lowest first
	PointBiserial float64   // choosing it vs the rest score
}

// ItemStats is the classical analysis of one item, with IRT fit when the
// analysis was given calibrated items.
type ItemStats struct {
	ID             string
	N              int       // examinees who answered
	PValue         float64   // mean score as a fraction of the maximum
	PointBiserial  float64   // corrected item–rest correlation
	Discrimination float64   // upper 27% minus lower 27% p-value
	AlphaIfDeleted float64   // Cronbach's alpha without the item
	ByGroup        []float64 // p-value in each ability group, lowest first
	Options        []OptionStats
	Infit, Outfit  float64 // information-weighted and unweighted mean-square fit (NaN without items)
	SX2, SX2P      float64 // Orlando–Thissen S-X2 and its p-value (NaN when not computable)
	SX2DF          int
	Flags          []Flag
}

// TestStats summarises the total scores.
type TestStats struct {
	N, M     int
	Mean, SD float64 // of the total score
	Alpha    float64 // Cronbach's alpha (KR-20 for 0/1 items)
	SEM      float64 // SD·sqrt(1-alpha)
	Groups   int
	// GroupTheta is the mean EAP ability of each ability group (NaN without
	// calibrated items), for plotting observed proportions against ICCs.
	GroupTheta []float64
}

// Analysis is a classical item analysis.
type Analysis struct {
	Test  TestStats
	Items []ItemStats
}

// Analyze computes the classical item analysis of r. Missing responses count
// as 0 in total scores and alpha (classical statistics assume every examinee
// saw every item); item statistics use the examinees who answered. choices
// and keys (both optional) add the distractor analysis. items (optional,
// calibrated on r, in column order) add infit/outfit and S-X2 fit.
func Analyze(r *Responses, choices *Choices, keys []byte, items []Item, opt AnalysisOptions) (*Analysis, error) {
	opt = opt.withDefaults()
	if err := r.Validate(); err != nil {
		return nil, fmt.Errorf("analyze: %w", err)
	}
	if choices != nil && (choices.N != r.N || choices.M != r.M || len(keys) != r.M) {
		return nil, fmt.Errorf("analyze: choices (%dx%d, %d keys) do not match the responses (%dx%d)", choices.N, choices.M, len(keys), r.N, r.M)
	}
	if items != nil && len(items) != r.M {
		return nil, fmt.Errorf("analyze: %d calibrated items for %d columns", len(items), r.M)
	}
	N, M := r.N, r.M
	maxs := r.MaxScores()
	for j := range maxs {
		if items != nil {
			maxs[j] = items[j].MaxScore()
		}
		maxs[j] = max(maxs[j], 1)
	}
	total := make([]float64, N)
	for i := 0; i < N; i++ {
		for _, x := range r.Row(i) {
			if x > 0 {
				total[i] += float64(x)
			}
		}
	}
	a := &Analysis{Test: TestStats{N: N, M: M, Groups: opt.Groups}}
	a.Test.Mean, a.Test.SD = meanSD(total)
	// Cronbach's alpha with missing as 0.
	itemVar := make([]float64, M)
	col := make([]float64, N)
	for j := 0; j < M; j++ {
		for i := 0; i < N; i++ {
			col[i] = math.Max(0, float64(r.At(i, j)))
		}
		_, sd := meanSD(col)
		itemVar[j] = sd * sd
	}
	sumVar := 0.0
	for _, v := range itemVar {
		sumVar += v
	}
	tv := a.Test.SD * a.Test.SD
	a.Test.Alpha = alpha(M, sumVar, tv)
	a.Test.SEM = a.Test.SD * math.Sqrt(math.Max(0, 1-a.Test.Alpha))

	group, lower, upper := abilityGroups(total, opt.Groups)
	var fit []itemFit
	a.Test.GroupTheta = make([]float64, opt.Groups)
	for g := range a.Test.GroupTheta {
		a.Test.GroupTheta[g] = math.NaN()
	}
	if items != nil {
		var est []Estimate
		var err error
		fit, est, err = fitStatistics(r, items)
		if err != nil {
			return nil, fmt.Errorf("analyze: %w", err)
		}
		sum, cnt := make([]float64, opt.Groups), make([]float64, opt.Groups)
		for i, e := range est {
			sum[group[i]] += e.Theta
			cnt[group[i]]++
		}
		for g := range sum {
			a.Test.GroupTheta[g] = safeDiv(sum[g], cnt[g])
		}
	}
	for j := 0; j < M; j++ {
		st := ItemStats{ID: r.ItemIDs[j], ByGroup: make([]float64, opt.Groups), Infit: math.NaN(), Outfit: math.NaN(), SX2: math.NaN(), SX2P: math.NaN()}
		var xs, rest []float64
		gN := make([]float64, opt.Groups)
		var lowSum, lowN, upSum, upN float64
		for i := 0; i < N; i++ {
			x := r.At(i, j)
			if x < 0 {
				continue
			}
			v := float64(x) / float64(maxs[j])
			xs = append(xs, float64(x))
			rest = append(rest, total[i]-float64(x))
			st.ByGroup[group[i]] += v
			gN[group[i]]++
			if lower[i] {
				lowSum += v
				lowN++
			}
			if upper[i] {
				upSum += v
				upN++
			}
		}
		st.N = len(xs)
		if st.N > 0 {
			m, _ := meanSD(xs)
			st.PValue = m / float64(maxs[j])
		}
		for g := range st.ByGroup {
			st.ByGroup[g] = safeDiv(st.ByGroup[g], gN[g])
		}
		st.Discrimination = safeDiv(upSum, upN) - safeDiv(lowSum, lowN)
		st.PointBiserial = correlation(xs, rest)
		// Alpha without the item: remove its variance and its covariance with the rest.
		for i := 0; i < N; i++ {
			col[i] = total[i] - math.Max(0, float64(r.At(i, j)))
		}
		_, sdRest := meanSD(col)
		st.AlphaIfDeleted = alpha(M-1, sumVar-itemVar[j], sdRest*sdRest)
		if choices != nil {
			st.Options = optionStats(choices, keys[j], j, total, r, group, opt.Groups)
		}
		if fit != nil {
			st.Infit, st.Outfit = fit[j].infit, fit[j].outfit
			st.SX2, st.SX2DF, st.SX2P = fit[j].sx2, fit[j].df, fit[j].p
		}
		st.Flags = flags(&st, opt)
		a.Items = append(a.Items, st)
	}
	return a, nil
}

func flags(st *ItemStats, opt AnalysisOptions) []Flag {
	var f []Flag
	if st.N == 0 {
		return nil
	}
	if st.PValue > opt.TooEasy {
		f = append(f, FlagTooEasy)
	}
	if st.PValue < opt.TooHard {
		f = append(f, FlagTooHard)
	}
	if st.PointBiserial < opt.MinDiscrim || math.IsNaN(st.PointBiserial) {
		f = append(f, FlagNonDiscriminating)
	}
	miskey := st.PointBiserial < 0
	var keyPB, keyUp float64
	for _, o := range st.Options {
		if o.Key {
			keyPB, keyUp = o.PointBiserial, o.ByGroup[len(o.ByGroup)-1]
		}
	}
	for _, o := range st.Options {
		if o.Key || len(o.ByGroup) == 0 {
			continue
		}
		// A distractor that the strongest group prefers to the key and that
		// correlates positively with ability looks like the real answer.
		if o.PointBiserial > 0.05 && o.PointBiserial > keyPB && o.ByGroup[len(o.ByGroup)-1] > keyUp {
			miskey = true
		}
	}
	if miskey {
		f = append(f, FlagMiskeyed)
	}
	// Mean squares below 1 (overfit) are not flagged: at EAP abilities they
	// are shrunk below 1 on short tests anyway, and overfit is harmless.
	if st.SX2P < opt.MisfitAlpha || st.Infit > opt.MisfitMeanSq || st.Outfit > opt.MisfitMeanSq {
		f = append(f, FlagMisfit)
	}
	return f
}

func optionStats(c *Choices, key byte, j int, total []float64, r *Responses, group []int, G int) []OptionStats {
	present := map[byte]bool{key: true}
	for i := 0; i < c.N; i++ {
		if v := c.At(i, j); v != 0 {
			present[v] = true
		}
	}
	opts := make([]byte, 0, len(present))
	for o := range present {
		opts = append(opts, o)
	}
	sort.Slice(opts, func(a, b int) bool { return opts[a] < opts[b] })
	gN := make([]float64, G)
	answered := 0
	for i := 0; i < c.N; i++ {
		if c.At(i, j) != 0 {
			gN[group[i]]++
			answered++
		}
	}
	var out []OptionStats
	for _, o := range opts {
		st := OptionStats{Option: o, Key: o == key, ByGroup: make([]float64, G)}
		var chose, rest []float64
		n := 0.0
		for i := 0; i < c.N; i++ {
			v := c.At(i, j)
			if v == 0 {
				continue
			}
			x := 0.0
			if v == o {
				x = 1
				n++
				st.ByGroup[group[i]]++
			}
			chose = append(chose, x)
			rest = append(rest, total[i]-math.Max(0, float64(r.At(i, j))))
		}
		st.Proportion = safeDiv(n, float64(answered))
		for g := range st.ByGroup {
			st.ByGroup[g] = safeDiv(st.ByGroup[g], gN[g])
		}
		st.PointBiserial = correlation(chose, rest)
		out = append(out, st)
	}
	return out
}

// abilityGroups splits examinees into G groups of (nearly) equal size by
// total score rank and marks the lower and upper 27%.
func abilityGroups(total []float64, G int) (group []int, lower, upper []bool) {
	N := len(total)
	idx := make([]int, N)
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return total[idx[a]] < total[idx[b]] })
	group = make([]int, N)
	lower, upper = make([]bool, N), make([]bool, N)
	cut := int(math.Round(0.27 * float64(N)))
	for rank, i := range idx {
		group[i] = rank * G / N
		lower[i] = rank < cut
		upper[i] = rank >= N-cut
	}
	return group, lower, upper
}

func alpha(k int, sumItemVar, totalVar float64) float64 {
	if k < 2 || totalVar <= 0 {
		return math.NaN()
	}
	return float64(k) / float64(k-1) * (1 - sumItemVar/totalVar)
}

func meanSD(x []float64) (float64, float64) {
	if len(x) == 0 {
		return math.NaN(), math.NaN()
	}
	m := 0.0
	for _, v := range x {
		m += v
	}
	m /= float64(len(x))
	s := 0.0
	for _, v := range x {
		s += (v - m) * (v - m)
	}
	return m, math.Sqrt(s / float64(len(x)))
}

// correlation returns the Pearson correlation of x and y (NaN when either
// is constant).
func correlation(x, y []float64) float64 {
	mx, sx := meanSD(x)
	my, sy := meanSD(y)
	if !(sx > 0 && sy > 0) {
		return math.NaN()
	}
	c := 0.0
	for i := range x {
		c += (x[i] - mx) * (y[i] - my)
	}
	return c / float64(len(x)) / (sx * sy)
}

func safeDiv(a, b float64) float64 {
	if b == 0 {
		return math.NaN()
	}
	return a / b
}
