package content_test

import (
	"testing"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/content"
	"github.com/certlab/certlab/internal/exam"
	"github.com/certlab/certlab/internal/item"
	"github.com/certlab/certlab/internal/pack"
)

func load(t *testing.T) *certlab.Catalog {
	t.Helper()
	cat, diags := pack.Load(content.FS, "content")
	for _, d := range diags {
		if !d.Warning {
			t.Errorf("%s", d)
		}
	}
	if len(cat.Programs) == 0 {
		t.Fatal("no built-in programs")
	}
	return cat
}

// TestFormsMeetBlueprint assembles 1,000 forms per exam with different
// seeds; every one must meet its blueprint and policy.
func TestFormsMeetBlueprint(t *testing.T) {
	cat := load(t)
	for id, ex := range cat.Exams {
		t.Run(id, func(t *testing.T) {
			seen := map[string]bool{}
			for seed := int64(1); seed <= 1000; seed++ {
				f, err := exam.AssembleForm(ex, certlab.PoolExam, seed)
				if err != nil {
					t.Fatalf("seed %d: %v", seed, err)
				}
				if err := exam.CheckForm(ex, f); err != nil {
					t.Fatalf("seed %d: %v", seed, err)
				}
				for _, q := range f.Questions() {
					seen[q.ItemID] = true
				}
			}
			// Over 1,000 forms nearly the whole exam pool is used, not a
			// few favourites, and nothing of the practice pool.
			examPool := 0
			for _, it := range ex.Items {
				if it.Pool == certlab.PoolExam {
					examPool++
				} else if seen[it.ID] {
					t.Errorf("practice-pool item %s is on an exam form", it.ID)
				}
			}
			if n := len(seen); n < examPool*9/10 {
				t.Errorf("1,000 forms used only %d of %d exam-pool items", n, examPool)
			}
		})
	}
}

// TestAZ400Bank holds the flagship bank to the quality gates of its issue.
func TestAZ400Bank(t *testing.T) {
	cat := load(t)
	ex, err := cat.Exam("az-400")
	if err != nil {
		t.Fatal(err)
	}
	if n := len(ex.Items); n < 450 {
		t.Errorf("%d items, want at least 450", n)
	}
	stats := pack.Stats(cat)
	for _, es := range stats {
		if es.Exam != "az-400" {
			continue
		}
		for _, os := range es.Outlines {
			for _, d := range os.Domains {
				if os.Current && (d.Share < float64(d.WeightMin) || d.Share > float64(d.WeightMax)) {
					t.Errorf("outline %s domain %s: %.1f%% of the bank, outside %d-%d%%", os.Version, d.ID, d.Share, d.WeightMin, d.WeightMax)
				}
				if !os.Current && d.Items < 25 {
					t.Errorf("earlier outline area %s has %d items, want at least 25", d.ID, d.Items)
				}
				for _, ob := range d.Objectives {
					if ob.Items < 3 {
						t.Errorf("objective %s has %d items, want at least 3", ob.ID, ob.Items)
					}
				}
			}
		}
		min := map[string]int{certlab.TypeOrdering: 40, certlab.TypeMatching: 40, certlab.TypeYesNoSeries: 12}
		for typ, n := range min {
			if es.ByType[typ] < n {
				t.Errorf("%d %s items, want at least %d", es.ByType[typ], typ, n)
			}
		}
		if hot := es.ByType[certlab.TypeHotArea] + es.ByType[certlab.TypeActiveScreen]; hot < 30 {
			t.Errorf("%d hot-area and active-screen items, want at least 30", hot)
		}
	}
	if len(ex.Cases) < 8 {
		t.Errorf("%d case studies, want at least 8", len(ex.Cases))
	}
	for _, c := range ex.Cases {
		n := 0
		for _, it := range ex.Items {
			if it.CaseID == c.ID {
				n++
			}
		}
		if n < 5 || n > 8 {
			t.Errorf("case %s has %d questions, want 5 to 8", c.ID, n)
		}
	}
	for _, it := range ex.Items {
		if len(it.References) == 0 || it.Explanation == "" && item.NeedsExplanation(item.Of(it)) {
			t.Errorf("item %s lacks references or explanation", it.ID)
		}
		if it.Type == certlab.TypeYesNoSeries && (len(it.Statements) < 3 || len(it.Statements) > 4) {
			t.Errorf("series %s has %d statements, want 3-4", it.ID, len(it.Statements))
		}
	}
	p, _ := cat.Program("devops-engineer-expert")
	if len(p.Paths) != len(ex.Current().Domains) {
		t.Errorf("%d learning paths, want one per domain", len(p.Paths))
	}
}

