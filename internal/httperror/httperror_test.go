package httperror_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/internal/httperror"
)

func TestStatus(t *testing.T) {
	tests := []struct {
		code string
		want int
	}{
		{certlab.EINVALID, 400},
		{certlab.EUNAUTHORIZED, 401},
		{certlab.EFORBIDDEN, 403},
		{certlab.ENOTFOUND, 404},
		{certlab.ECONFLICT, 409},
		{certlab.ESECTIONCLOSED, 409},
		{certlab.ENOTREVISITABLE, 409},
		{certlab.EDEADLINE, 409},
		{certlab.ESCHEMA, 503},
		{certlab.EEXAMOPEN, 409},
		{certlab.EINTERNAL, 500},
		{"no-such-code", 500},
	}
	for _, tt := range tests {
		t.Run(tt.code, func(t *testing.T) {
			if got := httperror.Status(tt.code); got != tt.want {
				t.Fatalf("Status(%q) = %d, want %d", tt.code, got, tt.want)
			}
		})
	}
}

func TestWriteJSON(t *testing.T) {
	tests := []struct {
		name       string
		err        error
		status     int
		code, msg  string
		logsDetail bool
	}{
		{"coded error", certlab.Errorf(certlab.ENOTFOUND, "attempt 7 not found"), 404, certlab.ENOTFOUND, "attempt 7 not found", false},
		{"wrapped coded error", errors.Join(errors.New("ctx"), certlab.Errorf(certlab.ECONFLICT, "full")), 409, certlab.ECONFLICT, "full", false},
		{"internal error", errors.New("disk on fire at /var/db"), 500, certlab.EINTERNAL, "internal error", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var logs bytes.Buffer
			logger := slog.New(slog.NewTextHandler(&logs, nil))
			w := httptest.NewRecorder()
			httperror.WriteJSON(w, httptest.NewRequest("GET", "/api/v1/x", nil), logger, tt.err)
			var b httperror.Body
			if err := json.Unmarshal(w.Body.Bytes(), &b); err != nil {
				t.Fatalf("body %q: %v", w.Body, err)
			}
			if w.Code != tt.status || b.Error.Code != tt.code || b.Error.Message != tt.msg {
				t.Fatalf("got %d %+v, want %d %s %q", w.Code, b, tt.status, tt.code, tt.msg)
			}
			if ct := w.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
				t.Fatalf("Content-Type %q", ct)
			}
			if strings.Contains(w.Body.String(), "disk on fire") {
				t.Fatal("the detail of an internal error reached the client")
			}
			if got := strings.Contains(logs.String(), "disk on fire"); got != tt.logsDetail {
				t.Fatalf("log %q: detail logged %v, want %v", logs.String(), got, tt.logsDetail)
			}
		})
	}
}
