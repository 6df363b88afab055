package storage

import (
	"errors"
	"fmt"
)

// Open builds the store cfg.Backend names.
func Open(cfg Config) (Store, error) {
	if errs := cfg.Validate(); len(errs) > 0 {
		return nil, fmt.Errorf("storage: %w", errors.Join(errs...))
	}
	switch cfg.Backend {
	case BackendS3:
		return nil, errors.New("storage: the s3 backend is not built in yet")
	default:
		return NewLocal(cfg.FilesRoot)
	}
}
