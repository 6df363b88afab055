package health

import (
	"context"

	"github.com/curatore/curatore/internal/storage"
)

// Storage returns the check for the blob store: local files are healthy
// when their folder is writable, S3 when its bucket answers to the
// configured credentials.
func Storage(s storage.Store) Check {
	return func(ctx context.Context) Report {
		c, ok := s.(storage.Checker)
		if !ok {
			return Report{Status: Unknown, Message: "this storage backend has no check"}
		}
		details := c.Describe()
		if err := c.Check(ctx); err != nil {
			return Report{Status: Unhealthy, Message: "storage unavailable: " + err.Error(), Details: details}
		}
		return Report{Status: Healthy, Message: "storage is reachable", Details: details}
	}
}
