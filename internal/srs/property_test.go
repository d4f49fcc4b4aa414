package srs

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

// TestReviewProperties drives random review histories through both
// schedulers and checks the FSRS invariants after every review: stability is
// positive, difficulty stays in [1, 10], and the due time is monotone in the
// rating (Again <= Hard <= Good <= Easy, strictly for Hard < Good < Easy on
// review cards unless capped by the maximum interval).
func TestReviewProperties(t *testing.T) {
	for _, tc := range []struct {
		name      string
		shortTerm bool
		retention float64
	}{
		{"long-term r=0.9", false, 0.9},
		{"short-term r=0.9", true, 0.9},
		{"long-term r=0.7", false, 0.7},
		{"short-term r=0.97", true, 0.97},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p := DefaultParams()
			p.ShortTerm = tc.shortTerm
			p.DesiredRetention = tc.retention
			s := mustScheduler(t, p)
			rng := rand.New(rand.NewPCG(7, uint64(tc.retention*1000)))
			for run := 0; run < 200; run++ {
				now := time.Date(2026, 1, 1, 8, 0, 0, 0, time.UTC)
				card := NewCard(now)
				for i := 0; i < 30; i++ {
					preview, err := s.Preview(card, now)
					if err != nil {
						t.Fatalf("run %d review %d: %v", run, i, err)
					}
					for r := Again; r <= Easy; r++ {
						c := preview[r]
						if !(c.Stability > 0) {
							t.Fatalf("run %d review %d %s: stability %v not > 0", run, i, r, c.Stability)
						}
						if c.Difficulty < 1 || c.Difficulty > 10 {
							t.Fatalf("run %d review %d %s: difficulty %v outside [1,10]", run, i, r, c.Difficulty)
						}
						if err := c.Validate(); err != nil {
							t.Fatalf("run %d review %d %s: invalid card: %v", run, i, r, err)
						}
						if r > Again && preview[r].Due.Before(preview[r-1].Due) {
							t.Fatalf("run %d review %d: %s due %v before %s due %v (card %+v)", run, i, r, preview[r].Due, r-1, preview[r-1].Due, card)
						}
					}
					if card.State == Review || !tc.shortTerm {
						for r := Good; r <= Easy; r++ {
							capped := preview[r].IntervalDays == p.MaximumInterval
							if preview[r].IntervalDays <= preview[r-1].IntervalDays && !capped {
								t.Fatalf("run %d review %d: %s interval %d not above %s interval %d", run, i, r, preview[r].IntervalDays, r-1, preview[r-1].IntervalDays)
							}
						}
					}
					r := Rating(1 + rng.IntN(4))
					card = preview[r]
					// Review on, before or after the due date.
					wait := card.Due.Sub(now)
					switch rng.IntN(3) {
					case 0:
						wait = wait / 2
					case 1:
						wait = wait * 2
					}
					now = now.Add(wait)
				}
			}
		})
	}
}

// TestRetentionShortensIntervals checks that a higher desired retention never
// gives a longer interval.
func TestRetentionShortensIntervals(t *testing.T) {
	for _, stability := range []float64{0.1, 1, 3.7, 25, 400, 9000} {
		prev := int(^uint(0) >> 1)
		for r := 0.5; r <= 0.99; r += 0.01 {
			p := DefaultParams()
			p.DesiredRetention = r
			iv := mustScheduler(t, p).IntervalDays(stability)
			if iv > prev {
				t.Fatalf("stability %v: interval %d at retention %.2f exceeds %d at a lower retention", stability, iv, r, prev)
			}
			prev = iv
		}
	}
}

func TestForgettingCurveAtStability(t *testing.T) {
	s := mustScheduler(t, DefaultParams())
	for _, st := range []float64{0.5, 2, 30, 1000} {
		if got := s.ForgettingCurve(st, st); round4(got) != 0.9 {
			t.Errorf("R(S, S) for S=%v is %v, want 0.9 by definition of stability", st, got)
		}
	}
}

