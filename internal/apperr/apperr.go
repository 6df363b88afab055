// Package apperr defines the few kinds of error the domain code returns —
// NotFound, Conflict, Invalid (with field errors), Unauthenticated,
// Forbidden, RateLimited — so the HTTP layer can map them to status codes
// with errors.Is, and the domain code never imports net/http.
package apperr

import (
	"errors"
	"fmt"
	"time"
)

// The kinds. Match them with errors.Is(err, apperr.NotFound).
var (
	NotFound        = errors.New("not found")
	Conflict        = errors.New("conflict")
	Invalid         = errors.New("invalid")
	Unauthenticated = errors.New("unauthenticated")
	Forbidden       = errors.New("forbidden")
	RateLimited     = errors.New("rate limited")
	Unavailable     = errors.New("unavailable")
	TooLarge        = errors.New("too large")        // a body or file over its limit (413)
	Unsupported     = errors.New("unsupported type") // a file type that is not accepted (415)
)

// FieldError says what is wrong with one input field.
type FieldError struct {
	Field  string `json:"field"`
	Reason string `json:"reason"`
}

// Error is a domain error of one kind with a stable code, a human detail and
// optional field errors.
type Error struct {
	Kind       error
	Code       string // stable, machine-readable, e.g. "email_taken"
	Detail     string // for humans; never contains secrets
	Fields     []FieldError
	RetryAfter time.Duration // RateLimited only
	Constraint string        // database constraint, for logs only
	// Extra are members added to the problem document beside code and
	// detail (e.g. active_job_id of a conflict); never secrets.
	Extra map[string]any
	Err   error // cause, for logs only
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, e.Detail, e.Err)
	}
	return e.Code + ": " + e.Detail
}

// Is makes errors.Is(err, apperr.NotFound) work.
func (e *Error) Is(target error) bool { return target == e.Kind }

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// WithConstraint records the database constraint that failed.
func (e *Error) WithConstraint(c string) *Error {
	e.Constraint = c
	return e
}

// New makes an Error of a kind.
func New(kind error, code, detail string) *Error {
	return &Error{Kind: kind, Code: code, Detail: detail}
}

// Wrap makes an Error of a kind with a cause.
func Wrap(kind error, code, detail string, cause error) *Error {
	return &Error{Kind: kind, Code: code, Detail: detail, Err: cause}
}

// NotFoundf says a resource does not exist (or is not visible to the caller).
func NotFoundf(what string) *Error {
	return New(NotFound, "not_found", what+" not found")
}

// Field returns an Invalid error about one field.
func Field(field, reason string) *Error {
	return &Error{Kind: Invalid, Code: "validation_error", Detail: field + ": " + reason,
		Fields: []FieldError{{Field: field, Reason: reason}}}
}

// Fields collects field errors; Err returns nil while none were added.
type Fields []FieldError

// Add records a problem with field.
func (f *Fields) Add(field, reason string) { *f = append(*f, FieldError{Field: field, Reason: reason}) }

// Err returns an Invalid error listing every field problem, or nil.
func (f Fields) Err() error {
	if len(f) == 0 {
		return nil
	}
	return &Error{Kind: Invalid, Code: "validation_error", Detail: "the request has invalid fields", Fields: f}
}

// As returns err as an *Error when it is one.
func As(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}
