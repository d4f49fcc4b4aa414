// Package httperror maps certlab's error codes to HTTP, once for the JSON
// API, the web UI and the middleware in front of both: the status of each
// code, and the JSON error body. Internal errors are logged with their
// detail and shown as "internal error".
package httperror

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/certlab/certlab"
)

// Status is the HTTP status of an error code.
func Status(code string) int {
	switch code {
	case certlab.EINVALID:
		return http.StatusBadRequest
	case certlab.EUNAUTHORIZED:
		return http.StatusUnauthorized
	case certlab.EFORBIDDEN:
		return http.StatusForbidden
	case certlab.ENOTFOUND:
		return http.StatusNotFound
	case certlab.ECONFLICT, certlab.ESECTIONCLOSED, certlab.ENOTREVISITABLE, certlab.EDEADLINE, certlab.EEXAMOPEN:
		return http.StatusConflict
	case certlab.ETOOMANY:
		return http.StatusTooManyRequests
	case certlab.ESCHEMA, certlab.EBUSY:
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// Body is the JSON of every error response.
type Body struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

// Log logs err with the request when it is an internal error, whose
// detail users never see.
func Log(logger *slog.Logger, r *http.Request, err error) {
	if certlab.ErrorCode(err) == certlab.EINTERNAL && logger != nil {
		logger.Error("internal error", "method", r.Method, "path", r.URL.Path, "err", err)
	}
}

// SetRetryAfter sets the Retry-After header (whole seconds, rounded up)
// when err says how long to wait.
func SetRetryAfter(w http.ResponseWriter, err error) {
	if d := certlab.RetryAfter(err); d > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(int((d+time.Second-1)/time.Second)))
	}
}

// WriteJSON answers a request with err as a JSON error body under the
// status of its code (with Retry-After when the error says how long to
// wait).
func WriteJSON(w http.ResponseWriter, r *http.Request, logger *slog.Logger, err error) {
	Log(logger, r, err)
	SetRetryAfter(w, err)
	code := certlab.ErrorCode(err)
	var body Body
	body.Error.Code, body.Error.Message = code, certlab.ErrorMessage(err)
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(Status(code))
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(body)
}
