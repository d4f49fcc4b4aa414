package cat

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

// BenchmarkNextItem measures next-item selection on a 5,000-item 3PL bank
// with five blueprint domains, randomesque exposure control (5 candidates),
// Sympson–Hetter exposure parameters calibrated by simulation, and content
// balancing. Each op is one Next call at a realistic point of a session;
// p50 and p99 latencies are reported.
func BenchmarkNextItem(b *testing.B) {
	bank := randomBank(b, 5000, 5, true, 2026)
	cfg := Config{
		MaxLength:     40,
		TargetSE:      0.25,
		Blueprint:     []float64{0.3, 0.25, 0.2, 0.15, 0.1},
		Randomesque:   5,
		SympsonHetter: true,
	}
	k, _, err := CalibrateSympsonHetter(bank, cfg, ExposureSimulation{MaxRate: 0.2, Examinees: 200, Iterations: 3, Seed: 3})
	if err != nil {
		b.Fatal(err)
	}
	restricted := 0
	for _, v := range k {
		if v < 1 {
			restricted++
		}
	}
	bank, err = bank.WithExposure(k)
	if err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(5, 5))
	newSession := func() (*Session, float64) {
		s, err := NewSession(bank, cfg, rng)
		if err != nil {
			b.Fatal(err)
		}
		return s, rng.NormFloat64()
	}
	s, theta := newSession()
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for range b.N {
		start := time.Now()
		item, ok := s.Next()
		lat = append(lat, time.Since(start))
		if !ok {
			b.StopTimer()
			s, theta = newSession()
			b.StartTimer()
			continue
		}
		b.StopTimer()
		if err := s.Record(item, rng.Float64() < Prob(theta, bank.Item(item))); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
	b.StopTimer()
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Nanoseconds())/1e3, "p50-µs")
	b.ReportMetric(float64(lat[int(0.99*float64(len(lat)-1))].Nanoseconds())/1e3, "p99-µs")
	b.ReportMetric(float64(restricted), "SH-restricted-items")
}

// BenchmarkPosteriorUpdate measures one EAP update (81 quadrature points).
func BenchmarkPosteriorUpdate(b *testing.B) {
	p, err := NewPosterior(Normal{0, 1}, 0)
	if err != nil {
		b.Fatal(err)
	}
	it := Item{A: 1.2, B: 0.3, C: 0.2}
	for i := range b.N {
		p.Update(it, i%2 == 0)
		if i%50 == 49 {
			p, _ = NewPosterior(Normal{0, 1}, 0)
		}
	}
}
