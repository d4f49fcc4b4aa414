package storetest

import (
	"context"
	"encoding/json"
	"fmt"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/certlab/certlab"
)

// BenchmarkSaves measures acknowledged response saves per second: parallel
// candidates (one attempt each) autosaving answers, each save a durable
// transaction that checks the attempt and applies the sequence rule.
func BenchmarkSaves(b *testing.B, s certlab.Store, candidates int) {
	ctx := context.Background()
	deadline := time.Now().Add(24 * time.Hour)
	attempts := make([]*certlab.Attempt, candidates)
	for i := range attempts {
		u := &certlab.User{Email: fmt.Sprintf("bench%d@example.org", i), Role: certlab.RoleCandidate}
		if err := s.CreateUser(ctx, u, false); err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		a := &certlab.Attempt{UserID: u.ID, ExamID: "demo", Mode: certlab.ModeExam, Status: certlab.StatusStarted, Seed: 1, Form: form(), CreatedAt: start, StartedAt: &start, Deadline: &deadline}
		if err := s.CreateAttempt(ctx, a); err != nil {
			b.Fatal(err)
		}
		attempts[i] = a
	}
	var next atomic.Int64
	value := json.RawMessage(`["a","c"]`)
	// One goroutine per candidate, each saving as fast as it is answered.
	b.SetParallelism(max(1, (candidates+runtime.GOMAXPROCS(0)-1)/runtime.GOMAXPROCS(0)))
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		i := next.Add(1)
		a := attempts[int(i)%len(attempts)]
		seq := int64(0)
		for pb.Next() {
			seq++
			key := []string{"q1", "q2"}[seq%2]
			if _, _, err := s.SaveResponse(ctx, &certlab.Response{AttemptID: a.ID, Key: key, Seq: seq, Value: value}, 0, -1, time.Now()); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "saves/s")
}
