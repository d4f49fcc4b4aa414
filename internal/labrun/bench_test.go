package labrun

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"github.com/certlab/certlab/content"
	"github.com/certlab/certlab/internal/lab"
)

// BenchmarkLabCheck grades every lab's reference solution the way the
// server grades an upload: read the tar.gz, unpack it, check that it
// belongs to the lab, run the static checks. One sub-benchmark per lab;
// the slowest lab is logged at the end (target: under 2 s each).
//
//	go test ./internal/labrun -run '^$' -bench LabCheck -benchtime 3x
func BenchmarkLabCheck(b *testing.B) {
	labs, diags := lab.LoadPacks(content.FS, "content")
	if len(diags) > 0 {
		b.Fatalf("labs: %v", diags)
	}
	s := &Service{cfg: Config{Limits: lab.DefaultLimits, Now: time.Now, TempDir: b.TempDir()}, sem: make(chan struct{}, 1)}
	ctx := context.Background()
	type result struct {
		id  string
		avg time.Duration
	}
	var results []result
	for _, l := range labs.List() {
		upload := solvedArchive(b, l)
		var total time.Duration
		var runs int
		b.Run(l.ID, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(upload)))
			for b.Loop() {
				start := time.Now()
				sub, err := s.grade(ctx, l, bytes.NewReader(upload))
				if err != nil {
					b.Fatal(err)
				}
				total += time.Since(start)
				runs++
				if !sub.Passed {
					b.Fatalf("the reference solution fails on the server: %+v", sub.Checks)
				}
			}
		})
		if runs > 0 {
			results = append(results, result{l.ID, total / time.Duration(runs)})
		}
	}
	sort.Slice(results, func(i, j int) bool { return results[i].avg > results[j].avg })
	if len(results) > 0 {
		b.Logf("%d labs graded as the server does; slowest: %s at %v (then %s %v, %s %v)", len(results),
			results[0].id, results[0].avg.Round(time.Millisecond), results[1].id, results[1].avg.Round(time.Millisecond), results[2].id, results[2].avg.Round(time.Millisecond))
	}
}

// solvedArchive builds a lab's workspace, applies its reference solution
// and packs it as certlab lab pack does.
func solvedArchive(tb testing.TB, l *lab.Lab) []byte {
	tb.Helper()
	ctx := context.Background()
	ws, err := lab.Start(ctx, l, filepath.Join(tb.TempDir(), l.ID))
	if err != nil {
		tb.Fatal(err)
	}
	if err := lab.RunScript(ctx, l, ws, l.Solution, io.Discard, os.Stderr); err != nil {
		tb.Fatal(err)
	}
	var buf bytes.Buffer
	if err := lab.Pack(&buf, ws); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}
