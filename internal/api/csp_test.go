package api_test

import (
	"crypto/sha256"
	"encoding/base64"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
)

var styleBlock = regexp.MustCompile(`(?s)<style>(.*?)</style>`)

// The public verification page allows no script and no inline style but
// its own <style> blocks, by hash: every block the page serves matches a
// hash of its CSP.
func TestVerifyPageCSP(t *testing.T) {
	ts := startCredentialServer(t)
	for _, path := range []string{"/verify", "/verify?credential=%7B%7D"} {
		resp, err := http.Get(ts.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		csp := resp.Header.Get("Content-Security-Policy")
		if resp.StatusCode != 200 || csp == "" || strings.Contains(csp, "unsafe-inline") || !strings.Contains(csp, "default-src 'none'") {
			t.Fatalf("GET %s: %d, CSP %q", path, resp.StatusCode, csp)
		}
		blocks := styleBlock.FindAllStringSubmatch(string(body), -1)
		if len(blocks) == 0 {
			t.Fatalf("GET %s: no <style> block to check", path)
		}
		for _, b := range blocks {
			sum := sha256.Sum256([]byte(b[1]))
			if h := "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"; !strings.Contains(csp, h) {
				t.Fatalf("GET %s: the page's style block hashes to %s, which CSP %q does not allow", path, h, csp)
			}
		}
	}
}
