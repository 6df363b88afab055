package storage

import (
	"context"
	"errors"
	"fmt"
	"sync"
)

// The actions Copy takes per object.
const (
	ActionCopy   = "copy"   // copied (or, in a dry run, would be)
	ActionSkip   = "skip"   // already at the destination with the same size
	ActionFailed = "failed" // could not be read, written or checked
)

// CopyOptions tune Copy.
type CopyOptions struct {
	// Prefix limits the copy to keys under it ("" = everything).
	Prefix string
	// DryRun lists what would be copied without writing anything.
	DryRun bool
	// Workers is how many objects are copied at once (default 4).
	Workers int
	// OnObject is called once per object with its outcome, from one
	// goroutine at a time (the command prints its table from it).
	OnObject func(CopyResult)
}

// CopyResult is one object's outcome.
type CopyResult struct {
	Key    string
	Size   int64
	Action string
	Err    error
}

// CopyReport totals a copy.
type CopyReport struct {
	Copied, Skipped, Failed int
	CopiedBytes             int64
}

// Copy streams every object of src under opts.Prefix to dst, keeping keys.
// It is resumable: an object already in dst with the same size is skipped,
// so a copy that was interrupted is finished by running it again. One
// failed object does not stop the others; the report counts them, and the
// error is non-nil only when listing the source fails.
func Copy(ctx context.Context, src, dst Store, opts CopyOptions) (CopyReport, error) {
	workers := opts.Workers
	if workers <= 0 {
		workers = 4
	}
	var (
		rep  CopyReport
		mu   sync.Mutex
		wg   sync.WaitGroup
		jobs = make(chan Info)
	)
	record := func(r CopyResult) {
		mu.Lock()
		defer mu.Unlock()
		switch r.Action {
		case ActionCopy:
			rep.Copied++
			rep.CopiedBytes += r.Size
		case ActionSkip:
			rep.Skipped++
		default:
			rep.Failed++
		}
		if opts.OnObject != nil {
			opts.OnObject(r)
		}
	}
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for info := range jobs {
				record(copyOne(ctx, src, dst, info, opts.DryRun))
			}
		}()
	}
	err := src.List(ctx, opts.Prefix, func(info Info) error {
		select {
		case jobs <- info:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	})
	close(jobs)
	wg.Wait()
	return rep, err
}

// copyOne copies one object unless dst already has it at the same size.
func copyOne(ctx context.Context, src, dst Store, info Info, dryRun bool) CopyResult {
	res := CopyResult{Key: info.Key, Size: info.Size, Action: ActionFailed}
	have, err := dst.Stat(ctx, info.Key)
	switch {
	case err == nil && have.Size == info.Size:
		res.Action = ActionSkip
		return res
	case err != nil && !errors.Is(err, ErrNotFound):
		res.Err = err
		return res
	}
	if dryRun {
		res.Action = ActionCopy
		return res
	}
	rc, err := src.Get(ctx, info.Key)
	if err != nil {
		res.Err = err
		return res
	}
	defer rc.Close()
	put, err := dst.Put(ctx, info.Key, rc, info.Size)
	if err != nil {
		res.Err = err
		return res
	}
	if put.Size != info.Size {
		res.Err = fmt.Errorf("wrote %d bytes, source has %d", put.Size, info.Size)
		return res
	}
	res.Action = ActionCopy
	return res
}
