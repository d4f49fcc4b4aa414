package srs

import (
	"fmt"
	"math"
	"time"
)

// Card is the scheduling state of one thing to remember: an item that was
// answered wrongly or an exam objective that is weak. The zero Card is a new
// card. The store keeps Cards and selects due ones by Due.
type Card struct {
	State      State     `json:"state"`
	Step       int       `json:"step"` // index of the current learning or relearning step
	Stability  float64   `json:"stability"`
	Difficulty float64   `json:"difficulty"`
	Due        time.Time `json:"due"`
	LastReview time.Time `json:"last_review"`
	// IntervalDays is the interval scheduled by the last review in whole
	// days (0 while in learning or relearning steps).
	IntervalDays int `json:"interval_days"`
	Reps         int `json:"reps"`
	Lapses       int `json:"lapses"`
}

// NewCard returns a new card that is due at now.
func NewCard(now time.Time) Card { return Card{Due: now} }

// Memory returns the card's memory state.
func (c Card) Memory() Memory { return Memory{Stability: c.Stability, Difficulty: c.Difficulty} }

// IsDue reports whether the card should be reviewed at now.
func (c Card) IsDue(now time.Time) bool { return !c.Due.After(now) }

// Validate reports whether the card's fields are consistent.
func (c Card) Validate() error {
	if !c.State.Valid() {
		return fmt.Errorf("srs: card state %d is not one of new, learning, review, relearning", int(c.State))
	}
	if c.Step < 0 {
		return fmt.Errorf("srs: card step %d is negative", c.Step)
	}
	if c.IntervalDays < 0 || c.Reps < 0 || c.Lapses < 0 {
		return fmt.Errorf("srs: card counters must not be negative (interval %d, reps %d, lapses %d)", c.IntervalDays, c.Reps, c.Lapses)
	}
	if c.State == New {
		return nil
	}
	if math.IsNaN(c.Stability) || c.Stability < MinStability || c.Stability > MaxStability {
		return fmt.Errorf("srs: card stability %v is outside [%v, %v]", c.Stability, MinStability, MaxStability)
	}
	if math.IsNaN(c.Difficulty) || c.Difficulty < MinDifficulty || c.Difficulty > MaxDifficulty {
		return fmt.Errorf("srs: card difficulty %v is outside [%v, %v]", c.Difficulty, MinDifficulty, MaxDifficulty)
	}
	if c.LastReview.IsZero() {
		return fmt.Errorf("srs: %s card has no last review time", c.State)
	}
	return nil
}

// ReviewLog records one review: the rating and the card as it was before.
type ReviewLog struct {
	Rating      Rating
	Reviewed    time.Time
	ElapsedDays int // whole days since the previous review
	State       State
	Stability   float64
	Difficulty  float64
	Due         time.Time // when the card was due
}

// Review applies the rating r given at now to card c and returns the updated
// card and a log of the review. now must not be before c.LastReview.
func (s *Scheduler) Review(c Card, r Rating, now time.Time) (Card, ReviewLog, error) {
	if !r.Valid() {
		return c, ReviewLog{}, fmt.Errorf("srs: invalid rating %d (want 1..4)", int(r))
	}
	if err := c.Validate(); err != nil {
		return c, ReviewLog{}, err
	}
	if c.State != New && now.Before(c.LastReview) {
		return c, ReviewLog{}, fmt.Errorf("srs: review at %s is before the last review at %s", now.Format(time.RFC3339), c.LastReview.Format(time.RFC3339))
	}
	elapsed := 0
	if c.State != New {
		elapsed = s.ElapsedDays(c.LastReview, now)
	}
	log := ReviewLog{
		Rating: r, Reviewed: now, ElapsedDays: elapsed, State: c.State,
		Stability: c.Stability, Difficulty: c.Difficulty, Due: c.Due,
	}
	var next Card
	if s.p.ShortTerm {
		next = s.reviewShortTerm(c, r, now, elapsed)
	} else {
		next = s.reviewLongTerm(c, r, now, elapsed)
	}
	next.LastReview = now
	next.Reps = c.Reps + 1
	return next, log, nil
}

// Preview returns the card that each rating would produce, indexed by
// rating (index 0 is unused).
func (s *Scheduler) Preview(c Card, now time.Time) ([5]Card, error) {
	var out [5]Card
	for r := Again; r <= Easy; r++ {
		next, _, err := s.Review(c, r, now)
		if err != nil {
			return out, err
		}
		out[r] = next
	}
	return out, nil
}

// Retrievability returns the probability that the card is recalled at now;
// 0 for a new card.
func (s *Scheduler) Retrievability(c Card, now time.Time) float64 {
	if c.State == New || c.LastReview.IsZero() {
		return 0
	}
	t := now.Sub(c.LastReview).Hours() / 24
	if t < 0 {
		t = 0
	}
	return s.ForgettingCurve(t, c.Stability)
}

// ElapsedDays counts the day boundaries (midnight in the scheduler's
// location) between from and to: a review late in the evening and one the
// next morning are one day apart. It is 0 if to is not after from.
func (s *Scheduler) ElapsedDays(from, to time.Time) int {
	a := from.In(s.loc)
	b := to.In(s.loc)
	da := time.Date(a.Year(), a.Month(), a.Day(), 0, 0, 0, 0, time.UTC)
	db := time.Date(b.Year(), b.Month(), b.Day(), 0, 0, 0, 0, time.UTC)
	d := int(db.Sub(da).Hours() / 24)
	if d < 0 {
		return 0
	}
	return d
}

