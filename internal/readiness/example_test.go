package readiness_test

import (
	"fmt"
	"math/rand/v2"

	"github.com/certlab/certlab/internal/cat"
	"github.com/certlab/certlab/internal/readiness"
)

// An adaptive practice session feeds the readiness tracker after every
// answer.
func Example() {
	rng := rand.New(rand.NewPCG(1, 2))
	domains := []string{"plan", "build", "operate"}
	var items, form []cat.Item
	for i := 0; i < 300; i++ {
		items = append(items, cat.Item{A: 0.8 + 0.8*rng.Float64(), B: rng.NormFloat64(), C: 0.2, Domain: i % 3})
	}
	for i := 0; i < 50; i++ {
		form = append(form, cat.Item{A: 0.8 + 0.8*rng.Float64(), B: rng.NormFloat64(), C: 0.2, Domain: i % 3})
	}
	bank, err := cat.NewBank(items, len(domains))
	if err != nil {
		panic(err)
	}
	session, err := cat.NewSession(bank, cat.Config{MaxLength: 30, TargetSE: 0.3, Blueprint: []float64{2, 2, 1}}, rng)
	if err != nil {
		panic(err)
	}
	tracker, err := readiness.NewTracker(readiness.Exam{CutTheta: 0.5, Form: form}, domains, cat.Normal{})
	if err != nil {
		panic(err)
	}
	const trueTheta = 1.0 // the simulated learner
	for item, ok := session.Next(); ok; item, ok = session.Next() {
		correct := rng.Float64() < cat.Prob(trueTheta, bank.Item(item))
		if err := session.Record(item, correct); err != nil {
			panic(err)
		}
		if err := tracker.Record(bank.Item(item), correct); err != nil {
			panic(err)
		}
	}
	r := tracker.Report()
	fmt.Printf("stopped: %v after %d items\n", session.Stopped(), r.Overall.Responses)
	fmt.Printf("overall θ %.2f [%.2f, %.2f], P(pass) %.2f\n", r.Overall.Theta, r.Overall.Low, r.Overall.High, r.PassProbability)
	for _, d := range r.Domains {
		fmt.Printf("%-8s θ %5.2f ± %.2f (%2d answers) P(θ ≥ cut) %.2f\n", d.Name, d.Theta, d.SE, d.Responses, d.AboveCut)
	}
	// Output:
	// stopped: maximum length reached after 30 items
	// overall θ 0.99 [0.38, 1.58], P(pass) 0.84
	// plan     θ  0.43 ± 0.51 (12 answers) P(θ ≥ cut) 0.47
	// build    θ  1.05 ± 0.48 (12 answers) P(θ ≥ cut) 0.88
	// operate  θ  1.02 ± 0.64 ( 6 answers) P(θ ≥ cut) 0.81
}
