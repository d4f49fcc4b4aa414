package irt

import (
	"fmt"
	"math"
)

// Missing marks a response that was not given (not presented or skipped).
const Missing int8 = -1

// Responses is a scored response matrix: one row per examinee, one column per
// item, scores 0..K with Missing for no response.
type Responses struct {
	N, M    int      // examinees and items
	ItemIDs []string // one per column
	Data    []int8   // row-major N×M
}

// NewResponses returns an N×M matrix with every response missing and item
// ids item1..itemM.
func NewResponses(n, m int) *Responses {
	r := &Responses{N: n, M: m, ItemIDs: make([]string, m), Data: make([]int8, n*m)}
	for j := range r.ItemIDs {
		r.ItemIDs[j] = fmt.Sprintf("item%d", j+1)
	}
	for i := range r.Data {
		r.Data[i] = Missing
	}
	return r
}

// Row returns the responses of examinee i.
func (r *Responses) Row(i int) []int8 { return r.Data[i*r.M : (i+1)*r.M] }

// At returns the response of examinee i to item j.
func (r *Responses) At(i, j int) int8 { return r.Data[i*r.M+j] }

// Set stores the response of examinee i to item j.
func (r *Responses) Set(i, j int, v int8) { r.Data[i*r.M+j] = v }

// MaxScores returns the highest observed score of every item.
func (r *Responses) MaxScores() []int {
	mx := make([]int, r.M)
	for i := 0; i < r.N; i++ {
		for j, x := range r.Row(i) {
			if int(x) > mx[j] {
				mx[j] = int(x)
			}
		}
	}
	return mx
}

// Validate checks the shape and the scores of the matrix.
func (r *Responses) Validate() error {
	if r.N <= 0 || r.M <= 0 {
		return fmt.Errorf("response matrix is empty (%d examinees x %d items)", r.N, r.M)
	}
	if len(r.Data) != r.N*r.M {
		return fmt.Errorf("response matrix has %d cells, want %d x %d", len(r.Data), r.N, r.M)
	}
	if len(r.ItemIDs) != r.M {
		return fmt.Errorf("response matrix has %d item ids for %d items", len(r.ItemIDs), r.M)
	}
	for k, x := range r.Data {
		if x < Missing {
			return fmt.Errorf("examinee %d item %q: invalid score %d", k/r.M+1, r.ItemIDs[k%r.M], x)
		}
	}
	return nil
}

// Quadrature is a set of ability nodes with prior weights summing to one.
type Quadrature struct {
	Nodes   []float64
	Weights []float64
}

// NormalQuadrature returns n equally spaced nodes on [lo, hi] weighted by the
// N(mean, sd²) density, normalised to sum to one (the grid used by mirt and
// BILOG for unidimensional models).
func NormalQuadrature(n int, lo, hi, mean, sd float64) Quadrature {
	q := Quadrature{Nodes: make([]float64, n), Weights: make([]float64, n)}
	sum := 0.0
	for k := range q.Nodes {
		t := lo + (hi-lo)*float64(k)/float64(n-1)
		if n == 1 {
			t = (lo + hi) / 2
		}
		q.Nodes[k] = t
		z := (t - mean) / sd
		q.Weights[k] = math.Exp(-0.5 * z * z)
		sum += q.Weights[k]
	}
	for k := range q.Weights {
		q.Weights[k] /= sum
	}
	return q
}
