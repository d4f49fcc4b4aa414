// Package overview is the program overview an admin reads: how many
// candidates and staff there are, how many attempts each exam had, its
// pass rate and the mean score per skill area, and how many appointments
// each week holds. It only reads.
package overview

import (
	"context"
	"sort"
	"time"

	"github.com/certlab/certlab"
)

// MaxReports bounds the scored exam reports read for pass rates and
// skill-area means: the newest ones count.
const MaxReports = 20000

// Weeks before and after the current one that appointments are counted in.
const (
	WeeksBefore = 8
	WeeksAfter  = 3
)

// Overview is the program overview.
type Overview struct {
	Candidates int            `json:"candidates"`
	Staff      map[string]int `json:"staff"`  // accounts by role, candidates excepted
	Active     int            `json:"active"` // accounts with at least one attempt
	Disabled   int            `json:"disabled"`
	Practice   int            `json:"practice_sets"`
	Exams      []Exam         `json:"exams"`
	Weeks      []Week         `json:"appointments_per_week"`
	// Truncated says pass rates and means come from the newest
	// MaxReports scored exams only.
	Truncated bool      `json:"truncated"`
	At        time.Time `json:"at"`
}

// Exam is one exam's line of the overview: its exam-mode attempts.
type Exam struct {
	ID       string   `json:"id"`
	Title    string   `json:"title"`
	Attempts int      `json:"attempts"`
	Scored   int      `json:"scored"`
	Passed   int      `json:"passed"`
	Voided   int      `json:"voided"`
	PassRate float64  `json:"pass_rate"` // passed / scored reports read; 0 without any
	Domains  []Domain `json:"domains"`
}

// Domain is the mean score of a skill area over an exam's scored reports.
type Domain struct {
	ID          string  `json:"id"`
	Name        string  `json:"name"`
	MeanPercent float64 `json:"mean_percent"`
	Reports     int     `json:"reports"`
}

// Week counts the appointments (but cancelled ones) of the sittings that
// start in the week from Start (a Monday, UTC).
type Week struct {
	Start        time.Time `json:"start"`
	Appointments int       `json:"appointments"`
}

// Build gathers the overview at now (admins only).
func Build(ctx context.Context, admin *certlab.User, store certlab.StaffStore, cat *certlab.Catalog, now time.Time) (*Overview, error) {
	if err := certlab.RequireRole(admin, certlab.RoleAdmin); err != nil {
		return nil, err
	}
	now = now.UTC()
	monday := WeekStart(now)
	from, to := monday.AddDate(0, 0, -7*WeeksBefore), monday.AddDate(0, 0, 7*(WeeksAfter+1))
	d, err := store.Overview(ctx, from, to, MaxReports)
	if err != nil {
		return nil, err
	}
	o := &Overview{Staff: map[string]int{}, Active: d.Active, Disabled: d.Disabled, Truncated: d.Truncated, At: now}
	for role, n := range d.Users {
		if role == certlab.RoleCandidate {
			o.Candidates = n
		} else {
			o.Staff[role] = n
		}
	}
	exams := map[string]*Exam{}
	var order []string
	examOf := func(id string) *Exam {
		if e, ok := exams[id]; ok {
			return e
		}
		e := &Exam{ID: id, Title: id, Domains: []Domain{}}
		if ex, err := cat.Exam(id); err == nil {
			e.Title = ex.Title
		}
		exams[id], order = e, append(order, id)
		return e
	}
	for _, c := range d.Attempts {
		if c.Mode == certlab.ModePractice {
			o.Practice += c.Count
			continue
		}
		if c.Mode != certlab.ModeExam {
			continue
		}
		e := examOf(c.ExamID)
		e.Attempts += c.Count
		switch c.Status {
		case certlab.StatusScored:
			e.Scored += c.Count
		case certlab.StatusVoided:
			e.Voided += c.Count
		}
	}
	type sum struct {
		name    string
		percent float64
		n       int
		order   int
	}
	sums := map[string]map[string]*sum{}
	read := map[string]int{}
	for _, r := range d.Reports {
		e := examOf(r.ExamID)
		read[e.ID]++
		if r.Passed {
			e.Passed++
		}
		if sums[e.ID] == nil {
			sums[e.ID] = map[string]*sum{}
		}
		for i, dm := range r.Domains {
			s := sums[e.ID][dm.ID]
			if s == nil {
				s = &sum{name: dm.Name, order: i}
				sums[e.ID][dm.ID] = s
			}
			s.percent += dm.Percent
			s.n++
		}
	}
	sort.Strings(order)
	for _, id := range order {
		e := exams[id]
		if read[id] > 0 {
			e.PassRate = float64(e.Passed) / float64(read[id])
		}
		for did, s := range sums[id] {
			e.Domains = append(e.Domains, Domain{ID: did, Name: s.name, MeanPercent: s.percent / float64(s.n), Reports: s.n})
		}
		sort.Slice(e.Domains, func(i, j int) bool { return e.Domains[i].ID < e.Domains[j].ID })
		o.Exams = append(o.Exams, *e)
	}
	if o.Exams == nil {
		o.Exams = []Exam{}
	}
	for w := from; w.Before(to); w = w.AddDate(0, 0, 7) {
		o.Weeks = append(o.Weeks, Week{Start: w})
	}
	for _, b := range d.Bookings {
		if i := int(b.Sub(from) / (7 * 24 * time.Hour)); i >= 0 && i < len(o.Weeks) {
			o.Weeks[i].Appointments++
		}
	}
	return o, nil
}

// WeekStart is the Monday 00:00 UTC of t's week.
func WeekStart(t time.Time) time.Time {
	t = t.UTC()
	day := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	return day.AddDate(0, 0, -((int(day.Weekday()) + 6) % 7))
}
