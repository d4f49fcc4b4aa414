package cat

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
)

// Simulate runs a whole session for a simulated examinee of ability
// trueTheta, who answers each item correctly with probability Prob, and
// returns the finished session.
func Simulate(bank *Bank, cfg Config, trueTheta float64, rng *rand.Rand) (*Session, error) {
	s, err := NewSession(bank, cfg, rng)
	if err != nil {
		return nil, err
	}
	if err := s.run(trueTheta); err != nil {
		return nil, err
	}
	return s, nil
}

func (s *Session) run(trueTheta float64) error {
	for {
		item, ok := s.Next()
		if !ok {
			return nil
		}
		correct := s.rng.Float64() < Prob(trueTheta, s.bank.items[item])
		if err := s.Record(item, correct); err != nil {
			return err
		}
	}
}

// ExposureSimulation configures CalibrateSympsonHetter.
type ExposureSimulation struct {
	// MaxRate is the highest exposure rate allowed for any item (the share
	// of examinees who see it), in (0, 1].
	MaxRate float64
	// Examinees is the number of simulated examinees per iteration.
	Examinees int
	// Iterations bounds the number of adjustment rounds.
	Iterations int
	// Tolerance is how far above MaxRate the highest observed exposure may
	// be for the procedure to stop early; 0 means three binomial standard
	// errors of a rate of MaxRate over Examinees, the sampling noise of the
	// simulation.
	Tolerance float64
	// Abilities draws a simulated examinee's ability; nil draws from the
	// session prior. It is called from several goroutines, each with its
	// own generator.
	Abilities func(rng *rand.Rand) float64
	// Seed seeds the simulation.
	Seed uint64
}

// ExposureReport summarises a Sympson–Hetter calibration.
type ExposureReport struct {
	Iterations int       // iterations run
	MaxRate    []float64 // highest observed exposure rate at each iteration
	Converged  bool      // the last iteration's highest rate was within MaxRate + Tolerance
}

// CalibrateSympsonHetter computes Sympson–Hetter exposure parameters for
// bank under cfg by simulation (Sympson & Hetter, 1985). Starting from
// K_i = 1, each iteration simulates sim.Examinees sessions with the current
// parameters, estimates the probability P(S_i) that item i is selected, and
// sets K_i = MaxRate / P(S_i) when P(S_i) > MaxRate and 1 otherwise, until
// the highest observed exposure rate P(A_i) = P(S_i)·K_i is within
// MaxRate + Tolerance or the iterations run out. It returns the parameters,
// which WithExposure attaches to the bank.
func CalibrateSympsonHetter(bank *Bank, cfg Config, sim ExposureSimulation) ([]float64, ExposureReport, error) {
	var rep ExposureReport
	if !(sim.MaxRate > 0 && sim.MaxRate <= 1) {
		return nil, rep, fmt.Errorf("cat: Sympson–Hetter: maximum exposure rate %v is outside (0, 1]", sim.MaxRate)
	}
	if sim.Examinees < 1 || sim.Iterations < 1 {
		return nil, rep, errors.New("cat: Sympson–Hetter: need at least one examinee and one iteration")
	}
	tol := sim.Tolerance
	if tol == 0 {
		tol = 3 * math.Sqrt(sim.MaxRate*(1-sim.MaxRate)/float64(sim.Examinees))
	}
	cfg.SympsonHetter = true
	if cfg.Prior == (Normal{}) {
		cfg.Prior = Normal{Mean: 0, SD: 1}
	}
	draw := sim.Abilities
	if draw == nil {
		draw = func(rng *rand.Rand) float64 { return cfg.Prior.Mean + cfg.Prior.SD*rng.NormFloat64() }
	}
	k := make([]float64, bank.Len())
	for i := range k {
		k[i] = 1
	}
	selected := make([]int, bank.Len())
	administered := make([]int, bank.Len())
	for iter := 0; iter < sim.Iterations; iter++ {
		b, err := bank.WithExposure(k)
		if err != nil {
			return nil, rep, err
		}
		if err := simulateExposure(b, cfg, sim, draw, iter, selected, administered); err != nil {
			return nil, rep, err
		}
		n := float64(sim.Examinees)
		maxRate := float64(slices.Max(administered)) / n
		rep.Iterations = iter + 1
		rep.MaxRate = append(rep.MaxRate, maxRate)
		if maxRate <= sim.MaxRate+tol {
			rep.Converged = true
			break
		}
		for i := range k {
			ps := float64(selected[i]) / n
			if ps > sim.MaxRate {
				k[i] = sim.MaxRate / ps
			} else {
				k[i] = 1
			}
		}
	}
	return k, rep, nil
}

// simulateExposure runs sim.Examinees sessions in blocks spread over the
// available CPUs and sets selected and administered to how often each item
// was selected and administered. Each block has its own generator seeded
// from the simulation seed, the iteration and the block, so the result does
// not depend on scheduling.
func simulateExposure(b *Bank, cfg Config, sim ExposureSimulation, draw func(*rand.Rand) float64, iter int, selected, administered []int) error {
	const blockSize = 50
	blocks := (sim.Examinees + blockSize - 1) / blockSize
	workers := min(runtime.GOMAXPROCS(0), blocks)
	type tally struct {
		selected, administered []int
		err                    error
	}
	tallies := make([]tally, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			t := &tallies[w]
			t.selected = make([]int, b.Len())
			t.administered = make([]int, b.Len())
			for blk := w; blk < blocks; blk += workers {
				rng := rand.New(rand.NewPCG(sim.Seed, uint64(iter)<<32|uint64(blk)))
				for e := blk * blockSize; e < min(sim.Examinees, (blk+1)*blockSize); e++ {
					s, err := NewSession(b, cfg, rng)
					if err != nil {
						t.err = err
						return
					}
					s.selected = t.selected
					if err := s.run(draw(rng)); err != nil {
						t.err = err
						return
					}
					for _, it := range s.administered {
						t.administered[it]++
					}
				}
			}
		}()
	}
	wg.Wait()
	clear(selected)
	clear(administered)
	for _, t := range tallies {
		if t.err != nil {
			return t.err
		}
		for i := range selected {
			selected[i] += t.selected[i]
			administered[i] += t.administered[i]
		}
	}
	return nil
}
