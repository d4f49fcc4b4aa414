package readiness

import (
	"bytes"
	"flag"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/certlab/certlab/internal/cat"
)

var update = flag.Bool("update", false, "write docs/img/readiness-reliability.svg from the calibration simulation")

// simulation describes the calibration study of TestPassProbabilityCalibration.
type simulation struct {
	candidates int
	practice   *cat.Bank
	adaptive   bool       // adaptive practice; otherwise items in random order
	cfg        cat.Config // MaxLength is drawn per candidate
	minLen     int
	maxLen     int
	exam       Exam
	domains    []string
	seed       uint64
}

// outcome is one simulated candidate.
type outcome struct {
	predicted     float64 // readiness prediction with exam error
	predictedTrue float64 // prediction for an error-free exam
	plugIn        float64 // naive prediction from the point estimate only
	passedExam    bool    // exam estimate at least the cut
	aboveCut      bool    // true ability at least the cut
}

func itemsFor(rng *rand.Rand, n, domains int) []cat.Item {
	items := make([]cat.Item, n)
	for i := range items {
		items[i] = cat.Item{
			A:      math.Exp(0.1 + 0.3*rng.NormFloat64()),
			B:      rng.NormFloat64(),
			C:      0.1 + 0.15*rng.Float64(),
			Domain: i % domains,
		}
	}
	return items
}

// mlTheta is the maximum-likelihood ability on the exam form by Fisher
// scoring, clamped to [−8, 8] (all-correct and all-wrong patterns end at
// the bounds); it plays the exam engine's scoring.
func mlTheta(form []cat.Item, resp []bool) float64 {
	theta := 0.0
	for iter := 0; iter < 100; iter++ {
		var score, info float64
		for i, it := range form {
			p := cat.Prob(theta, it)
			l := (p - it.C) / (1 - it.C) // logistic part
			x := 0.0
			if resp[i] {
				x = 1
			}
			// d/dθ log L for the 3PL: a·(x−P)·L/P.
			score += it.A * (x - p) * l / p
			info += cat.Info(theta, it)
		}
		step := math.Max(-1, math.Min(1, score/info))
		theta = math.Max(-8, math.Min(8, theta+step))
		if math.Abs(step) < 1e-8 {
			break
		}
	}
	return theta
}

func (s simulation) run(t *testing.T) []outcome {
	t.Helper()
	out := make([]outcome, s.candidates)
	errs := make(chan error, 2*s.candidates)
	var wg sync.WaitGroup
	const workers = 2
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errFree := Exam{CutTheta: s.exam.CutTheta}
			for c := w; c < s.candidates; c += workers {
				rng := rand.New(rand.NewPCG(s.seed, uint64(c)))
				theta := rng.NormFloat64()
				cfg := s.cfg
				cfg.MaxLength = s.minLen + rng.IntN(s.maxLen-s.minLen+1)
				tr, err := NewTracker(s.exam, s.domains, cat.Normal{})
				if err != nil {
					errs <- err
					return
				}
				answer := func(item int) bool {
					correct := rng.Float64() < cat.Prob(theta, s.practice.Item(item))
					if err := tr.Record(s.practice.Item(item), correct); err != nil {
						errs <- err
					}
					return correct
				}
				if !s.adaptive {
					for _, item := range rng.Perm(s.practice.Len())[:cfg.MaxLength] {
						answer(item)
					}
				} else {
					sess, err := cat.NewSession(s.practice, cfg, rng)
					if err != nil {
						errs <- err
						return
					}
					for item, ok := sess.Next(); ok; item, ok = sess.Next() {
						if err := sess.Record(item, answer(item)); err != nil {
							errs <- err
							return
						}
					}
				}
				o := &out[c]
				o.predicted = tr.PassProbability()
				est := tr.Report().Overall
				o.plugIn = s.exam.PassGivenTheta(est.Theta)
				// The same answers against an error-free exam.
				o.predictedTrue = probAbove(tr.overall, errFree.CutTheta)
				resp := make([]bool, len(s.exam.Form))
				for i, it := range s.exam.Form {
					resp[i] = rng.Float64() < cat.Prob(theta, it)
				}
				o.passedExam = mlTheta(s.exam.Form, resp) >= s.exam.CutTheta
				o.aboveCut = theta >= s.exam.CutTheta
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("simulation: %v", err)
	}
	return out
}

