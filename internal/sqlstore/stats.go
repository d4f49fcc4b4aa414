package sqlstore

import (
	"context"
	"fmt"

	"github.com/certlab/certlab"
)

// CountOpenAttempts returns how many attempts are started or paused now
// (sittings in progress, practice included), for the metrics.
func (s *Store) CountOpenAttempts(ctx context.Context) (int, error) {
	var n int
	if err := s.db.QueryRowContext(ctx, s.q(`SELECT COUNT(*) FROM attempts WHERE status IN (?, ?)`), certlab.StatusStarted, certlab.StatusPaused).Scan(&n); err != nil {
		return 0, fmt.Errorf("count open attempts: %w", err)
	}
	return n, nil
}
