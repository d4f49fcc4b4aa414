// Package exam is certlab's exam engine: it assembles forms from a
// blueprint, decodes and scores responses, and runs the attempt life cycle
// (start, autosave, sections, deadline, submission, report) on top of a store.
package exam

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/internal/item"
)

// domainOf returns the item's domain in the outline, or "".
func domainOf(o *certlab.Outline, it *certlab.Item) string {
	if d, ok := o.Domain(it.Objective(o.Version)); ok {
		return d.ID
	}
	return ""
}

// questionsOf turns an item into its form questions (one, or one per
// statement of a yes/no series), with the order its choices are shown in
// for the form's seed.
func questionsOf(o *certlab.Outline, it *certlab.Item, seed int64) []*certlab.Question {
	k := item.Of(it)
	layout := k.Arrange(it, item.RNG(seed, it.ID))
	var qs []*certlab.Question
	for _, st := range k.Statements(it) {
		q := &certlab.Question{Key: it.ID, ItemID: it.ID, Statement: st, Domain: domainOf(o, it),
			Objective: it.Objective(o.Version), Pilot: it.Pilot, Layout: layout}
		if st != "" {
			q.Key = it.ID + "~" + st
		}
		qs = append(qs, q)
	}
	return qs
}

// DomainTargets splits n scored questions between the outline's domains:
// proportional to the middle of each weight range, then moved inside the
// ranges, so each domain's share is within its weight range whenever the
// ranges allow it for this n.
func DomainTargets(o *certlab.Outline, n int) (map[string]int, error) {
	type dom struct {
		id       string
		lo, hi   int
		want     float64
		count    int
		fraction float64
	}
	var ds []*dom
	total := 0.0
	for _, d := range o.Domains {
		total += float64(d.WeightMin+d.WeightMax) / 2
	}
	sum := 0
	for _, d := range o.Domains {
		mid := float64(d.WeightMin+d.WeightMax) / 2
		want := float64(n) * mid / total
		x := &dom{id: d.ID, lo: int(math.Ceil(float64(n*d.WeightMin)/100 - 1e-9)), hi: int(math.Floor(float64(n*d.WeightMax)/100 + 1e-9)), want: want}
		x.count = int(math.Floor(want))
		x.fraction = want - float64(x.count)
		sum += x.count
		ds = append(ds, x)
	}
	// Largest remainder for the rest.
	sort.SliceStable(ds, func(i, j int) bool { return ds[i].fraction > ds[j].fraction })
	for i := 0; sum < n; i = (i + 1) % len(ds) {
		ds[i].count++
		sum++
	}
	// Move questions into the ranges.
	for iter := 0; iter < 10*n; iter++ {
		var under, over *dom
		for _, d := range ds {
			if d.count < d.lo && under == nil {
				under = d
			}
			if d.count > d.hi && over == nil {
				over = d
			}
		}
		if under == nil && over == nil {
			break
		}
		if under != nil {
			// take one from a domain that can spare it
			var from *dom
			for _, d := range ds {
				if d.count > d.lo && (from == nil || d.count-d.lo > from.count-from.lo) {
					from = d
				}
			}
			if from == nil {
				break
			}
			from.count--
			under.count++
			continue
		}
		var to *dom
		for _, d := range ds {
			if d.count < d.hi && (to == nil || d.hi-d.count > to.hi-to.count) {
				to = d
			}
		}
		if to == nil {
			break
		}
		over.count--
		to.count++
	}
	out := map[string]int{}
	for _, d := range ds {
		if d.count < d.lo || d.count > d.hi {
			return nil, certlab.Errorf(certlab.EINVALID, "exam outline %s: %d questions cannot be split within the weight ranges (domain %s)", o.Version, n, d.id)
		}
		out[d.id] = d.count
	}
	return out, nil
}