// TestPassProbabilityCalibration validates the readiness prediction by
// simulation: candidates of known ability drawn from the population prior
// practise on a 3PL bank, and the predicted pass probability after their
// last answer is compared with the outcome of a simulated exam scored by
// maximum likelihood against the cut. The expected calibration error over
// ten bins must be at most 0.05, both for the exam with measurement error
// and for the error-free definition of passing (true ability at least the
// cut). A plug-in prediction that ignores the uncertainty of the practice
// estimate serves as a contrast. The first scenario is the one shown in
// docs/readiness.md.
func TestPassProbabilityCalibration(t *testing.T) {
	rng := rand.New(rand.NewPCG(2026, 11))
	const domains = 4
	practice, err := cat.NewBank(itemsFor(rng, 600, domains), domains)
	if err != nil {
		t.Fatal(err)
	}
	names := []string{"plan", "build", "release", "operate"}
	longForm, shortForm := itemsFor(rng, 60, domains), itemsFor(rng, 30, domains)
	for _, sim := range []struct {
		name string
		simulation
		svg bool
	}{
		{"adaptive practice, 60-item exam, cut 0.3", simulation{
			candidates: 6000, practice: practice, adaptive: true,
			cfg:    cat.Config{Blueprint: []float64{0.35, 0.25, 0.25, 0.15}, Randomesque: 3},
			minLen: 5, maxLen: 40,
			exam:    Exam{CutTheta: 0.3, Form: longForm},
			domains: names, seed: 7,
		}, true},
		{"random practice items, 30-item exam, cut -0.4", simulation{
			candidates: 4000, practice: practice,
			minLen: 3, maxLen: 30,
			exam:    Exam{CutTheta: -0.4, Form: shortForm},
			domains: names, seed: 8,
		}, false},
	} {
		t.Run(sim.name, func(t *testing.T) {
			res := sim.run(t)
			pred := make([]float64, len(res))
			predTrue := make([]float64, len(res))
			plug := make([]float64, len(res))
			passed := make([]bool, len(res))
			above := make([]bool, len(res))
			var passRate float64
			for i, o := range res {
				pred[i], predTrue[i], plug[i], passed[i], above[i] = o.predicted, o.predictedTrue, o.plugIn, o.passedExam, o.aboveCut
				if o.passedExam {
					passRate++
				}
			}
			passRate /= float64(len(res))
			bins, ece, err := Reliability(pred, passed, 10)
			if err != nil {
				t.Fatal(err)
			}
			_, eceTrue, err := Reliability(predTrue, above, 10)
			if err != nil {
				t.Fatal(err)
			}
			_, ecePlug, err := Reliability(plug, passed, 10)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%d candidates, exam pass rate %.3f; ECE %.4f (exam with error), %.4f (error-free exam), plug-in %.4f", len(res), passRate, ece, eceTrue, ecePlug)
			for _, b := range bins {
				t.Logf("bin [%.1f, %.1f): n %5d  predicted %.3f  observed %.3f", b.Lo, b.Hi, b.N, b.MeanPredicted, b.ObservedRate)
			}
			if ece > 0.05 {
				t.Errorf("expected calibration error %.4f against simulated exams; want at most 0.05", ece)
			}
			if eceTrue > 0.05 {
				t.Errorf("expected calibration error %.4f against true ability; want at most 0.05", eceTrue)
			}
			if ecePlug <= ece {
				t.Errorf("plug-in prediction ECE %.4f is not worse than the posterior prediction %.4f: the simulation does not discriminate", ecePlug, ece)
			}
			if !sim.svg {
				return
			}
			var buf bytes.Buffer
			title := "Readiness calibration, 6,000 simulated candidates"
			if err := WriteReliabilitySVG(&buf, bins, ece, title); err != nil {
				t.Fatal(err)
			}
			checkSVG(t, buf.Bytes())
			if *update {
				path := filepath.Join(repoRoot(t), "docs", "img", "readiness-reliability.svg")
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				t.Logf("wrote %s", path)
			}
		})
	}
}

// repoRoot walks up from the working directory to the directory holding
// go.mod.
func repoRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test's working directory")
		}
		dir = parent
	}
}
