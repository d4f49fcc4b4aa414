package cat

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
)

// Bank is an immutable set of items with their Sympson–Hetter exposure
// parameters. It is safe for concurrent use by many Sessions.
type Bank struct {
	items    []Item
	domains  int
	exposure []float64 // Sympson–Hetter K_i: probability of administering item i once selected
	byA      []int     // item indices by decreasing discrimination
}

// NewBank checks the items and returns a bank over domains blueprint
// domains. Every item's Domain must be below domains. All exposure
// parameters start at 1 (no Sympson–Hetter restriction).
func NewBank(items []Item, domains int) (*Bank, error) {
	if len(items) == 0 {
		return nil, errors.New("cat: empty item bank")
	}
	if domains < 1 {
		return nil, fmt.Errorf("cat: %d domains; want at least 1", domains)
	}
	b := &Bank{items: append([]Item(nil), items...), domains: domains, exposure: make([]float64, len(items))}
	for i, it := range items {
		if err := it.Validate(); err != nil {
			return nil, fmt.Errorf("cat: item %d: %w", i, err)
		}
		if it.Domain >= domains {
			return nil, fmt.Errorf("cat: item %d: domain %d is not below the %d domains", i, it.Domain, domains)
		}
		b.exposure[i] = 1
	}
	b.byA = make([]int, len(items))
	for i := range b.byA {
		b.byA[i] = i
	}
	slices.SortStableFunc(b.byA, func(x, y int) int { return cmp.Compare(items[y].A, items[x].A) })
	return b, nil
}

// WithExposure returns a copy of the bank using the given Sympson–Hetter
// exposure parameters, one probability in [0, 1] per item (as computed by
// CalibrateSympsonHetter).
func (b *Bank) WithExposure(k []float64) (*Bank, error) {
	if len(k) != len(b.items) {
		return nil, fmt.Errorf("cat: %d exposure parameters for %d items", len(k), len(b.items))
	}
	for i, v := range k {
		if !(v >= 0 && v <= 1) {
			return nil, fmt.Errorf("cat: item %d: exposure parameter %v is outside [0, 1]", i, v)
		}
	}
	return &Bank{items: b.items, domains: b.domains, exposure: append([]float64(nil), k...), byA: b.byA}, nil
}

// Len returns the number of items.
func (b *Bank) Len() int { return len(b.items) }

// Domains returns the number of blueprint domains.
func (b *Bank) Domains() int { return b.domains }

// Item returns item i.
func (b *Bank) Item(i int) Item { return b.items[i] }

// Exposure returns a copy of the Sympson–Hetter exposure parameters.
func (b *Bank) Exposure() []float64 { return append([]float64(nil), b.exposure...) }

// Config sets the rules of an adaptive session.
type Config struct {
	// MinLength and MaxLength bound the number of items (MaxLength > 0).
	MinLength, MaxLength int
	// TargetSE stops the session once the posterior SD of the ability is at
	// most this value (and MinLength is reached); 0 disables it.
	TargetSE float64
	// Blueprint holds the weight of each domain (any non-negative scale,
	// normalised internally); nil disables content balancing. Balancing
	// uses the maximum priority index (Cheng & Chang, 2009) with quotas
	// that grow with the session: before position n+1 an item's priority
	// is its information times max(0, 1 − x_d/(w_d·(n+1))), where x_d
	// items of its domain d were given, so the blueprint is tracked
	// whatever length the session stops at.
	Blueprint []float64
	// Randomesque picks the next item at random among this many most
	// informative candidates; 0 or 1 picks the best.
	Randomesque int
	// SympsonHetter administers a selected item only with probability equal
	// to its exposure parameter in the bank; a rejected item is not offered
	// again in the session.
	SympsonHetter bool
	// Prior is the ability prior; the zero value means N(0, 1).
	Prior Normal
	// Quadrature is the number of grid points of the posterior; 0 means
	// DefaultQuadrature.
	Quadrature int
}

func (c Config) validate(b *Bank) error {
	if c.MaxLength < 1 {
		return fmt.Errorf("cat: maximum length %d; want at least 1", c.MaxLength)
	}
	if c.MinLength < 0 || c.MinLength > c.MaxLength {
		return fmt.Errorf("cat: minimum length %d is outside [0, %d]", c.MinLength, c.MaxLength)
	}
	if c.TargetSE < 0 || math.IsNaN(c.TargetSE) {
		return fmt.Errorf("cat: target standard error %v is negative", c.TargetSE)
	}
	if c.Randomesque < 0 {
		return fmt.Errorf("cat: randomesque group size %d is negative", c.Randomesque)
	}
	if c.Blueprint != nil {
		if len(c.Blueprint) != b.domains {
			return fmt.Errorf("cat: blueprint has %d weights for %d domains", len(c.Blueprint), b.domains)
		}
		var sum float64
		for d, w := range c.Blueprint {
			if !(w >= 0) || math.IsInf(w, 0) {
				return fmt.Errorf("cat: blueprint weight of domain %d is %v; want a finite non-negative number", d, w)
			}
			sum += w
		}
		if !(sum > 0) {
			return errors.New("cat: blueprint weights sum to zero")
		}
	}
	return nil
}

