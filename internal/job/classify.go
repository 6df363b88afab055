package job

import (
	"context"
	"errors"

	"github.com/curatore/curatore/internal/apperr"
	"github.com/curatore/curatore/internal/extract"
	"github.com/curatore/curatore/internal/extract/format"
	"github.com/curatore/curatore/internal/llm"
)

// permanentError is a failure that running again will not fix.
type permanentError struct {
	code, msg string
	err       error
}

func (e *permanentError) Error() string { return e.msg }
func (e *permanentError) Unwrap() error { return e.err }

func permanent(code, msg string, err error) error {
	return &permanentError{code: code, msg: msg, err: err}
}

// classify names a failure: a stable code for one that must not be retried
// (an extraction failure, the time limit, bad input), "" for a transient one.
func classify(ctx context.Context, err error) (code, msg string) {
	var p *permanentError
	var fe *format.Error
	var ff *extract.Failure
	switch {
	case errors.As(err, &p):
		return p.code, p.msg
	case errors.Is(ctx.Err(), context.DeadlineExceeded) || errors.Is(err, context.DeadlineExceeded):
		return "timeout", "the job exceeded its time limit (JOB_TIMEOUT)"
	case llm.IsTransient(err):
		return "", err.Error()
	case errors.As(err, &ff), errors.As(err, &fe):
		c := format.CodeOf(err)
		if c == format.CodeTimeout && ctx.Err() == nil {
			return "", err.Error() // an engine's own timeout: worth another run
		}
		return "extraction_" + string(c), err.Error()
	case errors.Is(err, apperr.NotFound), errors.Is(err, apperr.Invalid):
		return "invalid", err.Error()
	}
	return "", err.Error()
}
