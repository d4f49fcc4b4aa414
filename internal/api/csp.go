package api

import (
	"crypto/sha256"
	"encoding/base64"
	"io/fs"
	"strings"
)

// verifyCSP is the Content-Security-Policy of the verification page: no
// script at all, and only the page's own <style> blocks, allowed by their
// SHA-256 hashes rather than 'unsafe-inline'.
var verifyCSP = "default-src 'none'; style-src " + styleHashes(credentialTemplates, "templates/verify.html") + "; form-action 'self'"

// styleHashes returns the CSP sources of the <style> blocks of a template
// file: 'sha256-…' of each block's text, which the template writes out
// unchanged; 'none' without any. A template that cannot be read panics at
// start-up.
func styleHashes(fsys fs.FS, name string) string {
	b, err := fs.ReadFile(fsys, name)
	if err != nil {
		panic("api: " + err.Error())
	}
	var out []string
	for rest := string(b); ; {
		_, after, ok := strings.Cut(rest, "<style>")
		if !ok {
			break
		}
		css, tail, ok := strings.Cut(after, "</style>")
		if !ok {
			panic("api: " + name + ": <style> without </style>")
		}
		if strings.Contains(css, "{{") {
			panic("api: " + name + ": a <style> block with template actions cannot be hashed")
		}
		sum := sha256.Sum256([]byte(css))
		out = append(out, "'sha256-"+base64.StdEncoding.EncodeToString(sum[:])+"'")
		rest = tail
	}
	if len(out) == 0 {
		return "'none'"
	}
	return strings.Join(out, " ")
}
