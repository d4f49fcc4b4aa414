// Package chart draws the few charts certlab shows (score reports,
// readiness, item statistics) as self-contained SVG, with the standard
// library only.
package chart

import (
	"fmt"
	"html"
	"math"
	"strings"
)

// Bar is one labelled bar of a bar chart; Value is in 0..Max.
type Bar struct {
	Label string
	Value float64
	Max   float64
	Note  string // printed after the bar, e.g. "72 % strong"
}

const (
	width    = 760
	labelW   = 330
	barW     = 300
	rowH     = 30
	topPad   = 46
	fontSpec = `font-family="system-ui, sans-serif" font-size="13"`
)

func header(h int, title, subtitle string) *strings.Builder {
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" role="img" aria-label="%s">`, width, h, width, h, html.EscapeString(title))
	fmt.Fprintf(&b, `<rect width="100%%" height="100%%" fill="#fff"/>`)
	fmt.Fprintf(&b, `<text x="12" y="20" %s font-weight="bold">%s</text>`, fontSpec, html.EscapeString(title))
	if subtitle != "" {
		fmt.Fprintf(&b, `<text x="12" y="38" %s fill="#555">%s</text>`, fontSpec, html.EscapeString(subtitle))
	}
	return &b
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// Bars draws a horizontal bar chart. A reference line is drawn at ref (a
// share of Max in 0..1) when ref > 0.
func Bars(title, subtitle string, bars []Bar, ref float64) string {
	h := topPad + rowH*len(bars) + 24
	b := header(h, title, subtitle)
	for i, bar := range bars {
		y := topPad + i*rowH
		frac := 0.0
		if bar.Max > 0 {
			frac = math.Max(0, math.Min(1, bar.Value/bar.Max))
		}
		colour := "#c0392b"
		switch {
		case frac >= 0.75:
			colour = "#27ae60"
		case frac >= 0.55:
			colour = "#e6a117"
		}
		fmt.Fprintf(b, `<text x="12" y="%d" %s>%s</text>`, y+18, fontSpec, html.EscapeString(clip(bar.Label, 44)))
		fmt.Fprintf(b, `<rect x="%d" y="%d" width="%d" height="18" fill="#eee"/>`, labelW, y+5, barW)
		fmt.Fprintf(b, `<rect x="%d" y="%d" width="%.1f" height="18" fill="%s"/>`, labelW, y+5, frac*barW, colour)
		fmt.Fprintf(b, `<text x="%d" y="%d" %s>%s</text>`, labelW+barW+8, y+18, fontSpec, html.EscapeString(bar.Note))
	}
	if ref > 0 {
		x := float64(labelW) + ref*barW
		fmt.Fprintf(b, `<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#333" stroke-dasharray="4 3"/>`, x, topPad, x, topPad+rowH*len(bars))
	}
	b.WriteString(`</svg>`)
	return b.String()
}

// Interval is an estimate with its interval on a common axis.
type Interval struct {
	Label          string
	Low, Mid, High float64
	Note           string
	// NoData draws the row without an estimate (nothing measured yet).
	NoData bool
}

// Intervals draws estimates with their intervals against a cut line on an
// axis from lo to hi.
func Intervals(title, subtitle string, rows []Interval, cut, lo, hi float64, cutLabel string) string {
	h := topPad + rowH*len(rows) + 40
	b := header(h, title, subtitle)
	x := func(v float64) float64 {
		v = math.Max(lo, math.Min(hi, v))
		return float64(labelW) + (v-lo)/(hi-lo)*barW
	}
	for i, r := range rows {
		y := topPad + i*rowH + 14
		fmt.Fprintf(b, `<text x="12" y="%d" %s>%s</text>`, y+4, fontSpec, html.EscapeString(clip(r.Label, 44)))
		fmt.Fprintf(b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#eee" stroke-width="14"/>`, labelW, y, labelW+barW, y)
		if r.NoData {
			fmt.Fprintf(b, `<text x="%d" y="%d" %s fill="#555">%s</text>`, labelW+barW+8, y+4, fontSpec, html.EscapeString(r.Note))
			continue
		}
		colour := "#c0392b"
		if r.Low >= cut {
			colour = "#27ae60"
		} else if r.Mid >= cut {
			colour = "#e6a117"
		}
		fmt.Fprintf(b, `<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="%s" stroke-width="6" stroke-linecap="round"/>`, x(r.Low), y, x(r.High), y, colour)
		fmt.Fprintf(b, `<circle cx="%.1f" cy="%d" r="6" fill="#fff" stroke="%s" stroke-width="3"/>`, x(r.Mid), y, colour)
		fmt.Fprintf(b, `<text x="%d" y="%d" %s>%s</text>`, labelW+barW+8, y+4, fontSpec, html.EscapeString(r.Note))
	}
	cx := x(cut)
	bottom := topPad + rowH*len(rows)
	fmt.Fprintf(b, `<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#333" stroke-dasharray="4 3"/>`, cx, topPad, cx, bottom)
	fmt.Fprintf(b, `<text x="%.1f" y="%d" %s text-anchor="middle" fill="#333">%s</text>`, cx, bottom+16, fontSpec, html.EscapeString(cutLabel))
	b.WriteString(`</svg>`)
	return b.String()
}

// Counts draws a horizontal bar chart of counts (appointments per week and
// the like) in one neutral colour: a long bar is more, not better.
func Counts(title, subtitle string, bars []Bar) string {
	h := topPad + rowH*len(bars) + 24
	b := header(h, title, subtitle)
	for i, bar := range bars {
		y := topPad + i*rowH
		frac := 0.0
		if bar.Max > 0 {
			frac = math.Max(0, math.Min(1, bar.Value/bar.Max))
		}
		fmt.Fprintf(b, `<text x="12" y="%d" %s>%s</text>`, y+18, fontSpec, html.EscapeString(clip(bar.Label, 44)))
		fmt.Fprintf(b, `<rect x="%d" y="%d" width="%d" height="18" fill="#eee"/>`, labelW, y+5, barW)
		fmt.Fprintf(b, `<rect x="%d" y="%d" width="%.1f" height="18" fill="#1f5fbf"/>`, labelW, y+5, frac*barW)
		fmt.Fprintf(b, `<text x="%d" y="%d" %s>%s</text>`, labelW+barW+8, y+18, fontSpec, html.EscapeString(bar.Note))
	}
	b.WriteString(`</svg>`)
	return b.String()
}
