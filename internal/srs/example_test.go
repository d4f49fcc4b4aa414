package srs_test

import (
	"fmt"
	"time"

	"github.com/certlab/certlab/internal/srs"
)

// A learner misses an item, relearns it ten minutes later and then reviews
// it on each due date.
func ExampleScheduler_Review() {
	sched, err := srs.NewScheduler(srs.DefaultParams())
	if err != nil {
		panic(err)
	}
	now := time.Date(2026, 3, 2, 18, 0, 0, 0, time.UTC)
	card := srs.NewCard(now)
	for _, r := range []srs.Rating{srs.Again, srs.Good, srs.Good, srs.Good} {
		card, _, err = sched.Review(card, r, now)
		if err != nil {
			panic(err)
		}
		fmt.Printf("%-5s -> %-8s due %s\n", r, card.State, card.Due.Format("Jan 2 15:04"))
		now = card.Due
	}
	// The store lists the card under "due today" from midnight on.
	morning := time.Date(2026, 3, 5, 8, 0, 0, 0, time.UTC)
	fmt.Println("due today on Mar 4:", card.Due.Before(sched.EndOfDay(morning.AddDate(0, 0, -1))))
	fmt.Println("due today on Mar 5:", card.Due.Before(sched.EndOfDay(morning)))
	// Output:
	// again -> learning due Mar 2 18:01
	// good  -> learning due Mar 2 18:11
	// good  -> review   due Mar 3 18:11
	// good  -> review   due Mar 5 18:11
	// due today on Mar 4: false
	// due today on Mar 5: true
}