// EndOfDay returns the start of the day after now in the scheduler's
// location: cards with Due before it are "due today".
func (s *Scheduler) EndOfDay(now time.Time) time.Time {
	t := now.In(s.loc)
	return time.Date(t.Year(), t.Month(), t.Day()+1, 0, 0, 0, 0, s.loc)
}

func (s *Scheduler) memoryAfter(c Card, r Rating, elapsed int) Memory {
	if c.State == New {
		return s.initMemory(r)
	}
	return s.nextMemory(c.Memory(), elapsed, r)
}

func withMemory(c Card, m Memory) Card {
	c.Stability, c.Difficulty = m.Stability, m.Difficulty
	return c
}

// reviewLongTerm is the FSRS long-term scheduler: every review schedules
// whole days and the four ratings get strictly increasing intervals.
func (s *Scheduler) reviewLongTerm(c Card, r Rating, now time.Time, elapsed int) Card {
	var iv [5]int
	var mem [5]Memory
	for g := Again; g <= Easy; g++ {
		mem[g] = s.memoryAfter(c, g, elapsed)
		iv[g] = s.IntervalDays(mem[g].Stability)
	}
	iv[Again] = min(iv[Again], iv[Hard])
	iv[Hard] = max(iv[Hard], iv[Again]+1)
	iv[Good] = max(iv[Good], iv[Hard]+1)
	iv[Easy] = max(iv[Easy], iv[Good]+1)
	next := withMemory(c, mem[r])
	if r == Again && c.State != New {
		next.Lapses++
	}
	s.scheduleDays(&next, iv[r], now)
	return next
}

// reviewShortTerm is the FSRS basic scheduler with learning and relearning
// steps.
func (s *Scheduler) reviewShortTerm(c Card, r Rating, now time.Time, elapsed int) Card {
	next := withMemory(c, s.memoryAfter(c, r, elapsed))
	switch c.State {
	case New:
		steps := s.p.LearningSteps
		switch {
		case r == Easy || len(steps) == 0 || (r == Good && len(steps) < 2):
			s.graduate(&next, now)
		case r == Good:
			s.step(&next, 1, steps[1], Learning, now)
		case r == Hard:
			s.step(&next, 0, hardDelay(steps), Learning, now)
		default: // Again
			s.step(&next, 0, steps[0], Learning, now)
		}
	case Learning, Relearning:
		steps := s.p.LearningSteps
		if c.State == Relearning {
			steps = s.p.RelearningSteps
		}
		exhausted := len(steps) == 0 || c.Step >= len(steps)
		switch {
		case r == Easy || exhausted || (r == Good && c.Step+1 >= len(steps)):
			s.graduate(&next, now)
		case r == Good:
			s.step(&next, c.Step+1, steps[c.Step+1], c.State, now)
		case r == Hard:
			s.step(&next, c.Step, hardDelay(steps), c.State, now)
		default: // Again
			s.step(&next, 0, steps[0], c.State, now)
		}
	case Review:
		if r == Again {
			next.Lapses++
			if steps := s.p.RelearningSteps; len(steps) > 0 {
				s.step(&next, 0, steps[0], Relearning, now)
			} else {
				s.graduate(&next, now)
			}
			return next
		}
		var iv [5]int
		for g := Hard; g <= Easy; g++ {
			iv[g] = s.IntervalDays(s.memoryAfter(c, g, elapsed).Stability)
		}
		iv[Hard] = min(iv[Hard], iv[Good])
		iv[Good] = max(iv[Good], iv[Hard]+1)
		iv[Easy] = max(iv[Easy], iv[Good]+1)
		s.scheduleDays(&next, iv[r], now)
	}
	return next
}

// graduate moves the card to the Review state with the interval of its
// stability.
func (s *Scheduler) graduate(c *Card, now time.Time) {
	s.scheduleDays(c, s.IntervalDays(c.Stability), now)
}

func (s *Scheduler) scheduleDays(c *Card, days int, now time.Time) {
	days = min(days, s.p.MaximumInterval)
	c.State = Review
	c.Step = 0
	c.IntervalDays = days
	c.Due = now.Add(time.Duration(days) * 24 * time.Hour)
}

// step keeps the card in (re)learning with a same-day delay; a step of a day
// or more schedules it as a review.
func (s *Scheduler) step(c *Card, idx int, delay time.Duration, state State, now time.Time) {
	c.Due = now.Add(delay)
	c.Step = idx
	if delay >= 24*time.Hour {
		c.State = Review
		c.IntervalDays = int(delay / (24 * time.Hour))
		return
	}
	c.State = state
	c.IntervalDays = 0
}

// hardDelay is the delay for Hard in a learning step: the mean of the first
// two steps, or 1.5 times a single step, rounded to whole minutes.
func hardDelay(steps []time.Duration) time.Duration {
	first := steps[0].Minutes()
	var m float64
	if len(steps) == 1 {
		m = math.Round(first * 1.5)
	} else {
		m = math.Round((first + steps[1].Minutes()) / 2)
	}
	return time.Duration(m * float64(time.Minute))
}

// RatingForAnswer maps one practice answer to a rating: a wrong answer is
// Again; a correct answer is Good, Hard when the learner said they were
// unsure, and Easy when they were sure and fast.
func RatingForAnswer(correct, unsure, fast bool) Rating {
	switch {
	case !correct:
		return Again
	case unsure:
		return Hard
	case fast:
		return Easy
	}
	return Good
}

// RatingForScore maps the proportion of an objective's items answered
// correctly in one session to a rating: below 0.5 Again, below 0.7 Hard,
// below 0.9 Good, otherwise Easy.
func RatingForScore(fraction float64) Rating {
	switch {
	case !(fraction >= 0.5):
		return Again
	case fraction < 0.7:
		return Hard
	case fraction < 0.9:
		return Good
	}
	return Easy
}
