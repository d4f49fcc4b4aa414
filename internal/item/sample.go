package item

import (
	"encoding/json"
	"math/rand/v2"
)

// sampler is the optional method of a kind that makes a valid random
// response from what the candidate sees: what a load test (certlab
// loadtest) saves. A kind without it is answered with null, which every
// kind accepts (an unanswered question).
type sampler interface {
	Sample(v View, rng *rand.Rand) any
}

// SampleResponse returns a valid random response to a question as its view
// shows it, for simulated candidates.
func SampleResponse(v View, rng *rand.Rand) json.RawMessage {
	var out any
	if k, ok := kinds[v.Type]; ok {
		if s, ok := k.(sampler); ok {
			out = s.Sample(v, rng)
		}
	}
	b, err := json.Marshal(out)
	if err != nil {
		return json.RawMessage("null")
	}
	return b
}

func pickIDs(choices []string, n int, rng *rand.Rand) []string {
	n = max(1, min(n, len(choices)))
	out := []string{}
	for _, i := range rng.Perm(len(choices))[:n] {
		out = append(out, choices[i])
	}
	return out
}

func optionIDs(v View) []string {
	ids := make([]string, len(v.Options))
	for i, o := range v.Options {
		ids[i] = o.ID
	}
	return ids
}

func (single) Sample(v View, rng *rand.Rand) any {
	if len(v.Options) == 0 {
		return nil
	}
	return v.Options[rng.IntN(len(v.Options))].ID
}

func (multiple) Sample(v View, rng *rand.Rand) any {
	if len(v.Options) == 0 {
		return nil
	}
	return pickIDs(optionIDs(v), v.Choose, rng)
}

func (ordering) Sample(v View, rng *rand.Rand) any {
	ids := optionIDs(v)
	rng.Shuffle(len(ids), func(i, j int) { ids[i], ids[j] = ids[j], ids[i] })
	return ids
}

func (matching) Sample(v View, rng *rand.Rand) any {
	m := map[string]string{}
	if len(v.Options) == 0 {
		return m
	}
	perm := rng.Perm(len(v.Options))
	for i, t := range v.Targets {
		switch {
		case v.Reuse:
			m[t.ID] = v.Options[rng.IntN(len(v.Options))].ID
		case i < len(perm):
			m[t.ID] = v.Options[perm[i]].ID
		}
	}
	return m
}

func (hotArea) Sample(v View, rng *rand.Rand) any {
	if len(v.Areas) == 0 {
		return nil
	}
	ids := make([]string, len(v.Areas))
	for i, a := range v.Areas {
		ids[i] = a.ID
	}
	return pickIDs(ids, v.Choose, rng)
}

func (activeScreen) Sample(v View, rng *rand.Rand) any {
	m := map[string]string{}
	for _, b := range v.Blanks {
		if len(b.Options) > 0 {
			m[b.ID] = b.Options[rng.IntN(len(b.Options))]
		}
	}
	return m
}

func (yesNoSeries) Sample(_ View, rng *rand.Rand) any { return rng.IntN(2) == 1 }
