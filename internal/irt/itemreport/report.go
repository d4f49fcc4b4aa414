// Package itemreport renders an item analysis as a self-contained HTML page
// with SVG item characteristic curves and distractor plots drawn with the
// standard library.
package itemreport

import (
	"fmt"
	"html/template"
	"io"
	"math"
	"strings"

	"github.com/certlab/certlab/internal/irt"
)

// Report is what the page shows.
type Report struct {
	Title    string
	Model    irt.Model
	Analysis *irt.Analysis
	// Items are the calibrated items in column order; nil omits the ICCs.
	Items []irt.Item
}

// Write renders the report as one HTML document.
func Write(w io.Writer, r Report) error {
	if r.Analysis == nil {
		return fmt.Errorf("item report: no analysis")
	}
	if r.Items != nil && len(r.Items) != len(r.Analysis.Items) {
		return fmt.Errorf("item report: %d calibrated items for %d analysed", len(r.Items), len(r.Analysis.Items))
	}
	page := pageData{Title: r.Title, Model: r.Model.String(), Test: r.Analysis.Test, HasIRT: r.Items != nil}
	if r.Items != nil {
		page.Information = template.HTML(informationSVG(r.Items))
	}
	for j, st := range r.Analysis.Items {
		row := itemRow{Stats: st, Flags: joinFlags(st.Flags)}
		if r.Items != nil {
			it := r.Items[j]
			row.Item = &it
			row.ICC = template.HTML(iccSVG(it, st, r.Analysis.Test.GroupTheta))
		}
		if len(st.Options) > 0 {
			row.Distractors = template.HTML(distractorSVG(st))
		}
		page.Items = append(page.Items, row)
	}
	return pageTmpl.Execute(w, page)
}

type pageData struct {
	Title  string
	Model  string
	Test   irt.TestStats
	HasIRT bool
	// Information is the test information plot (IRT only).
	Information template.HTML
	Items       []itemRow
}

type itemRow struct {
	Stats       irt.ItemStats
	Item        *irt.Item
	Flags       string
	ICC         template.HTML
	Distractors template.HTML
}

func joinFlags(f []irt.Flag) string {
	s := make([]string, len(f))
	for k, v := range f {
		s[k] = string(v)
	}
	return strings.Join(s, ", ")
}

// num formats a statistic, showing "–" for a missing value.
func num(v float64, prec int) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "–"
	}
	return fmt.Sprintf("%.*f", prec, v)
}

