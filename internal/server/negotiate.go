package server

import (
	"mime"
	"net/http"
	"strconv"
	"strings"
)

// The public credential documents (a credential, an achievement, the
// issuer, a shared transcript) live at one URL each, which is what holders
// share: a browser asking for it gets the web UI's page, everyone else the
// JSON-LD (or JSON) the API serves, unchanged. The choice follows the
// Accept header (RFC 9110 §12.5.1): the page only when text/html ranks
// strictly higher than every JSON type certlab serves there, so a client
// that names no type, or accepts anything equally (*/*), gets the
// document, as before.

// jsonTypes are the media types the public documents are served as.
var jsonTypes = []string{"application/json", "application/ld+json", "application/vc+ld+json", "application/vc+jwt",
	"application/did+json", "application/did+ld+json"}

// htmlTypes are the media types of the pages.
var htmlTypes = []string{"text/html", "application/xhtml+xml"}

// mediaRange is one element of an Accept header.
type mediaRange struct {
	typ, sub string
	q        float64
}

// parseAccept reads an Accept header; elements that cannot be read are
// skipped, as RFC 9110 lets a server do.
func parseAccept(h string) []mediaRange {
	var out []mediaRange
	for _, part := range strings.Split(h, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		mt, params, err := mime.ParseMediaType(part)
		if err != nil {
			continue
		}
		typ, sub, ok := strings.Cut(mt, "/")
		if !ok || typ == "" || sub == "" || (typ == "*" && sub != "*") {
			continue
		}
		q := 1.0
		if v, ok := params["q"]; ok {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil || f < 0 || f > 1 {
				continue
			}
			q = f
		}
		out = append(out, mediaRange{typ: typ, sub: sub, q: q})
	}
	return out
}

// quality is the q an Accept header gives a media type: that of the most
// specific range that matches it, 0 when none does.
func quality(ranges []mediaRange, mediaType string) float64 {
	typ, sub, _ := strings.Cut(mediaType, "/")
	best, spec := 0.0, -1
	for _, r := range ranges {
		s := -1
		switch {
		case r.typ == typ && r.sub == sub:
			s = 2
		case r.typ == typ && r.sub == "*":
			s = 1
		case r.typ == "*":
			s = 0
		}
		if s > spec {
			best, spec = r.q, s
		}
	}
	return best
}

// PrefersHTML reports whether a request's Accept header ranks an HTML
// page strictly above every JSON type of the public documents.
func PrefersHTML(accept string) bool {
	ranges := parseAccept(accept)
	if len(ranges) == 0 {
		return false
	}
	html := 0.0
	for _, t := range htmlTypes {
		html = max(html, quality(ranges, t))
	}
	doc := 0.0
	for _, t := range jsonTypes {
		doc = max(doc, quality(ranges, t))
	}
	return html > 0 && html > doc
}

// negotiated serves a public document from the API (doc) or, for a
// browser, as the web UI's page (page). ?format= always means the
// document. Both answers vary with Accept, which caches are told.
func negotiated(doc, page http.Handler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Add("Vary", "Accept")
		if r.URL.Query().Get("format") == "" && PrefersHTML(r.Header.Get("Accept")) {
			page.ServeHTTP(w, r)
			return
		}
		doc.ServeHTTP(w, r)
	}
}

// negotiatingRouter registers routes on mux, serving the patterns the web
// UI has a page for through negotiated.
type negotiatingRouter struct {
	mux   *http.ServeMux
	pages map[string]http.Handler
}

func (n negotiatingRouter) Handle(pattern string, h http.Handler) {
	if page, ok := n.pages[pattern]; ok {
		h = negotiated(h, page)
	}
	n.mux.Handle(pattern, h)
}

func (n negotiatingRouter) HandleFunc(pattern string, h func(http.ResponseWriter, *http.Request)) {
	n.Handle(pattern, http.HandlerFunc(h))
}
