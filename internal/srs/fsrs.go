// Package srs schedules reviews of missed items and weak objectives with the
// FSRS-6 spaced-repetition algorithm: a Card's memory state (stability and
// difficulty) is updated by each Review and the Card says when it is next due.
//
// Both FSRS schedulers are provided: the long-term scheduler (every review
// schedules whole days) and the short-term scheduler with learning and
// relearning steps measured in minutes. The package imports nothing else of
// certlab; the store persists Cards and answers "due" queries from Card.Due.
package srs

import (
	"fmt"
	"math"
	"time"
)

// Rating is the learner's grade of one review.
type Rating int

// The four FSRS ratings.
const (
	Again Rating = 1 // forgotten or answered wrongly
	Hard  Rating = 2 // recalled with serious difficulty
	Good  Rating = 3 // recalled after some hesitation
	Easy  Rating = 4 // recalled effortlessly
)

// String returns the rating's name.
func (r Rating) String() string {
	switch r {
	case Again:
		return "again"
	case Hard:
		return "hard"
	case Good:
		return "good"
	case Easy:
		return "easy"
	}
	return fmt.Sprintf("rating(%d)", int(r))
}

// Valid reports whether r is one of Again, Hard, Good and Easy.
func (r Rating) Valid() bool { return r >= Again && r <= Easy }

// State is the phase of a card's life.
type State int

// Card states.
const (
	New        State = 0 // never reviewed
	Learning   State = 1 // in the learning steps (short-term scheduler only)
	Review     State = 2 // scheduled in whole days
	Relearning State = 3 // lapsed, in the relearning steps (short-term scheduler only)
)

// String returns the state's name.
func (s State) String() string {
	switch s {
	case New:
		return "new"
	case Learning:
		return "learning"
	case Review:
		return "review"
	case Relearning:
		return "relearning"
	}
	return fmt.Sprintf("state(%d)", int(s))
}

// Valid reports whether s is a known state.
func (s State) Valid() bool { return s >= New && s <= Relearning }

// Weights are the 21 FSRS-6 model parameters w[0]..w[20].
type Weights [21]float64

// DefaultWeights returns the published FSRS-6 default parameters.
func DefaultWeights() Weights {
	return Weights{
		0.212, 1.2931, 2.3065, 8.2956, 6.4133, 0.8334, 3.0194, 0.001,
		1.8722, 0.1666, 0.796, 1.4835, 0.0614, 0.2629, 1.6483, 0.6014,
		1.8729, 0.5425, 0.0912, 0.0658, 0.1542,
	}
}

// Limits of the memory state.
const (
	MinStability  = 0.001
	MaxStability  = 36500.0
	MinDifficulty = 1.0
	MaxDifficulty = 10.0
)

// Params configure a Scheduler.
type Params struct {
	// Weights are the FSRS-6 parameters; DefaultWeights unless optimised for
	// the learner population.
	Weights Weights
	// DesiredRetention is the probability of recall aimed for on the due
	// date, in (0, 1]. Higher retention means shorter intervals and more
	// reviews; 0.9 is the usual choice.
	DesiredRetention float64
	// MaximumInterval caps intervals, in days (1..36500).
	MaximumInterval int
	// ShortTerm selects the short-term scheduler: new and lapsed cards go
	// through LearningSteps and RelearningSteps, and same-day reviews update
	// stability with the short-term formula. When false, every review
	// schedules at least one day (the long-term scheduler).
	ShortTerm bool
	// LearningSteps are the delays between same-day reviews of a new card.
	LearningSteps []time.Duration
	// RelearningSteps are the delays between same-day reviews after a lapse.
	RelearningSteps []time.Duration
	// Location sets where days begin for counting elapsed days; nil is UTC.
	Location *time.Location
}

// DefaultParams returns FSRS-6 defaults: default weights, retention 0.9, a
// maximum interval of 36500 days, the short-term scheduler with learning
// steps of 1 and 10 minutes and a relearning step of 10 minutes, UTC days.
func DefaultParams() Params {
	return Params{
		Weights:          DefaultWeights(),
		DesiredRetention: 0.9,
		MaximumInterval:  36500,
		ShortTerm:        true,
		LearningSteps:    []time.Duration{time.Minute, 10 * time.Minute},
		RelearningSteps:  []time.Duration{10 * time.Minute},
	}
}