// AssembleForm builds a form of the exam from its current outline and
// policy. The same seed always gives the same form. Each domain gets its
// share of scored questions, sections follow the policy, no item appears
// twice, and pilot items (unscored) are mixed into the general section.
// Only items and case studies of the given pool are used: a credential
// exam draws from the secure exam pool, a practice exam from the practice
// pool. A lab section holds its count of lab items and the section's own
// time limit.
func AssembleForm(ex *certlab.Exam, pool string, seed int64) (*certlab.Form, error) {
	o := ex.Current()
	pol := ex.Policy
	rng := rand.New(rand.NewPCG(uint64(seed), 0x6365727469666c61))
	targets, err := DomainTargets(o, pol.Items)
	if err != nil {
		return nil, err
	}
	left := map[string]int{}
	for d, n := range targets {
		left[d] = n
	}
	fits := func(qs []*certlab.Question) bool {
		need := map[string]int{}
		for _, q := range qs {
			if !q.Pilot {
				need[q.Domain]++
			}
		}
		for d, n := range need {
			if left[d] < n {
				return false
			}
		}
		return true
	}
	take := func(qs []*certlab.Question) {
		for _, q := range qs {
			if !q.Pilot {
				left[q.Domain]--
			}
		}
	}
	used := map[string]bool{}
	form := &certlab.Form{ExamID: ex.ID, OutlineVersion: o.Version, Seed: seed, TimeLimit: pol.TimeLimit}

	// Pools, shuffled once so every choice below is seeded.
	var general, series, labs, pilots []*certlab.Item
	caseItems := map[string][]*certlab.Item{}
	for _, it := range ex.Items {
		if it.Pool != pool {
			continue
		}
		switch section := item.Of(it).Section(); {
		case section == certlab.SectionLab:
			if !it.Pilot {
				labs = append(labs, it)
			}
		case it.CaseID != "":
			caseItems[it.CaseID] = append(caseItems[it.CaseID], it)
		case it.Pilot:
			pilots = append(pilots, it)
		case section == certlab.SectionYesNoSeries:
			series = append(series, it)
		default:
			general = append(general, it)
		}
	}
	shuffle := func(items []*certlab.Item) {
		rng.Shuffle(len(items), func(i, j int) { items[i], items[j] = items[j], items[i] })
	}
	var cases []*certlab.Case
	for _, c := range ex.Cases {
		if c.Pool == pool {
			cases = append(cases, c)
		}
	}
	rng.Shuffle(len(cases), func(i, j int) { cases[i], cases[j] = cases[j], cases[i] })
	shuffle(general)
	shuffle(series)
	shuffle(labs)
	shuffle(pilots)

	var generalSection *certlab.FormSection
	for _, ps := range pol.Sections {
		switch ps.Kind {
		case certlab.SectionCaseStudy:
			placed := 0
			for _, c := range cases {
				if placed == ps.Count {
					break
				}
				if used["case:"+c.ID] {
					continue
				}
				items := append([]*certlab.Item(nil), caseItems[c.ID]...)
				sort.Slice(items, func(i, j int) bool { return items[i].ID < items[j].ID })
				var qs []*certlab.Question
				for _, it := range items {
					qs = append(qs, questionsOf(o, it, seed)...)
				}
				if len(qs) == 0 || !fits(qs) {
					continue
				}
				take(qs)
				used["case:"+c.ID] = true
				for _, it := range items {
					used[it.ID] = true
				}
				placed++
				form.Sections = append(form.Sections, &certlab.FormSection{Kind: ps.Kind, Title: "Case study: " + c.Title, CaseID: c.ID, Questions: qs})
			}
			if placed < ps.Count {
				return nil, certlab.Errorf(certlab.EINVALID, "exam %s: only %d of %d case studies fit the blueprint", ex.ID, placed, ps.Count)
			}
		case certlab.SectionYesNoSeries:
			placed := 0
			for _, it := range series {
				if placed == ps.Count {
					break
				}
				qs := questionsOf(o, it, seed)
				if used[it.ID] || !fits(qs) {
					continue
				}
				take(qs)
				used[it.ID] = true
				placed++
				form.Sections = append(form.Sections, &certlab.FormSection{Kind: ps.Kind, Title: "Yes/no series", Questions: qs})
			}
			if placed < ps.Count {
				return nil, certlab.Errorf(certlab.EINVALID, "exam %s: only %d of %d %s sections fit the blueprint", ex.ID, placed, ps.Count, ps.Kind)
			}
		case certlab.SectionLab:
			sec := &certlab.FormSection{Kind: ps.Kind, Title: "Lab", TimeLimit: ps.TimeLimit}
			for _, it := range labs {
				if len(sec.Questions) == ps.Count {
					break
				}
				qs := questionsOf(o, it, seed)
				if used[it.ID] || !fits(qs) {
					continue
				}
				take(qs)
				used[it.ID] = true
				sec.Questions = append(sec.Questions, qs...)
			}
			if len(sec.Questions) < ps.Count {
				return nil, certlab.Errorf(certlab.EINVALID, "exam %s: only %d of %d labs fit the blueprint", ex.ID, len(sec.Questions), ps.Count)
			}
			if len(sec.Questions) > 0 {
				if ps.Count > 1 {
					sec.Title = "Labs"
				}
				form.Sections = append(form.Sections, sec)
			}
		case certlab.SectionGeneral:
			generalSection = &certlab.FormSection{Kind: ps.Kind, Title: "Questions"}
			form.Sections = append(form.Sections, generalSection)
		}
	}
	// General questions fill what is left of each domain.
	for _, it := range general {
		qs := questionsOf(o, it, seed)
		if used[it.ID] || !fits(qs) {
			continue
		}
		take(qs)
		used[it.ID] = true
		generalSection.Questions = append(generalSection.Questions, qs...)
	}
	for _, d := range o.Domains {
		if left[d.ID] > 0 {
			return nil, certlab.Errorf(certlab.EINVALID, "exam %s: not enough items in domain %s (%d more needed)", ex.ID, d.ID, left[d.ID])
		}
	}
	for i := 0; i < pol.PilotItems && i < len(pilots); i++ {
		generalSection.Questions = append(generalSection.Questions, questionsOf(o, pilots[i], seed)...)
	}
	rng.Shuffle(len(generalSection.Questions), func(i, j int) {
		generalSection.Questions[i], generalSection.Questions[j] = generalSection.Questions[j], generalSection.Questions[i]
	})
	if len(generalSection.Questions) == 0 {
		form.Sections = removeSection(form.Sections, generalSection)
	}
	return form, nil
}

