package chart_test

import (
	"encoding/xml"
	"io"
	"strings"
	"testing"

	"github.com/certlab/certlab/internal/chart"
)

// wellFormed parses the SVG as XML and counts elements by name.
func wellFormed(t *testing.T, svg string) map[string]int {
	t.Helper()
	dec := xml.NewDecoder(strings.NewReader(svg))
	n := map[string]int{}
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return n
		}
		if err != nil {
			t.Fatalf("not well-formed SVG: %v\n%s", err, svg)
		}
		if se, ok := tok.(xml.StartElement); ok {
			n[se.Name.Local]++
		}
	}
}

func TestBars(t *testing.T) {
	svg := chart.Bars("Score <report>", "AZ-400 & friends", []chart.Bar{
		{Label: "Pipelines", Value: 45, Max: 50, Note: "90 %"},
		{Label: "Security", Value: 2, Max: 10, Note: "20 %"},
	}, 0.7)
	n := wellFormed(t, svg)
	if n["rect"] != 1+2*2 || n["line"] != 1 {
		t.Fatalf("elements %v: want a background, two bars with tracks and one reference line", n)
	}
	if !strings.Contains(svg, `width="270.0"`) || !strings.Contains(svg, `width="60.0"`) {
		t.Fatalf("bar lengths are not proportional:\n%s", svg)
	}
	if !strings.Contains(svg, "Score &lt;report&gt;") {
		t.Fatal("title not escaped")
	}
}

func TestIntervals(t *testing.T) {
	svg := chart.Intervals("Readiness", "", []chart.Interval{
		{Label: "Above", Low: 1, Mid: 1.5, High: 2},
		{Label: "Across", Low: -1, Mid: 0.5, High: 1},
		{Label: "Below", Low: -3, Mid: -2, High: -1},
	}, 0, -3, 3, "cut")
	n := wellFormed(t, svg)
	if n["circle"] != 3 {
		t.Fatalf("elements %v", n)
	}
	for _, c := range []string{"#27ae60", "#e6a117", "#c0392b"} {
		if !strings.Contains(svg, c) {
			t.Errorf("colour %s missing: each row is above, across or below the cut", c)
		}
	}
}
