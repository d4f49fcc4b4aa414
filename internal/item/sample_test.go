package item_test

import (
	"math/rand/v2"
	"testing"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/content"
	"github.com/certlab/certlab/internal/item"
	"github.com/certlab/certlab/internal/pack"
)

// Every sampled response of every built-in item decodes as a valid
// response of its item: what the load tool saves is what a candidate
// could save.
func TestSampleResponsesAreValid(t *testing.T) {
	cat, _ := pack.Load(content.FS, "content")
	rng := rand.New(rand.NewPCG(1, 2))
	kinds := map[string]int{}
	for _, ex := range cat.Exams {
		for _, it := range ex.Items {
			v := item.ViewOf(it, certlab.Layout{}, 7)
			statement := ""
			if len(it.Statements) > 0 {
				statement = it.Statements[0].ID
			}
			for range 3 {
				raw := item.SampleResponse(v, rng)
				if _, err := item.DecodeResponse(it, statement, raw); err != nil {
					t.Fatalf("%s (%s): sampled %s: %v", it.ID, it.Type, raw, err)
				}
			}
			kinds[it.Type]++
		}
	}
	for _, k := range []string{certlab.TypeSingle, certlab.TypeMultiple, certlab.TypeOrdering, certlab.TypeMatching, certlab.TypeHotArea, certlab.TypeActiveScreen, certlab.TypeYesNoSeries} {
		if kinds[k] == 0 {
			t.Errorf("no %s item sampled", k)
		}
	}
}