// Validate reports the first parameter that is out of range.
func (p Params) Validate() error {
	for i, w := range p.Weights {
		if math.IsNaN(w) || math.IsInf(w, 0) {
			return fmt.Errorf("srs: weight w[%d] = %v is not finite", i, w)
		}
	}
	for i := 0; i < 4; i++ {
		if p.Weights[i] <= 0 {
			return fmt.Errorf("srs: initial stability w[%d] = %v must be > 0", i, p.Weights[i])
		}
	}
	if p.Weights[20] <= 0 {
		return fmt.Errorf("srs: decay w[20] = %v must be > 0", p.Weights[20])
	}
	if p.Weights[7] < 0 || p.Weights[7] > 1 {
		return fmt.Errorf("srs: mean reversion w[7] = %v must be in [0, 1]", p.Weights[7])
	}
	if !(p.DesiredRetention > 0 && p.DesiredRetention <= 1) {
		return fmt.Errorf("srs: desired retention %v must be in (0, 1]", p.DesiredRetention)
	}
	if p.MaximumInterval < 1 || p.MaximumInterval > int(MaxStability) {
		return fmt.Errorf("srs: maximum interval %d days must be in [1, %d]", p.MaximumInterval, int(MaxStability))
	}
	for i, s := range p.LearningSteps {
		if s <= 0 {
			return fmt.Errorf("srs: learning step %d (%v) must be positive", i+1, s)
		}
	}
	for i, s := range p.RelearningSteps {
		if s <= 0 {
			return fmt.Errorf("srs: relearning step %d (%v) must be positive", i+1, s)
		}
	}
	return nil
}

// Scheduler applies FSRS-6 with fixed parameters. It is safe for concurrent
// use: it holds no mutable state.
type Scheduler struct {
	p      Params
	decay  float64 // -w[20]
	factor float64 // 0.9^(1/decay) - 1
	loc    *time.Location
}

// NewScheduler returns a Scheduler for p, or an error naming the invalid
// parameter.
func NewScheduler(p Params) (*Scheduler, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	p.LearningSteps = append([]time.Duration(nil), p.LearningSteps...)
	p.RelearningSteps = append([]time.Duration(nil), p.RelearningSteps...)
	decay := -p.Weights[20]
	factor := math.Pow(0.9, 1/decay) - 1
	if !(factor > 0) || math.IsInf(factor, 0) {
		return nil, fmt.Errorf("srs: decay w[20] = %v gives an unusable forgetting curve", p.Weights[20])
	}
	loc := p.Location
	if loc == nil {
		loc = time.UTC
	}
	return &Scheduler{p: p, decay: decay, factor: factor, loc: loc}, nil
}

// Params returns the scheduler's parameters.
func (s *Scheduler) Params() Params {
	p := s.p
	p.LearningSteps = append([]time.Duration(nil), p.LearningSteps...)
	p.RelearningSteps = append([]time.Duration(nil), p.RelearningSteps...)
	return p
}

// Memory is the FSRS memory state of a card.
type Memory struct {
	Stability  float64 // days until retrievability falls to 90%
	Difficulty float64 // 1 (easy) .. 10 (hard)
}

// ForgettingCurve returns the probability of recall elapsedDays after a
// review that left the given stability: (1 + factor·t/S)^(−w[20]).
func (s *Scheduler) ForgettingCurve(elapsedDays, stability float64) float64 {
	stability = clampStability(stability)
	return math.Pow(1+s.factor*elapsedDays/stability, s.decay)
}

// IntervalDays returns the whole-day interval after which recall falls to
// the desired retention for the given stability, between 1 and the maximum
// interval.
func (s *Scheduler) IntervalDays(stability float64) int {
	return s.intervalAt(stability, s.p.DesiredRetention)
}

