package cat

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// randomBank returns n items spread over domains: a ~ lognormal(0, 0.3),
// b ~ N(0, 1), c = 0 (2PL) or uniform in [0.1, 0.25] (3PL).
func randomBank(t testing.TB, n, domains int, threePL bool, seed uint64) *Bank {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 1))
	items := make([]Item, n)
	for i := range items {
		items[i] = Item{A: math.Exp(0.3 * rng.NormFloat64()), B: rng.NormFloat64(), Domain: i % domains}
		if threePL {
			items[i].C = 0.1 + 0.15*rng.Float64()
		}
	}
	b, err := NewBank(items, domains)
	if err != nil {
		t.Fatalf("NewBank: %v", err)
	}
	return b
}

func TestProbAndInfo(t *testing.T) {
	for _, tc := range []struct {
		name      string
		it        Item
		theta     float64
		wantP     float64
		wantInfo  float64
		checkInfo bool
	}{
		{"2PL at b", Item{A: 1.5, B: 0.3}, 0.3, 0.5, 1.5 * 1.5 / 4, true},
		{"3PL at b", Item{A: 1, B: -1, C: 0.2}, -1, 0.6, 0.4 / 0.6 * 0.25, true},
		{"far above", Item{A: 2, B: 0}, 10, 1 / (1 + math.Exp(-20)), 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Prob(tc.theta, tc.it); math.Abs(got-tc.wantP) > 1e-12 {
				t.Errorf("Prob = %v, want %v", got, tc.wantP)
			}
			if tc.checkInfo {
				if got := Info(tc.theta, tc.it); math.Abs(got-tc.wantInfo) > 1e-12 {
					t.Errorf("Info = %v, want %v", got, tc.wantInfo)
				}
			}
		})
	}
}

// TestInfoIsFisherInformation checks Info against P'²/(P(1−P)) with a
// numerical derivative.
func TestInfoIsFisherInformation(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	for k := 0; k < 200; k++ {
		it := Item{A: 0.3 + 2*rng.Float64(), B: 2 * rng.NormFloat64(), C: 0.3 * rng.Float64()}
		if k%2 == 0 {
			it.C = 0
		}
		theta := 3 * rng.NormFloat64()
		const h = 1e-5
		d := (Prob(theta+h, it) - Prob(theta-h, it)) / (2 * h)
		p := Prob(theta, it)
		want := d * d / (p * (1 - p))
		if got := Info(theta, it); math.Abs(got-want) > 1e-6*math.Max(1, want) {
			t.Fatalf("item %+v at %v: Info = %v, numerical %v", it, theta, got, want)
		}
	}
}

// TestPosteriorEAP compares the grid EAP with a fine trapezoidal
// integration of prior × likelihood.
func TestPosteriorEAP(t *testing.T) {
	items := []Item{{A: 1.2, B: -0.5}, {A: 0.8, B: 0.4, C: 0.2}, {A: 1.7, B: 1.1}, {A: 1, B: 0, C: 0.15}, {A: 2.1, B: -1.4}}
	for _, tc := range []struct {
		name  string
		prior Normal
		resp  []bool
	}{
		{"no responses", Normal{0, 1}, nil},
		{"mixed", Normal{0, 1}, []bool{true, false, true, false, true}},
		{"all correct, shifted prior", Normal{0.5, 1.3}, []bool{true, true, true, true, true}},
		{"all wrong", Normal{0, 1}, []bool{false, false, false, false, false}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := NewPosterior(tc.prior, 0)
			if err != nil {
				t.Fatal(err)
			}
			for i, r := range tc.resp {
				p.Update(items[i], r)
			}
			gotM, gotSD := p.EAP()
			var z, m1, m2 float64
			const steps = 200000
			lo, hi := tc.prior.Mean-10*tc.prior.SD, tc.prior.Mean+10*tc.prior.SD
			h := (hi - lo) / steps
			for i := 0; i <= steps; i++ {
				x := lo + h*float64(i)
				zz := (x - tc.prior.Mean) / tc.prior.SD
				f := math.Exp(-0.5 * zz * zz)
				for j, r := range tc.resp {
					pr := Prob(x, items[j])
					if !r {
						pr = 1 - pr
					}
					f *= pr
				}
				if i == 0 || i == steps {
					f /= 2
				}
				z += f
				m1 += f * x
				m2 += f * x * x
			}
			wantM := m1 / z
			wantSD := math.Sqrt(m2/z - wantM*wantM)
			if math.Abs(gotM-wantM) > 1e-4 || math.Abs(gotSD-wantSD) > 1e-4 {
				t.Errorf("EAP = %.6f (SD %.6f), integration gives %.6f (SD %.6f)", gotM, gotSD, wantM, wantSD)
			}
			med := p.Quantile(0.5)
			if math.Abs(med-wantM) > 0.3*wantSD {
				t.Errorf("median %v far from mean %v", med, wantM)
			}
			if lo, hi := p.Quantile(0.025), p.Quantile(0.975); !(lo < med && med < hi) {
				t.Errorf("quantiles not ordered: %v %v %v", lo, med, hi)
			}
		})
	}
}

