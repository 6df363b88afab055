package extract

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/curatore/curatore/internal/extract/format"
	"github.com/curatore/curatore/internal/extract/remote"
)

// Extractor runs engines in order until one succeeds.
type Extractor struct {
	// Engines are tried in this order.
	Engines []Engine
	// Options are passed to every engine.
	Options format.Options
	// Retries is how often a transient failure is retried per engine.
	Retries int
	// Backoff is the first pause before a retry; it doubles each time.
	Backoff time.Duration
}

// New builds the Extractor that cfg describes: the engine named by
// cfg.Priority first, then the other configured engines as fallbacks
// (native, docling, default). "auto" currently means native first.
func New(cfg Config) (*Extractor, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	engines := map[string]Engine{EngineNative: Native{}}
	if cfg.DoclingURL != "" {
		engines[EngineDocling] = DoclingEngine{remote.NewDocling(cfg.DoclingURL, cfg.DoclingTimeout, cfg.DoclingVerifySSL)}
	}
	if cfg.ServiceURL != "" {
		engines[EngineService] = ServiceEngine{remote.NewService(cfg.ServiceURL, cfg.ServiceAPIKey, cfg.ServiceTimeout)}
	}
	first := cfg.Priority
	if first == EngineAuto {
		first = EngineNative
	}
	x := &Extractor{Options: cfg.Options(), Retries: 2, Backoff: 500 * time.Millisecond}
	for _, name := range []string{first, EngineNative, EngineDocling, EngineService} {
		if e, ok := engines[name]; ok {
			x.Engines = append(x.Engines, e)
			delete(engines, name)
		}
	}
	return x, nil
}

// Prefer returns a copy of x that tries the engine called name first and
// the others after it, in their order. An engine that is not configured is
// an engine_unavailable error; "" or "auto" keeps the order.
func (x *Extractor) Prefer(name string) (*Extractor, error) {
	c := *x
	if name == "" || name == EngineAuto {
		return &c, nil
	}
	c.Engines = nil
	found := false
	for _, e := range x.Engines {
		if e.Name() == name {
			c.Engines = append([]Engine{e}, c.Engines...)
			found = true
		} else {
			c.Engines = append(c.Engines, e)
		}
	}
	if !found {
		return nil, format.Errorf(format.CodeEngineUnavailable, "extraction engine %q is not configured", name)
	}
	return &c, nil
}

// Failure is the error of an extraction in which every engine failed. It
// unwraps to the first engine's error, whose code is the one reported.
type Failure struct {
	Attempts []Attempt
	Err      error
}

func (f *Failure) Error() string {
	if len(f.Attempts) <= 1 {
		return f.Err.Error()
	}
	s := f.Err.Error()
	for _, a := range f.Attempts[1:] {
		s += fmt.Sprintf("; fallback %s: %s", a.Engine, a.Error)
	}
	return s
}

func (f *Failure) Unwrap() error { return f.Err }

// Extract converts in with the first engine that succeeds. The Result names
// the engine, lists every attempt and carries a warning for each fallback.
func (x *Extractor) Extract(ctx context.Context, in Input) (*Result, error) {
	start := time.Now()
	var attempts []Attempt
	var firstErr error
	var notes []string
	for _, e := range x.Engines {
		res, a, err := x.try(ctx, e, in)
		attempts = append(attempts, a)
		if err == nil {
			res.Attempts = attempts
			res.Warnings = append(notes, res.Warnings...)
			res.Duration = time.Since(start)
			return res, nil
		}
		if firstErr == nil {
			firstErr = err
		}
		notes = append(notes, fmt.Sprintf("engine %s failed (%s), fell back", e.Name(), a.Error))
		if ctx.Err() != nil {
			break
		}
	}
	if firstErr == nil {
		firstErr = format.Errorf(format.CodeUnsupported, "no extraction engine configured")
	}
	return nil, &Failure{Attempts: attempts, Err: firstErr}
}

// try runs one engine, retrying transient failures with backoff.
func (x *Extractor) try(ctx context.Context, e Engine, in Input) (*Result, Attempt, error) {
	a := Attempt{Engine: e.Name()}
	start := time.Now()
	pause := x.Backoff
	for {
		res, err := e.Extract(ctx, in, x.Options)
		if err == nil {
			a.OK, a.Duration = true, time.Since(start)
			return res, a, nil
		}
		if !transient(err) || a.Retries >= x.Retries || ctx.Err() != nil {
			a.Code, a.Error, a.Duration = format.CodeOf(err), err.Error(), time.Since(start)
			return nil, a, err
		}
		select {
		case <-ctx.Done():
		case <-time.After(pause):
		}
		a.Retries++
		pause *= 2
	}
}

// transient reports whether err is worth retrying.
func transient(err error) bool {
	var t interface{ Temporary() bool }
	return errors.As(err, &t) && t.Temporary()
}

// Health probes every engine that can be probed (the remote ones) and
// returns the failures by engine name; an empty map means all are up.
func (x *Extractor) Health(ctx context.Context) map[string]error {
	down := map[string]error{}
	for _, e := range x.Engines {
		if h, ok := e.(interface{ Health(context.Context) error }); ok {
			if err := h.Health(ctx); err != nil {
				down[e.Name()] = err
			}
		}
	}
	return down
}
