// Package certlab holds the domain of certlab: programs, exams, items,
// attempts and users, the error codes every layer shares, and the store
// interfaces that the database adapters implement. It imports nothing else
// of the project, so every other package can depend on it.
package certlab

import (
	"errors"
	"fmt"
	"time"
)

// Error codes. They are stable: API clients match on them.
const (
	ECONFLICT       = "conflict"          // the action conflicts with the current state
	EINTERNAL       = "internal"          // a bug or an outage; details only in the log
	EINVALID        = "invalid"           // the request is malformed or breaks a rule
	ENOTFOUND       = "not_found"         // no such thing (or not visible to the caller)
	EUNAUTHORIZED   = "unauthorized"      // not signed in
	EFORBIDDEN      = "forbidden"         // signed in, but not allowed
	EDEADLINE       = "deadline_passed"   // the attempt's time is up
	ESECTIONCLOSED  = "section_closed"    // the section is completed and cannot be reopened
	ENOTREVISITABLE = "not_revisitable"   // a yes/no statement already answered and left behind
	ESCHEMA         = "schema_behind"     // the database schema is older than this binary
	EEXAMOPEN       = "exam_in_progress"  // the candidate is taking an exam: other activity waits until it is submitted
	ETOOMANY        = "too_many_requests" // too many attempts (failed sign-ins, registrations): wait RetryAfter
	EBUSY           = "busy"              // the server is at capacity for this kind of request: retry after RetryAfter
)

// Error is an error with a stable code and a message safe to show to users.
type Error struct {
	Code    string
	Message string
	// RetryAfter, for ETOOMANY and EBUSY, is how long the client should
	// wait before trying again.
	RetryAfter time.Duration
}

func (e *Error) Error() string { return fmt.Sprintf("%s: %s", e.Code, e.Message) }

// Errorf returns an *Error with the given code and formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL for
// any other non-nil error, and "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the user-facing message of err: the message of an
// *Error, or "internal error" for anything else.
func ErrorMessage(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "internal error"
}

// RetryAfter returns how long the client should wait before retrying, from
// the first *Error in err's chain; 0 when it does not say.
func RetryAfter(err error) time.Duration {
	var e *Error
	if errors.As(err, &e) {
		return e.RetryAfter
	}
	return 0
}
