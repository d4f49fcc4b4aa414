package study_test

import (
	"strings"
	"testing"

	"github.com/certlab/certlab/internal/study"
)

func TestReadinessChartLabels(t *testing.T) {
	rd := &study.Readiness{Exam: "az-400", Theta: 0.4, Low: -0.2, High: 1.0, CutTheta: 0.77, PassProbability: 0.31, Answers: 12,
		Domains: []study.DomainReadiness{
			{Name: "Processes", Theta: 0.9, Low: 0.1, High: 1.7, AboveCut: 0.62, Answers: 12},
			// No answers: the tracker still has its prior, 22 % above the cut.
			{Name: "Security", Theta: 0, Low: -1.96, High: 1.96, AboveCut: 0.22, Answers: 0},
		}}
	svg := study.ReadinessChart(rd)
	for _, want := range []string{"Probability of passing: 31 %", "P(above passing) 62 %", "no data yet", "12 answers"} {
		if !strings.Contains(svg, want) {
			t.Errorf("chart lacks %q:\n%s", want, svg)
		}
	}
	for _, bad := range []string{"22 %", "above the cut"} {
		if strings.Contains(svg, bad) {
			t.Errorf("chart says %q:\n%s", bad, svg)
		}
	}
	if n := strings.Count(svg, "<circle"); n != 2 {
		t.Errorf("chart draws %d estimates, want 2 (overall and the area with answers)", n)
	}
}
