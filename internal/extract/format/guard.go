package format

import (
	"context"
	"fmt"
)

// Guard runs fn in its own goroutine and returns when fn finishes or when
// ctx ends, whichever comes first, so that a deadline holds even for a
// converter stuck in a long call. When ctx ends first Guard returns
// ctx.Err(); the abandoned goroutine runs on until fn returns. A panic in fn
// becomes a corrupt error with detail; onPanic (may be nil) runs first, in
// the goroutine, with the panic value.
func Guard(ctx context.Context, detail string, fn func() (Output, error), onPanic func(any)) (Output, error) {
	type result struct {
		out Output
		err error
	}
	done := make(chan result, 1)
	go func() {
		defer func() {
			if p := recover(); p != nil {
				if onPanic != nil {
					onPanic(p)
				}
				done <- result{err: &Error{Code: CodeCorrupt, Detail: detail, Err: fmt.Errorf("panic: %v", p)}}
			}
		}()
		out, err := fn()
		done <- result{out, err}
	}()
	select {
	case r := <-done:
		return r.out, r.err
	case <-ctx.Done():
		return Output{}, ctx.Err()
	}
}
