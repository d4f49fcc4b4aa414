package badge_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/certlab/certlab/internal/badge"
	"github.com/certlab/certlab/internal/badge/badgetest"
)

// hostileSize is the size of the document the issue measured: 228 KiB.
const hostileSize = 228 << 10

func hostileVerifier(tb testing.TB) *badge.Verifier {
	tb.Helper()
	l, err := badge.NewContextLoader()
	if err != nil {
		tb.Fatal(err)
	}
	return &badge.Verifier{Contexts: l, Keys: &badge.WebResolver{}, Now: func() time.Time { return time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC) }}
}

// TestHostileDocumentRefusedBeforeJSONLD checks that the 228 KiB document
// is refused by the shape limits, with an explanation, before any JSON-LD
// processing (so without the statement cap's message).
func TestHostileDocumentRefusedBeforeJSONLD(t *testing.T) {
	t.Parallel()
	doc := badgetest.HostileCredential(hostileSize)
	if len(doc) < hostileSize {
		t.Fatalf("hostile document is %d bytes", len(doc))
	}
	rep := hostileVerifier(t).Verify(context.Background(), doc)
	c := rep.Failed(badge.CheckFormat)
	if rep.OK() || c == nil || !strings.Contains(c.Explanation, "refused before JSON-LD processing") {
		t.Fatalf("hostile document: %+v", rep.Checks)
	}
	if err := badge.CheckShape(doc, badge.DefaultShapeLimits()); err == nil {
		t.Error("CheckShape accepts the hostile document")
	}
	// Each limit on its own.
	small := []byte(`{"a":[[[[{"b":1}]]]],"c":{"id":"x"},"d":{},"e":{}}`)
	tests := []struct {
		name string
		l    badge.ShapeLimits
		ok   bool
	}{
		{"within", badge.ShapeLimits{MaxBytes: 100, MaxDepth: 6, MaxValues: 12, MaxObjects: 5, MaxBlankNodes: 4}, true},
		{"bytes", badge.ShapeLimits{MaxBytes: 10}, false},
		{"depth", badge.ShapeLimits{MaxDepth: 5}, false},
		{"values", badge.ShapeLimits{MaxValues: 10}, false},
		{"objects", badge.ShapeLimits{MaxObjects: 4}, false},
		{"blank nodes", badge.ShapeLimits{MaxBlankNodes: 3}, false},
	}
	for _, tc := range tests {
		if err := badge.CheckShape(small, tc.l); (err == nil) != tc.ok {
			t.Errorf("%s: CheckShape = %v, want ok=%v", tc.name, err, tc.ok)
		}
	}
}

// BenchmarkVerifyHostile228KiB measures the CPU a 228 KiB hostile document
// costs the public verifier before it is refused.
func BenchmarkVerifyHostile228KiB(b *testing.B) {
	doc := badgetest.HostileCredential(hostileSize)
	ver := hostileVerifier(b)
	ctx := context.Background()
	b.SetBytes(int64(len(doc)))
	b.ReportAllocs()
	for b.Loop() {
		if rep := ver.Verify(ctx, doc); rep.OK() {
			b.Fatal("hostile document verified")
		}
	}
	b.ReportMetric(b.Elapsed().Seconds()/float64(b.N)*1000, "ms/refusal")
}

// BenchmarkVerifyWorstAcceptedShape measures the largest document of this
// kind that the shape limits let through to JSON-LD processing: the most
// work one request can cost (before the rate limit).
func BenchmarkVerifyWorstAcceptedShape(b *testing.B) {
	n := 0
	for badge.CheckShape(badgetest.AlignmentCredential(n+1), badge.DefaultShapeLimits()) == nil {
		n++
	}
	doc := badgetest.AlignmentCredential(n)
	ver := hostileVerifier(b)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if rep := ver.Verify(ctx, doc); rep.OK() {
			b.Fatal("verified")
		}
	}
	b.ReportMetric(float64(n), "alignments")
	b.ReportMetric(float64(len(doc)), "bytes")
	b.ReportMetric(b.Elapsed().Seconds()/float64(b.N)*1000, "ms/verification")
}
