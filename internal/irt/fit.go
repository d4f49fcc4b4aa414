package irt

import (
	"context"
	"math"
)

// itemFit holds the IRT fit statistics of one item.
type itemFit struct {
	infit, outfit float64
	sx2, p        float64
	df            int
}

// sx2MinCell is the smallest expected count (correct and incorrect) of a
// score group before it is merged with its neighbour, as in mirt.
const sx2MinCell = 1

// fitStatistics returns, per item, the infit and outfit mean squares of the
// standardised residuals at the EAP abilities, and the Orlando–Thissen
// S-X2 statistic computed from the examinees who answered every item (all
// items dichotomous; NaN otherwise).
func fitStatistics(r *Responses, items []Item) ([]itemFit, []Estimate, error) {
	sc, err := NewScorer(items)
	if err != nil {
		return nil, nil, err
	}
	est, err := sc.ScoreEAP(context.Background(), r)
	if err != nil {
		return nil, nil, err
	}
	out := make([]itemFit, r.M)
	var buf []float64
	for j, it := range items {
		var sumZ2, sumSq, sumVar float64
		n := 0
		for i := 0; i < r.N; i++ {
			x := r.At(i, j)
			if x < 0 {
				continue
			}
			buf = it.CategoryProbs(est[i].Theta, buf[:0])
			var e, e2 float64
			for k, p := range buf {
				e += float64(k) * p
				e2 += float64(k*k) * p
			}
			v := e2 - e*e
			res := float64(x) - e
			if v > 1e-12 {
				sumZ2 += res * res / v
				n++
			}
			sumSq += res * res
			sumVar += v
		}
		out[j] = itemFit{infit: safeDiv(sumSq, sumVar), outfit: safeDiv(sumZ2, float64(n)), sx2: math.NaN(), p: math.NaN()}
	}
	sx2(r, items, sc.prior, out)
	return out, est, nil
}

// sx2 fills in S-X2 for dichotomous tests with at least 3 items.
func sx2(r *Responses, items []Item, q Quadrature, out []itemFit) {
	M := len(items)
	if M < 3 {
		return
	}
	for _, it := range items {
		if it.Model == GPCM {
			return
		}
	}
	// Observed: per total score s, examinees and correct answers per item.
	ns := make([]float64, M+1)
	correct := make([][]float64, M)
	for j := range correct {
		correct[j] = make([]float64, M+1)
	}
	complete := 0
	for i := 0; i < r.N; i++ {
		row := r.Row(i)
		s := 0
		ok := true
		for _, x := range row {
			if x < 0 {
				ok = false
				break
			}
			s += int(x)
		}
		if !ok {
			continue
		}
		complete++
		ns[s]++
		for j, x := range row {
			if x == 1 {
				correct[j][s]++
			}
		}
	}
	if complete < 50 {
		return
	}
	Q := len(q.Nodes)
	P := make([][]float64, M)
	for j, it := range items {
		P[j] = make([]float64, Q)
		for k, th := range q.Nodes {
			P[j][k] = it.P(th)
		}
	}
	// Summed-score likelihoods at every node (Lord–Wingersky).
	full := lordWingersky(P, -1, Q)
	den := make([]float64, M+1)
	for s := range den {
		for k := 0; k < Q; k++ {
			den[s] += q.Weights[k] * full[k*(M+1)+s]
		}
	}
	for j := range items {
		without := lordWingersky(P, j, Q) // scores 0..M-1
		type cell struct{ n, o, e float64 }
		var cells []cell
		for s := 1; s < M; s++ {
			if ns[s] == 0 || den[s] <= 0 {
				continue
			}
			num := 0.0
			for k := 0; k < Q; k++ {
				num += q.Weights[k] * P[j][k] * without[k*M+s-1]
			}
			cells = append(cells, cell{n: ns[s], o: correct[j][s], e: ns[s] * num / den[s]})
		}
		// Merge neighbouring score groups until every group expects at least
		// sx2MinCell correct and incorrect answers.
		var bins []cell
		var cur cell
		for _, c := range cells {
			cur.n += c.n
			cur.o += c.o
			cur.e += c.e
			if cur.e >= sx2MinCell && cur.n-cur.e >= sx2MinCell {
				bins = append(bins, cur)
				cur = cell{}
			}
		}
		if cur.n > 0 {
			if len(bins) > 0 {
				b := &bins[len(bins)-1]
				b.n += cur.n
				b.o += cur.o
				b.e += cur.e
			} else {
				bins = append(bins, cur)
			}
		}
		npar := 2
		switch items[j].Model {
		case Rasch:
			npar = 1
		case ThreePL:
			npar = 3
		}
		df := len(bins) - npar
		if df < 1 {
			continue
		}
		x2 := 0.0
		for _, b := range bins {
			e := b.e / b.n
			o := b.o / b.n
			x2 += b.n * (o - e) * (o - e) / (e * (1 - e))
		}
		out[j].sx2, out[j].df, out[j].p = x2, df, chiSquareSurvival(x2, float64(df))
	}
}

// lordWingersky returns, node-major, the probability of every summed score
// 0..M' at each node for the items other than skip (M' = M or M-1).
func lordWingersky(P [][]float64, skip, Q int) []float64 {
	M := len(P)
	m := M
	if skip >= 0 {
		m = M - 1
	}
	out := make([]float64, Q*(m+1))
	for k := 0; k < Q; k++ {
		f := out[k*(m+1) : (k+1)*(m+1)]
		f[0] = 1
		n := 0
		for j := 0; j < M; j++ {
			if j == skip {
				continue
			}
			p := P[j][k]
			for s := n + 1; s >= 1; s-- {
				f[s] = f[s]*(1-p) + f[s-1]*p
			}
			f[0] *= 1 - p
			n++
		}
	}
	return out
}

// chiSquareSurvival returns P(X > x) for a chi-square variable with df
// degrees of freedom: the regularised upper incomplete gamma Q(df/2, x/2).
func chiSquareSurvival(x, df float64) float64 {
	if x <= 0 {
		return 1
	}
	a, z := df/2, x/2
	lg, _ := math.Lgamma(a)
	pre := math.Exp(-z + a*math.Log(z) - lg)
	if z < a+1 {
		// Series for the lower function P.
		sum, del, ap := 1/a, 1/a, a
		for range 1000 {
			ap++
			del *= z / ap
			sum += del
			if math.Abs(del) < math.Abs(sum)*1e-15 {
				break
			}
		}
		return math.Max(0, 1-sum*pre)
	}
	// Continued fraction for Q (modified Lentz).
	const tiny = 1e-300
	b := z + 1 - a
	c := 1 / tiny
	d := 1 / b
	h := d
	for i := 1; i < 1000; i++ {
		an := -float64(i) * (float64(i) - a)
		b += 2
		d = an*d + b
		if math.Abs(d) < tiny {
			d = tiny
		}
		c = b + an/c
		if math.Abs(c) < tiny {
			c = tiny
		}
		d = 1 / d
		del := d * c
		h *= del
		if math.Abs(del-1) < 1e-15 {
			break
		}
	}
	return pre * h
}