// StopReason says why a session ended.
type StopReason int

// Reasons for stopping.
const (
	Running       StopReason = iota // not stopped
	ReachedSE                       // posterior SD reached the target
	ReachedMax                      // maximum length reached
	BankExhausted                   // no eligible item left
)

// String names the reason.
func (r StopReason) String() string {
	switch r {
	case Running:
		return "running"
	case ReachedSE:
		return "standard error target reached"
	case ReachedMax:
		return "maximum length reached"
	case BankExhausted:
		return "no eligible item left"
	}
	return fmt.Sprintf("StopReason(%d)", int(r))
}

// Session is one examinee's adaptive practice, in the sense of
// computerised adaptive testing (a CAT session); it has nothing to do with
// a sign-in session (internal/session). It is not safe for concurrent use.
type Session struct {
	bank    *Bank
	cfg     Config
	rng     *rand.Rand
	weights []float64 // normalised blueprint
	post    *Posterior

	unavailable  []bool // administered, excluded or rejected by Sympson–Hetter
	administered []int
	responses    []bool
	domainCount  []int
	pending      int // item returned by Next and not yet recorded, or -1
	theta, se    float64
	stop         StopReason

	// Scratch space reused by Next.
	cand   []cand
	factor []float64

	// Selection statistics for Sympson–Hetter calibration.
	selected []int
}

// NewSession starts a session on bank. rng drives randomesque and
// Sympson–Hetter choices; pass a seeded generator for reproducible runs.
func NewSession(bank *Bank, cfg Config, rng *rand.Rand) (*Session, error) {
	if bank == nil {
		return nil, errors.New("cat: nil bank")
	}
	if rng == nil {
		return nil, errors.New("cat: nil random generator")
	}
	if cfg.Prior == (Normal{}) {
		cfg.Prior = Normal{Mean: 0, SD: 1}
	}
	if err := cfg.validate(bank); err != nil {
		return nil, err
	}
	post, err := NewPosterior(cfg.Prior, cfg.Quadrature)
	if err != nil {
		return nil, err
	}
	s := &Session{
		bank:        bank,
		cfg:         cfg,
		rng:         rng,
		post:        post,
		unavailable: make([]bool, bank.Len()),
		domainCount: make([]int, bank.domains),
		factor:      make([]float64, bank.domains),
		pending:     -1,
		cand:        make([]cand, 0, 64),
	}
	if cfg.Blueprint != nil {
		var sum float64
		for _, w := range cfg.Blueprint {
			sum += w
		}
		s.weights = make([]float64, len(cfg.Blueprint))
		for d, w := range cfg.Blueprint {
			s.weights[d] = w / sum
		}
	}
	s.theta, s.se = post.EAP()
	return s, nil
}

// Exclude makes items unavailable, for example items the learner has seen
// recently. It must be called before they would be selected.
func (s *Session) Exclude(items ...int) error {
	for _, i := range items {
		if i < 0 || i >= s.bank.Len() {
			return fmt.Errorf("cat: exclude item %d: not in the bank of %d items", i, s.bank.Len())
		}
		s.unavailable[i] = true
	}
	return nil
}

// Estimate returns the current EAP ability and its standard error
// (posterior SD).
func (s *Session) Estimate() (theta, se float64) { return s.theta, s.se }

// Posterior returns a copy of the current ability posterior.
func (s *Session) Posterior() *Posterior { return s.post.Clone() }

// Administered returns the items recorded so far, in order, and the
// responses to them.
func (s *Session) Administered() (items []int, correct []bool) {
	return append([]int(nil), s.administered...), append([]bool(nil), s.responses...)
}

// DomainCounts returns how many items of each domain were administered.
func (s *Session) DomainCounts() []int { return append([]int(nil), s.domainCount...) }

// Stopped returns why the session ended, or Running.
func (s *Session) Stopped() StopReason { return s.stop }

// Next returns the index of the next item to administer, or ok = false when
// the session has ended (see Stopped). Calling Next again before Record
// returns the same item.
func (s *Session) Next() (item int, ok bool) {
	if s.pending >= 0 {
		return s.pending, true
	}
	if s.stop != Running {
		return -1, false
	}
	n := len(s.administered)
	switch {
	case n >= s.cfg.MaxLength:
		s.stop = ReachedMax
		return -1, false
	case s.cfg.TargetSE > 0 && n >= s.cfg.MinLength && n > 0 && s.se <= s.cfg.TargetSE:
		s.stop = ReachedSE
		return -1, false
	}
	item = s.selectItem()
	if item < 0 {
		s.stop = BankExhausted
		return -1, false
	}
	s.pending = item
	return item, true
}

