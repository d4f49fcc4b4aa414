package readiness

import (
	"bufio"
	"fmt"
	"io"
	"math"
)

// Bin is one bin of a reliability diagram: predictions in [Lo, Hi).
type Bin struct {
	Lo, Hi        float64
	N             int     // predictions in the bin
	MeanPredicted float64 // mean predicted pass probability
	ObservedRate  float64 // share of those candidates who passed
}

// Reliability groups predicted probabilities into bins equal-width bins and
// returns them with the expected calibration error: the mean over bins,
// weighted by bin size, of |observed rate − mean prediction|. Comparing the
// predictions made before real exams with their outcomes the same way
// monitors calibration in production.
func Reliability(predicted []float64, passed []bool, bins int) ([]Bin, float64, error) {
	if len(predicted) != len(passed) {
		return nil, 0, fmt.Errorf("readiness: %d predictions but %d outcomes", len(predicted), len(passed))
	}
	if len(predicted) == 0 {
		return nil, 0, fmt.Errorf("readiness: no predictions")
	}
	if bins < 1 {
		return nil, 0, fmt.Errorf("readiness: %d bins; want at least 1", bins)
	}
	out := make([]Bin, bins)
	for b := range out {
		out[b].Lo = float64(b) / float64(bins)
		out[b].Hi = float64(b+1) / float64(bins)
	}
	for i, p := range predicted {
		if !(p >= 0 && p <= 1) {
			return nil, 0, fmt.Errorf("readiness: prediction %d is %v, not a probability", i, p)
		}
		b := min(int(p*float64(bins)), bins-1)
		out[b].N++
		out[b].MeanPredicted += p
		if passed[i] {
			out[b].ObservedRate++
		}
	}
	var ece float64
	for b := range out {
		if out[b].N == 0 {
			continue
		}
		n := float64(out[b].N)
		out[b].MeanPredicted /= n
		out[b].ObservedRate /= n
		ece += n / float64(len(predicted)) * math.Abs(out[b].ObservedRate-out[b].MeanPredicted)
	}
	return out, ece, nil
}

// WriteReliabilitySVG draws a reliability diagram: observed pass rate
// against mean predicted probability for each non-empty bin (marker area
// proportional to the bin's count), the diagonal of perfect calibration,
// and a histogram of the predictions along the bottom.
func WriteReliabilitySVG(w io.Writer, bins []Bin, ece float64, title string) error {
	const (
		width, height = 520, 560
		left, top     = 70, 50
		plot          = 400 // square plot area
		histH         = 50
	)
	bw := bufio.NewWriter(w)
	px := func(p float64) float64 { return left + p*plot }
	py := func(p float64) float64 { return top + (1-p)*plot }
	fmt.Fprintf(bw, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="sans-serif" font-size="12">`+"\n", width, height, width, height)
	fmt.Fprintf(bw, `<rect width="%d" height="%d" fill="white"/>`+"\n", width, height)
	fmt.Fprintf(bw, `<text x="%d" y="24" font-size="15" font-weight="bold">%s</text>`+"\n", left, xmlEscape(title))
	// Grid and axes.
	for i := 0; i <= 10; i++ {
		v := float64(i) / 10
		fmt.Fprintf(bw, `<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#e5e5e5"/>`+"\n", px(v), top, px(v), top+plot)
		fmt.Fprintf(bw, `<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="#e5e5e5"/>`+"\n", left, py(v), left+plot, py(v))
		if i%2 == 0 {
			fmt.Fprintf(bw, `<text x="%.1f" y="%d" text-anchor="middle">%.1f</text>`+"\n", px(v), top+plot+16, v)
			fmt.Fprintf(bw, `<text x="%d" y="%.1f" text-anchor="end">%.1f</text>`+"\n", left-6, py(v)+4, v)
		}
	}
	fmt.Fprintf(bw, `<rect x="%d" y="%d" width="%d" height="%d" fill="none" stroke="#333"/>`+"\n", left, top, plot, plot)
	fmt.Fprintf(bw, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#888" stroke-dasharray="6 4"/>`+"\n", px(0), py(0), px(1), py(1))
	fmt.Fprintf(bw, `<text x="%d" y="%d" text-anchor="middle">predicted probability of passing</text>`+"\n", left+plot/2, top+plot+34)
	fmt.Fprintf(bw, `<text x="18" y="%d" text-anchor="middle" transform="rotate(-90 18 %d)">observed pass rate</text>`+"\n", top+plot/2, top+plot/2)
	// Points joined in order of prediction.
	maxN := 0
	for _, b := range bins {
		maxN = max(maxN, b.N)
	}
	var path []byte
	for _, b := range bins {
		if b.N == 0 {
			continue
		}
		cmd := "L"
		if len(path) == 0 {
			cmd = "M"
		}
		path = fmt.Appendf(path, "%s%.1f %.1f ", cmd, px(b.MeanPredicted), py(b.ObservedRate))
	}
	if len(path) > 0 {
		fmt.Fprintf(bw, `<path d="%s" fill="none" stroke="#1f6feb" stroke-width="2"/>`+"\n", path)
	}
	for _, b := range bins {
		if b.N == 0 {
			continue
		}
		r := 3 + 7*math.Sqrt(float64(b.N)/float64(maxN))
		fmt.Fprintf(bw, `<circle cx="%.1f" cy="%.1f" r="%.1f" fill="#1f6feb" fill-opacity="0.8"><title>predicted %.3f, observed %.3f, n = %d</title></circle>`+"\n",
			px(b.MeanPredicted), py(b.ObservedRate), r, b.MeanPredicted, b.ObservedRate, b.N)
	}
	// Histogram of predictions.
	hy := top + plot + 48
	for _, b := range bins {
		if b.N == 0 {
			continue
		}
		h := float64(histH) * float64(b.N) / float64(maxN)
		fmt.Fprintf(bw, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="#9ab7e8"/>`+"\n", px(b.Lo)+1, float64(hy+histH)-h, (b.Hi-b.Lo)*plot-2, h)
	}
	fmt.Fprintf(bw, `<text x="%d" y="%d" text-anchor="end" fill="#555">count</text>`+"\n", left-6, hy+histH)
	fmt.Fprintf(bw, `<text x="%d" y="%d" fill="#333">expected calibration error %.4f</text>`+"\n", left+8, top+16, ece)
	fmt.Fprintf(bw, `<text x="%d" y="%d" fill="#333">dashed: perfect calibration; marker area: candidates per bin</text>`+"\n", left+8, top+32)
	fmt.Fprint(bw, "</svg>\n")
	return bw.Flush()
}

func xmlEscape(s string) string {
	var out []byte
	for _, r := range s {
		switch r {
		case '<':
			out = append(out, "&lt;"...)
		case '>':
			out = append(out, "&gt;"...)
		case '&':
			out = append(out, "&amp;"...)
		case '"':
			out = append(out, "&quot;"...)
		default:
			out = append(out, string(r)...)
		}
	}
	return string(out)
}
