package storage

import (
	"errors"
	"fmt"
	"log/slog"
)

// Open builds the store cfg.Backend names.
func Open(cfg Config) (Store, error) {
	if errs := cfg.Validate(); len(errs) > 0 {
		return nil, fmt.Errorf("storage: %w", errors.Join(errs...))
	}
	if cfg.Legacy != "" {
		slog.Warn("STORAGE_BACKEND="+cfg.Legacy+" chose the reference system's result cache; results now live in the database and files under FILES_ROOT: using local files",
			"files_root", cfg.FilesRoot)
	}
	switch cfg.Backend {
	case BackendS3:
		return NewS3(cfg.S3)
	default:
		return NewLocal(cfg.FilesRoot)
	}
}
