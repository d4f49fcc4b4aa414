package readiness

import (
	"math/rand/v2"
	"testing"

	"github.com/certlab/certlab/internal/cat"
)

// BenchmarkRecordAndReport measures the work done after each practice
// answer: recording it and producing the full report (overall and four
// domain estimates with intervals, and the pass probability against a
// 60-item exam form).
func BenchmarkRecordAndReport(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 1))
	items := itemsFor(rng, 200, 4)
	tr, err := NewTracker(Exam{CutTheta: 0.3, Form: itemsFor(rng, 60, 4)}, []string{"a", "b", "c", "d"}, cat.Normal{})
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := range b.N {
		if err := tr.Record(items[i%len(items)], i%3 != 0); err != nil {
			b.Fatal(err)
		}
		_ = tr.Report()
	}
}
