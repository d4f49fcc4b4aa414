package srs

import (
	"testing"
	"time"
)

// BenchmarkReview measures one review of a card in the review state with
// the short-term scheduler (all four ratings' intervals are computed).
func BenchmarkReview(b *testing.B) {
	s, err := NewScheduler(DefaultParams())
	if err != nil {
		b.Fatal(err)
	}
	now := time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)
	card := NewCard(now)
	for _, r := range []Rating{Good, Good, Good} {
		if card, _, err = s.Review(card, r, now); err != nil {
			b.Fatal(err)
		}
		now = card.Due
	}
	b.ResetTimer()
	for range b.N {
		if _, _, err := s.Review(card, Good, now); err != nil {
			b.Fatal(err)
		}
	}
}