// TestEveryBank: in every exam's current outline each domain's share of
// the bank is inside its weight range and each objective has 3+ items.
func TestEveryBank(t *testing.T) {
	cat := load(t)
	for _, es := range pack.Stats(cat) {
		for _, os := range es.Outlines {
			if !os.Current {
				continue
			}
			for _, d := range os.Domains {
				if d.Share < float64(d.WeightMin) || d.Share > float64(d.WeightMax) {
					t.Errorf("%s domain %s: %.1f%% of the bank, outside %d-%d%%", es.Exam, d.ID, d.Share, d.WeightMin, d.WeightMax)
				}
				for _, ob := range d.Objectives {
					if ob.Items < 3 {
						t.Errorf("%s objective %s has %d items, want at least 3", es.Exam, ob.ID, ob.Items)
					}
				}
			}
		}
	}
}

// TestExamPoolExposure: over 1,000 forms of each credential exam no
// exam-pool item is in more than 25 % of the forms, and two forms share at
// most 20 % of their items on average.
func TestExamPoolExposure(t *testing.T) {
	cat := load(t)
	for id, ex := range cat.Exams {
		if !ex.Proctored() {
			continue
		}
		t.Run(id, func(t *testing.T) {
			x, err := exam.MeasureExposure(ex, certlab.PoolExam, 1000)
			if err != nil {
				t.Fatal(err)
			}
			if x.MaxItemShare > 0.25 {
				t.Errorf("item %s is in %.1f%% of forms (limit 25%%)", x.MaxItem, 100*x.MaxItemShare)
			}
			if x.MeanOverlap > 0.20 {
				t.Errorf("two forms share %.1f%% of their items on average (limit 20%%)", 100*x.MeanOverlap)
			}
		})
	}
}

// TestBankFigures holds every bank to the bounds of the item-bank issue,
// per pack and per pool: options that give nothing away, the sizes of the
// pools, and a clean lint (no warning left, every item verified).
func TestBankFigures(t *testing.T) {
	cat, diags := pack.Load(content.FS, "content")
	for _, d := range diags {
		t.Errorf("lint: %s", d)
	}
	sizes := map[string]struct{ all, exam, practice, cases, examCases int }{
		"az-400": {700, 350, 300, 12, 8},
		"az-104": {350, 250, 100, 0, 0},
		"az-204": {350, 250, 100, 0, 0},
	}
	for _, es := range pack.Stats(cat) {
		if es.Bank != "" {
			continue
		}
		t.Run(es.Exam, func(t *testing.T) {
			want, ok := sizes[es.Exam]
			if !ok {
				t.Fatalf("no size targets for exam %s", es.Exam)
			}
			if es.Items < want.all || es.Cases < want.cases {
				t.Errorf("%d items and %d case studies, want at least %d and %d", es.Items, es.Cases, want.all, want.cases)
			}
			checkBias(t, "all items", es.Bias)
			for _, ps := range es.Pools {
				min := want.exam
				if ps.Pool == certlab.PoolPractice {
					min = want.practice
				} else if ps.Cases < want.examCases {
					t.Errorf("exam pool: %d case studies, want at least %d", ps.Cases, want.examCases)
				}
				if ps.Items < min {
					t.Errorf("%s pool: %d items, want at least %d", ps.Pool, ps.Items, min)
				}
				for _, d := range ps.Domains {
					for _, ob := range d.Objectives {
						if ob.Items == 0 {
							t.Errorf("%s pool: objective %s has no item", ps.Pool, ob.ID)
						}
					}
				}
				checkBias(t, ps.Pool+" pool", ps.Bias)
			}
		})
	}
	for _, ex := range cat.Exams {
		for _, it := range ex.Items {
			if it.Verified == "" {
				t.Errorf("%s: no verified date", it.File)
			}
		}
	}
}

func checkBias(t *testing.T, what string, b pack.BiasStats) {
	t.Helper()
	if b.KeyLongest > 30 || b.KeyRatio15 > 3 {
		t.Errorf("%s: single-choice key longest in %.1f%% (bound 30%%), ≥1.5× in %.1f%% (bound 3%%)", what, b.KeyLongest, b.KeyRatio15)
	}
	if b.MultipleKeys > 0 && b.KeysAmongLongest > b.KeysByChance+10 {
		t.Errorf("%s: multiple-choice keys among the longest %.1f%%, chance %.1f%% (bound chance + 10)", what, b.KeysAmongLongest, b.KeysByChance)
	}
	if b.DropdownFirstKey > 40 {
		t.Errorf("%s: drop-down key first in %.1f%% (bound 40%%)", what, b.DropdownFirstKey)
	}
	if b.Series > 0 && (b.SeriesFirstYes < 35 || b.SeriesFirstYes > 65 || b.StatementsYes < 35 || b.StatementsYes > 65) {
		t.Errorf("%s: series start with Yes in %.1f%%, Yes in %.1f%% of statements (bounds 35-65%%)", what, b.SeriesFirstYes, b.StatementsYes)
	}
	if b.TestWise > 35 {
		t.Errorf("%s: the test-wise strategy scores %.1f%% (bound 35%%)", what, b.TestWise)
	}
}
