package badge

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/xml"
	"fmt"
	"strings"
	"unicode/utf8"
)

// BadgeArt is what a generated badge image shows and says.
type BadgeArt struct {
	Title       string // the achievement's name, drawn on the badge
	Kind        string // a short line under the title, such as "Certification"
	Issuer      string // the issuer's name, drawn at the bottom
	Description string // the longer text alternative (the SVG's <desc>)
	// Seed picks the badge's colour, so each achievement keeps its own;
	// the achievement's id is a good seed.
	Seed string
}

// BadgeSVG draws an achievement's badge as an accessible SVG: the image
// has role="img" and is labelled by its <title> (the name) and described
// by its <desc>, so a screen reader says what the badge is; the name is
// also drawn as text, wrapped on up to three lines. The output depends
// only on art, so the portal and the credential show the same image.
func BadgeSVG(art BadgeArt) []byte {
	title := strings.TrimSpace(art.Title)
	if title == "" {
		title = "Badge"
	}
	desc := strings.TrimSpace(art.Description)
	if desc == "" {
		desc = title
	}
	if art.Issuer != "" {
		desc = fmt.Sprintf("%s badge issued by %s. %s", title, art.Issuer, desc)
	}
	sum := sha256.Sum256([]byte(art.Seed + "\x00" + title))
	hue := (int(sum[0])<<8 | int(sum[1])) % 360
	dark := fmt.Sprintf("hsl(%d,55%%,28%%)", hue)
	mid := fmt.Sprintf("hsl(%d,60%%,42%%)", hue)
	light := fmt.Sprintf("hsl(%d,70%%,93%%)", hue)

	lines := wrapText(title, 16, 3)
	size := 30
	if len(lines) == 3 {
		size = 25
	}
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	b.WriteString(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 400 400" width="400" height="400" role="img" aria-labelledby="badge-title badge-desc">` + "\n")
	fmt.Fprintf(&b, "<title id=\"badge-title\">%s</title>\n", xmlText(title))
	fmt.Fprintf(&b, "<desc id=\"badge-desc\">%s</desc>\n", xmlText(desc))
	// A hexagon with a ribbon, in the achievement's colour.
	fmt.Fprintf(&b, `<polygon points="200,12 363,106 363,294 200,388 37,294 37,106" fill="%s"/>`+"\n", dark)
	fmt.Fprintf(&b, `<polygon points="200,32 346,116 346,284 200,368 54,284 54,116" fill="%s"/>`+"\n", light)
	fmt.Fprintf(&b, `<polygon points="200,48 332,124 332,276 200,352 68,276 68,124" fill="none" stroke="%s" stroke-width="4"/>`+"\n", mid)
	fmt.Fprintf(&b, `<rect x="20" y="262" width="360" height="48" rx="6" fill="%s"/>`+"\n", mid)
	b.WriteString(`<g font-family="DejaVu Sans, Verdana, Arial, sans-serif" text-anchor="middle">` + "\n")
	y := 170 - (len(lines)-1)*size/2
	for _, l := range lines {
		fmt.Fprintf(&b, `<text x="200" y="%d" font-size="%d" font-weight="700" fill="%s">%s</text>`+"\n", y, size, dark, xmlText(l))
		y += size + 6
	}
	if k := strings.TrimSpace(art.Kind); k != "" {
		fmt.Fprintf(&b, `<text x="200" y="243" font-size="17" fill="%s">%s</text>`+"\n", dark, xmlText(truncateRunes(k, 32)))
	}
	if is := strings.TrimSpace(art.Issuer); is != "" {
		fmt.Fprintf(&b, `<text x="200" y="294" font-size="20" font-weight="700" fill="#ffffff">%s</text>`+"\n", xmlText(truncateRunes(is, 28)))
	}
	b.WriteString("</g>\n</svg>\n")
	return b.Bytes()
}

// DataURI returns data as a base64 data: URI of the media type, the form
// in which certlab embeds a badge image in a credential.
func DataURI(mediaType string, data []byte) string {
	return "data:" + mediaType + ";base64," + base64.StdEncoding.EncodeToString(data)
}

// wrapText breaks s into at most max lines of about width characters,
// shortening the last line with an ellipsis when the text is longer.
func wrapText(s string, width, max int) []string {
	var lines []string
	cur := ""
	words := strings.Fields(s)
	for i, w := range words {
		switch {
		case cur == "":
			cur = w
		case utf8.RuneCountInString(cur)+1+utf8.RuneCountInString(w) <= width:
			cur += " " + w
		default:
			lines = append(lines, cur)
			cur = w
		}
		if len(lines) == max {
			rest := strings.Join(words[i:], " ")
			lines[max-1] = truncateRunes(lines[max-1]+" "+rest, width)
			return lines
		}
	}
	if cur != "" {
		lines = append(lines, truncateRunes(cur, width+4))
	}
	return lines
}

// truncateRunes shortens s to n runes, ending in an ellipsis if it was longer.
func truncateRunes(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// xmlText escapes s for XML character data and attribute values.
func xmlText(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}
