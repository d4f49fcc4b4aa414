package web

import (
	"net/http"
	"strings"
)

// ConsentPage is the OAuth 2.0 consent page of the Open Badges API
// (internal/obapi decides what it shows; its Consent type is declared
// alike, field for field, so that internal/app converts one to the
// other). When Error is set the page shows only the error.
type ConsentPage struct {
	Status         int
	Error          string
	ClientName     string
	ClientURI      string
	TOSURI         string
	PolicyURI      string
	RedirectOrigin string
	Scopes         []struct{ ID, Description string }
	Params         []struct{ Name, Value string }
	Action         string
}

// RenderConsent renders the consent page with the headers of every page.
// Its form may lead to the application's redirect origin, where the
// answer is sent (CSP form-action covers the redirect after the post).
func (h *Handler) RenderConsent(w http.ResponseWriter, r *http.Request, c ConsentPage) {
	formAction := "'self'"
	if o := c.RedirectOrigin; o != "" && !strings.ContainsAny(o, " ;,'\"") {
		formAction += " " + o
	}
	hd := w.Header()
	hd.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action "+formAction+"; frame-ancestors 'none'")
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Referrer-Policy", "no-referrer")
	hd.Set("X-Frame-Options", "DENY")
	title := "Allow access"
	if c.Error != "" {
		title = "Access request refused"
	}
	status := c.Status
	if status == 0 {
		status = http.StatusOK
	}
	h.render(w, r, status, "consent", page{Title: title, Data: c})
}
