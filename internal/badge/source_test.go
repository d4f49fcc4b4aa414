package badge

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestReadCredential(t *testing.T) {
	t.Parallel()
	body := `{"hello":"credential"}`
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/c/1" {
			http.NotFound(w, r)
			return
		}
		w.Write([]byte(body))
	}))
	t.Cleanup(srv.Close)
	path := filepath.Join(t.TempDir(), "c.json")
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	big := filepath.Join(t.TempDir(), "big.json")
	if err := os.WriteFile(big, make([]byte, maxCredentialBytes+1), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, src, stdin, wantErr string
	}{
		{"file", path, "", ""},
		{"stdin", "-", body, ""},
		{"url", srv.URL + "/c/1", "", ""},
		{"missing file", filepath.Join(t.TempDir(), "nope.json"), "", "no such file"},
		{"url not found", srv.URL + "/c/2", "", "404"},
		{"too large", big, "", "larger than"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := ReadCredential(context.Background(), tc.src, strings.NewReader(tc.stdin), srv.Client())
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want one containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil || string(got) != body {
				t.Fatalf("ReadCredential = %q, %v; want %q", got, err, body)
			}
		})
	}
}