var pageTmpl = template.Must(template.New("page").Funcs(template.FuncMap{
	"num":  num,
	"pct":  func(v float64) string { return num(100*v, 1) },
	"char": func(b byte) string { return string(rune(b)) },
}).Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{{.Title}}</title>
<style>
body{font-family:system-ui,sans-serif;margin:2rem;color:#222}
table{border-collapse:collapse;font-size:.9rem}
th,td{border:1px solid #ccc;padding:.25rem .5rem;text-align:right}
th:first-child,td:first-child{text-align:left}
.flag{color:#b00020;font-weight:600}
.item{display:inline-block;vertical-align:top;margin:1rem 1rem 0 0;border:1px solid #ddd;padding:.5rem}
.item h3{margin:.2rem 0;font-size:1rem}
svg text{font-size:10px;fill:#444}
</style>
</head>
<body>
<h1>{{.Title}}</h1>
<p>{{.Test.N}} examinees, {{.Test.M}} items; total score mean {{num .Test.Mean 2}}, SD {{num .Test.SD 2}};
Cronbach's alpha (KR-20 for 0/1 items) {{num .Test.Alpha 3}}; SEM {{num .Test.SEM 2}}.{{if .HasIRT}} IRT model: {{.Model}}.{{end}}</p>
{{.Information}}
<table>
<thead><tr><th>item</th><th>N</th><th>p</th><th>r<sub>pb</sub></th><th>D</th><th>alpha if deleted</th>{{if .HasIRT}}<th>a</th><th>b</th><th>c</th><th>infit</th><th>outfit</th><th>S-X2</th><th>df</th><th>p(S-X2)</th>{{end}}<th>flags</th></tr></thead>
<tbody>
{{range .Items}}<tr><td><a href="#item-{{.Stats.ID}}">{{.Stats.ID}}</a></td><td>{{.Stats.N}}</td><td>{{num .Stats.PValue 3}}</td><td>{{num .Stats.PointBiserial 3}}</td><td>{{num .Stats.Discrimination 3}}</td><td>{{num .Stats.AlphaIfDeleted 3}}</td>{{if .Item}}<td>{{num .Item.A 3}}</td><td>{{num .Item.B 3}}</td><td>{{num .Item.C 3}}</td><td>{{num .Stats.Infit 2}}</td><td>{{num .Stats.Outfit 2}}</td><td>{{num .Stats.SX2 1}}</td><td>{{.Stats.SX2DF}}</td><td>{{num .Stats.SX2P 3}}</td>{{end}}<td class="flag">{{.Flags}}</td></tr>
{{end}}</tbody>
</table>
<h2>Items</h2>
{{range .Items}}<div class="item" id="item-{{.Stats.ID}}">
<h3>{{.Stats.ID}}{{if .Flags}} <span class="flag">({{.Flags}})</span>{{end}}</h3>
{{.ICC}}
{{.Distractors}}
{{if .Stats.Options}}<table><thead><tr><th>option</th><th>chosen %</th><th>r<sub>pb</sub></th></tr></thead><tbody>
{{range .Stats.Options}}<tr><td>{{char .Option}}{{if .Key}} (key){{end}}</td><td>{{pct .Proportion}}</td><td>{{num .PointBiserial 3}}</td></tr>
{{end}}</tbody></table>{{end}}
</div>
{{end}}
</body>
</html>
`))

// plot maps data coordinates into an SVG drawing area.
type plot struct {
	w, h, left, right, top, bottom float64
	x0, x1, y0, y1                 float64
}

func (p plot) x(v float64) float64 {
	return p.left + (v-p.x0)/(p.x1-p.x0)*(p.w-p.left-p.right)
}

func (p plot) y(v float64) float64 {
	return p.h - p.bottom - (v-p.y0)/(p.y1-p.y0)*(p.h-p.top-p.bottom)
}

// frame draws the axes with ticks.
func (p plot) frame(b *strings.Builder, xticks []float64, xlabel func(float64) string, title string) {
	p.frameY(b, xticks, xlabel, []float64{0, 0.25, 0.5, 0.75, 1}, title)
}

// frameY draws the axes with the given y ticks.
func (p plot) frameY(b *strings.Builder, xticks []float64, xlabel func(float64) string, yticks []float64, title string) {
	fmt.Fprintf(b, `<svg xmlns="http://www.w3.org/2000/svg" width="%g" height="%g" viewBox="0 0 %g %g" role="img"><title>%s</title>`, p.w, p.h, p.w, p.h, template.HTMLEscapeString(title))
	fmt.Fprintf(b, `<rect x="%g" y="%g" width="%g" height="%g" fill="none" stroke="#999"/>`, p.left, p.top, p.w-p.left-p.right, p.h-p.top-p.bottom)
	for _, v := range yticks {
		y := p.y(v)
		fmt.Fprintf(b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#eee"/>`, p.left, y, p.w-p.right, y)
		fmt.Fprintf(b, `<text x="%.1f" y="%.1f" text-anchor="end">%.3g</text>`, p.left-3, y+3, v)
	}
	for _, v := range xticks {
		x := p.x(v)
		fmt.Fprintf(b, `<text x="%.1f" y="%.1f" text-anchor="middle">%s</text>`, x, p.h-p.bottom+12, template.HTMLEscapeString(xlabel(v)))
	}
}

// iccSVG draws the model curve and the observed proportions by ability group.
func iccSVG(it irt.Item, st irt.ItemStats, groupTheta []float64) string {
	p := plot{w: 300, h: 190, left: 30, right: 8, top: 16, bottom: 28, x0: -4, x1: 4, y0: 0, y1: 1}
	var b strings.Builder
	p.frame(&b, []float64{-4, -2, 0, 2, 4}, func(v float64) string { return fmt.Sprintf("θ=%g", v) }, "Item characteristic curve of "+st.ID)
	var pts []string
	for k := 0; k <= 80; k++ {
		th := p.x0 + (p.x1-p.x0)*float64(k)/80
		pts = append(pts, fmt.Sprintf("%.1f,%.1f", p.x(th), p.y(it.P(th))))
	}
	fmt.Fprintf(&b, `<polyline fill="none" stroke="#1f5fbf" stroke-width="2" points="%s"/>`, strings.Join(pts, " "))
	for g, th := range groupTheta {
		if g >= len(st.ByGroup) || math.IsNaN(th) || math.IsNaN(st.ByGroup[g]) || th < p.x0 || th > p.x1 {
			continue
		}
		fmt.Fprintf(&b, `<circle cx="%.1f" cy="%.1f" r="3.5" fill="#e07b00"><title>group %d: %.2f</title></circle>`, p.x(th), p.y(st.ByGroup[g]), g+1, st.ByGroup[g])
	}
	fmt.Fprintf(&b, `<text x="%g" y="11">model %s curve; dots: observed by ability group</text>`, p.left, template.HTMLEscapeString(it.Model.String()))
	b.WriteString(`</svg>`)
	return b.String()
}

// informationSVG draws the test information function and the conditional
// standard error of measurement.
func informationSVG(items []irt.Item) string {
	const n = 120
	info := make([]float64, n+1)
	peak := 0.0
	for k := range info {
		th := -4 + 8*float64(k)/n
		info[k] = irt.TestInformation(items, th)
		peak = math.Max(peak, info[k])
	}
	top := niceCeil(peak)
	p := plot{w: 420, h: 220, left: 36, right: 40, top: 18, bottom: 28, x0: -4, x1: 4, y0: 0, y1: top}
	var b strings.Builder
	p.frameY(&b, []float64{-4, -2, 0, 2, 4}, func(v float64) string { return fmt.Sprintf("θ=%g", v) },
		[]float64{0, top / 4, top / 2, 3 * top / 4, top}, "Test information and conditional SE")
	var pi, ps []string
	for k, v := range info {
		th := -4 + 8*float64(k)/n
		pi = append(pi, fmt.Sprintf("%.1f,%.1f", p.x(th), p.y(v)))
		se := 1 / math.Sqrt(v)
		// The SE shares the plot with its own scale: 0..1 mapped on 0..top.
		ps = append(ps, fmt.Sprintf("%.1f,%.1f", p.x(th), p.y(math.Min(se, 1)*top)))
	}
	fmt.Fprintf(&b, `<polyline fill="none" stroke="#1f5fbf" stroke-width="2" points="%s"/>`, strings.Join(pi, " "))
	fmt.Fprintf(&b, `<polyline fill="none" stroke="#c0392b" stroke-width="1.5" stroke-dasharray="4 3" points="%s"/>`, strings.Join(ps, " "))
	for _, v := range []float64{0, 0.5, 1} {
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f">%.1f</text>`, p.w-p.right+4, p.y(v*top)+3, v)
	}
	fmt.Fprintf(&b, `<text x="%g" y="12">solid: test information (left axis); dashed: SE = 1/√I (right axis)</text>`, p.left)
	b.WriteString(`</svg>`)
	return b.String()
}

// niceCeil rounds v up to 1, 2 or 5 times a power of ten.
func niceCeil(v float64) float64 {
	if v <= 0 {
		return 1
	}
	e := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 2, 5, 10} {
		if m*e >= v {
			return m * e
		}
	}
	return 10 * e
}

var optionColours = []string{"#1f5fbf", "#e07b00", "#2a9d3a", "#c0392b", "#8e44ad", "#7f8c8d", "#b8860b", "#17becf"}

// distractorSVG draws the proportion choosing each option by ability group.
func distractorSVG(st irt.ItemStats) string {
	G := len(st.Options[0].ByGroup)
	p := plot{w: 300, h: 190, left: 30, right: 50, top: 16, bottom: 28, x0: 0.5, x1: float64(G) + 0.5, y0: 0, y1: 1}
	var b strings.Builder
	ticks := make([]float64, G)
	for g := range ticks {
		ticks[g] = float64(g + 1)
	}
	p.frame(&b, ticks, func(v float64) string {
		switch int(v) {
		case 1:
			return "low"
		case G:
			return "high"
		}
		return fmt.Sprintf("%d", int(v))
	}, "Distractor analysis of "+st.ID)
	for k, o := range st.Options {
		col := optionColours[k%len(optionColours)]
		width := 1.5
		if o.Key {
			width = 3
		}
		var pts []string
		for g, v := range o.ByGroup {
			if !math.IsNaN(v) {
				pts = append(pts, fmt.Sprintf("%.1f,%.1f", p.x(float64(g+1)), p.y(v)))
			}
		}
		fmt.Fprintf(&b, `<polyline fill="none" stroke="%s" stroke-width="%g" points="%s"/>`, col, width, strings.Join(pts, " "))
		label := string(rune(o.Option))
		if o.Key {
			label += " (key)"
		}
		fmt.Fprintf(&b, `<text x="%g" y="%g" style="fill:%s">%s</text>`, p.w-p.right+4, p.top+10+12*float64(k), col, template.HTMLEscapeString(label))
	}
	fmt.Fprintf(&b, `<text x="%g" y="11">proportion choosing each option by ability group</text>`, p.left)
	b.WriteString(`</svg>`)
	return b.String()
}
