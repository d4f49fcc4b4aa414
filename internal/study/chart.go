package study

import (
	"fmt"

	"github.com/certlab/certlab/internal/chart"
)

// ReadinessChart draws a readiness estimate as SVG: the ability estimate
// with its 95 % interval, overall and per skill area, against the passing
// level. Each skill area says the probability that the candidate's
// ability there is above the passing level, or "no data yet" when nothing
// of it was answered (the estimate would only be the prior).
func ReadinessChart(rd *Readiness) string {
	rows := []chart.Interval{{Label: "Overall", Low: rd.Low, Mid: rd.Theta, High: rd.High, Note: fmt.Sprintf("%d answers", rd.Answers)}}
	if rd.Answers == 0 {
		rows[0] = chart.Interval{Label: "Overall", NoData: true, Note: "no data yet"}
	}
	for _, d := range rd.Domains {
		if d.Answers == 0 {
			rows = append(rows, chart.Interval{Label: d.Name, NoData: true, Note: "no data yet"})
			continue
		}
		rows = append(rows, chart.Interval{Label: d.Name, Low: d.Low, Mid: d.Theta, High: d.High,
			Note: fmt.Sprintf("P(above passing) %.0f %%", 100*d.AboveCut)})
	}
	sub := fmt.Sprintf("Probability of passing: %.0f %%. Dots: estimated ability; bars: 95 %% interval.", 100*rd.PassProbability)
	if rd.Provisional {
		sub += " Provisional: items not calibrated yet."
	}
	return chart.Intervals("Readiness for "+rd.Exam, sub, rows, rd.CutTheta, -3, 3, "passing level")
}
