package pack

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"strings"
	"unicode/utf8"
)

// A program may bring its own badge artwork (program.yaml `badge:`, an SVG
// file of the pack); without one, the server draws the badge from the
// program's name and level. The image is embedded in every credential of
// the program and shown on public pages, so it must be accessible and
// inert: checkBadge reads it as XML (never rendering it) and refuses what
// could run, load anything from elsewhere, or leave it unlabelled.

// maxBadgeBytes bounds a badge image: every credential carries it.
const maxBadgeBytes = 256 << 10

const svgNamespace = "http://www.w3.org/2000/svg"

// badgeError is a problem of a badge image at a line of its file.
type badgeError struct {
	Line int
	Msg  string
}

func (e *badgeError) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Msg) }

// forbiddenElements could run script, embed other documents or fetch.
var forbiddenElements = map[string]string{
	"script":        "a script",
	"foreignObject": "foreign content (HTML inside SVG)",
	"iframe":        "an embedded document",
	"object":        "an embedded document",
	"embed":         "an embedded document",
	"a":             "a link",
	"animate":       "animation, which can change attributes to links or script",
	"set":           "animation, which can change attributes to links or script",
	"handler":       "an event handler",
	"listener":      "an event handler",
}

// checkBadge checks a program's badge image: an SVG document (no DOCTYPE,
// so no entities) whose root <svg> has role="img" and a non-empty <title>
// and <desc> among its children (what a screen reader announces), with no
// script, foreign content, links, animation, event-handler attributes or
// references outside the image (href only to "#id" or a data:image/
// URI; no url() or @import in styles but to "#id").
func checkBadge(data []byte) error {
	if len(data) > maxBadgeBytes {
		return &badgeError{1, fmt.Sprintf("the image is %d bytes; a badge is at most %d (every credential carries it)", len(data), maxBadgeBytes)}
	}
	if !utf8.Valid(data) {
		return &badgeError{1, "the image is not UTF-8 text"}
	}
	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.Strict = true
	line := func() int { l, _ := dec.InputPos(); return l }
	depth := 0
	var (
		rootSeen           bool
		title, desc        bool
		text               strings.Builder
		inTitle, inDesc    bool
		inStyle            bool
		titleLine, seenEnd int
	)
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			msg := err.Error()
			var se *xml.SyntaxError
			if errors.As(err, &se) {
				return &badgeError{se.Line, "not well-formed XML: " + se.Msg}
			}
			return &badgeError{line(), "not well-formed XML: " + msg}
		}
		switch t := tok.(type) {
		case xml.Directive:
			return &badgeError{line(), "a DOCTYPE or other directive is not allowed (it could declare entities)"}
		case xml.ProcInst:
			if t.Target != "xml" {
				return &badgeError{line(), fmt.Sprintf("processing instruction <?%s?> is not allowed", t.Target)}
			}
		case xml.StartElement:
			if depth == 0 {
				if rootSeen || seenEnd > 0 {
					return &badgeError{line(), "the image has more than one root element"}
				}
				rootSeen = true
				if t.Name.Local != "svg" || t.Name.Space != svgNamespace {
					return &badgeError{line(), fmt.Sprintf("the root element must be <svg xmlns=%q>, not <%s>", svgNamespace, t.Name.Local)}
				}
				if attr(t, "role") != "img" {
					return &badgeError{line(), `the <svg> element needs role="img", so that it is announced as one image`}
				}
			}
			if what, bad := forbiddenElements[t.Name.Local]; bad {
				return &badgeError{line(), fmt.Sprintf("<%s> is not allowed in a badge: %s", t.Name.Local, what)}
			}
			if t.Name.Space == "https://purl.imsglobal.org/ob/v3p0" {
				return &badgeError{line(), "the image already carries a baked credential"}
			}
			for _, a := range t.Attr {
				if err := checkBadgeAttr(t.Name.Local, a); err != "" {
					return &badgeError{line(), err}
				}
			}
			if depth == 1 && t.Name.Space == svgNamespace {
				switch t.Name.Local {
				case "title":
					inTitle, titleLine = true, line()
					text.Reset()
				case "desc":
					inDesc = true
					text.Reset()
				}
			}
			inStyle = t.Name.Local == "style"
			depth++
		case xml.EndElement:
			depth--
			if inTitle && depth == 1 {
				title, inTitle = strings.TrimSpace(text.String()) != "", false
				if !title {
					return &badgeError{titleLine, "the badge's <title> is empty: it is the name a screen reader says"}
				}
			}
			if inDesc && depth == 1 {
				desc, inDesc = strings.TrimSpace(text.String()) != "", false
			}
			inStyle = false
			if depth == 0 {
				seenEnd = line()
			}
		case xml.CharData:
			if inTitle || inDesc {
				text.Write(t)
			}
			if inStyle {
				if msg := checkCSS(string(t)); msg != "" {
					return &badgeError{line(), msg}
				}
			}
		}
	}
	switch {
	case !rootSeen:
		return &badgeError{1, "the file has no <svg> element"}
	case !title:
		return &badgeError{1, "the <svg> element needs a <title> child naming the badge (a screen reader says it)"}
	case !desc:
		return &badgeError{1, "the <svg> element needs a <desc> child describing the badge"}
	}
	return nil
}

