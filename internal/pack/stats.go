package pack

import (
	"fmt"
	"sort"

	"github.com/certlab/certlab"
)

// ExamStats counts an exam's items against its blueprint.
type ExamStats struct {
	Program  string         `json:"program"`
	Exam     string         `json:"exam"`
	Items    int            `json:"items"`
	Cases    int            `json:"cases"`
	ByType   map[string]int `json:"by_type"`
	Outlines []OutlineStats `json:"outlines"`
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
			es := ExamStats{Program: p.ID, Exam: ex.ID, Items: len(ex.Items), Cases: len(ex.Cases), ByType: map[string]int{}}
			for _, it := range ex.Items {
				es.ByType[it.Type]++
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