// TestSelectsMaximumInformation checks that without exposure control or
// content balancing every selected item is the most informative available
// one at the current estimate.
func TestSelectsMaximumInformation(t *testing.T) {
	bank := randomBank(t, 400, 1, true, 11)
	rng := rand.New(rand.NewPCG(1, 2))
	s, err := NewSession(bank, Config{MaxLength: 25}, rng)
	if err != nil {
		t.Fatal(err)
	}
	used := map[int]bool{}
	for {
		theta, _ := s.Estimate()
		item, ok := s.Next()
		if !ok {
			break
		}
		best, bestInfo := -1, -1.0
		for i := 0; i < bank.Len(); i++ {
			if !used[i] && Info(theta, bank.Item(i)) > bestInfo {
				best, bestInfo = i, Info(theta, bank.Item(i))
			}
		}
		if item != best {
			t.Fatalf("step %d: selected item %d (info %v), most informative is %d (info %v)", len(used), item, Info(theta, bank.Item(item)), best, bestInfo)
		}
		used[item] = true
		if err := s.Record(item, rng.Float64() < Prob(0.7, bank.Item(item))); err != nil {
			t.Fatal(err)
		}
	}
	if s.Stopped() != ReachedMax || len(used) != 25 {
		t.Errorf("stopped after %d items with %v, want 25 and %v", len(used), s.Stopped(), ReachedMax)
	}
}

// TestContentBalancing runs fixed-length sessions with a blueprint and
// checks every domain's count is within 1.5 items of its share at every
// length and equals it at the end.
func TestContentBalancing(t *testing.T) {
	bank := randomBank(t, 800, 4, true, 5)
	bp := []float64{40, 30, 20, 10}
	rng := rand.New(rand.NewPCG(9, 9))
	for e := 0; e < 60; e++ {
		theta := rng.NormFloat64()
		s, err := NewSession(bank, Config{MaxLength: 40, Blueprint: bp}, rng)
		if err != nil {
			t.Fatal(err)
		}
		counts := make([]int, 4)
		for n := 1; ; n++ {
			item, ok := s.Next()
			if !ok {
				break
			}
			counts[bank.Item(item).Domain]++
			if err := s.Record(item, rng.Float64() < Prob(theta, bank.Item(item))); err != nil {
				t.Fatal(err)
			}
			for d, c := range counts {
				share := bp[d] / 100 * float64(n)
				if math.Abs(float64(c)-share) > 1.5 {
					t.Fatalf("examinee %d after %d items: domain %d has %d items, blueprint share %.1f", e, n, d, c, share)
				}
			}
		}
		if !slices.Equal(s.DomainCounts(), []int{16, 12, 8, 4}) {
			t.Fatalf("examinee %d: final domain counts %v, want [16 12 8 4]", e, s.DomainCounts())
		}
	}
}

func TestStoppingRules(t *testing.T) {
	bank := randomBank(t, 500, 1, false, 21)
	for _, tc := range []struct {
		name string
		cfg  Config
		want StopReason
	}{
		{"SE target", Config{MaxLength: 200, TargetSE: 0.35}, ReachedSE},
		{"max length", Config{MaxLength: 10, TargetSE: 0.01}, ReachedMax},
		{"min length holds off SE", Config{MinLength: 30, MaxLength: 60, TargetSE: 0.6}, ReachedSE},
		{"bank exhausted", Config{MaxLength: 600}, BankExhausted},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := Simulate(bank, tc.cfg, 0.4, rand.New(rand.NewPCG(4, 4)))
			if err != nil {
				t.Fatal(err)
			}
			items, _ := s.Administered()
			_, se := s.Estimate()
			if s.Stopped() != tc.want {
				t.Fatalf("stopped by %v after %d items (SE %.3f), want %v", s.Stopped(), len(items), se, tc.want)
			}
			switch tc.want {
			case ReachedSE:
				if se > tc.cfg.TargetSE || len(items) < tc.cfg.MinLength {
					t.Errorf("SE %.3f after %d items", se, len(items))
				}
			case ReachedMax:
				if len(items) != tc.cfg.MaxLength {
					t.Errorf("%d items, want %d", len(items), tc.cfg.MaxLength)
				}
			case BankExhausted:
				if len(items) != bank.Len() {
					t.Errorf("%d items, want the whole bank of %d", len(items), bank.Len())
				}
			}
			if _, ok := s.Next(); ok {
				t.Error("Next offers an item after the session stopped")
			}
		})
	}
}

