package irt

import (
	"fmt"
	"math"
)

// Scale maps ability to the reported 1–1000 scale with the cut score at
// 700. It is piecewise linear: [LowTheta, CutTheta] maps onto [1, 700] and
// [CutTheta, HighTheta] onto [700, 1000]; abilities outside are clamped, and
// the result is rounded to the nearest integer.
type Scale struct {
	CutTheta  float64
	LowTheta  float64 // ability that scores 1 (default -4)
	HighTheta float64 // ability that scores 1000 (default 4)
}

// The fixed points of the reported scale.
const (
	ScaleMin = 1
	ScaleCut = 700
	ScaleMax = 1000
)

// NewScale returns the scale for a cut ability, with the ends at -4 and 4.
func NewScale(cutTheta float64) (Scale, error) {
	s := Scale{CutTheta: cutTheta, LowTheta: -4, HighTheta: 4}
	return s, s.Validate()
}

// Validate checks that LowTheta < CutTheta < HighTheta.
func (s Scale) Validate() error {
	if !(s.LowTheta < s.CutTheta && s.CutTheta < s.HighTheta) {
		return fmt.Errorf("scale: need low < cut < high ability, got %g, %g, %g", s.LowTheta, s.CutTheta, s.HighTheta)
	}
	return nil
}

// ScaledScore returns the reported score 1..1000 of ability theta.
func (s Scale) ScaledScore(theta float64) int {
	var v float64
	switch {
	case math.IsNaN(theta):
		return ScaleMin
	case theta <= s.LowTheta:
		v = ScaleMin
	case theta >= s.HighTheta:
		v = ScaleMax
	case theta < s.CutTheta:
		v = ScaleMin + (theta-s.LowTheta)*(ScaleCut-ScaleMin)/(s.CutTheta-s.LowTheta)
	default:
		v = ScaleCut + (theta-s.CutTheta)*(ScaleMax-ScaleCut)/(s.HighTheta-s.CutTheta)
	}
	return int(math.Round(v))
}

// Theta returns the ability that maps to the (unrounded) scaled score: the
// inverse of ScaledScore between LowTheta and HighTheta.
func (s Scale) Theta(score float64) float64 {
	score = clamp(score, ScaleMin, ScaleMax)
	if score < ScaleCut {
		return s.LowTheta + (score-ScaleMin)*(s.CutTheta-s.LowTheta)/(ScaleCut-ScaleMin)
	}
	return s.CutTheta + (score-ScaleCut)*(s.HighTheta-s.CutTheta)/(ScaleMax-ScaleCut)
}

// Passed reports whether ability theta reaches the cut.
func (s Scale) Passed(theta float64) bool { return s.ScaledScore(theta) >= ScaleCut }

// CutThetaFromAngoff derives the cut ability from modified-Angoff ratings:
// ratings[r][j] is rater r's judgement of the probability that a minimally
// competent candidate answers item j correctly (for a partial-credit item,
// the expected fraction of its maximum score). The mean rating per item,
// summed over the items and weighted by their maximum scores, is the raw
// cut score; the cut ability is where the test characteristic curve reaches
// it.
func CutThetaFromAngoff(items []Item, ratings [][]float64) (float64, error) {
	if len(items) == 0 || len(ratings) == 0 {
		return 0, fmt.Errorf("angoff: need items and at least one rater")
	}
	raw := 0.0
	for j, it := range items {
		sum := 0.0
		for r, row := range ratings {
			if len(row) != len(items) {
				return 0, fmt.Errorf("angoff: rater %d rated %d items, want %d", r+1, len(row), len(items))
			}
			v := row[j]
			if !(v >= 0 && v <= 1) {
				return 0, fmt.Errorf("angoff: rater %d item %q: rating %v is not a probability", r+1, it.ID, v)
			}
			sum += v
		}
		k := float64(it.MaxScore())
		raw += k * sum / float64(len(ratings))
	}
	return ThetaForExpectedScore(items, raw)
}

// ThetaForExpectedScore returns the ability whose expected total score
// (test characteristic curve) equals raw, by bisection on [-8, 8].
func ThetaForExpectedScore(items []Item, raw float64) (float64, error) {
	lo, hi := -8.0, 8.0
	flo, fhi := TestCharacteristic(items, lo), TestCharacteristic(items, hi)
	if raw <= flo || raw >= fhi {
		return 0, fmt.Errorf("expected score %.3f is outside what the items can produce (%.3f to %.3f)", raw, flo, fhi)
	}
	for range 200 {
		mid := (lo + hi) / 2
		if TestCharacteristic(items, mid) < raw {
			lo = mid
		} else {
			hi = mid
		}
		if hi-lo < 1e-10 {
			break
		}
	}
	return (lo + hi) / 2, nil
}