func TestParamsValidate(t *testing.T) {
	for _, tc := range []struct {
		name    string
		mutate  func(*Params)
		wantErr string
	}{
		{"defaults", func(*Params) {}, ""},
		{"retention zero", func(p *Params) { p.DesiredRetention = 0 }, "desired retention"},
		{"retention above one", func(p *Params) { p.DesiredRetention = 1.01 }, "desired retention"},
		{"max interval zero", func(p *Params) { p.MaximumInterval = 0 }, "maximum interval"},
		{"decay zero", func(p *Params) { p.Weights[20] = 0 }, "w[20]"},
		{"negative initial stability", func(p *Params) { p.Weights[2] = -1 }, "w[2]"},
		{"zero learning step", func(p *Params) { p.LearningSteps = []time.Duration{0} }, "learning step 1"},
		{"negative relearning step", func(p *Params) { p.RelearningSteps = []time.Duration{-time.Minute} }, "relearning step 1"},
		{"mean reversion above one", func(p *Params) { p.Weights[7] = 2 }, "w[7]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := DefaultParams()
			tc.mutate(&p)
			_, err := NewScheduler(p)
			switch {
			case tc.wantErr == "" && err != nil:
				t.Fatalf("unexpected error: %v", err)
			case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
				t.Fatalf("error %v, want one mentioning %q", err, tc.wantErr)
			}
		})
	}
}

func TestReviewRejects(t *testing.T) {
	s := mustScheduler(t, DefaultParams())
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	reviewed, _, err := s.Review(NewCard(now), Good, now)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		card    Card
		rating  Rating
		at      time.Time
		wantErr string
	}{
		{"rating zero", NewCard(now), 0, now, "invalid rating"},
		{"rating five", NewCard(now), 5, now, "invalid rating"},
		{"before last review", reviewed, Good, now.Add(-time.Hour), "before the last review"},
		{"bad state", Card{State: 9}, Good, now, "card state"},
		{"review card without stability", Card{State: Review, Difficulty: 5, LastReview: now}, Good, now, "stability"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := s.Review(tc.card, tc.rating, tc.at)
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("error %v, want one mentioning %q", err, tc.wantErr)
			}
		})
	}
}

func TestElapsedDaysAndEndOfDay(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Skipf("no time zone database: %v", err)
	}
	p := DefaultParams()
	p.Location = berlin
	s := mustScheduler(t, p)
	utc := mustScheduler(t, DefaultParams())
	late := time.Date(2026, 5, 4, 21, 30, 0, 0, time.UTC) // 23:30 in Berlin
	early := late.Add(2 * time.Hour)                      // 01:30 next day in Berlin
	if got := s.ElapsedDays(late, early); got != 1 {
		t.Errorf("Berlin: elapsed days across midnight = %d, want 1", got)
	}
	if got := utc.ElapsedDays(late, early); got != 0 {
		t.Errorf("UTC: elapsed days = %d, want 0", got)
	}
	if got := utc.ElapsedDays(early, late); got != 0 {
		t.Errorf("backwards elapsed days = %d, want 0", got)
	}
	want := time.Date(2026, 5, 5, 0, 0, 0, 0, berlin)
	if got := s.EndOfDay(late); !got.Equal(want) {
		t.Errorf("EndOfDay = %v, want %v", got, want)
	}
}

func TestRatingMappings(t *testing.T) {
	for _, tc := range []struct {
		name                  string
		correct, unsure, fast bool
		want                  Rating
	}{
		{"wrong", false, false, true, Again},
		{"unsure", true, true, true, Hard},
		{"fast and sure", true, false, true, Easy},
		{"sure", true, false, false, Good},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := RatingForAnswer(tc.correct, tc.unsure, tc.fast); got != tc.want {
				t.Errorf("RatingForAnswer = %s, want %s", got, tc.want)
			}
		})
	}
	for _, tc := range []struct {
		score float64
		want  Rating
	}{{0, Again}, {0.49, Again}, {0.5, Hard}, {0.69, Hard}, {0.7, Good}, {0.89, Good}, {0.9, Easy}, {1, Easy}} {
		if got := RatingForScore(tc.score); got != tc.want {
			t.Errorf("RatingForScore(%v) = %s, want %s", tc.score, got, tc.want)
		}
	}
}

