package itemreport

import (
	"bytes"
	"context"
	"encoding/xml"
	"io"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/certlab/certlab/internal/irt"
)

// analysis simulates multiple-choice answers and analyses them.
func analysis(t *testing.T) (*irt.Analysis, []irt.Item) {
	t.Helper()
	rng := rand.New(rand.NewPCG(1, 2))
	items := irt.SimulateItems2PL(rng, 6)
	for j := range items {
		items[j].ID = []string{"q1", "q2", "q<3>", "q4", "q5", "q6"}[j]
	}
	truth := irt.SimulateResponses(rng, items, irt.SimulateAbilities(rng, 800))
	ch := &irt.Choices{N: truth.N, M: truth.M, ItemIDs: truth.ItemIDs, Data: make([]byte, truth.N*truth.M)}
	for i := 0; i < truth.N; i++ {
		for j := 0; j < truth.M; j++ {
			switch {
			case truth.At(i, j) == 1:
				ch.Data[i*truth.M+j] = 'A'
			case rng.IntN(10) == 0:
				ch.Data[i*truth.M+j] = 0 // omitted
			default:
				ch.Data[i*truth.M+j] = "BCD"[rng.IntN(3)]
			}
		}
	}
	keys := []byte("AAAAAA")
	scored, err := ch.Score(keys)
	if err != nil {
		t.Fatal(err)
	}
	res, err := irt.Calibrate(context.Background(), scored, irt.Options{})
	if err != nil {
		t.Fatal(err)
	}
	a, err := irt.Analyze(scored, ch, keys, res.Items, irt.AnalysisOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return a, res.Items
}

func TestWrite(t *testing.T) {
	a, items := analysis(t)
	tests := []struct {
		name     string
		items    []irt.Item
		wantSVGs int
	}{
		{"with curves", items, 13},
		{"classical only", nil, 6},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := Write(&buf, Report{Title: "Item analysis <test>", Model: irt.TwoPL, Analysis: a, Items: tc.items}); err != nil {
				t.Fatal(err)
			}
			page := buf.String()
			if strings.Contains(page, "<test>") || !strings.Contains(page, "Item analysis &lt;test&gt;") {
				t.Error("title not escaped")
			}
			if strings.Contains(page, "q<3>") {
				t.Error("item id not escaped")
			}
			svgs := 0
			rest := page
			for {
				i := strings.Index(rest, "<svg")
				if i < 0 {
					break
				}
				j := strings.Index(rest[i:], "</svg>")
				if j < 0 {
					t.Fatal("unterminated svg")
				}
				chunk := rest[i : i+j+len("</svg>")]
				dec := xml.NewDecoder(strings.NewReader(chunk))
				for {
					_, err := dec.Token()
					if err == io.EOF {
						break
					}
					if err != nil {
						t.Fatalf("SVG %d is not well-formed: %v\n%s", svgs+1, err, chunk)
					}
				}
				svgs++
				rest = rest[i+j:]
			}
			if svgs != tc.wantSVGs {
				t.Errorf("%d SVG plots, want %d", svgs, tc.wantSVGs)
			}
			if tc.items != nil && !strings.Contains(page, "<polyline") {
				t.Error("no curves drawn")
			}
		})
	}
}

func TestWriteRejectsMismatch(t *testing.T) {
	a, items := analysis(t)
	if err := Write(io.Discard, Report{Analysis: a, Items: items[:2]}); err == nil {
		t.Error("accepted 2 calibrated items for 6 analysed")
	}
	if err := Write(io.Discard, Report{}); err == nil {
		t.Error("accepted a report without analysis")
	}
}
