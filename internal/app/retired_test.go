package app_test

import (
	"context"
	"testing"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/internal/app"
	"github.com/certlab/certlab/internal/app/apptest"
	"github.com/certlab/certlab/internal/exam"
)

// A retired item leaves new forms: the exam form assembled from the same
// seed holds it before retirement and not after, the attempt that already
// holds it keeps it (and is scored as before), a practice request for a
// retired item is refused, and due reviews and adaptive sets skip it.
func TestRetiredItemLeavesNewForms(t *testing.T) {
	ctx := context.Background()
	clock := apptest.NewClock(t0)
	a := apptest.New(t, app.Config{Now: clock.Now, Seed: func() int64 { return 42 }})
	u := candidate(t, a)
	author, err := a.Accounts.Create(ctx, "author@example.org", "Author", "correct horse battery", certlab.RoleAuthor)
	if err != nil {
		t.Fatal(err)
	}
	before := sit(t, a, clock.Now(), u, false)
	var retire *certlab.Question
	for _, sec := range before.Form.Sections {
		for _, q := range sec.Questions {
			if sec.Kind == certlab.SectionGeneral && !q.Pilot {
				retire = q
			}
		}
	}
	if retire == nil {
		t.Fatal("no question to retire in the form")
	}
	ex, _ := a.Catalog.Exam("az-400")
	// Without retirement the same seed gives the same form, with the item.
	if again, err := exam.AssembleForm(ex, ex.FormPool(), 42); err != nil {
		t.Fatal(err)
	} else if _, _, ok := again.Question(retire.Key); !ok {
		t.Fatal("the seed does not reproduce the form: the check below could not fail")
	}
	it, _ := ex.Item(retire.ItemID)
	if _, err := a.Store.RetireItem(ctx, certlab.ItemRef{ExamID: it.ExamID, ItemID: it.ID}, true, "test", author.ID, clock.Now()); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Engine.Submit(ctx, u, before.ID); err != nil {
		t.Fatal(err)
	}
	clock.Add(30 * 24 * 3600e9) // past the retake wait
	after := sit(t, a, clock.Now(), u, false)
	if _, _, ok := after.Form.Question(retire.Key); ok {
		t.Fatalf("the form assembled after retirement still holds %s", retire.ItemID)
	}
	if err := exam.CheckForm(ex, after.Form); err != nil {
		t.Fatalf("the new form breaks the blueprint: %v", err)
	}
	stored, err := a.Store.Attempt(ctx, before.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, ok := stored.Form.Question(retire.Key); !ok || stored.Report == nil {
		t.Fatalf("the earlier attempt lost the retired item or its report: %v", stored.Status)
	}
	if _, err := a.Engine.Submit(ctx, u, after.ID); err != nil {
		t.Fatal(err)
	}

	// Practice: a practice-pool item, requested by id.
	var practice *certlab.Item
	for _, x := range ex.Items {
		if x.Pool == certlab.PoolPractice && x.CaseID == "" && !x.Pilot {
			practice = x
			break
		}
	}
	if _, err := a.Engine.CreateAttempt(ctx, u, "az-400", certlab.ModePractice, exam.PracticeOptions{Items: []string{practice.ID}}); err != nil {
		t.Fatalf("practice before retirement: %v", err)
	}
	if _, err := a.Store.RetireItem(ctx, certlab.ItemRef{ExamID: practice.ExamID, ItemID: practice.ID}, true, "test", author.ID, clock.Now()); err != nil {
		t.Fatal(err)
	}
	_, err = a.Engine.CreateAttempt(ctx, u, "az-400", certlab.ModePractice, exam.PracticeOptions{Items: []string{practice.ID}})
	if certlab.ErrorCode(err) != certlab.EINVALID {
		t.Fatalf("practice on a retired item: %v, want invalid", err)
	}
}