func attr(e xml.StartElement, name string) string {
	for _, a := range e.Attr {
		if a.Name.Local == name && a.Name.Space == "" {
			return a.Value
		}
	}
	return ""
}

// checkBadgeAttr returns why an attribute is not allowed, or "".
func checkBadgeAttr(elem string, a xml.Attr) string {
	name := strings.ToLower(a.Name.Local)
	switch {
	case strings.HasPrefix(name, "on"):
		return fmt.Sprintf("event-handler attribute %s= on <%s> is not allowed", a.Name.Local, elem)
	case name == "href" || name == "src":
		v := strings.TrimSpace(a.Value)
		if strings.HasPrefix(v, "#") || (elem == "image" && (strings.HasPrefix(v, "data:image/png") || strings.HasPrefix(v, "data:image/jpeg") || strings.HasPrefix(v, "data:image/gif"))) {
			return ""
		}
		return fmt.Sprintf("<%s %s=%q>: a badge may refer only to its own parts (#id) or embed a PNG, JPEG or GIF image as data:, never load anything from elsewhere", elem, a.Name.Local, truncate(v, 40))
	case name == "style":
		return checkCSS(a.Value)
	}
	return ""
}

// checkCSS refuses style that loads from elsewhere.
func checkCSS(css string) string {
	low := strings.ToLower(css)
	if strings.Contains(low, "@import") {
		return "style with @import is not allowed: a badge loads nothing from elsewhere"
	}
	for rest := low; ; {
		i := strings.Index(rest, "url(")
		if i < 0 {
			return ""
		}
		rest = strings.TrimLeft(rest[i+4:], " \t\r\n'\"")
		if !strings.HasPrefix(rest, "#") {
			return "style with url() other than url(#id) is not allowed: a badge loads nothing from elsewhere"
		}
	}
}

func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}

// loadBadge reads and checks the badge image a program names; problems are
// reported at the image's lines, and the program then gets the drawn badge.
func (l *loader) loadBadge(dir, name string, r *reporter, at int) []byte {
	clean := path.Clean(name)
	if name == "" || path.IsAbs(name) || clean == ".." || strings.HasPrefix(clean, "../") || path.Ext(clean) != ".svg" {
		r.errorf(at, "badge %q must be an .svg file inside the pack", name)
		return nil
	}
	file := path.Join(dir, clean)
	data, err := fs.ReadFile(l.fsys, file)
	if err != nil {
		r.errorf(at, "badge: %v", err)
		return nil
	}
	if err := checkBadge(data); err != nil {
		br := l.reporter(file, 0)
		var be *badgeError
		if errors.As(err, &be) {
			br.errorf(be.Line, "%s", be.Msg)
		} else {
			br.errorf(0, "%v", err)
		}
		return nil
	}
	return data
}
