package readiness

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"math"
	"strings"
	"testing"

	"github.com/certlab/certlab/internal/cat"
)

func TestPriorPassProbability(t *testing.T) {
	form := []cat.Item{{A: 1, B: 0}, {A: 1.4, B: 0.5, C: 0.2}, {A: 0.9, B: -0.4}, {A: 1.1, B: 1}}
	for _, tc := range []struct {
		name string
		exam Exam
	}{
		{"error-free exam", Exam{CutTheta: 0.4}},
		{"short exam form", Exam{CutTheta: 0.4, Form: form}},
		{"low cut", Exam{CutTheta: -1.2, Form: form}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tr, err := NewTracker(tc.exam, []string{"a", "b"}, cat.Normal{})
			if err != nil {
				t.Fatal(err)
			}
			// ∫ P(pass | θ) φ(θ) dθ by the trapezoidal rule on a fine grid.
			var want float64
			const h = 1e-3
			for x := -9.0; x <= 9; x += h {
				want += tc.exam.PassGivenTheta(x) * math.Exp(-x*x/2) / math.Sqrt(2*math.Pi) * h
			}
			if got := tr.PassProbability(); math.Abs(got-want) > 2e-3 {
				t.Errorf("pass probability before any answer %.5f, want %.5f", got, want)
			}
			r := tr.Report()
			if math.Abs(r.Overall.Theta) > 1e-9 || math.Abs(r.Overall.SE-1) > 1e-3 {
				t.Errorf("prior estimate %.4f (SE %.4f), want 0 (1)", r.Overall.Theta, r.Overall.SE)
			}
			if math.Abs(r.Overall.Low+1.96) > 0.02 || math.Abs(r.Overall.High-1.96) > 0.02 {
				t.Errorf("prior interval [%.3f, %.3f], want about ±1.96", r.Overall.Low, r.Overall.High)
			}
			if wantAbove := 1 - cat.NormalCDF(tc.exam.CutTheta); math.Abs(r.Domains[0].AboveCut-wantAbove) > 2e-3 {
				t.Errorf("domain above-cut probability %.4f, want %.4f", r.Domains[0].AboveCut, wantAbove)
			}
		})
	}
}

func TestRecordUpdatesOnlyItsDomain(t *testing.T) {
	tr, err := NewTracker(Exam{CutTheta: 0.5}, []string{"plan", "build", "run"}, cat.Normal{})
	if err != nil {
		t.Fatal(err)
	}
	prev := tr.PassProbability()
	for i := 0; i < 10; i++ {
		if err := tr.Record(cat.Item{A: 1.3, B: 0.8, C: 0.2, Domain: 1}, true); err != nil {
			t.Fatal(err)
		}
		p := tr.PassProbability()
		if p <= prev {
			t.Fatalf("answer %d correct: pass probability %.4f did not rise from %.4f", i+1, p, prev)
		}
		prev = p
	}
	r := tr.Report()
	if r.Domains[1].Responses != 10 || r.Domains[0].Responses != 0 || r.Overall.Responses != 10 {
		t.Errorf("responses overall %d, by domain %d %d %d", r.Overall.Responses, r.Domains[0].Responses, r.Domains[1].Responses, r.Domains[2].Responses)
	}
	if math.Abs(r.Domains[0].Theta) > 1e-9 || r.Domains[1].Theta <= 0.5 {
		t.Errorf("domain thetas %.3f and %.3f; want 0 for the unpractised domain and above 0.5 for the practised one", r.Domains[0].Theta, r.Domains[1].Theta)
	}
	if r.Domains[1].AboveCut <= r.Domains[2].AboveCut {
		t.Errorf("practised domain above-cut %.3f not above unpractised %.3f", r.Domains[1].AboveCut, r.Domains[2].AboveCut)
	}
	if !(r.Overall.Low < r.Overall.Theta && r.Overall.Theta < r.Overall.High) {
		t.Errorf("interval [%.3f, %.3f] does not contain the estimate %.3f", r.Overall.Low, r.Overall.High, r.Overall.Theta)
	}
}

func TestTrackerErrors(t *testing.T) {
	for _, tc := range []struct {
		name    string
		exam    Exam
		domains []string
		wantErr string
	}{
		{"no domains", Exam{}, nil, "no domains"},
		{"NaN cut", Exam{CutTheta: math.NaN()}, []string{"a"}, "cut theta"},
		{"bad form item", Exam{Form: []cat.Item{{A: 1}, {A: -1}}}, []string{"a"}, "exam form item 1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewTracker(tc.exam, tc.domains, cat.Normal{})
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("error %v, want one mentioning %q", err, tc.wantErr)
			}
		})
	}
	tr, err := NewTracker(Exam{}, []string{"a"}, cat.Normal{})
	if err != nil {
		t.Fatal(err)
	}
	if err := tr.Record(cat.Item{A: 1, Domain: 1}, true); err == nil || !strings.Contains(err.Error(), "domain 1") {
		t.Errorf("Record with an unknown domain: %v", err)
	}
	if err := tr.Record(cat.Item{A: 0}, true); err == nil {
		t.Error("Record accepted an item with a = 0")
	}
}

func TestReliability(t *testing.T) {
	pred := []float64{0.05, 0.15, 0.15, 0.95, 1, 0.55}
	passed := []bool{false, true, false, true, true, false}
	bins, ece, err := Reliability(pred, passed, 10)
	if err != nil {
		t.Fatal(err)
	}
	// Bins: 0 {0.05: 0}, 1 {0.15, 0.15: 0.5}, 5 {0.55: 0}, 9 {0.95, 1: 1}.
	want := (1*0.05 + 2*0.35 + 1*0.55 + 2*0.025) / 6
	if math.Abs(ece-want) > 1e-12 {
		t.Errorf("ECE %v, want %v", ece, want)
	}
	if bins[9].N != 2 || bins[9].ObservedRate != 1 || math.Abs(bins[9].MeanPredicted-0.975) > 1e-12 {
		t.Errorf("last bin %+v", bins[9])
	}
	for _, tc := range []struct {
		name    string
		pred    []float64
		passed  []bool
		bins    int
		wantErr string
	}{
		{"length mismatch", []float64{0.5}, nil, 10, "1 predictions but 0 outcomes"},
		{"empty", nil, nil, 10, "no predictions"},
		{"not a probability", []float64{1.5}, []bool{true}, 10, "prediction 0"},
		{"no bins", []float64{0.5}, []bool{true}, 0, "0 bins"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := Reliability(tc.pred, tc.passed, tc.bins)
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("error %v, want one mentioning %q", err, tc.wantErr)
			}
		})
	}
}

// checkSVG fails unless data is well-formed XML with an svg root.
func checkSVG(t *testing.T, data []byte) {
	t.Helper()
	dec := xml.NewDecoder(bytes.NewReader(data))
	root := ""
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("SVG is not well-formed XML: %v", err)
		}
		if se, ok := tok.(xml.StartElement); ok && root == "" {
			root = se.Name.Local
		}
	}
	if root != "svg" {
		t.Fatalf("root element %q, want svg", root)
	}
}

func TestWriteReliabilitySVG(t *testing.T) {
	bins, ece, err := Reliability([]float64{0.1, 0.2, 0.8, 0.9}, []bool{false, false, true, true}, 5)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := WriteReliabilitySVG(&buf, bins, ece, `Q&A <"test">`); err != nil {
		t.Fatal(err)
	}
	checkSVG(t, buf.Bytes())
	if n := strings.Count(buf.String(), "<circle"); n != 3 {
		t.Errorf("%d markers for 3 non-empty bins", n)
	}
}