// TestRandomesque checks that the first item is drawn from the k most
// informative at the prior mean, and that several of them are used.
func TestRandomesque(t *testing.T) {
	bank := randomBank(t, 300, 1, false, 8)
	const k = 5
	order := make([]int, bank.Len())
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(x, y int) int {
		return -cmpFloat(Info(0, bank.Item(x)), Info(0, bank.Item(y)))
	})
	top := map[int]bool{}
	for _, i := range order[:k] {
		top[i] = true
	}
	seen := map[int]int{}
	rng := rand.New(rand.NewPCG(6, 6))
	for e := 0; e < 500; e++ {
		s, err := NewSession(bank, Config{MaxLength: 5, Randomesque: k}, rng)
		if err != nil {
			t.Fatal(err)
		}
		item, _ := s.Next()
		if !top[item] {
			t.Fatalf("first item %d is not among the %d most informative %v", item, k, order[:k])
		}
		seen[item]++
	}
	for i := range top {
		if seen[i] < 60 {
			t.Errorf("item %d chosen %d times out of 500; want about 100", i, seen[i])
		}
	}
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// TestSympsonHetter calibrates exposure parameters and checks on fresh
// examinees that the highest exposure rate falls from far above the target
// to about the target.
func TestSympsonHetter(t *testing.T) {
	bank := randomBank(t, 300, 3, true, 13)
	cfg := Config{MaxLength: 20, Blueprint: []float64{1, 1, 1}}
	const target = 0.2
	exposure := func(b *Bank, shOn bool) float64 {
		t.Helper()
		c := cfg
		c.SympsonHetter = shOn
		rng := rand.New(rand.NewPCG(77, 77))
		counts := make([]int, b.Len())
		const n = 1000
		for e := 0; e < n; e++ {
			s, err := Simulate(b, c, rng.NormFloat64(), rng)
			if err != nil {
				t.Fatal(err)
			}
			items, _ := s.Administered()
			for _, it := range items {
				counts[it]++
			}
		}
		return float64(slices.Max(counts)) / n
	}
	before := exposure(bank, false)
	if before < 2*target {
		t.Fatalf("highest exposure without control is %.2f; the bank is too easy a test case", before)
	}
	k, rep, err := CalibrateSympsonHetter(bank, cfg, ExposureSimulation{MaxRate: target, Examinees: 1000, Iterations: 15, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Converged {
		t.Fatalf("did not converge: max rates %v", rep.MaxRate)
	}
	controlled, err := bank.WithExposure(k)
	if err != nil {
		t.Fatal(err)
	}
	after := exposure(controlled, true)
	t.Logf("highest exposure %.3f without control, %.3f with Sympson–Hetter (%d iterations: %v)", before, after, rep.Iterations, rep.MaxRate)
	// 0.04 is about three binomial standard errors of a rate of 0.2 over
	// 1000 examinees: the maximum over 300 items carries that much noise.
	if after > target+0.04 {
		t.Errorf("highest exposure with Sympson–Hetter %.3f, want at most %.2f", after, target+0.04)
	}
}

// TestAbilityRecovery checks that EAP estimates track the true ability and
// that the reported standard errors match the actual errors.
func TestAbilityRecovery(t *testing.T) {
	bank := randomBank(t, 500, 4, true, 17)
	cfg := Config{MaxLength: 40, TargetSE: 0.3, Blueprint: []float64{1, 1, 1, 1}, Randomesque: 3}
	rng := rand.New(rand.NewPCG(8, 8))
	var sse, sumVar float64
	const n = 300
	for e := 0; e < n; e++ {
		theta := rng.NormFloat64()
		s, err := Simulate(bank, cfg, theta, rng)
		if err != nil {
			t.Fatal(err)
		}
		est, se := s.Estimate()
		sse += (est - theta) * (est - theta)
		sumVar += se * se
	}
	rmse, meanSE := math.Sqrt(sse/n), math.Sqrt(sumVar/n)
	t.Logf("RMSE %.3f, root mean SE² %.3f", rmse, meanSE)
	if rmse > 0.4 {
		t.Errorf("RMSE %.3f of EAP against true ability; want at most 0.4", rmse)
	}
	if r := rmse / meanSE; r < 0.8 || r > 1.25 {
		t.Errorf("RMSE/SE ratio %.2f; standard errors are not honest", r)
	}
}

func TestConfigAndBankErrors(t *testing.T) {
	bank := randomBank(t, 10, 2, false, 1)
	for _, tc := range []struct {
		name    string
		cfg     Config
		wantErr string
	}{
		{"no max length", Config{}, "maximum length"},
		{"min above max", Config{MinLength: 5, MaxLength: 3}, "minimum length"},
		{"negative SE", Config{MaxLength: 3, TargetSE: -1}, "standard error"},
		{"blueprint size", Config{MaxLength: 3, Blueprint: []float64{1}}, "blueprint has 1"},
		{"negative weight", Config{MaxLength: 3, Blueprint: []float64{1, -1}}, "domain 1"},
		{"zero blueprint", Config{MaxLength: 3, Blueprint: []float64{0, 0}}, "sum to zero"},
		{"bad prior", Config{MaxLength: 3, Prior: Normal{0, -1}}, "prior"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewSession(bank, tc.cfg, rand.New(rand.NewPCG(1, 1)))
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("error %v, want one mentioning %q", err, tc.wantErr)
			}
		})
	}
	for _, tc := range []struct {
		name    string
		items   []Item
		wantErr string
	}{
		{"empty", nil, "empty"},
		{"zero a", []Item{{A: 0}}, "item 0: discrimination"},
		{"c of one", []Item{{A: 1}, {A: 1, C: 1}}, "item 1: guessing"},
		{"domain out of range", []Item{{A: 1, Domain: 2}}, "domain 2"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewBank(tc.items, 2)
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("error %v, want one mentioning %q", err, tc.wantErr)
			}
		})
	}
	if _, err := bank.WithExposure([]float64{0.5}); err == nil {
		t.Error("WithExposure accepted the wrong number of parameters")
	}
	s, err := NewSession(bank, Config{MaxLength: 3}, rand.New(rand.NewPCG(1, 1)))
	if err != nil {
		t.Fatal(err)
	}
	item, _ := s.Next()
	if err := s.Record(item, true); err != nil {
		t.Fatal(err)
	}
	if err := s.Record(item, true); err == nil {
		t.Error("Record accepted an item twice")
	}
	if err := s.Record(10, true); err == nil {
		t.Error("Record accepted an item outside the bank")
	}
	if err := s.Exclude(99); err == nil {
		t.Error("Exclude accepted an item outside the bank")
	}
}