// Record adds the response to an item and updates the ability estimate.
// The item is normally the one returned by Next; any other bank item not yet
// administered is accepted too — to replay stored answers when a session is
// rebuilt, or for an item the engine chose itself such as a due review — and
// the pending offer is dropped.
func (s *Session) Record(item int, correct bool) error {
	if item < 0 || item >= s.bank.Len() {
		return fmt.Errorf("cat: record item %d: not in the bank of %d items", item, s.bank.Len())
	}
	if item != s.pending && slices.Contains(s.administered, item) {
		return fmt.Errorf("cat: record item %d: already administered in this session", item)
	}
	if s.stop != Running {
		s.stop = Running // a replayed answer after a stop re-opens the session
	}
	s.pending = -1
	it := s.bank.items[item]
	s.unavailable[item] = true
	s.administered = append(s.administered, item)
	s.responses = append(s.responses, correct)
	s.domainCount[it.Domain]++
	s.post.Update(it, correct)
	s.theta, s.se = s.post.EAP()
	return nil
}

// contentFactors fills s.factor with the maximum-priority-index factor of
// each domain: the relative shortfall of the domain's count below its quota
// w_d·(n+1) for the next position, floored at 0. It returns false when
// content balancing is off.
func (s *Session) contentFactors() bool {
	if s.weights == nil {
		return false
	}
	next := float64(len(s.administered) + 1)
	for d, w := range s.weights {
		quota := w * next
		if quota <= 0 {
			s.factor[d] = 0
			continue
		}
		s.factor[d] = math.Max(0, (quota-float64(s.domainCount[d]))/quota)
	}
	return true
}

// selectItem ranks the available items by priority index (information at
// the current ability times the content factor of the item's domain) and
// applies randomesque and Sympson–Hetter exposure control. It returns -1
// when no item is available.
func (s *Session) selectItem() int {
	k := max(1, s.cfg.Randomesque)
	for {
		full := s.topCandidates(k + 8)
		if len(s.cand) == 0 {
			return -1
		}
		// Draw from the k best remaining candidates while the buffer
		// certainly holds them.
		for len(s.cand) >= k || (!full && len(s.cand) > 0) {
			g := min(k, len(s.cand))
			j := 0
			if g > 1 {
				j = s.rng.IntN(g)
			}
			c := s.cand[j]
			s.cand = append(s.cand[:j], s.cand[j+1:]...)
			if s.selected != nil {
				s.selected[c.item]++
			}
			if !s.cfg.SympsonHetter || s.rng.Float64() < s.bank.exposure[c.item] {
				return c.item
			}
			s.unavailable[c.item] = true // rejected for the rest of the session
		}
	}
}

// topCandidates fills s.cand with the m available items of highest
// positive priority, best first, and reports whether more such items may
// exist beyond them. Items of domains at or above their quota have priority
// 0 and are ranked by information alone only when no domain short of its
// quota has items left.
//
// Items are scanned by decreasing discrimination and the scan stops once
// a²/4, an upper bound of any item's information, times the largest content
// factor cannot beat the m-th candidate.
func (s *Session) topCandidates(m int) (more bool) {
	if cap(s.cand) < m {
		s.cand = make([]cand, 0, m)
	}
	balanced := s.contentFactors()
	for pass := 0; pass < 2; pass++ {
		s.cand = s.cand[:0]
		more = false
		maxFactor := 1.0
		if balanced {
			maxFactor = slices.Max(s.factor)
		}
		for _, i := range s.bank.byA {
			if s.unavailable[i] {
				continue
			}
			it := s.bank.items[i]
			n := len(s.cand)
			if n == m && it.A*it.A/4*maxFactor <= s.cand[n-1].priority {
				more = true // the rest cannot enter the buffer
				break
			}
			f := 1.0
			if balanced {
				f = s.factor[it.Domain]
				if f == 0 {
					continue
				}
			}
			pri := Info(s.theta, it) * f
			if n == m {
				more = true
				if pri <= s.cand[n-1].priority {
					continue
				}
				n--
			} else {
				s.cand = s.cand[:n+1]
			}
			// Insert keeping descending order; ties keep scan order.
			j := n
			for j > 0 && s.cand[j-1].priority < pri {
				s.cand[j] = s.cand[j-1]
				j--
			}
			s.cand[j] = cand{priority: pri, item: i}
		}
		if !balanced || len(s.cand) > 0 {
			return more
		}
		// Every domain short of its quota is used up: rank by information.
		balanced = false
	}
	return more
}

type cand struct {
	priority float64
	item     int
}
