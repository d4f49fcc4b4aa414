package exam

import (
	"context"
	"encoding/json"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/internal/item"
)

// ReviewQuestion is one question of a finished practice set, for going
// over it afterwards: the item as it was shown, the answer given, and the
// feedback (key, explanation, references).
type ReviewQuestion struct {
	Key       string          `json:"key"`
	Number    int             `json:"number"`
	Item      item.View       `json:"item"`
	Statement string          `json:"statement,omitempty"`
	Objective string          `json:"objective"`
	CaseID    string          `json:"case,omitempty"`
	Response  json.RawMessage `json:"response"`
	Feedback  *Feedback       `json:"feedback"`
}

// PracticeReview returns every question of a scored practice set with the
// answer given and its feedback. Only practice sets can be reviewed: an
// exam's answers and keys never reach a candidate (EFORBIDDEN), and a
// question whose item is not in the practice pool is left out, whatever
// assembled the set.
func (e *Engine) PracticeReview(ctx context.Context, u *certlab.User, id int64) ([]ReviewQuestion, error) {
	a, ex, err := e.attempt(ctx, u, id)
	if err != nil {
		return nil, err
	}
	if a.Mode != certlab.ModePractice {
		return nil, certlab.Errorf(certlab.EFORBIDDEN, "attempt %d is an exam: exam questions and answers are never shown afterwards, only the score report", id)
	}
	if a.Status != certlab.StatusScored {
		return nil, certlab.Errorf(certlab.ECONFLICT, "practice set %d is not finished yet: finish it to review its questions", id)
	}
	rs, err := e.Store.Responses(ctx, a.ID)
	if err != nil {
		return nil, err
	}
	given := map[string]json.RawMessage{}
	for _, r := range rs {
		given[r.Key] = r.Value
	}
	var out []ReviewQuestion
	number := 0
	for _, s := range a.Form.Sections {
		for _, q := range s.Questions {
			number++
			it, ok := ex.Item(q.ItemID)
			if !ok || it.Pool != certlab.PoolPractice {
				continue
			}
			value := given[q.Key]
			if value == nil {
				value = json.RawMessage("null")
			}
			rq := ReviewQuestion{Key: q.Key, Number: number, Item: item.ViewOf(it, q.Layout, a.Seed), Objective: q.Objective,
				CaseID: s.CaseID, Response: value, Feedback: feedback(it, q, value)}
			for _, st := range it.Statements {
				if st.ID == q.Statement {
					rq.Statement = st.Text
				}
			}
			out = append(out, rq)
		}
	}
	return out, nil
}