func removeSection(ss []*certlab.FormSection, s *certlab.FormSection) []*certlab.FormSection {
	out := ss[:0]
	for _, x := range ss {
		if x != s {
			out = append(out, x)
		}
	}
	return out
}

// CheckForm verifies that a form meets its exam's blueprint and policy:
// domain shares within their weight ranges, the policy's sections, no item
// twice and only pilot items unscored.
func CheckForm(ex *certlab.Exam, f *certlab.Form) error {
	o := ex.Current()
	counts := map[string]int{}
	scored := 0
	items := map[string]bool{}
	kinds := map[string]int{}
	labs := 0
	for _, s := range f.Sections {
		kinds[s.Kind]++
		if s.Kind == certlab.SectionLab {
			labs += len(s.Questions)
		}
		sectionItems := map[string]bool{}
		for _, q := range s.Questions {
			it, ok := ex.Item(q.ItemID)
			if !ok {
				return fmt.Errorf("question %s: no item %s", q.Key, q.ItemID)
			}
			if items[it.ID] && !sectionItems[it.ID] {
				return fmt.Errorf("item %s appears twice", it.ID)
			}
			if sectionItems[it.ID] && len(item.Of(it).Statements(it)) < 2 {
				return fmt.Errorf("item %s appears twice", it.ID)
			}
			items[it.ID], sectionItems[it.ID] = true, true
			if q.Pilot != it.Pilot {
				return fmt.Errorf("question %s: pilot flag differs from its item", q.Key)
			}
			if s.Kind == certlab.SectionCaseStudy && it.CaseID != s.CaseID {
				return fmt.Errorf("question %s is not part of case %s", q.Key, s.CaseID)
			}
			if !q.Pilot {
				counts[domainOf(o, it)]++
				scored++
			}
		}
	}
	if scored != ex.Policy.Items {
		return fmt.Errorf("form has %d scored questions, policy wants %d", scored, ex.Policy.Items)
	}
	for _, d := range o.Domains {
		share := 100 * float64(counts[d.ID]) / float64(scored)
		if share < float64(d.WeightMin)-1e-9 || share > float64(d.WeightMax)+1e-9 {
			return fmt.Errorf("domain %s has %.1f%% of the questions, outside %d-%d%%", d.ID, share, d.WeightMin, d.WeightMax)
		}
	}
	for _, ps := range ex.Policy.Sections {
		switch ps.Kind {
		case certlab.SectionGeneral:
		case certlab.SectionLab:
			if labs != ps.Count {
				return fmt.Errorf("form has %d labs, policy wants %d", labs, ps.Count)
			}
		default:
			if kinds[ps.Kind] != ps.Count {
				return fmt.Errorf("form has %d %s sections, policy wants %d", kinds[ps.Kind], ps.Kind, ps.Count)
			}
		}
	}
	return nil
}