// TestReplay rebuilds a session from its recorded answers and checks it
// reaches the same state.
func TestReplay(t *testing.T) {
	bank := randomBank(t, 300, 3, true, 31)
	cfg := Config{MaxLength: 15, Blueprint: []float64{1, 2, 1}, Randomesque: 4}
	orig, err := Simulate(bank, cfg, 0.8, rand.New(rand.NewPCG(5, 1)))
	if err != nil {
		t.Fatal(err)
	}
	items, correct := orig.Administered()
	re, err := NewSession(bank, cfg, rand.New(rand.NewPCG(99, 99)))
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := re.Next(); !ok { // an offer that the replay overrides
		t.Fatal("no first item")
	}
	for i, it := range items {
		if err := re.Record(it, correct[i]); err != nil {
			t.Fatalf("replay answer %d: %v", i+1, err)
		}
	}
	t1, se1 := orig.Estimate()
	t2, se2 := re.Estimate()
	if t1 != t2 || se1 != se2 || !slices.Equal(orig.DomainCounts(), re.DomainCounts()) {
		t.Errorf("replayed session: θ %v (SE %v) counts %v; original θ %v (SE %v) counts %v", t2, se2, re.DomainCounts(), t1, se1, orig.DomainCounts())
	}
	if _, ok := re.Next(); ok {
		t.Error("replayed session at maximum length offers another item")
	}
}
