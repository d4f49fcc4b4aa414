package pack

import (
	"fmt"
	"math"
	"sort"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/internal/item"
)

// ExamStats counts an exam's items against its blueprint.
type ExamStats struct {
	Program  string         `json:"program"`
	Exam     string         `json:"exam"`
	Bank     string         `json:"bank,omitempty"` // the exam whose bank it shares (then only exposure is given)
	Items    int            `json:"items"`
	Cases    int            `json:"cases"`
	ByType   map[string]int `json:"by_type"`
	Bias     BiasStats      `json:"bias"`
	Pools    []PoolStats    `json:"pools"`
	Outlines []OutlineStats `json:"outlines"`
	// Exposure is filled by the caller that assembles forms (content stats).
	Exposure []ExposureStats `json:"exposure,omitempty"`
}

// PoolStats counts one pool of an exam against the current outline.
type PoolStats struct {
	Pool    string         `json:"pool"`
	Items   int            `json:"items"`
	Cases   int            `json:"cases"`
	ByType  map[string]int `json:"by_type"`
	Domains []DomainStats  `json:"domains"`
	Bias    BiasStats      `json:"bias"`
}

// ExposureStats says how often exam-pool items recur over many assembled
// forms: the largest share of forms any item is in, and the mean share of
// items two random forms have in common.
type ExposureStats struct {
	Pool           string  `json:"pool"`
	Forms          int     `json:"forms"`
	MaxItemPercent float64 `json:"max_item_percent"`
	MaxItem        string  `json:"max_item"`
	MeanOverlap    float64 `json:"mean_overlap_percent"`
	Error          string  `json:"error,omitempty"`
}

// BiasStats measures how far a bank's authored options give answers away
// to a candidate who does not read the stems (see internal/item's Cues).
type BiasStats struct {
	Single            int     `json:"single_items"`
	KeyLongest        float64 `json:"single_key_longest_percent"`   // key strictly the longest option
	KeyRatio15        float64 `json:"single_key_ratio_1_5_percent"` // key at least 1.5 times the next longest
	MultipleKeys      int     `json:"multiple_keys"`
	KeysAmongLongest  float64 `json:"multiple_keys_among_longest_percent"`
	KeysByChance      float64 `json:"multiple_keys_by_chance_percent"`
	Dropdowns         int     `json:"dropdowns"`
	DropdownFirstKey  float64 `json:"dropdown_first_choice_key_percent"`
	Series            int     `json:"series"`
	SeriesFirstYes    float64 `json:"series_first_yes_percent"`
	Statements        int     `json:"statements"`
	StatementsYes     float64 `json:"statements_yes_percent"`
	TestWisePoints    float64 `json:"test_wise_points"`
	TestWiseMaxPoints float64 `json:"test_wise_max_points"`
	TestWise          float64 `json:"test_wise_percent"` // what the test-wise strategy scores
}

// Bias sums the cues of items.
func Bias(items []*certlab.Item) BiasStats {
	var b BiasStats
	var longest, ratio, among, chance, firstKey, firstYes, yes float64
	for _, it := range items {
		c, ok := item.CuesOf(it)
		if !ok {
			continue
		}
		switch {
		case c.Single:
			b.Single++
			if c.KeyLongest {
				longest++
			}
			if c.KeyRatio >= 1.5 {
				ratio++
			}
		case c.Multiple:
			b.MultipleKeys += c.Keys
			among += float64(c.KeysAmongLongest)
			chance += c.KeysByChance
		case c.Series:
			b.Series++
			b.Statements += c.Statements
			yes += float64(c.Yes)
			if c.FirstYes {
				firstYes++
			}
		}
		b.Dropdowns += c.Blanks
		firstKey += float64(c.BlanksFirstKeys)
		b.TestWisePoints += c.TestWisePoints
		b.TestWiseMaxPoints += c.TestWiseMax
	}
	pct := func(n float64, of int) float64 {
		if of == 0 {
			return 0
		}
		return math.Round(1000*n/float64(of)) / 10
	}
	b.KeyLongest, b.KeyRatio15 = pct(longest, b.Single), pct(ratio, b.Single)
	b.KeysAmongLongest, b.KeysByChance = pct(among, b.MultipleKeys), pct(chance, b.MultipleKeys)
	b.DropdownFirstKey = pct(firstKey, b.Dropdowns)
	b.SeriesFirstYes, b.StatementsYes = pct(firstYes, b.Series), pct(yes, b.Statements)
	if b.TestWiseMaxPoints > 0 {
		b.TestWise = math.Round(1000*b.TestWisePoints/b.TestWiseMaxPoints) / 10
	}
	return b
}

// OutlineStats counts items per domain and objective of one outline.
type OutlineStats struct {
	Version string        `json:"version"`
	Current bool          `json:"current"`
	Domains []DomainStats `json:"domains"`
}

