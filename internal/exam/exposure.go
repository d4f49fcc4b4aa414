package exam

import (
	"sort"

	"github.com/certlab/certlab"
)

// Exposure is how often items recur over many assembled forms of an exam.
type Exposure struct {
	Forms int
	// MaxItemShare is the largest share of forms any one item is in, and
	// MaxItem that item.
	MaxItemShare float64
	MaxItem      string
	// MeanOverlap is the mean share of its items a form has in common with
	// another form, over all pairs of forms.
	MeanOverlap float64
	// Used counts the items that appeared in at least one form.
	Used int
}

// MeasureExposure assembles n forms of the exam from the pool with seeds 1..n and
// measures how often items recur. Limits for a secure pool: no item in more
// than 25 % of forms, and two forms sharing at most 20 % of their items on
// average.
func MeasureExposure(ex *certlab.Exam, pool string, n int) (Exposure, error) {
	counts := map[string]int{}
	items := 0
	for seed := int64(1); seed <= int64(n); seed++ {
		f, err := AssembleForm(ex, pool, seed)
		if err != nil {
			return Exposure{}, err
		}
		seen := map[string]bool{}
		for _, q := range f.Questions() {
			if !seen[q.ItemID] {
				seen[q.ItemID] = true
				counts[q.ItemID]++
				items++
			}
		}
	}
	x := Exposure{Forms: n, Used: len(counts)}
	if n == 0 || items == 0 {
		return x, nil
	}
	ids := make([]string, 0, len(counts))
	for id := range counts {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	pairsInCommon := 0.0 // sum over pairs of forms of the items they share
	for _, id := range ids {
		c := counts[id]
		if share := float64(c) / float64(n); share > x.MaxItemShare {
			x.MaxItemShare, x.MaxItem = share, id
		}
		pairsInCommon += float64(c) * float64(c-1) / 2
	}
	if n > 1 {
		pairs := float64(n) * float64(n-1) / 2
		meanSize := float64(items) / float64(n)
		x.MeanOverlap = pairsInCommon / pairs / meanSize
	}
	return x, nil
}
