package srs

import (
	"encoding/json"
	"github.com/certlab/certlab/internal/fixture"
	"math"
	"os"
	"slices"
	"testing"
	"time"
)

// vectorFile mirrors ../shared/fixtures/fsrs/fsrs6-vectors.json.
type vectorFile struct {
	About          string       `json:"about"`
	DefaultWeights []float64    `json:"defaultWeights"`
	Notes          string       `json:"notes"`
	Cases          []vectorCase `json:"cases"`
}

type vectorCase struct {
	Name                string    `json:"name"`
	Start               string    `json:"start"`
	ShortTerm           bool      `json:"shortTerm"`
	Ratings             []int     `json:"ratings"`
	ElapsedDays         []int     `json:"elapsedDays"`
	WantIntervals       []int     `json:"wantIntervals"`
	WantStability       []float64 `json:"wantStability"`
	WantDifficulty      []float64 `json:"wantDifficulty"`
	WantFinalStability  *float64  `json:"wantFinalStability"`
	WantFinalDifficulty *float64  `json:"wantFinalDifficulty"`
	Stability           *float64  `json:"stability"`
	Retentions          []float64 `json:"retentions"`
}

// sharedFixture returns shared/fixtures/<rel>.
func sharedFixture(t *testing.T, rel string) string { return fixture.Path(t, rel) }

func loadVectors(t *testing.T) vectorFile {
	t.Helper()
	path := sharedFixture(t, "fsrs/fsrs6-vectors.json")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read FSRS vectors: %v", err)
	}
	var vf vectorFile
	if err := json.Unmarshal(data, &vf); err != nil {
		t.Fatalf("decode %s: %v", path, err)
	}
	if len(vf.Cases) == 0 {
		t.Fatalf("%s: no cases", path)
	}
	return vf
}

func round4(x float64) float64 { return math.Round(x*1e4) / 1e4 }

func mustScheduler(t *testing.T, p Params) *Scheduler {
	t.Helper()
	s, err := NewScheduler(p)
	if err != nil {
		t.Fatalf("NewScheduler: %v", err)
	}
	return s
}

func TestFSRS6Vectors(t *testing.T) {
	vf := loadVectors(t)
	def := DefaultWeights()
	if len(vf.DefaultWeights) != len(def) {
		t.Fatalf("fixture has %d default weights, want %d", len(vf.DefaultWeights), len(def))
	}
	for i, w := range vf.DefaultWeights {
		if w != def[i] {
			t.Errorf("default weight w[%d] = %v, fixture says %v", i, def[i], w)
		}
	}
	for _, tc := range vf.Cases {
		t.Run(tc.Name, func(t *testing.T) {
			p := DefaultParams()
			p.ShortTerm = tc.ShortTerm
			switch {
			case tc.Retentions != nil:
				checkRetentionIntervals(t, p, tc)
			case tc.ElapsedDays != nil:
				checkMemoryHistory(t, p, tc)
			case tc.WantIntervals != nil:
				checkDueDateReviews(t, p, tc)
			default:
				t.Fatalf("case %q has no expectations this test understands", tc.Name)
			}
		})
	}
}

// checkDueDateReviews reviews a new card on each due date with the given
// ratings and compares intervals and, when given, the memory state.
func checkDueDateReviews(t *testing.T, p Params, tc vectorCase) {
	t.Helper()
	s := mustScheduler(t, p)
	now, err := time.Parse(time.RFC3339, tc.Start)
	if err != nil {
		t.Fatalf("start time: %v", err)
	}
	card := NewCard(now)
	var gotIv []int
	var gotS, gotD []float64
	for i, r := range tc.Ratings {
		card, _, err = s.Review(card, Rating(r), now)
		if err != nil {
			t.Fatalf("review %d: %v", i+1, err)
		}
		gotIv = append(gotIv, card.IntervalDays)
		gotS = append(gotS, round4(card.Stability))
		gotD = append(gotD, round4(card.Difficulty))
		now = card.Due
	}
	if !slices.Equal(gotIv, tc.WantIntervals) {
		t.Errorf("intervals\n got %v\nwant %v", gotIv, tc.WantIntervals)
	}
	if tc.WantStability != nil && !slices.Equal(gotS, tc.WantStability) {
		t.Errorf("stability\n got %v\nwant %v", gotS, tc.WantStability)
	}
	if tc.WantDifficulty != nil && !slices.Equal(gotD, tc.WantDifficulty) {
		t.Errorf("difficulty\n got %v\nwant %v", gotD, tc.WantDifficulty)
	}
}

// checkMemoryHistory replays ratings with the given elapsed days twice:
// through NextMemory and through Review on a card, which must agree.
func checkMemoryHistory(t *testing.T, p Params, tc vectorCase) {
	t.Helper()
	if len(tc.ElapsedDays) != len(tc.Ratings) {
		t.Fatalf("%d ratings but %d elapsed days", len(tc.Ratings), len(tc.ElapsedDays))
	}
	if tc.WantFinalStability == nil || tc.WantFinalDifficulty == nil {
		t.Fatalf("case lacks wantFinalStability or wantFinalDifficulty")
	}
	s := mustScheduler(t, p)
	var m *Memory
	now := time.Date(2022, 11, 29, 12, 30, 0, 0, time.UTC)
	card := NewCard(now)
	for i, r := range tc.Ratings {
		next, err := s.NextMemory(m, tc.ElapsedDays[i], Rating(r))
		if err != nil {
			t.Fatalf("NextMemory %d: %v", i+1, err)
		}
		m = &next
		now = now.AddDate(0, 0, tc.ElapsedDays[i])
		card, _, err = s.Review(card, Rating(r), now)
		if err != nil {
			t.Fatalf("Review %d: %v", i+1, err)
		}
	}
	for _, got := range []struct {
		via string
		m   Memory
	}{{"NextMemory", *m}, {"Review", card.Memory()}} {
		if round4(got.m.Stability) != *tc.WantFinalStability {
			t.Errorf("%s: final stability %.4f, want %.4f", got.via, got.m.Stability, *tc.WantFinalStability)
		}
		if round4(got.m.Difficulty) != *tc.WantFinalDifficulty {
			t.Errorf("%s: final difficulty %.4f, want %.4f", got.via, got.m.Difficulty, *tc.WantFinalDifficulty)
		}
	}
}

func checkRetentionIntervals(t *testing.T, p Params, tc vectorCase) {
	t.Helper()
	if tc.Stability == nil || len(tc.Retentions) != len(tc.WantIntervals) {
		t.Fatalf("case needs a stability and one wanted interval per retention")
	}
	var got []int
	for _, r := range tc.Retentions {
		p.DesiredRetention = r
		got = append(got, mustScheduler(t, p).IntervalDays(*tc.Stability))
	}
	if !slices.Equal(got, tc.WantIntervals) {
		t.Errorf("intervals\n got %v\nwant %v", got, tc.WantIntervals)
	}
}
