package badge

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
	"time"
)

func TestIsPublicAddr(t *testing.T) {
	t.Parallel()
	tests := []struct {
		ip     string
		public bool
	}{
		{"93.184.215.14", true},
		{"2606:4700::6810:84e5", true},
		{"127.0.0.1", false},
		{"::1", false},
		{"10.1.2.3", false},
		{"172.16.0.1", false},
		{"192.168.1.1", false},
		{"169.254.169.254", false}, // cloud metadata
		{"100.64.0.1", false},
		{"0.0.0.0", false},
		{"::ffff:127.0.0.1", false},
		{"fc00::1", false},
		{"fe80::1", false},
		{"224.0.0.1", false},
	}
	for _, tc := range tests {
		t.Run(tc.ip, func(t *testing.T) {
			t.Parallel()
			if got := IsPublicAddr(netip.MustParseAddr(tc.ip)); got != tc.public {
				t.Errorf("IsPublicAddr(%s) = %v, want %v", tc.ip, got, tc.public)
			}
		})
	}
}

func TestPublicHTTPClientRefusesLoopback(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("{}")) }))
	t.Cleanup(srv.Close)
	// The same server is reachable with an ordinary client...
	if _, err := fetchJSON(context.Background(), srv.Client(), srv.URL); err != nil {
		t.Fatalf("ordinary client: %v", err)
	}
	// ...but not with the client for untrusted fetches.
	_, err := fetchJSON(context.Background(), NewPublicHTTPClient(5*time.Second), srv.URL)
	if err == nil || !strings.Contains(err.Error(), "not a public Internet address") {
		t.Fatalf("public client reached %s: err = %v", srv.URL, err)
	}
}