func (s *Scheduler) intervalAt(stability, retention float64) int {
	stability = clampStability(stability)
	raw := stability / s.factor * (math.Pow(retention, 1/s.decay) - 1)
	iv := math.Round(raw)
	if !(iv <= float64(s.p.MaximumInterval)) { // also catches +Inf and NaN
		iv = float64(s.p.MaximumInterval)
	}
	if iv < 1 {
		iv = 1
	}
	return int(iv)
}

// NextMemory returns the memory state after a review rated r, elapsedDays
// whole days after the previous review. A nil m means the first review.
// This is the scheduler-independent core of Review, useful to replay a
// review history.
func (s *Scheduler) NextMemory(m *Memory, elapsedDays int, r Rating) (Memory, error) {
	if !r.Valid() {
		return Memory{}, fmt.Errorf("srs: invalid rating %d (want 1..4)", int(r))
	}
	if elapsedDays < 0 {
		return Memory{}, fmt.Errorf("srs: negative elapsed days %d", elapsedDays)
	}
	if m == nil || m.Stability == 0 {
		return s.initMemory(r), nil
	}
	return s.nextMemory(*m, elapsedDays, r), nil
}

func (s *Scheduler) initMemory(r Rating) Memory {
	return Memory{
		Stability:  s.initStability(r),
		Difficulty: clampDifficulty(s.initDifficulty(r)),
	}
}

func (s *Scheduler) nextMemory(m Memory, elapsedDays int, r Rating) Memory {
	next := Memory{Difficulty: s.nextDifficulty(m.Difficulty, r)}
	switch {
	case elapsedDays == 0 && s.p.ShortTerm:
		next.Stability = s.shortTermStability(m.Stability, r)
	case r == Again:
		next.Stability = s.forgetStability(m.Difficulty, m.Stability, s.ForgettingCurve(float64(elapsedDays), m.Stability))
	default:
		next.Stability = s.recallStability(m.Difficulty, m.Stability, s.ForgettingCurve(float64(elapsedDays), m.Stability), r)
	}
	return next
}

func (s *Scheduler) initStability(r Rating) float64 {
	return math.Min(math.Max(s.p.Weights[r-1], 0.1), MaxStability)
}

func (s *Scheduler) initDifficulty(r Rating) float64 {
	w := &s.p.Weights
	return w[4] - math.Exp(w[5]*float64(r-1)) + 1
}

func (s *Scheduler) nextDifficulty(d float64, r Rating) float64 {
	w := &s.p.Weights
	delta := -w[6] * float64(r-3)
	damped := d + (10-d)*delta/9 // linear damping towards the upper bound
	reverted := w[7]*s.initDifficulty(Easy) + (1-w[7])*damped
	return clampDifficulty(reverted)
}

func (s *Scheduler) shortTermStability(st float64, r Rating) float64 {
	w := &s.p.Weights
	st = clampStability(st)
	inc := math.Exp(w[17]*(float64(r-3)+w[18])) * math.Pow(st, -w[19])
	if r >= Hard && inc < 1 {
		inc = 1
	}
	return clampStability(st * inc)
}

func (s *Scheduler) recallStability(d, st, retr float64, r Rating) float64 {
	w := &s.p.Weights
	hardPenalty, easyBonus := 1.0, 1.0
	if r == Hard {
		hardPenalty = w[15]
	}
	if r == Easy {
		easyBonus = w[16]
	}
	next := st * (1 + math.Exp(w[8])*(11-d)*math.Pow(st, -w[9])*
		(math.Exp((1-retr)*w[10])-1)*hardPenalty*easyBonus)
	return clampStability(next)
}

func (s *Scheduler) forgetStability(d, st, retr float64) float64 {
	w := &s.p.Weights
	next := w[11] * math.Pow(d, -w[12]) * (math.Pow(st+1, w[13]) - 1) * math.Exp((1-retr)*w[14])
	ceil := st
	if s.p.ShortTerm {
		ceil = st / math.Exp(w[17]*w[18])
	}
	return clampStability(math.Min(next, ceil))
}

func clampStability(s float64) float64 {
	return math.Min(math.Max(s, MinStability), MaxStability)
}

func clampDifficulty(d float64) float64 {
	return math.Min(math.Max(d, MinDifficulty), MaxDifficulty)
}