func TestParseCard(t *testing.T) {
	s := mustScheduler(t, DefaultParams())
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	c, _, err := s.Review(NewCard(now), Again, now)
	if err != nil {
		t.Fatal(err)
	}
	data, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	got, err := ParseCard(data)
	if err != nil {
		t.Fatalf("ParseCard(%s): %v", data, err)
	}
	if got != c {
		t.Errorf("round trip changed the card:\n got %+v\nwant %+v", got, c)
	}
	for _, tc := range []struct {
		name, in, wantErr string
	}{
		{"not json", `{`, "decode card"},
		{"unknown field", `{"state":0,"color":"red"}`, "unknown field"},
		{"trailing", `{"state":0} {}`, "trailing data"},
		{"bad state", `{"state":7}`, "card state"},
		{"difficulty out of range", `{"state":2,"stability":3,"difficulty":11,"last_review":"2026-01-01T00:00:00Z"}`, "difficulty"},
		{"negative step", `{"state":1,"step":-1}`, "step"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseCard([]byte(tc.in))
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("error %v, want one mentioning %q", err, tc.wantErr)
			}
		})
	}
}

func FuzzParseCard(f *testing.F) {
	f.Add([]byte(`{"state":0}`))
	f.Add([]byte(`{"state":2,"step":0,"stability":13.8,"difficulty":2.11,"due":"2026-01-15T12:30:00Z","last_review":"2026-01-01T12:30:00Z","interval_days":14,"reps":2,"lapses":0}`))
	f.Add([]byte(`{"state":3,"step":0,"stability":0.001,"difficulty":10,"last_review":"2026-01-01T12:30:00Z"}`))
	f.Add([]byte(`{"state":1,"stability":1e309}`))
	f.Add([]byte(`[]`))
	s, err := NewScheduler(DefaultParams())
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := ParseCard(data)
		if err != nil {
			return
		}
		if err := c.Validate(); err != nil {
			t.Fatalf("ParseCard accepted an invalid card: %v", err)
		}
		enc, err := json.Marshal(c)
		if err != nil {
			t.Fatalf("re-encode: %v", err)
		}
		again, err := ParseCard(enc)
		if err != nil {
			t.Fatalf("re-parse %s: %v", enc, err)
		}
		if !again.Due.Equal(c.Due) || again.Stability != c.Stability || again.State != c.State {
			t.Fatalf("round trip changed the card: %+v -> %+v", c, again)
		}
		// Every accepted card can be reviewed without error after its last review.
		at := c.LastReview
		if at.IsZero() {
			at = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		}
		next, _, err := s.Review(c, Good, at.Add(time.Hour))
		if err != nil {
			t.Fatalf("review of accepted card %+v: %v", c, err)
		}
		if err := next.Validate(); err != nil {
			t.Fatalf("review produced invalid card %+v: %v", next, err)
		}
	})
}

// TestLapseNeverRaisesStability checks the cap of the post-lapse stability:
// at most S/exp(w17·w18) with short-term scheduling and at most S without.
// A small stability with a long gap is a case where the cap binds.
func TestLapseNeverRaisesStability(t *testing.T) {
	w := DefaultWeights()
	for _, tc := range []struct {
		name      string
		shortTerm bool
		mem       Memory
		elapsed   int
		want      float64 // exact result when the cap binds; 0 to check only the bound
	}{
		{"short-term cap binds", true, Memory{Stability: 0.1, Difficulty: 1}, 1000, 0.1 / math.Exp(w[17]*w[18])},
		{"long-term cap binds", false, Memory{Stability: 0.1, Difficulty: 1}, 1000, 0.1},
		{"short-term typical", true, Memory{Stability: 30, Difficulty: 5}, 40, 0},
		{"long-term typical", false, Memory{Stability: 30, Difficulty: 5}, 40, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := DefaultParams()
			p.ShortTerm = tc.shortTerm
			s := mustScheduler(t, p)
			got, err := s.NextMemory(&tc.mem, tc.elapsed, Again)
			if err != nil {
				t.Fatal(err)
			}
			bound := tc.mem.Stability
			if tc.shortTerm {
				bound /= math.Exp(w[17] * w[18])
			}
			if got.Stability > bound*(1+1e-12) {
				t.Errorf("stability after a lapse %v exceeds the cap %v", got.Stability, bound)
			}
			if tc.want != 0 && math.Abs(got.Stability-tc.want) > 1e-12 {
				t.Errorf("stability after a lapse %v, want the cap %v", got.Stability, tc.want)
			}
		})
	}
}
