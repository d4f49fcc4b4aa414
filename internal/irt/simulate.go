package irt

import (
	"math"
	"math/rand/v2"
)

// SimulateItems2PL draws m 2PL items with a ~ lognormal(0, 0.3) and
// b ~ N(0, 1), the generator of the shared calibration fixtures.
func SimulateItems2PL(rng *rand.Rand, m int) []Item {
	items := make([]Item, m)
	for j := range items {
		items[j] = Item{
			Model: TwoPL,
			A:     math.Exp(0.3 * rng.NormFloat64()),
			B:     rng.NormFloat64(),
		}
	}
	return items
}

// SimulateAbilities draws n abilities from N(0, 1).
func SimulateAbilities(rng *rand.Rand, n int) []float64 {
	th := make([]float64, n)
	for i := range th {
		th[i] = rng.NormFloat64()
	}
	return th
}

// SimulateResponses draws a response for every examinee (ability) and item.
func SimulateResponses(rng *rand.Rand, items []Item, thetas []float64) *Responses {
	r := NewResponses(len(thetas), len(items))
	for j := range items {
		if items[j].ID != "" {
			r.ItemIDs[j] = items[j].ID
		}
	}
	var buf []float64
	for i, th := range thetas {
		row := r.Row(i)
		for j := range items {
			it := &items[j]
			if it.Model != GPCM {
				if rng.Float64() < it.P(th) {
					row[j] = 1
				} else {
					row[j] = 0
				}
				continue
			}
			buf = it.CategoryProbs(th, buf[:0])
			u := rng.Float64()
			k := 0
			for k < len(buf)-1 && u >= buf[k] {
				u -= buf[k]
				k++
			}
			row[j] = int8(k)
		}
	}
	return r
}

// MaskRandom sets each response of r to Missing with probability frac.
func MaskRandom(rng *rand.Rand, r *Responses, frac float64) {
	for k := range r.Data {
		if rng.Float64() < frac {
			r.Data[k] = Missing
		}
	}
}
