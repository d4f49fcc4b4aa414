package pack_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/certlab/certlab/internal/pack"
)

// goodBadge is an accessible, inert badge image.
const goodBadge = `<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 100 100" role="img" aria-labelledby="t d">
<title id="t">Demo credential</title>
<desc id="d">A green hexagon with the words Demo credential.</desc>
<defs><linearGradient id="g"><stop offset="0" stop-color="#0a0"/></linearGradient></defs>
<style>.x { fill: url(#g); }</style>
<polygon points="50,2 95,26 95,74 50,98 5,74 5,26" fill="url(#g)"/>
<use xlink:href="#g"/>
<image href="data:image/png;base64,iVBORw0KGgo=" width="1" height="1"/>
<text x="50" y="55" text-anchor="middle">Demo</text>
</svg>
`

// TestPackBadge loads a program with its own badge image and checks what
// a badge may not be, each refusal at its file and line; a refused badge
// leaves the program loaded, with the drawn badge.
func TestPackBadge(t *testing.T) {
	withBadge := programYAML + "badge: art/badge.svg\n"
	cat, diags := pack.Load(demoPack(map[string]string{"program.yaml": withBadge, "art/badge.svg": goodBadge}), "demo")
	if diags.Errors() != 0 {
		t.Fatalf("a good badge: %v", diags)
	}
	if string(cat.Programs[0].Badge) != goodBadge {
		t.Fatal("the program does not carry its badge's bytes")
	}
	line := func(n int, s string) string { return strings.Repeat("\n", n-1) + s }
	tests := []struct {
		name, svg, want string
	}{
		{"script", strings.Replace(goodBadge, "<text", "<script>alert(1)</script><text", 1), "demo/art/badge.svg:10: <script> is not allowed"},
		{"event handler", strings.Replace(goodBadge, "<polygon ", `<polygon onclick="x()" `, 1), "demo/art/badge.svg:7: event-handler attribute onclick="},
		{"remote image", strings.Replace(goodBadge, "data:image/png;base64,iVBORw0KGgo=", "https://tracker.example/p.png", 1), "demo/art/badge.svg:9: <image href=\"https://tracker.example/p.png\">"},
		{"remote use", strings.Replace(goodBadge, `xlink:href="#g"`, `xlink:href="other.svg#g"`, 1), "demo/art/badge.svg:8: <use href="},
		{"css import", strings.Replace(goodBadge, ".x {", "@import 'https://x.example/a.css'; .x {", 1), "demo/art/badge.svg:6: style with @import"},
		{"css url", strings.Replace(goodBadge, "url(#g); }", "url(https://x.example/i.png); }", 1), "demo/art/badge.svg:6: style with url()"},
		{"foreign object", strings.Replace(goodBadge, "<text", "<foreignObject/><text", 1), "<foreignObject> is not allowed"},
		{"link", strings.Replace(goodBadge, "<text", `<a href="#t">x</a><text`, 1), "<a> is not allowed"},
		{"doctype", strings.Replace(goodBadge, "<svg ", "<!DOCTYPE svg [<!ENTITY x \"y\">]>\n<svg ", 1), "demo/art/badge.svg:2: a DOCTYPE"},
		{"no role", strings.Replace(goodBadge, ` role="img"`, "", 1), `demo/art/badge.svg:2: the <svg> element needs role="img"`},
		{"no title", strings.Replace(goodBadge, `<title id="t">Demo credential</title>`, "", 1), "needs a <title> child"},
		{"empty title", strings.Replace(goodBadge, `Demo credential</title>`, ` </title>`, 1), "demo/art/badge.svg:3: the badge's <title> is empty"},
		{"no desc", strings.Replace(goodBadge, `<desc id="d">A green hexagon with the words Demo credential.</desc>`, "", 1), "needs a <desc> child"},
		{"not svg", `<html xmlns="http://www.w3.org/1999/xhtml"/>`, "demo/art/badge.svg:1: the root element must be <svg"},
		{"broken", line(4, "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\"><title>x</title>"), "demo/art/badge.svg:4: not well-formed XML"},
		{"too big", strings.Replace(goodBadge, "<text", "<!--"+strings.Repeat("x", 300<<10)+"--><text", 1), "demo/art/badge.svg:1: the image is"},
		{"baked", strings.Replace(goodBadge, "<title", `<openbadges:credential xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"/><title`, 1), "already carries a baked credential"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cat, diags := pack.Load(demoPack(map[string]string{"program.yaml": withBadge, "art/badge.svg": tc.svg}), "demo")
			if !strings.Contains(fmt.Sprint(diags), tc.want) {
				t.Fatalf("diagnostics %v, want one with %q", diags, tc.want)
			}
			if len(cat.Programs) != 1 || cat.Programs[0].Badge != nil {
				t.Fatal("a refused badge lost the program or was kept")
			}
		})
	}
	for name, ref := range map[string]string{"outside the pack": "../badge.svg", "not SVG": "art/badge.png", "missing": "art/none.svg"} {
		t.Run(name, func(t *testing.T) {
			_, diags := pack.Load(demoPack(map[string]string{"program.yaml": programYAML + "badge: " + ref + "\n", "art/badge.svg": goodBadge}), "demo")
			if !strings.Contains(fmt.Sprint(diags), "demo/program.yaml:9: badge") {
				t.Fatalf("badge %s: %v", ref, diags)
			}
		})
	}
}

// FuzzPackBadge feeds arbitrary badge images to the loader: never a
// panic, and an accepted image is well-formed SVG with a role and no
// script.
func FuzzPackBadge(f *testing.F) {
	f.Add(goodBadge)
	f.Add(`<svg xmlns="http://www.w3.org/2000/svg" role="img"><title>a</title><desc>b</desc></svg>`)
	f.Add(`<svg xmlns="http://www.w3.org/2000/svg" role="img"><title>a</title><desc>b</desc><script/></svg>`)
	f.Add("<?xml version=\"1.0\"?><!DOCTYPE x><svg/>")
	f.Fuzz(func(t *testing.T, svg string) {
		withBadge := programYAML + "badge: badge.svg\n"
		cat, _ := pack.Load(demoPack(map[string]string{"program.yaml": withBadge, "badge.svg": svg}), "demo")
		if len(cat.Programs) != 1 {
			t.Fatal("the program was lost")
		}
		if b := cat.Programs[0].Badge; b != nil {
			low := strings.ToLower(string(b))
			if !strings.Contains(low, `role="img"`) && !strings.Contains(low, `role='img'`) || strings.Contains(low, "<script") || strings.Contains(low, "<!doctype") {
				t.Fatalf("accepted %q", svg)
			}
		}
	})
}
