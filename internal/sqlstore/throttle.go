package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/certlab/certlab"
)

func scanThrottle(row interface{ Scan(...any) error }) (*certlab.Throttle, error) {
	t := &certlab.Throttle{}
	var start, blocked int64
	if err := row.Scan(&t.Key, &t.Failures, &start, &blocked); err != nil {
		return nil, err
	}
	t.WindowStart, t.BlockedUntil = fromMS(start), fromMS(blocked)
	return t, nil
}

// Throttles returns the state of the keys that have one.
func (s *Store) Throttles(ctx context.Context, keys []string) ([]*certlab.Throttle, error) {
	if len(keys) == 0 {
		return nil, nil
	}
	args := make([]any, len(keys))
	for i, k := range keys {
		args[i] = k
	}
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT key, failures, window_start, blocked_until FROM throttles WHERE key IN (?`+strings.Repeat(", ?", len(keys)-1)+`)`), args...)
	if err != nil {
		return nil, fmt.Errorf("read throttles: %w", err)
	}
	defer rows.Close()
	var out []*certlab.Throttle
	for rows.Next() {
		t, err := scanThrottle(rows)
		if err != nil {
			return nil, fmt.Errorf("read throttles: %w", err)
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// RecordFailure counts a failure of each key; see certlab.UserStore.
func (s *Store) RecordFailure(ctx context.Context, keys []string, now time.Time, window time.Duration, block func(int) time.Duration) ([]*certlab.Throttle, error) {
	var out []*certlab.Throttle
	err := s.tx(ctx, func(tx *sql.Tx) error {
		out = out[:0]
		for _, k := range keys {
			// One statement, so that concurrent failures on several
			// servers all count: a window that has passed starts again.
			t, err := scanThrottle(tx.QueryRowContext(ctx, s.q(`INSERT INTO throttles (key, failures, window_start, blocked_until) VALUES (?, 1, ?, 0)
				ON CONFLICT (key) DO UPDATE SET
					failures = CASE WHEN throttles.window_start <= ? THEN 1 ELSE throttles.failures + 1 END,
					window_start = CASE WHEN throttles.window_start <= ? THEN excluded.window_start ELSE throttles.window_start END
				RETURNING key, failures, window_start, blocked_until`), k, ms(now), ms(now.Add(-window)), ms(now.Add(-window))))
			if err != nil {
				return fmt.Errorf("record failure of %s: %w", k, err)
			}
			if d := block(t.Failures); d > 0 {
				until := now.Add(d)
				if until.After(t.BlockedUntil) {
					if _, err := tx.ExecContext(ctx, s.q(`UPDATE throttles SET blocked_until = ? WHERE key = ?`), ms(until), k); err != nil {
						return fmt.Errorf("block %s: %w", k, err)
					}
					t.BlockedUntil = until
				}
			}
			out = append(out, t)
		}
		return nil
	})
	return out, err
}

// ClearThrottle forgets the keys' failures.
func (s *Store) ClearThrottle(ctx context.Context, keys []string) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		for _, k := range keys {
			if _, err := tx.ExecContext(ctx, s.q(`DELETE FROM throttles WHERE key = ?`), k); err != nil {
				return fmt.Errorf("clear throttle %s: %w", k, err)
			}
		}
		return nil
	})
}

// SweepThrottles deletes the throttles whose window and block ended
// before now, and returns how many.
func (s *Store) SweepThrottles(ctx context.Context, now time.Time, window time.Duration) (int, error) {
	n, err := s.exec(ctx, s.q(`DELETE FROM throttles WHERE window_start <= ? AND blocked_until <= ?`), ms(now.Add(-window)), ms(now))
	if err != nil {
		return 0, fmt.Errorf("sweep throttles: %w", err)
	}
	return int(n), nil
}