// DomainStats compares a domain's share of the bank with its weight.
type DomainStats struct {
	ID         string           `json:"id"`
	Name       string           `json:"name"`
	WeightMin  int              `json:"weight_min"`
	WeightMax  int              `json:"weight_max"`
	Items      int              `json:"items"`
	Share      float64          `json:"share"` // percent of the exam's items
	Objectives []ObjectiveStats `json:"objectives"`
}

// ObjectiveStats counts the items of one objective.
type ObjectiveStats struct {
	ID     string         `json:"id"`
	Name   string         `json:"name"`
	Items  int            `json:"items"`
	ByType map[string]int `json:"by_type"`
}

// Stats counts every exam's items per outline, domain, objective and type.
// An item tagged with several objectives of one outline counts for its first.
func Stats(cat *certlab.Catalog) []ExamStats {
	var out []ExamStats
	for _, p := range cat.Programs {
		for _, ex := range p.Exams {
			es := ExamStats{Program: p.ID, Exam: ex.ID, Bank: ex.Bank, Items: len(ex.Items), Cases: len(ex.Cases), ByType: map[string]int{}}
			if ex.Bank != "" {
				out = append(out, es)
				continue
			}
			for _, it := range ex.Items {
				es.ByType[it.Type]++
			}
			es.Bias = Bias(ex.Items)
			for _, pool := range []string{certlab.PoolExam, certlab.PoolPractice} {
				es.Pools = append(es.Pools, poolStats(ex, pool))
			}
			for _, o := range ex.Outlines {
				os := OutlineStats{Version: o.Version, Current: o.Current}
				for _, d := range o.Domains {
					ds := DomainStats{ID: d.ID, Name: d.Name, WeightMin: d.WeightMin, WeightMax: d.WeightMax}
					for _, ob := range d.Objectives {
						obs := ObjectiveStats{ID: ob.ID, Name: ob.Name, ByType: map[string]int{}}
						for _, it := range ex.Items {
							if it.Objective(o.Version) == ob.ID {
								obs.Items++
								obs.ByType[it.Type]++
							}
						}
						ds.Items += obs.Items
						ds.Objectives = append(ds.Objectives, obs)
					}
					if es.Items > 0 {
						ds.Share = 100 * float64(ds.Items) / float64(es.Items)
					}
					os.Domains = append(os.Domains, ds)
				}
				es.Outlines = append(es.Outlines, os)
			}
			out = append(out, es)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Exam < out[j].Exam })
	return out
}

// poolStats counts one pool of the exam against its current outline.
func poolStats(ex *certlab.Exam, pool string) PoolStats {
	ps := PoolStats{Pool: pool, ByType: map[string]int{}}
	var items []*certlab.Item
	for _, it := range ex.Items {
		if it.Pool == pool {
			items = append(items, it)
			ps.ByType[it.Type]++
		}
	}
	for _, c := range ex.Cases {
		if c.Pool == pool {
			ps.Cases++
		}
	}
	ps.Items = len(items)
	ps.Bias = Bias(items)
	o := ex.Current()
	for _, d := range o.Domains {
		ds := DomainStats{ID: d.ID, Name: d.Name, WeightMin: d.WeightMin, WeightMax: d.WeightMax}
		for _, ob := range d.Objectives {
			obs := ObjectiveStats{ID: ob.ID, Name: ob.Name, ByType: map[string]int{}}
			for _, it := range items {
				if it.Objective(o.Version) == ob.ID {
					obs.Items++
					obs.ByType[it.Type]++
				}
			}
			ds.Items += obs.Items
			ds.Objectives = append(ds.Objectives, obs)
		}
		if ps.Items > 0 {
			ds.Share = 100 * float64(ds.Items) / float64(ps.Items)
		}
		ps.Domains = append(ps.Domains, ds)
	}
	return ps
}

// checkShares warns when a domain's share of the exam's items is outside
// its weight range in the current outline: forms can still be built while
// the bank is large enough, but the bank itself is lopsided.
func (l *loader) checkShares(ex *certlab.Exam) {
	if len(ex.Items) < 20 {
		return // a starter bank: shares mean little yet
	}
	o := ex.Current()
	counts := map[string]int{}
	for _, it := range ex.Items {
		if d, ok := o.Domain(it.Objective(o.Version)); ok {
			counts[d.ID]++
		}
	}
	for _, d := range o.Domains {
		share := 100 * float64(counts[d.ID]) / float64(len(ex.Items))
		if share < float64(d.WeightMin) || share > float64(d.WeightMax) {
			l.diags = append(l.diags, Diagnostic{File: ex.File, Warning: true,
				Message: fmt.Sprintf("domain %s has %.1f%% of the bank's items, outside its weight %d-%d%%", d.ID, share, d.WeightMin, d.WeightMax)})
		}
	}
}
