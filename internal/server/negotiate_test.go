package server

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// TestPrefersHTML checks the choice between a page and the document for
// the Accept headers browsers, tools and verifiers send.
func TestPrefersHTML(t *testing.T) {
	for _, tc := range []struct {
		name, accept string
		html         bool
	}{
		{"Chromium", "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7", true},
		{"Firefox", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", true},
		{"Safari", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", true},
		{"no header", "", false},
		{"curl", "*/*", false},
		{"JSON-LD", "application/ld+json", false},
		{"JSON", "application/json", false},
		{"VC", "application/vc+ld+json", false},
		{"VC-JWT", "application/vc+jwt", false},
		{"certlab's fetcher", "application/json, application/ld+json, application/vc+ld+json, application/vc+jwt, application/did+json", false},
		{"equal preference goes to the document", "text/html, application/ld+json", false},
		{"JSON preferred", "text/html;q=0.5, application/ld+json", false},
		{"HTML preferred over JSON", "application/json;q=0.4, text/html", true},
		{"application/* covers JSON", "text/html;q=0.8, application/*", false},
		{"text/* is HTML", "text/*", true},
		{"HTML refused", "text/html;q=0, */*", false},
		{"specific beats wildcard", "*/*;q=0.9, application/ld+json;q=0.1, text/html", true},
		{"broken elements are skipped", "text/html;q=x, ;;, application/ld+json", false},
		{"type without subtype", "text, */*", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := PrefersHTML(tc.accept); got != tc.html {
				t.Fatalf("PrefersHTML(%q) = %v, want %v", tc.accept, got, tc.html)
			}
		})
	}
}

// FuzzPrefersHTML checks that no Accept header makes the parser panic or
// gives a client that names no HTML type a page.
func FuzzPrefersHTML(f *testing.F) {
	for _, s := range []string{"text/html", "*/*;q=0.8", "application/ld+json;q=1.0, text/html;q=0.9", ";q=", "a/b;c=\"d,e\""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, accept string) {
		html := PrefersHTML(accept)
		ranges := parseAccept(accept)
		if html && quality(ranges, "text/html") == 0 && quality(ranges, "application/xhtml+xml") == 0 {
			t.Fatalf("%q gets a page without accepting HTML", accept)
		}
		for _, r := range ranges {
			if r.q < 0 || r.q > 1 {
				t.Fatalf("%q: q %v out of range", accept, r.q)
			}
		}
	})
}

// TestNegotiated checks the wrapper: the page for a browser, the document
// otherwise and whenever ?format= asks for it, Vary: Accept on both.
func TestNegotiated(t *testing.T) {
	doc := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("doc")) })
	page := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("page")) })
	h := negotiated(doc, page)
	for _, tc := range []struct{ target, accept, want string }{
		{"/credentials/x", "text/html", "page"},
		{"/credentials/x", "application/ld+json", "doc"},
		{"/credentials/x", "", "doc"},
		{"/credentials/x?format=json", "text/html", "doc"},
		{"/credentials/x?format=jwt", "text/html", "doc"},
	} {
		r := httptest.NewRequest("GET", tc.target, nil)
		if tc.accept != "" {
			r.Header.Set("Accept", tc.accept)
		}
		w := httptest.NewRecorder()
		h(w, r)
		if w.Body.String() != tc.want || w.Header().Get("Vary") != "Accept" {
			t.Errorf("%s with Accept %q: %q, Vary %q; want %q", tc.target, tc.accept, w.Body, w.Header().Get("Vary"), tc.want)
		}
	}
}
